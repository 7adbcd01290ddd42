"""Load one run's results from the store into pandas frames: the single input of every renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from reports.crawl_rows import COLUMN_COLUMNS, ITEM_COLUMNS, CrawlRows, SiteCounts  # noqa: F401  (the CSV contract, named here)
from reports.evidence_pages import EvidencePages
from reports.finding_rows import FINDING_COLUMNS, FindingReader  # noqa: F401  (the CSV contract)
from reports.finding_sums import FindingSums, store_sums
from reports.scored_rubric import Note, ScoredRubric, scored_rubric
from scoring.vocabulary import Vocabulary, infer_kind, vocabulary_for
from xxgk.errors import UserError
from xxgk.store import Crawl, Finding, Run, Score, Site


@dataclass
class RunData:
    """Everything a report needs about a run, as frames (one row per thing)."""

    run: Run
    rubric_id: str
    sites: pd.DataFrame  # site_id, site_name, site_url, crawl status, cms, pages, stop_reason, error
    finding_reader: FindingReader  # the findings, whole (`findings`) or a batch of sites at a time
    scores: pd.DataFrame  # one row per site × section (incl. "total")
    crawl_rows: CrawlRows  # columns and items, streamed from the store (millions at national size)
    evidence: EvidencePages | None = None  # the cited pages and their archived copies, a batch of sites at a time
    rubric: ScoredRubric = field(default_factory=lambda: ScoredRubric(""))  # as scored, from the store

    @cached_property
    def findings(self) -> pd.DataFrame:
        """Every finding of the run, one row per site × rubric item (read when first asked: the html and
        csv formats read them a batch of sites at a time instead, see `finding_reader`)."""
        return self.finding_reader.frame()

    @cached_property
    def finding_sums(self) -> FindingSums:
        """The findings' counts and point sums (ranking, method box), grouped by the store."""
        return store_sums(self.finding_reader.session, int(self.run.id), self.rubric_id)

    @cached_property
    def site_counts(self) -> dict[int, SiteCounts]:
        """Each site's number of columns, blank columns and items."""
        return self.crawl_rows.counts()

    @property
    def columns(self) -> pd.DataFrame:
        """Every column of the run as one frame (COLUMN_COLUMNS); the report itself streams them."""
        return self.crawl_rows.columns_frame()

    @property
    def items(self) -> pd.DataFrame:
        """Every item of the run as one frame (ITEM_COLUMNS); the report itself streams them."""
        return self.crawl_rows.items_frame()

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
            checks = {k.split("#", 1)[0] for ck in self.finding_sums.check_kinds for k in str(ck).split("+")}
            kind = infer_kind(self.rubric.method, checks - {"applies_to", "none"})
        return vocabulary_for(kind, self.rubric.vocabulary)

    @property
    def notes(self) -> list[Note]:
        """Warnings every output shows (e.g. the rubric file changed since scoring)."""
        return self.rubric.notes


SCORE_COLUMNS = [
    "run_id", "rubric_id", "site_id", "site_name", "section_id", "section_name", "points", "max_points",
    "eligible_points", "percent", "veto",
]


def _frame(session: Session, stmt: Select, names: list[str]) -> pd.DataFrame:
    """The rows of a Core select as a frame, built column-wise (no ORM object per row).

    Executed on the session's connection: the ORM's result processing per row cost more than the read."""
    rows = [tuple(r) for r in session.connection().execute(stmt)]  # tuples: pandas is slow on `Row`s
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

    reader = FindingReader(session, run_id, rubric_id, site_names, site_urls)

    score_raw = [n for n in SCORE_COLUMNS if n != "site_name"]
    scores = _frame(session, select(*(getattr(Score, n) for n in score_raw))
                    .where(Score.run_id == run_id, Score.rubric_id == rubric_id)
                    .order_by(Score.site_id, Score.id), score_raw)
    scores.insert(3, "site_name", _map(scores.site_id, site_names))

    evidence = EvidencePages([(c[0], c[3], c[1]) for c in crawls], reader.evidence_urls(), reader.rows)
    return RunData(run=run, rubric_id=rubric_id or "", sites=sites, finding_reader=reader, scores=scores,
                   crawl_rows=CrawlRows(session, run_id, crawl_site, site_names, site_urls), evidence=evidence,
                   rubric=scored_rubric(session, run, rubric_id))


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
