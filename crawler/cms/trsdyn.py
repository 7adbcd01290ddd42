"""TRS "动静结合" lists: the first page(s) are static HTML, later pages are filled by
`list2.trsapi` in the browser (`index.html?page=N`). The static page gives the record count and
page size (`listModel({… pagebar:{prepage, recordCount}})`), so exactly the later pages are rendered.
"""

from __future__ import annotations

import re

from parsel import Selector

from crawler.cms.fingerprint import Fingerprint
from crawler.extract.types import ListPage, Pager

from .trs import TrsAdapter

_FP = (
    (r"list2\.trsapi", 6),
    (r"动静结合", 3),
    (r"listModel\s*\(", 2),
)
_SCORE = Fingerprint(_FP)
_COUNT = re.compile(r"recordCount\s*:\s*['\"]?(\d+)")
_PREPAGE = re.compile(r"prepage\s*:\s*['\"]?(\d+)")
_STATIC = re.compile(r"maxStaticIndex\s*:\s*['\"]?(\d+)")


class TrsDynAdapter(TrsAdapter):
    name = "trs-dyn"

    def fingerprint(self, html: str, url: str) -> int:
        return _SCORE(html)

    def needs_render(self, sel: Selector, page: ListPage) -> str | None:
        return None  # the static page names the pages that need the browser (`render_pages`)

    def list_page(self, sel: Selector, url: str) -> ListPage:
        scripts = "\n".join(sel.xpath("//script/text()").getall())
        count = _COUNT.search(scripts)
        if not count:
            return super().list_page(sel, url)
        items = self.list_items(sel, url)
        total = int(count.group(1))
        per = int(_PREPAGE.search(scripts).group(1)) if _PREPAGE.search(scripts) else 10
        static = int(_STATIC.search(scripts).group(1)) if _STATIC.search(scripts) else 1
        pages = max(1, -(-total // per))
        pager = Pager(declared_count=total, total_pages=pages, per_page=per)
        base = url.split("?", 1)[0]
        m = re.search(r"[?&]page=(\d+)", url)
        current = int(m.group(1)) if m else 1
        pager.current_page = current
        page = ListPage(found=True, items=items, pager=pager)
        if current <= static:
            page.render_pages = [f"{base}?page={n}" for n in range(static + 1, pages + 1)]
        return page
