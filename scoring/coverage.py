"""How much of a site the crawl saw, and whether that is enough to call something missing.

The figures come from the stored crawl: on-scope link targets seen, pages fetched and how they
were classified (list, landing, article, content — or unclassified), columns with no items and no
content, items. When they are implausible — most columns empty, most column pages unrecognised, no
item at all on a portal with columns — a "missing" verdict would blame the site for what the crawler
could not read, so checks give needs_review instead (`scoring.checks.registry`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from scoring.batch_rows import driver_rows
from xxgk.store import Column, Crawl, Item, Link, Page

REASON = "crawl coverage too low to judge"
CLASSIFIED = ("home", "portal", "list", "landing", "article", "content")
COLUMN_PAGES = ("list", "landing", "content", "unclassified")
BUDGETS = ("page limit", "time limit", "depth limit", "candidate limit", "list page limit", "article limit")
MOST = 0.5  # "most columns", "most pages"
MIN_COLUMNS = 3


@dataclass
class Coverage:
    """One crawl's coverage figures and the verdict on them."""

    links_seen: int = 0  # distinct on-scope link targets on crawled pages (when links were recorded)
    links_unvisited: int = 0  # of those: neither fetched nor listed as an item
    pages_fetched: int = 0
    pages_classified: int = 0
    pages_unclassified: int = 0
    columns: int = 0  # on-site columns that should hold something (no group headers)
    empty_columns: int = 0  # of those: no items, no content, no child with either
    empty_unrecognised: int = 0  # of those: a page that showed no list area, no content, no sub-columns
    items: int = 0
    pages_unread: int = 0  # pages that answered but could not be read (`Crawl.facts["unread_pages"]`)
    budget: str | None = None  # the crawl limit the site hit, if any
    plausible: bool = True
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The figures as `dataclasses.asdict` gives them, built directly (every fail finding holds a copy)."""
        out = {name: getattr(self, name) for name in _FIELDS}
        out["reasons"] = list(self.reasons)
        return out

    def figures(self) -> str:
        """The numbers, for a finding's message (Chinese, as reports show it)."""
        text = (f"站内链接 {self.links_seen} 个，抓取页面 {self.pages_fetched} 个，已识别 {self.pages_classified} 个，"
                f"未识别 {self.pages_unclassified} 个；栏目 {self.columns} 个，其中无条目且无内容 {self.empty_columns} 个"
                f"（页面未能识别 {self.empty_unrecognised} 个）；"
                f"条目 {self.items} 条")
        if self.pages_unread:
            text += f"；读取出错页面 {self.pages_unread} 个"
        return text + (f"；抓取上限：{self.budget}" if self.budget else "")


_FIELDS = tuple(f.name for f in fields(Coverage))


@dataclass
class CrawlPages:
    """What coverage reads of a crawl's pages and links (one crawl's share of a batch read)."""

    kinds: dict[str | None, int] = field(default_factory=dict)  # fetched (2xx/3xx) pages per kind
    unclassified: set[str] = field(default_factory=set)  # page URLs classified as nothing
    links_seen: int = 0  # distinct on-scope, non-empty link targets
    unfetched: set[str] = field(default_factory=set)  # of those: the targets no page of the crawl has as URL


def crawl_pages(session: Session, crawl_ids: Sequence[int]) -> dict[int, CrawlPages]:
    """Each crawl's `CrawlPages`, read with two selects over pages and one over links for all of them.

    The pages are counted in SQL (by crawl, kind; an index holds the three) and only the unclassified
    ones' URLs come back; each link target comes with whether a page of its crawl has that URL, so the
    pages' URLs (most of a page row's bytes) never leave the database."""
    out = {cid: CrawlPages() for cid in crawl_ids}
    if not out:
        return out
    ids = list(out)
    for cid, kind, n in driver_rows(session, select(Page.crawl_id, Page.kind, func.count()).where(
            Page.crawl_id.in_(ids), Page.status >= 200, Page.status < 400).group_by(Page.crawl_id, Page.kind)):
        out[cid].kinds[kind] = n
    for cid, url in driver_rows(session, select(Page.crawl_id, Page.url).where(
            Page.crawl_id.in_(ids), Page.kind == "unclassified")):
        out[cid].unclassified.add(url)
    fetched = exists().where(Page.crawl_id == Link.crawl_id, Page.url == Link.to_url)
    targets: dict[int, set[str]] = {cid: set() for cid in ids}
    for cid, url, was_fetched in driver_rows(session, select(Link.crawl_id, Link.to_url, fetched).where(
            Link.crawl_id.in_(ids), Link.offsite.is_(False), Link.kind != "empty")):
        targets[cid].add(url)
        if not was_fetched:
            out[cid].unfetched.add(url)
    for cid, seen in targets.items():
        out[cid].links_seen = len(seen)
    return out


def measure(session: Session, crawl: Crawl, columns: Sequence[Column] | None = None,
            items: Sequence[Item] | None = None, pages: CrawlPages | None = None) -> Coverage:
    """The crawl's coverage, read from its pages, links, columns and items.

    `columns`, `items` and `pages`, when the caller already holds all of the crawl's (scoring reads
    them for a batch of crawls at once), are used instead of reading them again.
    """
    cid = crawl.id
    if pages is None:
        pages = crawl_pages(session, [cid])[cid]
    kinds = pages.kinds
    cov = Coverage()
    cov.pages_fetched = sum(n for k, n in kinds.items() if k not in ("attachment", "check"))
    cov.pages_classified = sum(n for k, n in kinds.items() if k in CLASSIFIED)
    cov.pages_unclassified = kinds.get("unclassified", 0)
    cov.links_seen = pages.links_seen
    if pages.unfetched:
        listed = ((it.url for it in items) if items is not None
                  else session.scalars(select(Item.url).where(Item.crawl_id == cid)))
        cov.links_unvisited = len(pages.unfetched.difference(listed))
    cols = list(columns) if columns is not None else list(session.scalars(select(Column).where(Column.crawl_id == cid)))
    parents = {c.parent_id for c in cols if c.parent_id is not None}
    counted = ({it.column_id for it in items} if items is not None
               else set(session.scalars(select(Item.column_id).where(Item.crawl_id == cid).distinct())))
    leaves = [c for c in cols if c.id not in parents and c.kind != "group" and c.url and not c.offsite
              and c.status in ("ok", "incomplete")]
    cov.columns = len(leaves)
    empty = [c for c in leaves if not (c.item_count or c.has_content or c.id in counted)]
    cov.empty_columns = len(empty)
    if empty:
        cov.empty_unrecognised = sum(1 for c in empty if c.url in pages.unclassified)
    cov.items = len(items) if items is not None else session.scalar(
        select(func.count(Item.id)).where(Item.crawl_id == cid)) or 0
    cov.pages_unread = int((crawl.facts or {}).get("unread_pages") or 0)
    stop = crawl.stop_reason or ""
    cov.budget = next((b for b in BUDGETS if b in stop), None)
    judge(cov)
    return cov


def judge(cov: Coverage) -> Coverage:
    """Set `plausible` and the reasons it is not."""
    reasons = []
    if cov.columns and cov.items == 0 and cov.empty_columns == cov.columns:
        reasons.append("no items on a portal with columns")
    elif cov.columns >= MIN_COLUMNS and cov.empty_unrecognised > MOST * cov.columns:
        # an empty list area ("暂无信息") is the site's own blank column; a page read as nothing is doubt
        reasons.append("most columns empty")
    column_pages = cov.pages_classified + cov.pages_unclassified
    if cov.pages_unclassified >= MIN_COLUMNS and cov.pages_unclassified > MOST * column_pages:
        reasons.append("most pages unrecognised")
    if cov.links_seen >= 20 and cov.links_unvisited > MOST * cov.links_seen and cov.items == 0:
        reasons.append("many on-scope links never classified")
    if cov.pages_unread:  # what such a page held (columns, items, an article's facts) is unknown
        reasons.append("pages that could not be read")
    cov.reasons = reasons
    cov.plausible = not reasons
    return cov


def of_crawl(session: Session | None, crawl: Crawl, columns: Sequence[Column] | None = None,
             items: Sequence[Item] | None = None, pages: CrawlPages | None = None) -> Coverage:
    """The crawl's coverage (measured and kept on `Crawl.coverage` when a session is at hand)."""
    if session is None:
        stored = crawl.coverage or {}
        return Coverage(**{k: v for k, v in stored.items() if k in Coverage.__dataclass_fields__})
    cov = measure(session, crawl, columns, items, pages)
    if crawl.coverage != cov.as_dict():
        crawl.coverage = cov.as_dict()
    return cov


__all__ = ["REASON", "Coverage", "CrawlPages", "crawl_pages", "judge", "measure", "of_crawl"]
