"""Generic adapter: heuristics for an unknown CMS, and the base class of the CMS adapters.

An adapter answers four questions about a page: how likely it is to be this CMS
(`fingerprint`), which columns its nav shows (`nav_tree`, `sub_columns`), what its list
holds (`list_page`), and whether a column page is body text instead of a list (`content`).
Article rules (`is_article`) are there so article fetching can be added per CMS.
"""

from __future__ import annotations

import datetime as dt
import re

from parsel import Selector

from crawler.extract.columns import content_text, generic_tree
from crawler.extract.items import dated_items
from crawler.extract.pager import generic_pager
from crawler.extract.types import ListPage, NavNode


class GenericAdapter:
    """Fallback rules: nav blocks by class hints, dated lists, pager words."""

    name = "generic"

    def fingerprint(self, html: str, url: str) -> int:
        """Evidence score that a page comes from this CMS (0 = none)."""
        return 0

    def nav_tree(self, sel: Selector, url: str) -> list[NavNode]:
        """The column tree shown on a portal page."""
        return generic_tree(sel, url)

    def sub_columns(self, sel: Selector, url: str) -> list[NavNode]:
        """Columns that only a column page shows (its own sub-columns); generic: none."""
        return []

    def list_items(self, sel: Selector, url: str) -> list:
        return dated_items(sel, url, year=_year_hint(sel))

    def list_page(self, sel: Selector, url: str) -> ListPage:
        """Items and pager of a list page."""
        items = self.list_items(sel, url)
        pager = generic_pager(sel, url)
        return ListPage(found=bool(items) or pager.declared_count is not None, items=items, pager=pager)

    def content(self, sel: Selector) -> str:
        """Body text when a column page is a single page of content."""
        return content_text(sel)

    def is_article(self, url: str) -> bool:
        return bool(re.search(r"/t\d{8}_\d+\.s?html?$|/info/\d+/\d+\.htm$|/page\.htm$|/\d+\.html$", url))


def _year_hint(sel: Selector) -> int | None:
    """Year context for month-day dates: a 4-digit year in the page title, else this year."""
    title = sel.xpath("//title/text()").get() or ""
    m = re.search(r"(?:19|20)\d{2}", title)
    return int(m.group(0)) if m else dt.date.today().year
