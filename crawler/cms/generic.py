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

from crawler.extract.article import ArticleInfo, read_article
from crawler.extract.columns import NAV_HINT, content_text, generic_tree
from crawler.extract.html import node_text
from crawler.extract.items import dated_items
from crawler.extract.pager import generic_pager
from crawler.extract.types import ApiCall, ListPage, NavNode

# Scripts that fetch data into the page after load.
LOADER = re.compile(
    r"\bfetch\s*\(|XMLHttpRequest|\$\.(?:ajax|get|post|getJSON)\s*\(|axios|\.load\s*\(|jsonp|"
    r"\.json\b|/api/|trsapi|dataproxy",
    re.I,
)
DOM_WRITE = re.compile(r"innerHTML|appendChild|insertAdjacentHTML|\.append\s*\(|document\.write", re.I)
LIST_HINT = re.compile(r"list|news|lb|article|data|items|result|con_?list|xxgk_?list|wz", re.I)


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

    def needs_render(self, sel: Selector, page: ListPage) -> str | None:
        """Why a list page must be rendered: an empty list area whose scripts load data; else None."""
        if page.items:
            return None
        scripts = _inline_scripts(sel)
        if not LOADER.search(scripts):
            return None
        for el in sel.xpath("//body//*[self::ul or self::ol or self::div or self::table or self::tbody][@id or @class]"):
            hints = f"{el.attrib.get('id', '')} {el.attrib.get('class', '')}"
            if not LIST_HINT.search(hints) or NAV_HINT.search(el.attrib.get("class", "")) and "list" not in hints:
                continue
            if el.xpath(".//a[@href]") or len(node_text(el)) > 10:
                continue
            ident = el.attrib.get("id")
            if ident and re.search(r"[\"'#]" + re.escape(ident) + r"[\"']", scripts):
                return f"empty list area #{ident} filled by script"
        return None

    def nav_needs_render(self, sel: Selector) -> str | None:
        """Why a portal page must be rendered: an empty menu that a script fills; else None."""
        scripts = _inline_scripts(sel)
        if not scripts:
            return None
        for el in sel.xpath("//body//*[self::ul or self::div or self::nav or self::ol][@id or @class]"):
            hints = f"{el.attrib.get('id', '')} {el.attrib.get('class', '')}"
            if not NAV_HINT.search(hints) or el.xpath(".//a") or node_text(el):
                continue
            ident = el.attrib.get("id")
            if ident and ident in scripts and (LOADER.search(scripts) or DOM_WRITE.search(scripts)):
                return f"menu #{ident} filled by script"
        return None

    def parse_api(self, text: str, url: str, call: ApiCall) -> ListPage:
        """Items from a data request this adapter asked for (`ListPage.calls`)."""
        return ListPage(found=False)

    def column_call(self, url: str) -> ApiCall | None:
        """A data request that replaces fetching a column URL (gkmlpt `#<cat>` columns); else None."""
        return None

    def article(self, sel: Selector, url: str, html: str) -> ArticleInfo:
        """Title, date, metadata block, body and attachments of an article page."""
        return read_article(sel, url, html)

    def content(self, sel: Selector) -> str:
        """Body text when a column page is a single page of content."""
        return content_text(sel)

    def is_article(self, url: str) -> bool:
        return bool(re.search(r"/t\d{8}_\d+\.s?html?$|/info/\d+/\d+\.htm$|/page\.htm$|/\d+\.html$", url))


def _inline_scripts(sel: Selector) -> str:
    return "\n".join(sel.xpath("//script[not(@type) or contains(@type,'javascript')]/text()").getall())


def _year_hint(sel: Selector) -> int | None:
    """Year context for month-day dates: a 4-digit year in the page title, else this year."""
    title = sel.xpath("//title/text()").get() or ""
    m = re.search(r"(?:19|20)\d{2}", title)
    return int(m.group(0)) if m else dt.date.today().year
