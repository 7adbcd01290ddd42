"""Everything a check may read about one site in one run, loaded once from the store."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.match import Match, Matcher
from scoring.rubric import RubricItem
from xxgk.store import Column, Crawl, Item, Site


@dataclass
class SiteContext:
    """One crawl's columns and items, indexed, with the rubric matcher's results cached."""

    crawl: Crawl
    site: Site
    matcher: Matcher
    columns: list[Column]
    items: list[Item]
    _cache: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, crawl: Crawl, matcher: Matcher) -> SiteContext:
        """Read the crawl's columns and items (ordered by id, so scoring is deterministic)."""
        cols = list(session.scalars(select(Column).where(Column.crawl_id == crawl.id).order_by(Column.id)))
        items = list(session.scalars(select(Item).where(Item.crawl_id == crawl.id).order_by(Item.id)))
        return cls(crawl=crawl, site=crawl.site, matcher=matcher, columns=cols, items=items)

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

    def sample_item(self, col: Column) -> Item | None:
        """The newest item listed in the column (or a child column), for evidence."""
        stack, found = [col], []
        while stack:
            c = stack.pop()
            found += self.items_by_column.get(c.id, [])
            stack += self.children.get(c.id, [])
        if not found:
            return None
        return sorted(found, key=lambda i: (i.published is not None, i.published, -i.id), reverse=True)[0]
