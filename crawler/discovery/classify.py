"""What a fetched page is, read from the page itself: a list, a landing page, an article, a content
page — or unclassified when it shows none of these.

- list: the adapter or the generic reader found repeated rows of link plus date, or a pager;
- landing: no list, but a block of links to pages that could be columns (its sub-columns);
- article: a heading, a date near it and a body, and no list;
- content: a main text block long enough to be a page of its own (a single-page column).
"""

from __future__ import annotations

import re

from parsel import Selector

from crawler.extract.dates import parse_date
from crawler.extract.html import clean, node_text
from crawler.extract.types import ListPage

LIST, LANDING, ARTICLE, CONTENT, UNCLASSIFIED = "list", "landing", "article", "content", "unclassified"
MIN_CONTENT_CHARS = 30
MIN_LANDING_LINKS = 2
# An empty list says so in words: it is a (blank) list, not an unknown page.
NO_DATA = re.compile(r"暂无(?:相关)?(?:信息|数据|内容|记录|文章|公开信息)|没有(?:相关)?(?:记录|信息|数据)|无相关信息|无记录")
CRUMB = re.compile(r"(?:当前位置|您的位置|你的位置|所在位置|当前页面|位置)\s*[:：]?")
CRUMB_SEP = re.compile(r"\s*(?:>>|>|»|›|→|/|＞|》|-)\s*")


def classify(page: ListPage, *, sub_links: int, content_chars: int, article_like: bool = False,
             below_links: int = 0, no_data: bool = False, nested: int = 0) -> str:
    """The page's kind from its list reading, its new candidate links (`below_links`: those in its own
    URL folder, evidence enough one by one; `nested`: how many entries a menu nested under the page's
    own entry — a category of one sub-column is a landing page too) and its main block's text."""
    if page.items or page.found:
        return LIST
    if sub_links >= MIN_LANDING_LINKS or below_links >= 1 or (nested >= 1 and sub_links >= 1):
        return LANDING
    if no_data:
        return LIST
    if article_like:
        return ARTICLE
    if content_chars >= MIN_CONTENT_CHARS:
        return CONTENT
    return UNCLASSIFIED


def says_no_data(sel: Selector) -> bool:
    """A short element of the page says the list is empty (暂无信息)."""
    for el in sel.root.iter("p", "div", "td", "li", "span", "em", "font"):
        text = "".join(el.itertext()).strip()
        if text and len(text) <= 20 and NO_DATA.search(text):
            return True
    return False


def says_empty(sel: Selector) -> bool:
    """The page says its list is empty (暂无信息) and its main block holds little else than headings (the
    column's name), links (a 当前位置 trail, menus) and that marker: an empty column under a title and a
    template banner, not a content page."""
    if not says_no_data(sel):
        return False
    from crawler.discovery.content import main_block

    block = main_block(sel)
    if block is None:
        return True
    own = block.xpath(".//text()[not(ancestor::a) and not(ancestor::script) and not(ancestor::style)"
                      " and not(ancestor::h1 or ancestor::h2 or ancestor::h3 or ancestor::h4 or ancestor::h5"
                      " or ancestor::h6)]").getall()
    rest = CRUMB.sub("", re.sub(r"\s+", "", "".join(own)))
    rest = CRUMB_SEP.sub("", NO_DATA.sub("", rest))
    return len(rest) < MIN_CONTENT_CHARS


def breadcrumb(sel: Selector) -> list[str]:
    """The names of a 当前位置 trail (home first), or [] when the page shows none."""
    for node in sel.xpath("//body//*[contains(text(),'位置')]"):
        box = node
        for _ in range(3):
            if len(box.xpath(".//a")) >= 1 or box.root.getparent() is None:
                break
            box = box.xpath("..")[0]
        text = node_text(box)
        m = CRUMB.search(text)
        if not m or len(text) > 200:
            continue
        parts = [clean(p) for p in CRUMB_SEP.split(text[m.end():]) if clean(p)]
        if parts:
            return parts
    return []


def heading(sel: Selector) -> str | None:
    """The page's own heading: its first h1–h3, else its <title> (site suffix dropped)."""
    for h in sel.xpath("//body//h1 | //body//h2 | //body//h3")[:3]:
        text = node_text(h)
        if 2 <= len(text) <= 40:
            return text
    title = clean(sel.xpath("//title").xpath("string()").get())
    return re.split(r"\s*[-_|—–]\s*", title)[0] or None if title else None


def looks_like_article(sel: Selector, body_chars: int) -> bool:
    """A heading with a date right under it and a body of some length: an article, not a column."""
    if body_chars < 100:
        return False
    for h in sel.xpath("//body//h1 | //body//h2 | //body//*[contains(@class,'title')]")[:3]:
        near = h.xpath("following::text()[normalize-space()][position()<=8]").getall()
        if parse_date(" ".join(near)):
            return True
    return False


__all__ = ["ARTICLE", "CONTENT", "LANDING", "LIST", "NO_DATA", "UNCLASSIFIED", "breadcrumb", "says_no_data", "classify", "heading",
           "looks_like_article"]
