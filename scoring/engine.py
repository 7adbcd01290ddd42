"""Scoring: run an item's checks for every site of a run and write `Finding` and `Score` rows.

Methods (`Rubric.method`):
- `weighted`: points = weight × credit (pass 1, partial = the check's credit, fail 0).
- `deduction`: every item starts at its `points` (a cap); the check's deduction (or
  points × (1 − credit) when it gives none) is taken off, never more than the cap.
- `veto+deduction`: `veto: true` items are judged first; any veto item that fails makes the site
  不合格 and scoring stops: deduction items are recorded as not_checked ("单项否决，不再评分", their
  check details kept for reference), `Score.veto` names the veto items, and the total has
  points 0 and percent None. Without a veto it scores like `deduction`.

Statuses and the denominator follow `scoring.rates` (the one rule every report uses): needs_review,
not_checked and not_applicable earn 0 points and are excluded from the denominator under every
method (never counted as fail, and a deduction is never guessed either way).
Score.percent = points / eligible_points × 100 (None when nothing is eligible or the site is vetoed);
`verdict()` turns a total into 合格 / 不合格 with the rubric's `pass_mark`.

`score_run` also stores the rubric as scored (`RubricSnapshot`: method, pass mark, sections and weights),
which reports read instead of the rubric file.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import JSON, Dialect, TypeDecorator, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session, joinedload

import scoring.checks  # noqa: F401  (registers the bundled check kinds)
from scoring.absence import add_absence
from scoring.checks.registry import get_check_def
from scoring.context import BatchRows, SiteContext, audit_date
from scoring.gcpause import collector_paused
from scoring.jsontext import dumps
from scoring.match import Matcher
from scoring.outcome import CheckOutcome, combine
from scoring.rates import EXCLUDED, rate_of
from scoring.schema import Rubric, RubricItem, Section
from scoring.snapshot import content_hash, rubric_snapshot
from xxgk.errors import UserError
from xxgk.store import (
    FAIL,
    NOT_APPLICABLE,
    NOT_CHECKED,
    PARTIAL,
    PASS,
    Column,
    Crawl,
    Document,
    Finding,
    Item,
    Link,
    Page,
    RubricSnapshot,
    Run,
    Score,
)

log = logging.getLogger(__name__)

EXCLUDED_FROM_DENOMINATOR = EXCLUDED
PASSED = "合格"
FAILED = "不合格"


@dataclass
class ItemResult:
    """An item's combined outcome with its points."""

    section: Section
    item: RubricItem
    outcome: CheckOutcome
    points: float
    max_points: float
    eligible: bool = True


@dataclass
class SiteResult:
    """All item results of one site and the veto reason, when one applies."""

    items: list[ItemResult]
    veto: str | None = None


def _weighted_item(section: Section, item: RubricItem, outcome: CheckOutcome) -> ItemResult:
    mx = item.max_points
    pts = round(mx * max(0.0, min(1.0, outcome.credit)), 4) if outcome.status not in EXCLUDED else 0.0
    return ItemResult(section, item, outcome, pts, mx, outcome.status not in EXCLUDED_FROM_DENOMINATOR)


def _deduction_item(section: Section, item: RubricItem, outcome: CheckOutcome) -> ItemResult:
    cap = item.max_points
    if outcome.status in EXCLUDED_FROM_DENOMINATOR:
        return ItemResult(section, item, outcome, 0.0, cap, eligible=False)
    raw = outcome.deduct if outcome.deduct is not None else cap * (1 - max(0.0, min(1.0, outcome.credit)))
    raw = round(max(0.0, raw), 4)
    applied = round(min(cap, raw), 4)
    outcome.details["deduction"] = {"raw": raw, "cap": cap, "applied": applied, "capped": raw > cap}
    if outcome.deduct is not None:
        outcome.status = PASS if applied == 0 else FAIL if applied >= cap else PARTIAL
        if applied and "扣" not in outcome.message:
            outcome.message += f"（扣 {applied:g} 分" + (f"，已达上限 {cap:g} 分" if raw > cap else "") + "）"
    outcome.credit = round((cap - applied) / cap, 4) if cap else (1.0 if applied == 0 else 0.0)
    return ItemResult(section, item, outcome, round(cap - applied, 4), cap)


def _weighted(rubric: Rubric, outcomes: list[tuple[Section, RubricItem, CheckOutcome]]) -> SiteResult:
    return SiteResult([_weighted_item(s, i, o) for s, i, o in outcomes])


def _deduction(rubric: Rubric, outcomes: list[tuple[Section, RubricItem, CheckOutcome]]) -> SiteResult:
    return SiteResult([_deduction_item(s, i, o) for s, i, o in outcomes])


def _veto_deduction(rubric: Rubric, outcomes: list[tuple[Section, RubricItem, CheckOutcome]]) -> SiteResult:
    vetoes = [(i, o) for _s, i, o in outcomes if i.veto and o.status == FAIL]
    veto = "；".join(f"{i.name}（{o.message}）" for i, o in vetoes) or None
    results: list[ItemResult] = []
    for s, i, o in outcomes:
        if i.veto:
            o.details["veto"] = o.status == FAIL
            results.append(ItemResult(s, i, o, 0.0, 0.0, eligible=False))
        elif veto is not None:
            o.details["skipped_after_veto"] = {"status": o.status, "message": o.message, "deduct": o.deduct}
            stopped = CheckOutcome(o.kind, NOT_CHECKED, 0.0, message="单项否决，不再评分",
                                   reason=f"单项否决：{'、'.join(v.name for v, _o in vetoes)}",
                                   evidence=o.evidence, matched=o.matched, details=o.details)
            results.append(ItemResult(s, i, stopped, 0.0, i.max_points, eligible=False))
        else:
            results.append(_deduction_item(s, i, o))
    return SiteResult(results, veto)


SiteScorer = Callable[[Rubric, list[tuple[Section, RubricItem, CheckOutcome]]], SiteResult]
METHODS: dict[str, SiteScorer] = {"weighted": _weighted, "deduction": _deduction,
                                  "veto+deduction": _veto_deduction}


def run_checks(ctx: SiteContext, item: RubricItem) -> CheckOutcome:
    """Run every check of the item and combine them; unconfirmed parameters are noted in details."""
    outcomes: list[CheckOutcome] = []
    unconfirmed: dict[str, dict[str, object]] = {}
    for spec in item.checks:
        cdef = get_check_def(spec.kind)
        if cdef is None:  # the loader rejects these; guard for hand-built rubrics
            raise UserError(f"unknown check kind {spec.kind!r}", field=f"item {item.id}")
        params = cdef.params_model.model_validate(spec.params)
        outcomes.append(cdef.func(ctx, item, params))
        if spec.unconfirmed:
            dumped = params.model_dump(mode="json")
            unconfirmed[spec.kind] = {n: dumped[n] for n in spec.unconfirmed}
    out = combine(outcomes)
    if unconfirmed or item.unconfirmed:
        out.details["unconfirmed"] = {"item": item.unconfirmed, "params": unconfirmed,
                                      "note": item.note}
    return out


def _applicability(rubric: Rubric, ctx: SiteContext) -> CheckOutcome | None:
    kind = ctx.site.kind
    if rubric.applies_to != "any" and kind and kind != rubric.applies_to:
        why = f"规则适用于 {rubric.applies_to}，站点类型为 {kind}"
        return CheckOutcome("applies_to", NOT_APPLICABLE, message="不适用", reason=why)
    return None


def judge_crawl(session: Session, crawl: Crawl, rubric: Rubric, matcher: Matcher | None = None,
                as_of: dt.date | None = None, batch: BatchRows | None = None) -> SiteResult:
    """Run the rubric's checks on one crawl (one site of a run) and combine them by the rubric's method.

    `as_of` is the audit date (default: the run's, see `scoring.context.audit_date`); `batch` the
    crawl rows already read for a batch of crawls including this one.
    """
    if rubric.method not in METHODS:
        raise UserError(f"scoring method {rubric.method!r} is not implemented "
                        f"(available: {', '.join(METHODS)})", field="method")
    matcher = matcher or Matcher(rubric)
    ctx = SiteContext.load(session, crawl, matcher, as_of, batch)
    na = _applicability(rubric, ctx)
    outcomes = [(s, i, CheckOutcome(na.kind, na.status, message=na.message, reason=na.reason)
                 if na is not None else run_checks(ctx, i)) for s, i in rubric.items()]
    result = METHODS[rubric.method](rubric, outcomes)
    if na is not None:
        result.veto = None
    for r in result.items:  # a fail says where we looked (after the method settled the status)
        add_absence(ctx, r.item, r.outcome)
    return result


# A finding row's cells in the order `result_rows` gives them (every column but the id).
FINDING_COLUMNS = ("run_id", "site_id", "rubric_id", "section_id", "section_name", "item_id", "item_name",
                   "check_kind", "status", "credit", "points", "max_points", "message", "reason", "evidence",
                   "matched", "details")


def result_rows(crawl: Crawl, rubric: Rubric, result: SiteResult) -> tuple[list[tuple], list[dict]]:
    """The `Finding` rows (tuples of `FINDING_COLUMNS`) and `Score` rows (column → value dicts) of one
    site's result, for a bulk insert.

    A finding's JSON cells (evidence, matched, details) are JSON text already, as the store's JSON
    type would write them: a scoring process encodes its own findings and hands back strings, which
    pickle far cheaper than nested dicts, and the writing process only binds them. Tuples, not dicts:
    they pickle in about half the time, and SQLite takes them as they are (`write_results`)."""
    findings = []
    run_id, site_id, rubric_id = crawl.run_id, crawl.site_id, rubric.id
    for r in result.items:
        o = r.outcome
        findings.append((run_id, site_id, rubric_id, r.section.id, r.section.name, r.item.id, r.item.name, o.kind,
                         o.status, o.credit, r.points, r.max_points, o.message, o.reason, dumps(o.evidence),
                         dumps(o.matched), dumps(o.details)))
    scores = [_score_row(crawl, rubric, sid, sname, rs, result.veto) for sid, sname, rs in _groups(rubric, result.items)]
    return findings, scores


class _EncodedJSON(TypeDecorator):
    """A JSON column's value given as its JSON text (`result_rows`): bound as is, never encoded again
    (PostgreSQL still casts the parameter to the column's JSON type)."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None


_FINDING_JSON = ("evidence", "matched", "details")
_INSERT_FINDINGS = insert(Finding.__table__).values({c: bindparam(c, type_=_EncodedJSON()) for c in _FINDING_JSON})
_SQLITE_INSERT_FINDINGS = (f"INSERT INTO {Finding.__tablename__} ({', '.join(FINDING_COLUMNS)}) "
                           f"VALUES ({', '.join('?' for _c in FINDING_COLUMNS)})")


def write_results(session: Session, findings: list[tuple], scores: list[dict]) -> None:
    """Insert findings and scores in bulk: one executemany per table (no ORM bookkeeping per row).

    On SQLite the finding tuples go to the driver as they are: every cell is already what the store
    holds (numbers, text, JSON text), and SQLAlchemy's per-row parameter processing cost the writing
    process as much as the insert. Other databases take them through Core (PostgreSQL casts the JSON)."""
    conn = session.connection()
    if findings:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(_SQLITE_INSERT_FINDINGS, findings)
        else:
            conn.execute(_INSERT_FINDINGS, [dict(zip(FINDING_COLUMNS, row, strict=True)) for row in findings])
    if scores:
        conn.execute(insert(Score.__table__), scores)


def clear_results(session: Session, run_id: int, rubric_id: str, site_id: int | None = None) -> None:
    """Delete a run's findings and scores for a rubric (one site's, or every site's) in two statements."""
    for model in (Finding, Score):
        cond = [model.run_id == run_id, model.rubric_id == rubric_id]
        if site_id is not None:
            cond.append(model.site_id == site_id)
        session.execute(delete(model).where(*cond))


def score_crawl(session: Session, crawl: Crawl, rubric: Rubric, matcher: Matcher | None = None) -> SiteResult:
    """Score one crawl (one site of a run) and replace its findings and scores for this rubric."""
    result = judge_crawl(session, crawl, rubric, matcher)
    clear_results(session, crawl.run_id, rubric.id, crawl.site_id)
    session.flush()
    write_results(session, *result_rows(crawl, rubric, result))
    return result


def _groups(rubric: Rubric, results: list[ItemResult]) -> list[tuple[str, str, list[ItemResult]]]:
    out = [(s.id, s.name, [r for r in results if r.section.id == s.id]) for s in rubric.sections]
    out.append(("total", "总分", results))
    return out


def _score_row(crawl: Crawl, rubric: Rubric, sid: str, sname: str, rs: list[ItemResult],
               veto: str | None) -> dict:
    rate = rate_of((r.outcome.status if r.eligible else NOT_CHECKED, r.points, r.max_points) for r in rs)
    points, mx, eligible, percent = rate.points, rate.maximum, rate.eligible, rate.percent
    row_veto = veto if (sid == "total" or any(r.item.veto for r in rs)) else None
    if veto is not None and sid == "total":
        points, percent = 0.0, None
    return {"run_id": crawl.run_id, "site_id": crawl.site_id, "rubric_id": rubric.id, "section_id": sid,
            "section_name": sname, "points": points, "max_points": mx, "eligible_points": eligible,
            "percent": percent, "veto": row_veto}


def verdict(total: Score, rubric: Rubric) -> str | None:
    """合格 / 不合格 for a site's total row (None when nothing could be scored)."""
    if total.veto:
        return FAILED
    if total.percent is None:
        return None
    return PASSED if total.percent >= rubric.pass_mark else FAILED


BATCH_SITES = 200  # sites whose findings and scores are inserted together


def score_run(session: Session, run_id: int, rubric: Rubric, processes: int | None = 1) -> None:
    """Score every crawl of the run against the rubric, replacing earlier findings/scores for it.

    The old rows go in one delete per table; new ones are inserted in bulk every `BATCH_SITES` sites,
    and each site's loaded crawl rows leave the session once it is scored, so memory stays bounded
    by a batch, not by the run.

    `processes`: 1 scores in this process; None lets a large run on a file or server database use
    every core (`scoring.parallel`), which needs the run's crawl rows committed (they are read by
    other connections); a number asks for that many scoring processes.
    """
    from scoring.parallel import scored_batches, scoring_processes

    run = session.get(Run, run_id)
    if run is None:
        raise UserError(f"no run with id {run_id}", field="run")
    crawl_ids = list(session.scalars(select(Crawl.id).where(Crawl.run_id == run_id).order_by(Crawl.id)).all())
    batches = [crawl_ids[i:i + BATCH_SITES] for i in range(0, len(crawl_ids), BATCH_SITES)]
    workers = scoring_processes(session, processes, len(crawl_ids))
    if workers > 1:
        with collector_paused():  # receiving (unpickling) the batches too
            # the old rows are deleted while the workers start (they read only crawl rows)
            for batch in scored_batches(session, rubric, batches, audit_date(run), workers, score_batch,
                                        meanwhile=lambda: clear_results(session, run_id, rubric.id)):
                write_results(session, batch.findings, batch.scores)
                _store_coverage(session, batch.coverage)
                session.flush()
    else:
        clear_results(session, run_id, rubric.id)
        matcher = Matcher(rubric)
        for batch_ids in batches:
            with collector_paused():
                write_results(session, *score_batch(session, rubric, batch_ids, matcher))
                session.flush()
                _release_crawl_rows(session)
    store_snapshot(session, run_id, rubric)
    session.flush()


def score_batch(session: Session, rubric: Rubric, crawl_ids: list[int], matcher: Matcher,
                as_of: dt.date | None = None) -> tuple[list[tuple], list[dict]]:
    """Judge a batch of crawls: their `Finding` and `Score` rows, in crawl order (cyclic garbage
    collection paused meanwhile, see `scoring.gcpause`)."""
    findings: list[tuple] = []
    scores: list[dict] = []
    with collector_paused():
        crawls = {c.id: c for c in session.scalars(
            select(Crawl).where(Crawl.id.in_(crawl_ids)).options(joinedload(Crawl.site)))}
        batch = BatchRows.read(session, crawl_ids)
        matcher.prime(c.name for cols in batch.columns.values() for c in cols)  # one cdist for the batch's names
        for crawl_id in crawl_ids:
            crawl = crawls[crawl_id]
            rows = result_rows(crawl, rubric, judge_crawl(session, crawl, rubric, matcher, as_of, batch))
            findings += rows[0]
            scores += rows[1]
            log.info("scored site %s (crawl %s) with %s", crawl.site_id, crawl.id, rubric.id)
    return findings, scores


def _store_coverage(session: Session, coverage: dict[int, dict]) -> None:
    """Write the coverage figures other scoring processes measured onto their crawls."""
    if coverage:
        session.execute(update(Crawl), [{"id": cid, "coverage": cov} for cid, cov in coverage.items()])


_CRAWL_ROWS = (Column, Item, Page, Link, Document)


def _release_crawl_rows(session: Session) -> None:
    """Detach the columns, items, pages, links and documents scoring loaded (they are only read)."""
    for obj in [o for o in session.identity_map.values() if isinstance(o, _CRAWL_ROWS)]:
        session.expunge(obj)


def store_snapshot(session: Session, run_id: int, rubric: Rubric) -> RubricSnapshot:
    """Record the rubric the run was just scored with (replacing an earlier scoring's), for reports."""
    session.execute(delete(RubricSnapshot).where(RubricSnapshot.run_id == run_id,
                                                 RubricSnapshot.rubric_id == rubric.id))
    row = RubricSnapshot(run_id=run_id, rubric_id=rubric.id, content_sha256=content_hash(rubric),
                         method=rubric.method, pass_mark=float(rubric.pass_mark), snapshot=rubric_snapshot(rubric))
    session.add(row)
    return row
