"""Load one run's results from the store into pandas frames: the single input of every renderer."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from reports.scored_rubric import Note, ScoredRubric, scored_rubric
from scoring.vocabulary import Vocabulary, infer_kind, vocabulary_for
from xxgk.errors import UserError
from xxgk.store import Column, Crawl, Finding, Item, Page, Run, Score, Site


@dataclass
class RunData:
    """Everything a report needs about a run, as frames (one row per thing)."""

    run: Run
    rubric_id: str
    sites: pd.DataFrame  # site_id, site_name, site_url, crawl status, cms, pages, stop_reason, error
    findings: pd.DataFrame  # one row per site × rubric item
    scores: pd.DataFrame  # one row per site × section (incl. "total")
    columns: pd.DataFrame
    items: pd.DataFrame
    pages: pd.DataFrame | None = None  # evidence pages: site_id, url, evidence_ref, screenshot, warc_path, ...
    rubric: ScoredRubric = field(default_factory=lambda: ScoredRubric(""))  # as scored, from the store

    @property
    def pass_mark(self) -> float:
        """The pass mark (及格线) the run was scored with."""
        return self.rubric.pass_mark

    @property
    def method(self) -> str:
        """The scoring method the run was scored with."""
        return self.rubric.method

    @property
    def vocab(self) -> Vocabulary:
        """The status words of the rubric's kind (inferred from method and check kinds for older runs)."""
        kind = self.rubric.kind
        if not kind:
            checks = {k.split("#", 1)[0] for ck in self.findings.get("check_kind", []) for k in str(ck).split("+")}
            kind = infer_kind(self.rubric.method, checks - {"applies_to", "none"})
        return vocabulary_for(kind, self.rubric.vocabulary)

    @property
    def notes(self) -> list[Note]:
        """Warnings every output shows (e.g. the rubric file changed since scoring)."""
        return self.rubric.notes


FINDING_COLUMNS = [
    "run_id", "rubric_id", "site_id", "site_name", "site_url", "section_id", "section_name", "item_id",
    "item_name", "check_kind", "status", "credit", "points", "max_points", "message", "reason",
    "matched", "evidence_urls", "absence",
]
COLUMN_COLUMNS = [
    "run_id", "site_id", "site_name", "site_url", "column_id", "parent_id", "path", "name", "url", "depth",
    "offsite", "status", "item_count", "declared_count", "list_pages", "newest_date", "has_content",
    "kind", "page_kind", "empty",
]
ITEM_COLUMNS = ["run_id", "site_id", "site_name", "column_id", "column_path", "title", "url", "published"]
SCORE_COLUMNS = [
    "run_id", "rubric_id", "site_id", "site_name", "section_id", "section_name", "points", "max_points",
    "eligible_points", "percent", "veto",
]


def _matched_text(matched: list) -> str:
    parts = []
    for m in matched or []:
        label = m.get("path") or m.get("name") or ""
        how = m.get("how") or ""
        score = m.get("score")
        parts.append(f"{label} [{how}{'' if score is None else f' {score:g}'}]")
    return "; ".join(parts)


def _absence_text(details: dict | None) -> str:
    """The evidence of absence of a fail finding (scoring/absence.py), one line; empty for the others."""
    absence = (details or {}).get("absence") if isinstance(details, dict) else None
    return str(absence.get("text") or "") if isinstance(absence, dict) else ""


def load_run(session: Session, run_id: int, rubric_id: str | None = None) -> RunData:
    """Read a run's sites, columns, items, findings and scores (for one rubric) from the store."""
    run = session.get(Run, run_id)
    if run is None:
        raise UserError(f"no run with id {run_id} in the store")
    if rubric_id is None:
        rubric_id = run.rubric_id or session.scalar(
            select(Finding.rubric_id).where(Finding.run_id == run_id).limit(1))
    crawls = session.execute(
        select(Crawl, Site).join(Site, Crawl.site_id == Site.id).where(Crawl.run_id == run_id)
        .order_by(Site.id)).all()
    sites = pd.DataFrame([
        {"site_id": s.id, "site_name": s.name, "site_url": c.start_url or s.url, "kind": s.kind, "group": s.group,
         "crawl_status": c.status, "cms": c.cms, "portal_url": c.portal_url, "pages": c.pages,
         "browser_pages": c.browser_pages, "stop_reason": c.stop_reason, "error": c.error,
         **_coverage_fields(c.coverage)}
        for c, s in crawls
    ], columns=["site_id", "site_name", "site_url", "kind", "group", "crawl_status", "cms", "portal_url",
                "pages", "browser_pages", "stop_reason", "error", *COVERAGE_FIELDS])
    site_names = dict(zip(sites.site_id, sites.site_name, strict=True))
    site_urls = dict(zip(sites.site_id, sites.site_url, strict=True))
    crawl_site = {c.id: s.id for c, s in crawls}

    findings = pd.DataFrame([
        {"run_id": f.run_id, "rubric_id": f.rubric_id, "site_id": f.site_id,
         "site_name": site_names.get(f.site_id, ""), "site_url": site_urls.get(f.site_id, ""),
         "section_id": f.section_id, "section_name": f.section_name, "item_id": f.item_id,
         "item_name": f.item_name, "check_kind": f.check_kind, "status": f.status, "credit": f.credit,
         "points": f.points, "max_points": f.max_points, "message": f.message, "reason": f.reason or "",
         "matched": _matched_text(f.matched), "evidence_urls": " ".join(e.get("url", "") for e in f.evidence or []),
         "absence": _absence_text(f.details),
         "evidence_list": f.evidence or [], "matched_list": f.matched or [], "details": f.details or {}}
        for f in session.scalars(select(Finding).where(Finding.run_id == run_id, Finding.rubric_id == rubric_id)
                                 .order_by(Finding.site_id, Finding.id))
    ], columns=[*FINDING_COLUMNS, "evidence_list", "matched_list", "details"])

    scores = pd.DataFrame([
        {"run_id": s.run_id, "rubric_id": s.rubric_id, "site_id": s.site_id,
         "site_name": site_names.get(s.site_id, ""), "section_id": s.section_id, "section_name": s.section_name,
         "points": s.points, "max_points": s.max_points, "eligible_points": s.eligible_points,
         "percent": s.percent, "veto": s.veto}
        for s in session.scalars(select(Score).where(Score.run_id == run_id, Score.rubric_id == rubric_id)
                                 .order_by(Score.site_id, Score.id))
    ], columns=SCORE_COLUMNS)

    crawl_ids = list(crawl_site)
    cols = session.scalars(select(Column).where(Column.crawl_id.in_(crawl_ids)).order_by(Column.id)).all()
    page_kind = dict(session.execute(select(Page.url, Page.kind).where(Page.crawl_id.in_(crawl_ids))).all())
    with_children = {c.parent_id for c in cols if c.parent_id is not None}
    col_path = {c.id: c.path or c.name for c in cols}
    columns = pd.DataFrame([
        {"run_id": run_id, "site_id": crawl_site[c.crawl_id], "site_name": site_names[crawl_site[c.crawl_id]],
         "site_url": site_urls[crawl_site[c.crawl_id]], "column_id": c.id, "parent_id": c.parent_id,
         "path": c.path, "name": c.name, "url": c.url, "depth": c.depth, "offsite": c.offsite,
         "status": c.status, "item_count": c.item_count, "declared_count": c.declared_count,
         "list_pages": c.list_pages, "newest_date": c.newest_date, "has_content": c.has_content,
         "kind": c.kind, "page_kind": page_kind.get(c.url) if c.url else None,
         "empty": bool(c.url and not c.offsite and c.id not in with_children and not c.item_count
                       and not c.has_content)}
        for c in cols
    ], columns=COLUMN_COLUMNS)
    items = pd.DataFrame([
        {"run_id": run_id, "site_id": crawl_site[i.crawl_id], "site_name": site_names[crawl_site[i.crawl_id]],
         "column_id": i.column_id, "column_path": col_path.get(i.column_id, ""), "title": i.title, "url": i.url,
         "published": i.published}
        for i in session.scalars(select(Item).where(Item.crawl_id.in_(crawl_ids)).order_by(Item.id))
    ], columns=ITEM_COLUMNS)
    pages = _evidence_pages(session, crawls, findings)
    return RunData(run=run, rubric_id=rubric_id or "", sites=sites, findings=findings, scores=scores,
                   columns=columns, items=items, pages=pages, rubric=scored_rubric(session, run, rubric_id))


COVERAGE_FIELDS = ["links_seen", "pages_fetched", "pages_classified", "pages_unclassified", "empty_columns",
                   "coverage_ok", "coverage_note"]


def _coverage_fields(cov: dict | None) -> dict:
    """A crawl's coverage figures for the sites frame (None when the crawl was never scored)."""
    if not cov:
        return dict.fromkeys(COVERAGE_FIELDS)
    from scoring.coverage import REASON, Coverage

    known = Coverage(**{k: v for k, v in cov.items() if k in Coverage.__dataclass_fields__})
    note = None if known.plausible else f"{REASON}: {', '.join(known.reasons)}（{known.figures()}）"
    return {"links_seen": known.links_seen, "pages_fetched": known.pages_fetched,
            "pages_classified": known.pages_classified, "pages_unclassified": known.pages_unclassified,
            "empty_columns": known.empty_columns, "coverage_ok": known.plausible, "coverage_note": note}


PAGE_COLUMNS = ["site_id", "url", "status", "fetched_at", "sha256", "content_type", "evidence_ref",
                "screenshot", "warc_path"]


def _evidence_pages(session: Session, crawls: list, findings: pd.DataFrame) -> pd.DataFrame:
    """The fetched pages that findings cite as evidence (archived copy, screenshot), one row per URL."""
    wanted: set[str] = set()
    for ev in findings.get("evidence_list", []):
        wanted.update(e.get("url") for e in ev or [] if isinstance(e, dict) and e.get("url"))
    rows = []
    for crawl, site in crawls:
        if not wanted:
            break
        for p in session.scalars(select(Page).where(Page.crawl_id == crawl.id)):
            if p.url in wanted or p.screenshot:
                rows.append({"site_id": site.id, "url": p.url, "status": p.status, "fetched_at": p.fetched_at,
                             "sha256": p.sha256, "content_type": p.content_type, "evidence_ref": p.evidence_ref,
                             "screenshot": p.screenshot, "warc_path": crawl.warc_path})
    return pd.DataFrame(rows, columns=PAGE_COLUMNS)
