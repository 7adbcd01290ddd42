"""Everything a check may read about one site in one run, loaded once from the store."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.batch_rows import rows_by_crawl
from scoring.coverage import Coverage, CrawlPages, crawl_pages, of_crawl
from scoring.match import Match, Matcher, normalize
from scoring.schema import RubricItem
from xxgk.store import Column, Crawl, Item, Link, Page, Run, Site


def audit_date(run: Run | None) -> dt.date:
    """The audit's "today": `Run.config["as_of"]` (ISO date) when set, else the run's start date.

    Never the wall clock, so re-scoring a stored crawl later gives the same findings.
    """
    cfg = (run.config or {}) if run is not None else {}
    raw = cfg.get("as_of")
    if raw:
        if isinstance(raw, dt.date):
            return raw
        return dt.date.fromisoformat(str(raw)[:10])
    if run is not None and run.started_at is not None:
        return run.started_at.date()
    return dt.date(1970, 1, 1)


# Group columns whose children are the publishing units' own columns (per-unit disclosure trees).
UNIT_GROUPS: tuple[str, ...] = ("部门信息公开", "乡镇信息公开", "街道信息公开", "镇街信息公开", "部门公开",
                                "乡镇公开", "乡镇街道信息公开", "部门和乡镇信息公开")


def _name_has(name: str, terms: tuple[str, ...]) -> bool:
    n = normalize(name)
    return any(normalize(t) in n for t in terms if normalize(t))


def crawl_rows(session: Session, model: type, crawl_id: int) -> list[Any]:
    """A crawl's `Column` or `Item` rows, ordered by id, as plain records with the model's attributes.

    Checks only read them; an ORM object per row (identity map, change tracking) cost scoring more
    than the checks themselves at national size.
    """
    return rows_by_crawl(session, model, [crawl_id])[crawl_id]


@dataclass
class BatchRows:
    """A batch of crawls' columns, items and page facts, read with one select per table."""

    columns: dict[int, list[Any]]
    items: dict[int, list[Any]]
    pages: dict[int, CrawlPages]

    @classmethod
    def read(cls, session: Session, crawl_ids: list[int]) -> BatchRows:
        return cls(rows_by_crawl(session, Column, crawl_ids), rows_by_crawl(session, Item, crawl_ids),
                   crawl_pages(session, crawl_ids))


@dataclass
class SiteContext:
    """One crawl's columns and items, indexed, with the rubric matcher's results cached."""

    crawl: Crawl
    site: Site
    matcher: Matcher
    columns: list[Column]
    items: list[Item]
    session: Session | None = None
    as_of: dt.date = dt.date(1970, 1, 1)
    _cache: dict[str, object] = field(default_factory=dict)
    page_facts: CrawlPages | None = None  # read with its batch, when scored in one

    @classmethod
    def load(cls, session: Session, crawl: Crawl, matcher: Matcher, as_of: dt.date | None = None,
             batch: BatchRows | None = None) -> SiteContext:
        """Read the crawl's columns and items (ordered by id, so scoring is deterministic).

        `as_of` overrides the run's audit date (a scoring process that cannot see the caller's
        uncommitted run settings is handed the date instead); `batch` holds the rows already read
        for a batch of crawls including this one.
        """
        if batch is None:
            batch = BatchRows.read(session, [crawl.id])
        if as_of is None:
            as_of = audit_date(session.get(Run, crawl.run_id))
        return cls(crawl=crawl, site=crawl.site, matcher=matcher, columns=batch.columns[crawl.id],
                   items=batch.items[crawl.id], session=session, as_of=as_of, page_facts=batch.pages[crawl.id])

    @property
    def facts(self) -> dict[str, Any]:
        """Site-level observations of the crawler (`Crawl.facts`)."""
        return self.crawl.facts or {}

    @cached_property
    def coverage(self) -> Coverage:
        """How much of the site the crawl saw (measured from the store and kept on the crawl)."""
        return of_crawl(self.session, self.crawl, self.columns, self.items, self.page_facts)

    @cached_property
    def pages(self) -> list[Page]:
        if self.session is None:
            return []
        return list(self.session.scalars(select(Page).where(Page.crawl_id == self.crawl.id).order_by(Page.id)))

    @cached_property
    def links(self) -> list[Link]:
        if self.session is None:
            return []
        return list(self.session.scalars(select(Link).where(Link.crawl_id == self.crawl.id).order_by(Link.id)))

    @cached_property
    def column_by_id(self) -> dict[int, Column]:
        return {c.id: c for c in self.columns}

    @cached_property
    def children(self) -> dict[int, list[Column]]:
        out: dict[int, list[Column]] = defaultdict(list)
        for c in self.columns:
            if c.parent_id is not None:
                out[c.parent_id].append(c)
        return out

    @cached_property
    def items_by_column(self) -> dict[int, list[Item]]:
        out: dict[int, list[Item]] = defaultdict(list)
        for it in self.items:
            out[it.column_id].append(it)
        return out

    @cached_property
    def column_matches(self) -> dict[str, list[Match]]:
        """item id → matched columns (best first)."""
        return self.matcher.match_columns(self.columns)

    def title_matches(self, item: RubricItem, patterns: list[str]) -> list[Match]:
        """Articles whose title names the item's report (cached per item)."""
        key = f"titles:{item.id}:{'|'.join(patterns)}"
        if key not in self._cache:
            paths = {c.id: (c.path or c.name) for c in self.columns}
            self._cache[key] = self.matcher.match_titles(item, patterns, self.items, paths)
        return self._cache[key]  # type: ignore[return-value]

    def is_blank(self, col: Column) -> bool:
        """空白栏目: no items, no body text, and no non-blank child column."""
        if col.item_count > 0 or col.has_content or self.items_by_column.get(col.id):
            return False
        return all(self.is_blank(ch) for ch in self.children.get(col.id, []))

    def is_group(self, col: Column) -> bool:
        """A column holding child columns (a category header), judged by its children."""
        return bool(self.children.get(col.id)) or col.kind == "group"

    def unit_of_column(self, col: Column, unit_groups: tuple[str, ...] = ()) -> str | None:
        """The publishing unit of a column: its own `unit` or its nearest ancestor's.

        Without one, a column under a group named like one of `unit_groups` (部门信息公开, 乡镇信息公开)
        belongs to the unit that group child stands for: named by its items' most common 发布机构
        (`Item.unit`), else by the child column's name.
        """
        key = f"unit:{col.id}:{'|'.join(unit_groups)}"
        if key in self._cache:
            return self._cache[key]  # type: ignore[return-value]
        found: str | None = None
        c: Column | None = col
        while c is not None:
            if c.unit:
                found = c.unit
                break
            parent = self.column_by_id.get(c.parent_id) if c.parent_id is not None else None
            if parent is not None and unit_groups and _name_has(parent.name, unit_groups):
                found = self._unit_name(c)
                break
            c = parent
        self._cache[key] = found
        return found

    def _unit_name(self, col: Column) -> str:
        counts: dict[str, int] = defaultdict(int)
        stack = [col]
        while stack:
            c = stack.pop()
            for it in self.items_by_column.get(c.id, []):
                if it.unit:
                    counts[it.unit] += 1
            stack += self.children.get(c.id, [])
        if counts:
            return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        return col.name

    def sample_item(self, col: Column) -> Item | None:
        """The newest item listed in the column (or a child column), for evidence (cached per column:
        every item a column matches asks for it)."""
        key = f"sample:{col.id}"
        if key not in self._cache:
            stack, found = [col], []
            while stack:
                c = stack.pop()
                found += self.items_by_column.get(c.id, [])
                stack += self.children.get(c.id, [])
            self._cache[key] = max(found, key=lambda i: ((p := i.published) is not None, p, -i.id)) \
                if found else None
        return self._cache[key]  # type: ignore[return-value]
