"""Load one run's results from the store into pandas frames: the single input of every renderer."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from reports.scored_rubric import Note, ScoredRubric, scored_rubric
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
    def notes(self) -> list[Note]:
        """Warnings every output shows (e.g. the rubric file changed since scoring)."""
        return self.rubric.notes


FINDING_COLUMNS = [
    "run_id", "rubric_id", "site_id", "site_name", "site_url", "section_id", "section_name", "item_id",
    "item_name", "check_kind", "status", "credit", "points", "max_points", "message", "reason",
    "matched", "evidence_urls",
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


def _frame(session: Session, stmt: Select, names: list[str]) -> pd.DataFrame:
    """The rows of a Core select as a frame, built column-wise (no ORM object per row)."""
    rows = session.execute(stmt).all()
    return pd.DataFrame.from_records(rows, columns=names) if rows else pd.DataFrame(columns=names)


def _map(series: pd.Series, mapping: dict) -> list:
    return [mapping.get(v, "") for v in series]


def load_run(session: Session, run_id: int, rubric_id: str | None = None) -> RunData:
    """Read a run's sites, columns, items, findings and scores (for one rubric) from the store.

    Each table is one select of plain columns turned into a frame column-wise; crawl rows are
    selected through their run (no id lists, so no bound-parameter limit at national size).
    """
    run = session.get(Run, run_id)
    if run is None:
        raise UserError(f"no run with id {run_id} in the store")
    if rubric_id is None:
        rubric_id = run.rubric_id or session.scalar(
            select(Finding.rubric_id).where(Finding.run_id == run_id).limit(1))
    crawls = session.execute(
        select(Crawl.id, Crawl.warc_path, Crawl.coverage, Site.id, Site.name, func.coalesce(Crawl.start_url, Site.url),
               Site.kind, Site.group, Crawl.status, Crawl.cms, Crawl.portal_url, Crawl.pages, Crawl.browser_pages,
               Crawl.stop_reason, Crawl.error)
        .join(Site, Crawl.site_id == Site.id).where(Crawl.run_id == run_id).order_by(Site.id)).all()
    site_cols = ["site_id", "site_name", "site_url", "kind", "group", "crawl_status", "cms", "portal_url",
                 "pages", "browser_pages", "stop_reason", "error"]
    sites = pd.DataFrame([(*c[3:], *_coverage_fields(c.coverage).values()) for c in crawls],
                         columns=[*site_cols, *COVERAGE_FIELDS])
    site_names = dict(zip(sites.site_id, sites.site_name, strict=True))
    site_urls = dict(zip(sites.site_id, sites.site_url, strict=True))
    crawl_site = {c[0]: c[3] for c in crawls}
    in_run = select(Crawl.id).where(Crawl.run_id == run_id).scalar_subquery()

    raw = ["run_id", "rubric_id", "site_id", "section_id", "section_name", "item_id", "item_name", "check_kind",
           "status", "credit", "points", "max_points", "message", "reason", "evidence", "matched", "details"]
    findings = _frame(session, select(*(getattr(Finding, n) for n in raw))
                      .where(Finding.run_id == run_id, Finding.rubric_id == rubric_id)
                      .order_by(Finding.site_id, Finding.id), raw)
    findings["site_name"] = _map(findings.site_id, site_names)
    findings["site_url"] = _map(findings.site_id, site_urls)
    findings["reason"] = [r or "" for r in findings.reason]
    findings["evidence_list"] = [e or [] for e in findings.evidence]
    findings["matched_list"] = [m or [] for m in findings.matched]
    findings["details"] = [d or {} for d in findings.details]
    findings["matched"] = [_matched_text(m) for m in findings.matched_list]
    findings["evidence_urls"] = [" ".join(e.get("url", "") for e in ev) for ev in findings.evidence_list]
    findings = findings[[*FINDING_COLUMNS, "evidence_list", "matched_list", "details"]]

    score_raw = [n for n in SCORE_COLUMNS if n != "site_name"]
    scores = _frame(session, select(*(getattr(Score, n) for n in score_raw))
                    .where(Score.run_id == run_id, Score.rubric_id == rubric_id)
                    .order_by(Score.site_id, Score.id), score_raw)
    scores.insert(3, "site_name", _map(scores.site_id, site_names))

    col_raw = ["id", "crawl_id", "parent_id", "path", "name", "url", "depth", "offsite", "status", "item_count",
               "declared_count", "list_pages", "newest_date", "has_content", "kind"]
    page_of_column = (select(Page.kind).where(Page.crawl_id == Column.crawl_id, Page.url == Column.url)
                      .limit(1).scalar_subquery())
    cols = _frame(session, select(*(getattr(Column, n) for n in col_raw), page_of_column)
                  .where(Column.crawl_id.in_(in_run)).order_by(Column.id), [*col_raw, "page_kind"])
    with_children = set(cols.parent_id.dropna().astype(int))
    cols["site_id"] = [crawl_site[c] for c in cols.crawl_id]
    cols["run_id"] = run_id
    cols["site_name"] = _map(cols.site_id, site_names)
    cols["site_url"] = _map(cols.site_id, site_urls)
    cols["empty"] = [bool(url and not off and cid not in with_children and not n and not content)
                     for url, off, cid, n, content in zip(cols.url, cols.offsite, cols.id, cols.item_count,
                                                          cols.has_content, strict=True)]
    cols["page_kind"] = [k if u else None for k, u in zip(cols.page_kind, cols.url, strict=True)]
    columns = cols.rename(columns={"id": "column_id"})[COLUMN_COLUMNS]
    col_path = {cid: p or n for cid, p, n in zip(cols.id, cols.path, cols.name, strict=True)}

    item_raw = ["crawl_id", "column_id", "title", "url", "published"]
    items = _frame(session, select(*(getattr(Item, n) for n in item_raw)).where(Item.crawl_id.in_(in_run))
                   .order_by(Item.id), item_raw)
    items.insert(0, "run_id", run_id)
    items.insert(1, "site_id", [crawl_site[c] for c in items.crawl_id])
    items.insert(2, "site_name", _map(items.site_id, site_names))
    items["column_path"] = _map(items.column_id, col_path)
    items = items[ITEM_COLUMNS]
    pages = _evidence_pages(session, run_id, crawls, findings)
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


def _evidence_pages(session: Session, run_id: int, crawls: list, findings: pd.DataFrame) -> pd.DataFrame:
    """The fetched pages that findings cite as evidence (archived copy, screenshot), one row per URL.

    One select over the run's pages, streamed, keeping only the cited ones and those with a screenshot.
    """
    wanted: set[str] = set()
    for ev in findings.get("evidence_list", []):
        wanted.update(e.get("url") for e in ev or [] if isinstance(e, dict) and e.get("url"))
    if not wanted:
        return pd.DataFrame(columns=PAGE_COLUMNS)
    by_crawl = {c[0]: (c[3], c[1]) for c in crawls}
    stmt = (select(Page.crawl_id, Page.url, Page.status, Page.fetched_at, Page.sha256, Page.content_type,
                   Page.evidence_ref, Page.screenshot)
            .join(Crawl, Page.crawl_id == Crawl.id).where(Crawl.run_id == run_id).order_by(Crawl.site_id, Page.id)
            .execution_options(yield_per=10_000))
    rows = []
    for crawl_id, url, *rest in session.execute(stmt):
        if url in wanted or rest[-1]:
            site_id, warc = by_crawl[crawl_id]
            rows.append((site_id, url, *rest, warc))
    return pd.DataFrame(rows, columns=PAGE_COLUMNS)
