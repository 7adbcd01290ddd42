"""Scoring: run an item's checks for every site of a run and write `Finding` and `Score` rows.

Statuses and the denominator (v1, method `weighted`):
- pass → credit 1; partial → the check's credit; fail → 0.
- needs_review → 0 points but the item stays in the denominator (eligible): an unconfirmed item
  does not earn points until a human confirms it, and the report flags it.
- not_checked and not_applicable → excluded from the denominator (never counted as fail).
Score.percent = points / eligible_points × 100 (None when nothing is eligible).

Scoring methods live in `METHODS` (name → function over an item's outcomes); `deduction` and
`veto+deduction` slot in there without touching the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import scoring.checks  # noqa: F401  (registers the bundled check kinds)
from scoring.checks.registry import get_check_def
from scoring.context import SiteContext
from scoring.match import Matcher
from scoring.outcome import CheckOutcome, combine
from scoring.rubric import Rubric, RubricItem, Section
from xxgk.errors import UserError
from xxgk.store import NOT_APPLICABLE, NOT_CHECKED, Crawl, Finding, Run, Score

log = logging.getLogger(__name__)

EXCLUDED_FROM_DENOMINATOR = (NOT_CHECKED, NOT_APPLICABLE)


@dataclass
class ItemResult:
    """An item's combined outcome with its points."""

    section: Section
    item: RubricItem
    outcome: CheckOutcome
    points: float
    max_points: float


def _weighted(section: Section, item: RubricItem, outcome: CheckOutcome) -> ItemResult:
    mx = item.max_points
    pts = round(mx * max(0.0, min(1.0, outcome.credit)), 4)
    return ItemResult(section, item, outcome, pts, mx)


ItemScorer = Callable[[Section, RubricItem, CheckOutcome], ItemResult]
METHODS: dict[str, ItemScorer] = {"weighted": _weighted}


def run_checks(ctx: SiteContext, item: RubricItem) -> CheckOutcome:
    """Run every check of the item and combine them."""
    outcomes: list[CheckOutcome] = []
    for spec in item.checks:
        cdef = get_check_def(spec.kind)
        if cdef is None:  # the loader rejects these; guard for hand-built rubrics
            raise UserError(f"unknown check kind {spec.kind!r}", field=f"item {item.id}")
        params = cdef.params_model.model_validate(spec.params)
        outcomes.append(cdef.func(ctx, item, params))
    return combine(outcomes)


def _applicability(rubric: Rubric, ctx: SiteContext) -> CheckOutcome | None:
    kind = ctx.site.kind
    if rubric.applies_to != "any" and kind and kind != rubric.applies_to:
        why = f"规则适用于 {rubric.applies_to}，站点类型为 {kind}"
        return CheckOutcome("applies_to", NOT_APPLICABLE, message="不适用", reason=why)
    return None


def score_crawl(session: Session, crawl: Crawl, rubric: Rubric, matcher: Matcher | None = None) -> list[ItemResult]:
    """Score one crawl (one site of a run) and replace its findings and scores for this rubric."""
    if rubric.method not in METHODS:
        raise UserError(f"scoring method {rubric.method!r} is not implemented yet "
                        f"(available: {', '.join(METHODS)})", field="method")
    scorer = METHODS[rubric.method]
    matcher = matcher or Matcher(rubric)
    ctx = SiteContext.load(session, crawl, matcher)
    na = _applicability(rubric, ctx)
    results = [scorer(s, i, na if na is not None else run_checks(ctx, i)) for s, i in rubric.items()]

    session.execute(delete(Finding).where(Finding.run_id == crawl.run_id, Finding.site_id == crawl.site_id,
                                          Finding.rubric_id == rubric.id))
    session.execute(delete(Score).where(Score.run_id == crawl.run_id, Score.site_id == crawl.site_id,
                                        Score.rubric_id == rubric.id))
    for r in results:
        o = r.outcome
        session.add(Finding(
            run_id=crawl.run_id, site_id=crawl.site_id, rubric_id=rubric.id,
            section_id=r.section.id, section_name=r.section.name, item_id=r.item.id, item_name=r.item.name,
            check_kind=o.kind, status=o.status, credit=o.credit, points=r.points, max_points=r.max_points,
            message=o.message, reason=o.reason, evidence=o.evidence, matched=o.matched,
        ))
    for sid, sname, rs in _groups(rubric, results):
        session.add(_score_row(crawl, rubric, sid, sname, rs))
    session.flush()
    return results


def _groups(rubric: Rubric, results: list[ItemResult]) -> list[tuple[str, str, list[ItemResult]]]:
    out = [(s.id, s.name, [r for r in results if r.section.id == s.id]) for s in rubric.sections]
    out.append(("total", "总分", results))
    return out


def _score_row(crawl: Crawl, rubric: Rubric, sid: str, sname: str, rs: list[ItemResult]) -> Score:
    points = round(sum(r.points for r in rs), 4)
    mx = round(sum(r.max_points for r in rs), 4)
    eligible = round(sum(r.max_points for r in rs if r.outcome.status not in EXCLUDED_FROM_DENOMINATOR), 4)
    percent = round(points / eligible * 100, 2) if eligible > 0 else None
    return Score(run_id=crawl.run_id, site_id=crawl.site_id, rubric_id=rubric.id, section_id=sid,
                 section_name=sname, points=points, max_points=mx, eligible_points=eligible,
                 percent=percent, veto=None)


def score_run(session: Session, run_id: int, rubric: Rubric) -> None:
    """Score every crawl of the run against the rubric, replacing earlier findings/scores for it."""
    run = session.get(Run, run_id)
    if run is None:
        raise UserError(f"no run with id {run_id}", field="run")
    matcher = Matcher(rubric)
    crawls = session.scalars(select(Crawl).where(Crawl.run_id == run_id).order_by(Crawl.id)).all()
    for crawl in crawls:
        score_crawl(session, crawl, rubric, matcher)
        log.info("scored site %s (crawl %s) with %s", crawl.site_id, crawl.id, rubric.id)
    session.flush()
