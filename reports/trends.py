"""History of the run's sites: score over the last runs of the same rubric, each item's status per run,
and what changed against the baseline run, named item by item.

Runs count when they scored the rubric and started no later than this run, so an old report
re-rendered later shows the history it had. Sites are the same across runs by identity
(`xxgk/siteid.py`), whatever URL they had.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from reports.item_histories import statuses_by_item
from xxgk.store import FAIL, NEEDS_REVIEW, NOT_CHECKED, PARTIAL, PASS, Run, Score

TREND_RUNS = 8  # runs shown per site
CHANGE_SITES = 500  # sites whose statuses are held at once while the changes are found
PROBLEM = (FAIL, PARTIAL)
UNKNOWN = (NOT_CHECKED, NEEDS_REVIEW)  # could not be judged: never a problem, never a fix
CHANGE_KINDS = {"new_problem": "新发现问题", "fixed": "已整改", "still_failing": "仍未整改",
                "newly_unchecked": "新近未能检查"}


def change_kind(before: str | None, after: str | None) -> str | None:
    """How an item's status moved from one run to the next (None: nothing to report)."""
    if before is None or after is None:
        return None
    if after in PROBLEM:
        return "still_failing" if before in PROBLEM else "new_problem"
    if after == PASS:
        return "fixed" if before in PROBLEM else None
    if after in UNKNOWN and before not in UNKNOWN:
        return "newly_unchecked"
    return None


@dataclass
class Trends:
    runs: list[int] = field(default_factory=list)  # oldest first, ending with this run
    totals: dict[int, list[tuple[int, float | None]]] = field(default_factory=dict)  # site → [(run, percent)]
    scored: set[int] = field(default_factory=set)  # the sites scored in this run (those with a history)
    changes: dict[int, dict[str, list[dict]]] = field(default_factory=dict)  # site → kind → [{item, name, …}]

    def counts(self) -> dict[str, int]:
        """Every change kind summed over the sites."""
        return {k: sum(len(c.get(k, [])) for c in self.changes.values()) for k in CHANGE_KINDS}


def load_trends(session: Session, run: Run, rubric_id: str, baseline: int | None) -> Trends:
    """The history of this run's sites for `rubric_id`, and the named changes since `baseline`."""
    scored = select(Score.run_id).where(Score.rubric_id == rubric_id, Score.section_id == "total").distinct()
    earlier = session.execute(select(Run.id, Run.started_at).where(Run.id.in_(scored))).all()
    runs = sorted((r for r in earlier if (r.started_at, r.id) <= (run.started_at, run.id)),
                  key=lambda r: (r.started_at, r.id))
    run_ids = [r.id for r in runs][-TREND_RUNS:]
    if run.id not in run_ids:
        run_ids.append(run.id)
    sites = set(session.scalars(select(Score.site_id).where(Score.run_id == run.id, Score.rubric_id == rubric_id)))
    out = Trends(runs=run_ids)
    totals: dict[int, dict[int, float | None]] = defaultdict(dict)
    for site_id, run_id, percent in session.execute(
            select(Score.site_id, Score.run_id, Score.percent).where(
                Score.run_id.in_(run_ids), Score.rubric_id == rubric_id, Score.section_id == "total",
                Score.site_id.in_(sites))):
        totals[site_id][run_id] = percent
    out.totals = {s: [(r, t[r]) for r in run_ids if r in t] for s, t in totals.items()}
    out.scored = sites
    if baseline:  # the changes, read a batch of sites at a time (the item histories are read with the pages)
        def rows(stmt: Select) -> list:
            return session.connection().execute(stmt).all()

        names: dict[str, str] = {}
        ordered = sorted(sites)
        for start in range(0, len(ordered), CHANGE_SITES):
            statuses = statuses_by_item(rows, set(run_ids) | {baseline}, rubric_id,
                                        ordered[start:start + CHANGE_SITES], names)
            for (site_id, item_id), by_run in sorted(statuses.items(), key=lambda kv: _item_order(kv[0][1])):
                kind = change_kind(by_run.get(baseline), by_run.get(run.id))
                if kind:
                    out.changes.setdefault(site_id, {}).setdefault(kind, []).append(
                        {"item_id": item_id, "item_name": names[item_id], "before": by_run[baseline],
                         "after": by_run[run.id]})
    return out


def _item_order(item_id: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in item_id.replace("-", ".").split("."))


def sparkline(points: list[tuple[int, float | None]], width: int = 90, height: int = 22) -> str:
    """A tiny inline SVG of a site's total over the runs (numbers only: nothing crawled goes in)."""
    values = [(i, v) for i, (_r, v) in enumerate(points) if v is not None]
    if len(values) < 2:
        return ""
    n = max(len(points) - 1, 1)
    coords = " ".join(f"{2 + i * (width - 4) / n:.1f},{height - 2 - float(v) / 100 * (height - 4):.1f}"
                      for i, v in values)
    last = values[-1][1]
    return (f'<svg class="spark" width="{width}" height="{height}" role="img" aria-label="历次得分 '
            f'{" → ".join(f"{float(v):.1f}" for _i, v in values)}"><polyline fill="none" stroke="#3b6ea8" '
            f'stroke-width="1.5" points="{coords}"/><title>最近 {len(values)} 次：{float(last):.2f}</title></svg>')
