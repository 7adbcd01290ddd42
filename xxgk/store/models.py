"""Every SQLAlchemy model of the store and the status names, the schema in one place.

Each stage (crawl, score, report) reads and writes only through these models, so a stage
can be re-run alone: re-score an old crawl with a new rubric, re-render an old run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    join,
    select,
)
from sqlalchemy import Column as SAColumn
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, relationship, validates

# Finding statuses (DESIGN.md). not_checked never counts as fail and is excluded from the denominator.
PASS = "pass"
PARTIAL = "partial"
FAIL = "fail"
NOT_CHECKED = "not_checked"
NEEDS_REVIEW = "needs_review"
NOT_APPLICABLE = "not_applicable"
FINDING_STATUSES = (PASS, PARTIAL, FAIL, NOT_CHECKED, NEEDS_REVIEW, NOT_APPLICABLE)

# Crawl statuses per site.
CRAWL_PENDING = "pending"
CRAWL_RUNNING = "running"
CRAWL_DONE = "done"
CRAWL_FAILED = "failed"  # the site could not be read at all (down, refused, time-out)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Run(Base):
    """One audit: a site list crawled (once) and scored against one or more rubrics."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    mode: Mapped[str] = mapped_column(String(20), default="ranking")  # ranking | self-check
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | done | failed
    rubric_id: Mapped[str | None] = mapped_column(Text)
    rubric_hash: Mapped[str | None] = mapped_column(String(64))
    sites_source: Mapped[str | None] = mapped_column(Text)  # path of the site list
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)  # limits, robots override, ...
    label: Mapped[str | None] = mapped_column(Text)

    crawls: Mapped[list[Crawl]] = relationship(back_populates="run", cascade="all, delete-orphan")


class Site(Base):
    """A portal, shared by every run that audits it. `key` is who it is (xxgk/siteid.py: the site list's
    id, else its name within its registrable domain), so a change of scheme, port or entry path keeps
    its history; `url` is the latest URL audited, and each crawl keeps the one it crawled."""

    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(Text, unique=True)  # None only for sites stored before keys
    url: Mapped[str] = mapped_column(Text, index=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(40))  # university | government
    group: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[Any]] = mapped_column(default=list)


class Crawl(Base):
    """One site within one run: how the crawl went and why it stopped."""

    __tablename__ = "crawls"
    __table_args__ = (UniqueConstraint("run_id", "site_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=CRAWL_PENDING)
    start_url: Mapped[str | None] = mapped_column(Text)  # the URL this run audited (None: before it was kept)
    cms: Mapped[str | None] = mapped_column(String(40))  # adapter chosen by fingerprint
    portal_url: Mapped[str | None] = mapped_column(Text)  # the 信息公开 entry found
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    browser_pages: Mapped[int] = mapped_column(Integer, default=0)
    stop_reason: Mapped[str | None] = mapped_column(Text)  # finished | page limit | time limit | error text
    error: Mapped[str | None] = mapped_column(Text)
    # Site-level observations that checks read, keyed by name (documented in docs/architecture.md):
    # entry {url, text, depth, hidden}, search {form_url, query, found}, home_newest_date, robots_ignored, ...
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    warc_path: Mapped[str | None] = mapped_column(Text)
    # Fencing token of the distributed attempt that owns this crawl (set when a worker (re)starts it);
    # a stalled worker's writes carry an older token and are refused. None for local crawls.
    lease_token: Mapped[str | None] = mapped_column(String(64))
    # How much of the site the crawl saw (`scoring.coverage.Coverage.as_dict`), set when it is scored.
    coverage: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)

    run: Mapped[Run] = relationship(back_populates="crawls")
    site: Mapped[Site] = relationship()
    columns: Mapped[list[Column]] = relationship(back_populates="crawl", cascade="all, delete-orphan")


class Page(Base):
    """A fetched URL: its HTTP outcome and fingerprint (evidence for findings)."""

    __tablename__ = "pages"
    # (crawl_id, kind, status): scoring counts a batch of crawls' fetched pages by kind from the index alone
    __table_args__ = (UniqueConstraint("crawl_id", "url"),
                      Index("ix_pages_crawl_id_kind_status", "crawl_id", "kind", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawls.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)  # HTTP status; None when no response
    error: Mapped[str | None] = mapped_column(Text)  # DNS / time-out / refused
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    content_type: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    render: Mapped[str] = mapped_column(String(10), default="http")  # http | browser
    kind: Mapped[str | None] = mapped_column(String(20))  # home | portal | list | article | other
    restricted: Mapped[str | None] = mapped_column(Text)  # reason when access is limited
    evidence_ref: Mapped[str | None] = mapped_column(Text)  # WARC record id
    # an unchanged body is a WARC revisit record (evidence_ref); its bytes are in this file and record
    payload_warc: Mapped[str | None] = mapped_column(Text)
    payload_ref: Mapped[str | None] = mapped_column(Text)
    depth: Mapped[int | None] = mapped_column(Integer)  # clicks from the start URL
    title: Mapped[str | None] = mapped_column(Text)
    text_chars: Mapped[int | None] = mapped_column(Integer)  # visible body text length
    image_only: Mapped[bool] = mapped_column(Boolean, default=False)  # content only as images
    screenshot: Mapped[str | None] = mapped_column(Text)  # path of a PNG taken as evidence


class Screenshot(Base):
    """A browser screenshot of a page behind a failing or partial finding, taken after scoring.

    One row per crawl × URL: `ok` with the PNG's path, size and dimensions, or `failed` with the
    reason (off-scope, time-out, too large, not an HTML page, no browser); a failure never fails the audit.
    """

    __tablename__ = "screenshots"
    __table_args__ = (UniqueConstraint("crawl_id", "url", name="uq_screenshots_crawl_id_url"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawls.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # ok | failed
    reason: Mapped[str | None] = mapped_column(Text)  # why it failed
    path: Mapped[str | None] = mapped_column(Text)  # the PNG, beside the crawl's WARC file
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    size: Mapped[int | None] = mapped_column(Integer)  # bytes
    sha256: Mapped[str | None] = mapped_column(String(64))
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Column(Base):
    """A 栏目 found on the portal, with its place in the tree and what its list held."""

    __tablename__ = "columns"
    # the spider's column key (URL, or "group:<parent>/<name>"): request-level distributed crawls find
    # a column by it when another worker's request created the row
    __table_args__ = (UniqueConstraint("crawl_id", "key", name="uq_columns_crawl_id_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawls.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("columns.id"))
    name: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)  # None for group headers without a link
    path: Mapped[str] = mapped_column(Text, default="")  # "基本信息/学校章程": ancestors' names joined by /
    depth: Mapped[int] = mapped_column(Integer, default=1)
    offsite: Mapped[bool] = mapped_column(Boolean, default=False)  # link leaves the audited hosts
    status: Mapped[str] = mapped_column(String(20), default="ok")  # ok | incomplete (a later list page failed) | restricted | error | not_fetched
    status_detail: Mapped[str | None] = mapped_column(Text)
    item_count: Mapped[int] = mapped_column(Integer, default=0)  # items read from its list pages
    declared_count: Mapped[int | None] = mapped_column(Integer)  # total the pager states (共N条)
    list_pages: Mapped[int] = mapped_column(Integer, default=0)
    newest_date: Mapped[dt.date | None] = mapped_column(Date)
    has_content: Mapped[bool] = mapped_column(Boolean, default=False)  # a single-page column with body text
    kind: Mapped[str | None] = mapped_column(String(20))  # list | content | group
    unit: Mapped[str | None] = mapped_column(Text)  # publishing unit when the tree is per unit
    key: Mapped[str | None] = mapped_column(Text)  # the spider's column key (None in stores before 0003)

    crawl: Mapped[Crawl] = relationship(back_populates="columns")
    items: Mapped[list[Item]] = relationship(back_populates="column", cascade="all, delete-orphan")


# Items and checked links are mostly the same from one audit to the next: each per-crawl row (`items`,
# `links`: what places it in a crawl) names a content row (`item_contents`, `link_contents`: what it
# says), kept once per content under `hash` (`xxgk.store.shared_rows.content_hash`), so a re-audit of an
# unchanged portal adds only the small per-crawl rows. A content row written through the ORM (tests,
# seeders) has no hash and belongs to its one row; the crawl writers intern contents (`shared_rows`).
# `Item` and `Link` are mapped to the join, so every reader sees the attributes it always saw.

item_contents = Table(
    "item_contents", Base.metadata,
    SAColumn("id", Integer, primary_key=True),
    SAColumn("hash", LargeBinary(16), unique=True),  # None: not shared (written through the ORM)
    SAColumn("title", Text, nullable=False),
    SAColumn("published", Date),
    SAColumn("meta", JSON, nullable=False, default=dict),  # 索引号 / 发布机构 / 文号 when shown
    SAColumn("attachments", JSON, nullable=False, default=list),  # [{url, name, type, text_chars, scanned}]
    SAColumn("unit", Text),  # 发布机构 or the owning unit's column
    SAColumn("article_date", Date),  # date on the article page (may differ)
    SAColumn("body_chars", Integer),  # article body text length, when fetched
    SAColumn("image_only", Boolean, nullable=False, default=False),  # body only images / scanned file
)

item_rows = Table(
    "items", Base.metadata,
    SAColumn("id", Integer, primary_key=True),
    SAColumn("column_id", Integer, ForeignKey("columns.id", ondelete="CASCADE"), nullable=False),
    SAColumn("crawl_id", Integer, ForeignKey("crawls.id", ondelete="CASCADE"), nullable=False, index=True),
    SAColumn("url", Text, nullable=False),
    SAColumn("content_id", Integer, ForeignKey("item_contents.id"), index=True),  # set by every writer
    UniqueConstraint("column_id", "url"),  # also the index of a column's items
)

link_contents = Table(
    "link_contents", Base.metadata,
    SAColumn("id", Integer, primary_key=True),
    SAColumn("hash", LargeBinary(16), unique=True),  # None: not shared (written through the ORM)
    SAColumn("from_url", Text, nullable=False),
    SAColumn("to_url", Text, nullable=False),
    SAColumn("text", Text),
    SAColumn("kind", String(20), nullable=False),  # ok | broken | empty | off-site
    SAColumn("status", Integer),
    SAColumn("error", Text),  # DNS / time-out / refused
    SAColumn("offsite", Boolean, nullable=False, default=False),
)

link_rows = Table(
    "links", Base.metadata,
    SAColumn("id", Integer, primary_key=True),
    SAColumn("crawl_id", Integer, ForeignKey("crawls.id", ondelete="CASCADE"), nullable=False, index=True),
    SAColumn("content_id", Integer, ForeignKey("link_contents.id"), index=True),  # set by every writer
)


class Item(Base):
    """A dated 信息条目 listed in a column: its per-crawl row joined to its content row."""

    __table__ = join(item_rows, item_contents, item_rows.c.content_id == item_contents.c.id)
    __mapper_args__ = {"primary_key": [item_rows.c.id]}
    id = item_rows.c.id
    content_id = column_property(item_rows.c.content_id, item_contents.c.id)
    content_hash = item_contents.c.hash

    column: Mapped[Column] = relationship(back_populates="items")


class Link(Base):
    """A link seen on a crawled page whose health was checked: its per-crawl row joined to its content row."""

    __table__ = join(link_rows, link_contents, link_rows.c.content_id == link_contents.c.id)
    __mapper_args__ = {"primary_key": [link_rows.c.id]}
    id = link_rows.c.id
    content_id = column_property(link_rows.c.content_id, link_contents.c.id)
    content_hash = link_contents.c.hash


class Document(Base):
    """A file read for its content: annual reports and other attachments."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("crawl_id", "url", name="uq_documents_crawl_id_url"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawls.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    doc_type: Mapped[str] = mapped_column(String(40))  # html | pdf | docx | ...
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    tables: Mapped[list[Any]] = mapped_column(default=list)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"), index=True)
    role: Mapped[str | None] = mapped_column(String(40))  # annual_report | attachment | guide | ...
    content_type: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=utcnow)
    # The raw bytes (capped by the crawler's size limit), so a document can be re-parsed at score time
    # with a newer parser without crawling again: kept once per content in `blobs`, named by their sha256
    # (an unchanged file crawled again by every re-audit adds no second copy). Written with
    # `xxgk.store.blobs.document_row`; read as `Document.body`.
    body_sha256: Mapped[str | None] = mapped_column(String(64), ForeignKey("blobs.sha256"), index=True)

    @validates("body")
    def _refuse_body(self, _key: str, _value: Any) -> None:
        raise TypeError("Document.body is read-only: store the bytes with xxgk.store.blobs.document_row")


class Blob(Base):
    """The bytes of a stored document, once per content: the key is the sha256 (hex) of `data`."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


# A document's bytes, loaded with the row as the `body` column was before it moved to `blobs`.
Document.body = column_property(
    select(Blob.data).where(Blob.sha256 == Document.body_sha256).correlate_except(Blob).scalar_subquery())


class Finding(Base):
    """One rubric item's verdict for one site in one run: the one result model."""

    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    rubric_id: Mapped[str] = mapped_column(Text)
    section_id: Mapped[str] = mapped_column(String(100))
    section_name: Mapped[str] = mapped_column(Text)
    item_id: Mapped[str] = mapped_column(String(100))  # rubric item id, e.g. "1" or "19"
    item_name: Mapped[str] = mapped_column(Text)  # official name
    check_kind: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    credit: Mapped[float] = mapped_column(Float, default=0.0)  # 0..1
    points: Mapped[float] = mapped_column(Float, default=0.0)  # credit × max_points
    max_points: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")  # why, in plain words
    reason: Mapped[str | None] = mapped_column(Text)  # for not_checked: what stopped the check
    evidence: Mapped[list[Any]] = mapped_column(default=list)  # [{"url":..., "label":...}]
    matched: Mapped[list[Any]] = mapped_column(default=list)  # [{"name","path","url","how","score"}]
    # Structured output of the check for renderers: counts, per-unit tables, deduction breakdown, ...
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Score(Base):
    """A site's score per section and in total for one rubric in one run."""

    __tablename__ = "scores"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    rubric_id: Mapped[str] = mapped_column(Text)
    section_id: Mapped[str] = mapped_column(String(100))  # "total" for the whole rubric
    section_name: Mapped[str] = mapped_column(Text)
    points: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)  # the rubric's full points for the section
    eligible_points: Mapped[float] = mapped_column(Float)  # full points less not_checked/not_applicable
    percent: Mapped[float | None] = mapped_column(Float)  # points / eligible × 100; None if nothing eligible
    veto: Mapped[str | None] = mapped_column(Text)  # single-veto reason, when one applies


class ReportRecord(Base):
    """A report rendered from a run (and its baseline), so pruning never silently orphans a report."""

    __tablename__ = "reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    baseline_run_id: Mapped[int | None] = mapped_column(Integer)
    rubric_id: Mapped[str | None] = mapped_column(Text)
    out_dir: Mapped[str] = mapped_column(Text)
    rendered_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RubricSnapshot(Base):
    """The rubric as a run was scored with it: reports read pass mark, method and weights from here,
    so editing the rubric file later never changes what an old report says (one row per run × rubric)."""

    __tablename__ = "rubric_snapshots"
    __table_args__ = (UniqueConstraint("run_id", "rubric_id", name="uq_rubric_snapshots_run_id_rubric_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    rubric_id: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))  # of the parsed rubric, see scoring.snapshot
    method: Mapped[str] = mapped_column(String(20))
    pass_mark: Mapped[float] = mapped_column(Float)
    # title, version, total and sections [{id, name, max_points, items: [{id, name, max_points, veto}]}]
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)
    scored_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Schedule(Base):
    """A recurring audit. The lease columns make sure one schedule never runs twice at once, even
    with several daemons against one database: a runner must win an atomic UPDATE to take it."""

    __tablename__ = "schedules"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    cron: Mapped[str] = mapped_column(String(200))  # five-field crontab expression
    sites_path: Mapped[str] = mapped_column(Text)
    rubric: Mapped[str] = mapped_column(Text)
    out_dir: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(20), default="ranking")
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)  # extra audit options (limits, ...)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    next_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC
    last_started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_status: Mapped[str | None] = mapped_column(String(20))  # done | failed
    last_run_id: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
