"""Run history: list runs, compare two runs site by site, prune old runs safely."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from reports.trends import change_kind
from xxgk.errors import UserError
from xxgk.store import (
    Crawl,
    Finding,
    ReportRecord,
    Run,
    Score,
    Site,
    delete_crawl_contents,
)

BUCKET_OF = {"new_problem": "new_failures", "fixed": "fixed", "still_failing": "still_failing",
             "newly_unchecked": "newly_unchecked"}  # reports.trends' change kinds → SiteDiff's lists


@dataclass
class RunSummary:
    id: int
    started_at: object
    finished_at: object
    status: str
    mode: str
    rubric_id: str | None
    sites: int
    pages: int
    label: str | None


def list_runs(session: Session) -> list[RunSummary]:
    """Every run, newest first, with its site and page counts."""
    counts = dict(session.execute(select(Crawl.run_id, func.count(Crawl.id)).group_by(Crawl.run_id)).all())
    pages = dict(session.execute(select(Crawl.run_id, func.coalesce(func.sum(Crawl.pages), 0))
                                 .group_by(Crawl.run_id)).all())
    return [RunSummary(r.id, r.started_at, r.finished_at, r.status, r.mode, r.rubric_id, counts.get(r.id, 0),
                       int(pages.get(r.id, 0)), r.label)
            for r in session.scalars(select(Run).order_by(Run.id.desc()))]


def _require(session: Session, run_id: int) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise UserError(f"no run {run_id} in the store", field="RUN")
    return run


def ranks(totals: dict[int, float | None]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) of sites by total; unscored sites get no rank."""
    scored = sorted((t, s) for s, t in totals.items() if t is not None)
    out: dict[int, int] = {}
    for site_id, total in totals.items():
        if total is not None:
            out[site_id] = 1 + sum(1 for t, _s in scored if t > total)
    return out


def run_totals(session: Session, run_id: int, rubric_id: str) -> dict[int, float | None]:
    """Total percent per site of a run for a rubric (None where nothing could be scored)."""
    rows = session.execute(select(Score.site_id, Score.percent).where(
        Score.run_id == run_id, Score.rubric_id == rubric_id, Score.section_id == "total")).all()
    return {site_id: pct for site_id, pct in rows}


@dataclass
class SiteDiff:
    site_id: int
    name: str
    url: str
    score_a: float | None
    score_b: float | None
    rank_a: int | None
    rank_b: int | None
    # each entry: (item id, item name, status in A, status in B)
    new_failures: list[tuple[str, str, str, str]] = field(default_factory=list)  # new problem
    fixed: list[tuple[str, str, str, str]] = field(default_factory=list)
    still_failing: list[tuple[str, str, str, str]] = field(default_factory=list)
    newly_unchecked: list[tuple[str, str, str, str]] = field(default_factory=list)  # newly not checkable
    only_in: str | None = None  # "A" or "B" when the site is in one run's site list only

    @property
    def score_change(self) -> float | None:
        if self.score_a is None or self.score_b is None:
            return None
        return round(self.score_b - self.score_a, 2)

    @property
    def rank_change(self) -> int | None:
        """Positive when the site moved up (a smaller rank number)."""
        if self.rank_a is None or self.rank_b is None:
            return None
        return self.rank_a - self.rank_b


def diff_runs(session: Session, run_a: int, run_b: int, rubric_id: str | None = None) -> list[SiteDiff]:
    """Per site in either run: score and rank change, items newly failing and items fixed (A → B)."""
    a, b = _require(session, run_a), _require(session, run_b)
    rubric_id = rubric_id or b.rubric_id or a.rubric_id
    if not rubric_id:
        raise UserError("the runs name no rubric; pass --rubric", field="--rubric")
    totals_a, totals_b = run_totals(session, a.id, rubric_id), run_totals(session, b.id, rubric_id)
    ranks_a, ranks_b = ranks(totals_a), ranks(totals_b)

    def statuses(run_id: int) -> dict[tuple[int, str], tuple[str, str]]:
        rows = session.execute(select(Finding.site_id, Finding.item_id, Finding.item_name, Finding.status).where(
            Finding.run_id == run_id, Finding.rubric_id == rubric_id)).all()
        return {(s, i): (n, st) for s, i, n, st in rows}

    st_a, st_b = statuses(a.id), statuses(b.id)
    site_ids = sorted(set(totals_a) | set(totals_b) | {s for s, _ in st_a} | {s for s, _ in st_b})
    sites = {s.id: s for s in session.scalars(select(Site).where(Site.id.in_(site_ids)))}
    out = []
    for sid in site_ids:
        d = SiteDiff(sid, sites[sid].name, sites[sid].url, totals_a.get(sid), totals_b.get(sid),
                     ranks_a.get(sid), ranks_b.get(sid))
        in_a = any(s == sid for s, _ in st_a) or sid in totals_a
        in_b = any(s == sid for s, _ in st_b) or sid in totals_b
        d.only_in = None if in_a and in_b else ("A" if in_a else "B")
        for (site, item), (name, after) in sorted(st_b.items(), key=lambda kv: _item_key(kv[0][1])):
            if site != sid:
                continue
            before = st_a.get((site, item), (name, None))[1]
            if before is None:
                continue
            bucket = _bucket(before, after, d)
            if bucket is not None:
                bucket.append((item, name, before, after))
        out.append(d)
    return out


def _bucket(before: str, after: str, d: SiteDiff) -> list[tuple[str, str, str, str]] | None:
    """Which list of the diff an item's change from `before` to `after` belongs to (None: no news)."""
    kind = change_kind(before, after)
    return None if kind is None else getattr(d, BUCKET_OF[kind])


def diff_warnings(session: Session, run_a: int, run_b: int, rubric_id: str | None = None) -> list[str]:
    """What makes two runs not quite comparable: different site lists, rubric files or rubrics."""
    a, b = _require(session, run_a), _require(session, run_b)
    rubric_id = rubric_id or b.rubric_id or a.rubric_id
    out: list[str] = []
    sites_a, sites_b = _run_sites(session, a.id), _run_sites(session, b.id)
    for run, only in ((a.id, sites_a.keys() - sites_b.keys()), (b.id, sites_b.keys() - sites_a.keys())):
        if only:
            names = sorted((sites_a | sites_b)[s] for s in only)
            shown = "、".join(names[:10]) + (f" …（{len(names)}）" if len(names) > 10 else "")
            out.append(f"the site lists differ: only run {run} has {shown}")
    if a.rubric_hash and b.rubric_hash and a.rubric_hash != b.rubric_hash and a.rubric_id == b.rubric_id:
        out.append(f"the rubric file changed between the runs (sha256 {a.rubric_hash[:12]} → {b.rubric_hash[:12]})")
    for run in (a, b):
        scored = session.scalar(select(func.count(Score.id)).where(Score.run_id == run.id,
                                                                    Score.rubric_id == rubric_id))
        if not scored:
            out.append(f"run {run.id} has no scores for rubric {rubric_id}")
    return out


def _run_sites(session: Session, run_id: int) -> dict[int, str]:
    rows = session.execute(select(Site.id, Site.name).join(Crawl, Crawl.site_id == Site.id)
                           .where(Crawl.run_id == run_id)).all()
    return dict(rows)


def _delete_runs(session: Session, run_ids: list[int]) -> None:
    """Bulk-delete runs and everything under them, children first (no ORM loading of big runs)."""
    delete_crawl_contents(session, select(Crawl.id).where(Crawl.run_id.in_(run_ids)).scalar_subquery())
    for table in (Finding, Score, ReportRecord, Crawl):
        session.execute(delete(table).where(table.run_id.in_(run_ids)))
    session.execute(delete(Run).where(Run.id.in_(run_ids)))
    session.flush()


def _item_key(item_id: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in item_id.replace("-", ".").split("."))


@dataclass
class PruneResult:
    deleted: list[int]
    kept_for_reports: dict[int, list[str]]  # run id → report folders that still refer to it


def prune_runs(session: Session, keep: int, *, force: bool = False, dry_run: bool = False) -> PruneResult:
    """Delete all but the newest `keep` runs. A run that a report on disk still refers to is kept
    (and named) unless force is set, so a published report never loses its data silently."""
    if keep < 0:
        raise UserError("--keep must be 0 or more", field="--keep")
    runs = list(session.scalars(select(Run.id).order_by(Run.id.desc())))
    candidates = runs[keep:]
    referenced: dict[int, list[str]] = {}
    for rec in session.scalars(select(ReportRecord)):
        if not Path(rec.out_dir).exists():
            continue
        for rid in (rec.run_id, rec.baseline_run_id):
            if rid in candidates:
                referenced.setdefault(rid, []).append(rec.out_dir)
    doomed = [r for r in candidates if force or r not in referenced]
    if doomed and not dry_run:
        _delete_runs(session, doomed)
    kept = {} if force else {r: sorted(set(p)) for r, p in referenced.items()}
    return PruneResult(deleted=doomed, kept_for_reports=kept)
