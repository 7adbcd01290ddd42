"""博达 VSB (Visual SiteBuilder): `li[id^=line_u]` lists, `pb_sys_common` pager numbered in reverse.

Entry page `tzgg.htm`, then `tzgg/N.htm` … `tzgg/1.htm` (page 2 has the highest N).
Articles are `/info/<col>/<id>.htm`. The `_showDynClickBatch` script text is ignored.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from parsel import Selector

from crawler.cms.fingerprint import Fingerprint
from crawler.extract.dates import parse_date
from crawler.extract.html import absolute, clean, node_text
from crawler.extract.items import link_title
from crawler.extract.pager import declared_count
from crawler.extract.types import ListItem, ListPage, Pager

from .generic import GenericAdapter, _year_hint

_FP = (
    (r"/info/\d+/\d+\.htm", 2),
    (r"id=[\"']line_u\d+_\d+", 3),
    (r"pb_sys_common", 3),
    (r"p_no_d", 1),
    (r"_showDynClickBatch", 2),
    (r"/system/resource/js/", 2),
    (r"Visual\s*SiteBuilder", 3),
    (r"begineditable", 1),
    (r"_sitegray", 1),
)
_SCORE = Fingerprint(_FP)


class VsbAdapter(GenericAdapter):
    name = "vsb"

    def fingerprint(self, html: str, url: str) -> int:
        return _SCORE(html)

    def list_items(self, sel: Selector, url: str) -> list:
        rows = sel.xpath("//li[starts-with(@id,'line_u') or starts-with(@id,'line_')]")
        if not rows:
            return super().list_items(sel, url)
        year = _year_hint(sel)
        items = []
        for row in rows:
            a = row.xpath(".//a[@href]")
            if not a:
                continue
            href = absolute(url, a[0].attrib.get("href"))
            title = clean(a[0].attrib.get("title"))
            if not title:
                h = row.xpath(".//h4 | .//h3 | .//*[contains(@class,'title')]")
                title = node_text(h[0]) if h else link_title(a[0])
            date_node = row.xpath(".//*[contains(@class,'date') or contains(@class,'time')]")
            date_text = node_text(date_node[0]) if date_node else node_text(row).replace(title, "")
            if href and title:
                items.append(ListItem(title=title, url=href, date=parse_date(date_text, year=year)))
        return items

    def list_page(self, sel: Selector, url: str) -> ListPage:
        items = self.list_items(sel, url)
        box = sel.css(".pb_sys_common")
        if not box:
            page = super().list_page(sel, url)
            page.items = items or page.items
            page.found = page.found or bool(sel.xpath("//ul[li[starts-with(@id,'line_u')]]"))
            return page
        return ListPage(found=True, items=items, pager=vsb_pager(box[0], url))


def vsb_pager(box: Selector, url: str) -> Pager:
    """Read `pb_sys_common`: 共N条, 'cur/total', page links; name all pages from the entry page."""
    pager = Pager()
    for t in box.css("span.p_t").xpath("string()").getall():
        if pager.declared_count is None:
            pager.declared_count = declared_count(t)
        m = re.search(r"(\d+)\s*/\s*(\d+)", t)
        if m:
            pager.current_page, pager.total_pages = int(m.group(1)), int(m.group(2))
    for a in box.xpath(".//a[@href]"):
        link = absolute(url, a.attrib.get("href"))
        if not link:
            continue
        cls = " ".join(a.xpath("ancestor-or-self::*/@class").getall())
        if "p_next" in cls and "p_next_d" not in cls:
            pager.next_url = link
        elif "p_last" in cls and "p_last_d" not in cls:
            pager.last_url = link
        pager.page_urls.append(link)
    # Entry page 'x.htm' → x/(T-1).htm … x/1.htm
    m = re.search(r"/([^/]+)\.htm$", url)
    if m and pager.total_pages and pager.current_page == 1:
        stem = m.group(1)
        pager.page_urls += [urljoin(url, f"{stem}/{n}.htm") for n in range(pager.total_pages - 1, 0, -1)]
    return pager
