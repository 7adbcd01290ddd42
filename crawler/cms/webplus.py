"""Sudy WebPlus: `#wp_news_wN li.news` lists, `#wp_paging_wN` pager, `list.htm` → `listN.htm`."""

from __future__ import annotations

import re

from parsel import Selector

from crawler.cms.fingerprint import Fingerprint
from crawler.extract.dates import parse_date
from crawler.extract.html import absolute, clean, node_text
from crawler.extract.items import link_title
from crawler.extract.types import ListItem, ListPage, Pager

from .generic import GenericAdapter, _year_hint

_FP = (
    (r"wp_paging", 3),
    (r"wp_news_w\d+", 3),
    (r"/_upload/", 1),
    (r"/_css/_system/", 2),
    (r"/c\d+a\d+/page\.htm", 2),
    (r"/list\d*\.htm", 1),
    (r"wp_articlecontent", 2),
    (r"sudy", 1),
)
_SCORE = Fingerprint(_FP, re.I)


def _int(sel: Selector, css: str) -> int | None:
    t = clean(sel.css(css).xpath("string()").get())
    return int(t) if t.isdigit() else None


class WebPlusAdapter(GenericAdapter):
    name = "webplus"

    def fingerprint(self, html: str, url: str) -> int:
        return _SCORE(html)

    def list_items(self, sel: Selector, url: str) -> list:
        rows = news_rows(sel)
        if not rows:
            return super().list_items(sel, url)
        year = _year_hint(sel)
        items = []
        for row in rows:
            a = row.css(".news_title a[href]") or row.xpath(".//a[@href]")
            if not a:
                continue
            href = absolute(url, a[0].attrib.get("href"))
            meta = row.css(".news_meta, .news_date, .news_time")
            date = parse_date(node_text(meta[0]) if meta else node_text(row), year=year)
            if href:
                items.append(ListItem(title=link_title(a[0]), url=href, date=date))
        return items

    def list_page(self, sel: Selector, url: str) -> ListPage:
        items = self.list_items(sel, url)
        box = sel.xpath("//*[starts-with(@id,'wp_paging_w')]")
        found = bool(items) or bool(sel.xpath("//*[starts-with(@id,'wp_news_w')]"))
        if not box:
            page = super().list_page(sel, url)
            return ListPage(found=found or page.found, items=items or page.items, pager=page.pager)
        return ListPage(found=found, items=items, pager=webplus_pager(box[0], url))


def news_rows(sel: Selector) -> list[Selector]:
    """Rows of the paged news block (`wp_news_wN` matching `wp_paging_wN`), else the biggest block."""
    row_xp = ".//li[contains(concat(' ',normalize-space(@class),' '),' news ')]"
    paging = sel.xpath("//*[starts-with(@id,'wp_paging_w')]/@id").get()
    if paging:
        block = sel.xpath(f"//*[@id='{paging.replace('wp_paging_', 'wp_news_')}']")
        if block:
            return block[0].xpath(row_xp)
    blocks = [b.xpath(row_xp) for b in sel.xpath("//*[starts-with(@id,'wp_news_w')]")]
    return max(blocks, key=len, default=[])


def webplus_pager(box: Selector, url: str) -> Pager:
    """`em.per_count`, `em.all_count`, `em.curr_page`/`em.all_pages`, `a.next`; list.htm → listN.htm."""
    pager = Pager(
        per_page=_int(box, "em.per_count"),
        declared_count=_int(box, "em.all_count"),
        current_page=_int(box, "em.curr_page"),
        total_pages=_int(box, "em.all_pages"),
    )
    pager.next_url = absolute(url, box.css("a.next").attrib.get("href"))
    pager.last_url = absolute(url, box.css("a.last").attrib.get("href"))
    pager.page_urls = [u for u in (pager.next_url, pager.last_url) if u]
    m = re.search(r"/list(\d*)\.htm$", url)
    if m and pager.total_pages:
        prefix = url[: m.start()]
        pager.page_urls += [f"{prefix}/list{n}.htm" for n in range(2, pager.total_pages + 1)]
    return pager
