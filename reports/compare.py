"""The baseline run a report compares against, and the per-site change in score and rank.

Automatic choice: the most recent earlier run (by start time, then id) that finished (`status ==
"done"`), has scores for the same rubric id, and audited exactly the same sites (by identity, so a
site that moved to https or another port is still the same site).
`xxgk report RUN --compare RUN2` overrides it.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.store import Crawl, Run, Score


def run_sites(session: Session, run_id: int) -> frozenset[int]:
    """The sites (ids: their identity across runs) a run audited."""
    return frozenset(session.scalars(select(Crawl.site_id).where(Crawl.run_id == run_id)))


def previous_run(session: Session, run_id: int, rubric_id: str) -> int | None:
    """The most recent earlier finished run with the same rubric id and the same sites, or None."""
    run = session.get(Run, run_id)
    if run is None:
        return None
    sites = run_sites(session, run_id)
    scored = select(Score.run_id).where(Score.rubric_id == rubric_id, Score.section_id == "total").distinct()
    candidates = session.scalars(
        select(Run).where(Run.id != run_id, Run.status == "done", Run.id.in_(scored))
        .order_by(Run.started_at.desc(), Run.id.desc())).all()
    for cand in candidates:
        earlier = (cand.started_at, cand.id) < (run.started_at, run.id)
        if earlier and run_sites(session, cand.id) == sites:
            return cand.id
    return None


def changes(current: pd.DataFrame, baseline: pd.DataFrame | None) -> pd.DataFrame:
    """Per-site change by site URL: `prev_total`, `prev_rank`, `delta` (points), `rank_change` (+ = moved up).

    Both frames are ranking tables (site_url, total, rank). Sites missing from the baseline get NA.
    """
    out = pd.DataFrame({"site_url": current.get("site_url", pd.Series(dtype=object))})
    if baseline is None or baseline.empty or current.empty:
        for col in ("prev_total", "prev_rank", "delta", "rank_change"):
            out[col] = None
        return out
    base = baseline.set_index("site_url")
    prev_total = [base.total.get(u) if u in base.index else None for u in out.site_url]
    prev_rank = [base["rank"].get(u) if u in base.index else None for u in out.site_url]
    out["prev_total"] = [None if _na(v) else float(v) for v in prev_total]
    out["prev_rank"] = [None if _na(v) else int(v) for v in prev_rank]
    cur = current.set_index("site_url")
    out["delta"] = [None if _na(p) or _na(cur.total.get(u)) else round(float(cur.total.get(u)) - p, 2)
                    for u, p in zip(out.site_url, out.prev_total, strict=True)]
    out["rank_change"] = [None if _na(p) or _na(cur["rank"].get(u)) else int(p) - int(cur["rank"].get(u))
                          for u, p in zip(out.site_url, out.prev_rank, strict=True)]
    return out


def _na(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))
