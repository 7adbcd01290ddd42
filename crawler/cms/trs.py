"""TRS WCM: `createPageHTML(countPage, currentPage, "index", "html")` pagers, 0-based `index_N.html`.

Lists are tables (`table.gl_list`, `TR > TD > A` + a date cell) or `ul > li > a + span`;
the generic dated-list reader handles both. Articles are `/<col>/YYYYMM/tYYYYMMDD_N.html`.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from parsel import Selector

from crawler.cms.fingerprint import Fingerprint
from crawler.extract.pager import generic_pager
from crawler.extract.types import ListPage, Pager

from .generic import GenericAdapter

_FP = (
    (r"/t\d{8}_\d+\.s?html?", 3),
    (r"createPageHTML", 3),
    (r"var\s+countPage", 3),
    (r"TRS_Editor", 2),
    (r"CurrChnlCls", 2),
    (r"was\d*/search", 1),
    (r"trsapi", 2),
    (r"<meta[^>]+name=\"?ChnlId", 1),
)
_SCORE = Fingerprint(_FP)
_CREATE = re.compile(r"createPageHTML\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")
_COUNT_PAGE = re.compile(r"var\s+countPage\s*=\s*(\d+)")
_CURRENT = re.compile(r"var\s+currentPage\s*=\s*(\d+)")
_COUNT_NUM = re.compile(r"var\s+(?:countnum|recordCount|totalRecord)\s*=\s*['\"]?(\d+)")


class TrsAdapter(GenericAdapter):
    name = "trs"

    def fingerprint(self, html: str, url: str) -> int:
        return _SCORE(html)

    def list_page(self, sel: Selector, url: str) -> ListPage:
        items = self.list_items(sel, url)
        scripts = "\n".join(sel.xpath("//script/text()").getall())
        pager = trs_pager(scripts, url)
        if pager is None:
            pager = generic_pager(sel, url)
        return ListPage(found=bool(items) or pager.total_pages is not None, items=items, pager=pager)


def trs_pager(script: str, url: str) -> Pager | None:
    """Page facts from the pager script; names pages index.html, index_1.html … (0-based)."""
    m = _CREATE.search(script)
    if m:
        count, current, stem, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    else:
        mc = _COUNT_PAGE.search(script)
        if not mc:
            return None
        cur = _CURRENT.search(script)
        count, current, stem = int(mc.group(1)), int(cur.group(1)) if cur else 0, "index"
        ext_m = re.search(r"/index(?:_\d+)?\.(s?html?)$", url)
        ext = ext_m.group(1) if ext_m else "html"
    pager = Pager(total_pages=count, current_page=current + 1)
    mn = _COUNT_NUM.search(script)
    if mn:
        pager.declared_count = int(mn.group(1))
    pages = [urljoin(url, f"{stem}_{n}.{ext}") for n in range(1, count)]
    pager.page_urls = pages
    if current + 1 < count:
        pager.next_url = urljoin(url, f"{stem}_{current + 1}.{ext}")
    if count > 1:
        pager.last_url = pages[-1]
    return pager
