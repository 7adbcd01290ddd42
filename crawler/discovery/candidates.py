"""Links that could be columns: every on-scope link of a page, minus what the page shows it is not.

A link is not a candidate when it is an item (its row carries a date), a pager link, a file, an
article URL the page's adapter knows, a 首页/更多 link, or its label is too long to name a column.
Candidates keep the page's `li` nesting (a nav menu's levels), so a category and its sub-columns
arrive as a small tree whatever the containers are called.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree
from parsel import Selector

from crawler.extract.article import is_truncated
from crawler.extract.columns import STOP_NAMES, column_name
from crawler.extract.dates import parse_date
from crawler.extract.html import absolute, node_text, page_key
from crawler.extract.types import NavNode

MAX_LABEL = 64  # characters: catalogue column names can be long clauses (办学规模、校级领导班子简介…)
FILE_URL = re.compile(r"\.(pdf|docx?|xlsx?|wps|et|zip|rar|7z|ofd|pptx?|txt|csv|jpe?g|png|gif|bmp|mp4|flv)(?:$|[?#])",
                      re.I)
MORE = re.compile(r"^(?:更多|more|查看更多|\+|>+|》+)|(?:更多|more)\s*(?:>+|》+|\+)?$|>>$|》》$", re.I)
ROW_TAGS = ("li", "tr", "dd", "p", "dt")
_LINKS = etree.XPath("//body//a[@href]")
_ROW_TEXT = etree.XPath(".//text()[not(ancestor::a)][not(ancestor::script)]", smart_strings=False)


class _PageLinks:
    """One walk over a page's body links, shared by every reader of the same page and base: each link
    with its absolute URL (None: not followable), and whether its row is dated, judged once per link.
    Holding the link elements keeps their lxml proxies alive, so they key the caches across readers."""

    __slots__ = ("root", "base", "links", "urls", "dated")

    def __init__(self, root: etree._Element, base: str) -> None:
        self.root = root
        self.base = base
        self.links: list[tuple[etree._Element, str | None]] = [(a, absolute(base, a.get("href"))) for a in _LINKS(root)]
        self.urls: dict[etree._Element, str | None] = dict(self.links)
        self.dated: dict[etree._Element, bool] = {}

    def url(self, a: etree._Element) -> str | None:
        """The absolute URL of a link of this page (one outside the body too)."""
        if a in self.urls:
            return self.urls[a]
        url = self.urls[a] = absolute(self.base, a.get("href"))
        return url

    def is_dated(self, a: etree._Element) -> bool:
        """`_dated_row(a)`, judged once per link of this page."""
        known = self.dated.get(a)
        if known is None:
            known = self.dated[a] = _dated_row(a)
        return known


# the page being read: the spider's readers run one after another on the reactor thread
_last: _PageLinks | None = None


def _page_links(sel: Selector, base: str) -> _PageLinks:
    """The page's link walk, made once per page and base (the last page's is kept)."""
    global _last
    root = sel.root
    if _last is None or _last.root is not root or _last.base != base:
        _last = _PageLinks(root, base)
    return _last


def _row(a: etree._Element) -> etree._Element | None:
    for anc in a.iterancestors():
        if anc.tag in ROW_TAGS:
            return anc
        if anc.tag in ("ul", "ol", "table", "body", "div", "dl"):
            return None
    return None


def _dated_row(a: etree._Element) -> bool:
    """The link sits in a row whose own text (outside the links) carries a date: it is an item."""
    row = _row(a)
    if row is None:
        parent = a.getparent()
        if parent is None:
            return False
        sibs = [s for s in (a.getprevious(), a.getnext()) if s is not None and s.tag != "a"]
        return any(parse_date(node_text(s)) for s in sibs)
    if row.tag in ("li", "tr", "dd") and any(True for _ in row.iterdescendants("li", "tr")):
        return False
    text = " ".join(_ROW_TEXT(row))
    return parse_date(text) is not None


def _label(a: etree._Element) -> str:
    text = node_text(a)
    if not text:
        text = (a.get("title") or "").strip() or " ".join(a.xpath(".//img/@alt"))
    return column_name(text)


def _more_label(a: etree._Element) -> str:
    """The header a "更多" link sits in: its parent's text without the link's own ('' if none)."""
    parent = a.getparent()
    if parent is None:
        return ""
    own = node_text(a)
    text = node_text(parent).replace(own, "", 1).strip()
    return column_name(text) if 2 <= len(text) <= MAX_LABEL else ""


def _li_parent(a: etree._Element, by_li: dict[etree._Element, NavNode]) -> NavNode | None:
    li = next((x for x in a.iterancestors("li")), None)
    if li is None:
        return None
    for anc in li.iterancestors("li"):
        if anc in by_li:
            return by_li[anc]
    return None


def candidate_links(
    sel: Selector,
    base: str,
    in_scope: Callable[[str], bool],
    *,
    exclude: set[str] = frozenset(),  # type: ignore[assignment]
    is_article: Callable[[str], bool] | None = None,
) -> list[NavNode]:
    """The page's candidate column links as a forest (li nesting), in document order, URLs unique."""
    skip = {page_key(u) for u in exclude}
    seen: dict[str, NavNode] = {}
    roots: list[NavNode] = []
    by_li: dict[etree._Element, NavNode] = {}
    page = _page_links(sel, base)
    for a, url in page.links:
        if not url or not in_scope(url) or FILE_URL.search(url):
            continue
        key = page_key(url)
        if key in skip:
            continue
        if key in seen:  # the same column again (a flat list, then a tree): its li still nests children
            li = next((x for x in a.iterancestors("li")), None)
            if li is not None and li not in by_li:
                by_li[li] = seen[key]
            continue
        name = _label(a)
        if name and MORE.search(name):
            # "更多>>" leads to a block's full list: a column named by the block's header text
            name = _more_label(a)
        if not name or len(name) > MAX_LABEL or name in STOP_NAMES or MORE.search(name) or is_truncated(name):
            continue  # a cut-off label ("…的通知...") is an article title, never a column name
        if is_article is not None and is_article(url):
            continue
        if page.is_dated(a):
            continue
        node = NavNode(name=name, url=url)
        seen[key] = node
        parent = _li_parent(a, by_li)
        (parent.children if parent is not None else roots).append(node)
        li = next((x for x in a.iterancestors("li")), None)
        if li is not None and li not in by_li:
            by_li[li] = node
    return nest_by_url(roots)


def nest_by_url(roots: list[NavNode]) -> list[NavNode]:
    """Roots whose URL sits in another root's folder (`cat/sub.htm` under `cat.htm`) become its children."""
    from crawler.discovery.tree import url_parent

    by_url = {n.url: n for n in roots if n.url}
    index = {u: u for u in by_url}
    out: list[NavNode] = []
    for node in roots:
        parent = url_parent(node.url, index) if node.url else None
        if parent is not None and parent != node.url:
            by_url[parent].children.append(node)
        else:
            out.append(node)
    return out


LIST_TAGS = ("ul", "ol", "table", "dl", "menu")


def link_lists(sel: Selector, base: str) -> dict[str, set[int]]:
    """For each link (page key), the lists it is an entry of: the nearest list block around its row,
    or the element holding it when it sits in no row (a div of bare nav links). Links of one list are
    siblings — one menu level — whatever the page calls its containers."""
    ids: dict[etree._Element, int] = {}
    out: dict[str, set[int]] = {}
    for a, url in _page_links(sel, base).links:
        if not url:
            continue
        row = _row(a)
        holder = next((x for x in row.iterancestors(*LIST_TAGS)), None) if row is not None else a.getparent()
        if holder is None:
            continue
        out.setdefault(page_key(url), set()).add(ids.setdefault(holder, len(ids)))
    return out


def menu_urls(sel: Selector, base: str) -> set[str]:
    """URLs (page keys) of links inside a menu: a list or table block of at least three undated links
    that carries no footer words — where a portal lists its columns, whatever the block is called."""
    from crawler.discovery.content import CHROME

    out: set[str] = set()
    page = _page_links(sel, base)
    for block in sel.root.iter("ul", "ol", "table", "dl"):
        if any(True for _ in block.iterancestors("ul", "ol", "table", "dl")):
            continue  # the outermost list block decides
        links = [a for a in block.iter("a") if a.get("href")]
        if len(links) < 3 or CHROME.search(node_text(block)) or any(page.is_dated(a) for a in links):
            continue
        for a in links:
            url = page.url(a)
            if url:
                out.add(page_key(url))
    return out


def more_targets(sel: Selector, base: str) -> set[str]:
    """URLs that a "更多>>" link points to: each is the full list of a block on the page."""
    out: set[str] = set()
    for a, url in _page_links(sel, base).links:
        if url and MORE.search(node_text(a) or ""):
            out.add(page_key(url))
    return out


__all__ = ["candidate_links", "link_lists", "menu_urls", "more_targets", "nest_by_url"]
