"""Numbers for the ranking page, computed from the scores frame and the findings' sums (reports.finding_sums)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reports.finding_sums import FindingSums, frame_sums
from scoring.rates import EXCLUDED, RULE, counts, rate_of
from xxgk.store import FAIL, NEEDS_REVIEW, NOT_CHECKED

PASS_MARK = 60.0
UNSCORED = EXCLUDED


@dataclass
class Ranking:
    """The ranked table plus the aggregates the ranking page shows."""

    table: pd.DataFrame  # rank, site_id, site_name, site_url, total, eligible, passed, verdict, veto, sec_<id>
    sections: list[tuple[str, str]]  # (section_id, section_name) in rubric order
    items: pd.DataFrame  # item_id, item_name, section_name, rate, fails, sites
    distribution: list[tuple[str, int]]  # (band label, site count)
    summary: dict
    categories: pd.DataFrame | None = None  # section_id, section_name, rate, items
    pass_mark: float = PASS_MARK


def _section_order(scores: pd.DataFrame, sums: FindingSums) -> list[tuple[str, str]]:
    if not sums.empty:
        return [s for s in sums.sections if s[0] != "total"]
    order: list[tuple[str, str]] = []
    for sid, name in zip(scores.section_id, scores.section_name, strict=True):
        if sid != "total" and (sid, name) not in order:
            order.append((sid, name))
    return order


def _num(value: object) -> float | None:
    if _num_na(value):
        return None
    return round(float(value), 2)  # type: ignore[arg-type]


def pass_words(method: str) -> tuple[str, str]:
    """(pass, fail) words: 及格/不及格 for weighted checklists, 合格/不合格 for deduction inspections."""
    return ("及格", "不及格") if method == "weighted" else ("合格", "不合格")


def verdict(total: float | None, veto: str | None, pass_mark: float, method: str = "weighted") -> str | None:
    """及格 / 不及格 (合格 / 不合格) at the pass mark; 不合格 under a single veto; None when unscored."""
    if veto:
        return "不合格"
    if total is None:
        return None
    ok, bad = pass_words(method)
    return ok if total >= pass_mark else bad


def rank_sites(sites: pd.DataFrame, scores: pd.DataFrame, findings: pd.DataFrame | FindingSums,
               pass_mark: float = PASS_MARK, method: str = "weighted") -> Ranking:
    """Rank sites by total score (percent of eligible points); ties share a rank; vetoed sites come last.

    `findings`: the run's findings frame, or their sums (`reports.finding_sums`), all the ranking reads of them.
    """
    sums = findings if isinstance(findings, FindingSums) else frame_sums(findings)
    sections = _section_order(scores, sums)
    totals = scores[scores.section_id == "total"].drop_duplicates("site_id").set_index("site_id")
    section_pct: dict[tuple, object] = {}
    for key in zip(scores.site_id, scores.section_id, scores.percent, strict=True):
        section_pct.setdefault(key[:2], key[2])
    tally = sums.tally
    rows = []
    for site in sites.itertuples():
        has = site.site_id in totals.index
        total = _num(totals.percent.get(site.site_id)) if has else None
        veto = totals.veto.get(site.site_id) if has else None
        veto = veto if isinstance(veto, str) and veto else None
        row = {"site_id": site.site_id, "site_name": site.site_name, "site_url": site.site_url,
               "crawl_status": site.crawl_status, "total": total,
               "points": float(totals.points.get(site.site_id, 0.0)) if has else 0.0,
               "eligible": float(totals.eligible_points.get(site.site_id, 0.0)) if has else 0.0,
               "max_points": float(totals.max_points.get(site.site_id, 0.0)) if has else 0.0,
               "veto": veto, "verdict": verdict(total, veto, pass_mark, method),
               "coverage_note": getattr(site, "coverage_note", None) or None}
        for sid, _name in sections:
            row[f"sec_{sid}"] = _num(section_pct.get((site.site_id, sid)))
        row["not_checked"] = int(tally.get((site.site_id, NOT_CHECKED), 0))
        row["needs_review"] = int(tally.get((site.site_id, NEEDS_REVIEW), 0))
        row["fails"] = int(tally.get((site.site_id, FAIL), 0))
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        table = pd.DataFrame(columns=["rank", "site_id", "site_name", "site_url", "total", "passed", "veto",
                                      "verdict"])
    else:
        table["passed"] = [None if _num(t) is None else (not isinstance(v, str) and t >= pass_mark)
                           for t, v in zip(table.total, table.veto, strict=True)]
        table["_vetoed"] = [isinstance(v, str) for v in table.veto]
        # a vetoed site without a total (scoring stopped at the veto) still ranks, after every other site
        table["_key"] = [float("-inf") if v and _num(t) is None else t
                         for t, v in zip(table.total.astype(float), table._vetoed, strict=True)]
        table["_unscored"] = [_num(k) is None for k in table._key]
        table = table.sort_values(["_unscored", "_vetoed", "_key", "site_name"], ascending=[True, True, False, True],
                                  na_position="last", kind="mergesort").reset_index(drop=True)
        ranks: list[int | None] = []
        prev: tuple | None = None
        for i, (vetoed, key) in enumerate(zip(table._vetoed, table._key, strict=True)):
            if pd.isna(key):
                ranks.append(None)
                continue
            ranks.append(ranks[-1] if prev == (vetoed, key) else i + 1)  # ties share the better rank
            prev = (vetoed, key)
        table["rank"] = pd.array(ranks, dtype="Int64")
        table = table.drop(columns=["_vetoed", "_key", "_unscored"])
    return Ranking(table=table, sections=sections, items=item_rates(sums),
                   distribution=distribution(table), summary=summarise(table, pass_mark, method),
                   categories=category_rates(sums, sections), pass_mark=pass_mark)


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with NaN/NA turned into None, for templates and JSON."""
    return [{k: (None if _num_na(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _num_na(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and pd.isna(value)


def category_rates(sums: FindingSums, sections: list[tuple[str, str]]) -> pd.DataFrame:
    """Average 得分率 per category (section) across all sites, under `scoring.rates`' rule."""
    rows = []
    for sid, name in sections:
        own = sums.section_rows.get(sid)
        rows.append({"section_id": sid, "section_name": name,
                     "rate": rate_of((st, pts, mx) for st, _n, pts, mx in own).percent if own else None,
                     "items": int(sums.section_items.get(sid, 0))})
    return pd.DataFrame(rows, columns=["section_id", "section_name", "rate", "items"])


def item_rates(sums: FindingSums) -> pd.DataFrame:
    """得分率 per rubric item across all sites, under `scoring.rates`' rule.

    `sites` counts the sites the item was judged on (the rate's denominator), `fails` those that failed
    it, and `review` / `unchecked` those left out because they await review or could not be checked.
    """
    cols = ["item_id", "item_name", "section_name", "rate", "fails", "sites", "review", "unchecked"]
    if not sums.items:
        return pd.DataFrame(columns=cols)
    rows = []
    for item in sums.items:  # one row per item, whatever sites call it
        n = {status: count for status, count, _pts, _mx in item.rows}
        judged = sum(count for status, count in n.items() if counts(status))
        review = n.get(NEEDS_REVIEW, 0)
        rows.append({"item_id": item.item_id, "item_name": item.item_name, "section_name": item.section_name,
                     "rate": rate_of((st, pts, mx) for st, _n, pts, mx in item.rows).percent,
                     "fails": int(n.get(FAIL, 0)), "sites": int(judged), "review": int(review),
                     "unchecked": int(sum(n.values()) - judged - review)})
    return pd.DataFrame(rows, columns=cols)


def distribution(table: pd.DataFrame) -> list[tuple[str, int]]:
    """Sites per 10-point band of the total score (the last band includes 100)."""
    bands = [(lo, lo + 10) for lo in range(0, 100, 10)]
    totals = [t for t in table.get("total", []) if t is not None and not pd.isna(t)]
    out = []
    for lo, hi in bands:
        n = sum(1 for t in totals if lo <= t < hi or (hi == 100 and t == 100))
        out.append((f"{lo}–{hi}", n))
    return out


def summarise(table: pd.DataFrame, pass_mark: float = PASS_MARK, method: str = "weighted") -> dict:
    """Headline figures: how many sites were scored, average, range, passes."""
    totals = [t for t in table.get("total", []) if t is not None and not pd.isna(t)]
    return {
        "sites": int(len(table)),
        "scored": len(totals),
        "unscored": int(sum(1 for t, v in zip(table.get("total", []), table.get("veto", []), strict=True)
                            if _num(t) is None and not (isinstance(v, str) and v))),
        "average": round(sum(totals) / len(totals), 2) if totals else None,
        "max": max(totals) if totals else None,
        "min": min(totals) if totals else None,
        "passed": int(sum(1 for p in table.get("passed", []) if p is True)),
        "vetoed": int(sum(1 for v in table.get("veto", []) if isinstance(v, str) and v)),
        "pass_mark": pass_mark,
        "pass_word": pass_words(method)[0],
        "rate_rule": RULE,
        "judged": len(totals) + int(sum(1 for t, v in zip(table.get("total", []), table.get("veto", []), strict=True)
                                        if _num(t) is None and isinstance(v, str) and v)),
    }
