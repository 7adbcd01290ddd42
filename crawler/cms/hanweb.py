"""大汉 Hanweb: `/col/col<id>/index.html` lists whose first records sit in `<script type="text/xml">`
`<datastore>`; the rest comes from `/module/web/jpage/dataproxy.jsp`, read directly (no browser).

One proxy request returns a group of pages (`perPage × groupSize` records); some sites repeat the
previous group's last record, so items are de-duplicated by URL. Articles are
`/art/Y/M/D/art_<col>_<id>.html` with the body in `#zoom`.
"""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import urljoin

from parsel import Selector

from crawler.cms.fingerprint import Fingerprint
from crawler.extract.dates import parse_date
from crawler.extract.html import absolute, clean, node_text
from crawler.extract.items import dedupe, link_title
from crawler.extract.types import ApiCall, ListItem, ListPage, Pager

from .generic import GenericAdapter, _year_hint

_FP = (
    (r"/module/web/jpage/dataproxy\.jsp", 4),
    (r"<datastore>", 3),
    (r"/col/col\d+/index\.html", 2),
    (r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html", 2),
    (r"jpage", 1),
)
_SCORE = Fingerprint(_FP)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_XML_SCRIPT = re.compile(r"<script[^>]*type=[\"']text/xml[\"'][^>]*>(.*?)</script>", re.S | re.I)
_TOTAL = re.compile(r"totalRecord\s*[:=]\s*['\"]?(\d+)")
_PER = re.compile(r"perPage\s*:\s*['\"]?(\d+)")
_GROUP = re.compile(r"groupSize\s*:\s*['\"]?(\d+)")
_PROXY = re.compile(r"proxyUrl\s*:\s*['\"]([^'\"]+)['\"]")
_PARAMS = re.compile(r"(?:ajaxParam|param_\d+)\s*[:=]\s*\{([^{}]*)\}", re.S)
_PAIR = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([^,\s}]+))")
PROXY = "/module/web/jpage/dataproxy.jsp"


def records(text: str, base: str, year: int | None = None) -> list[ListItem]:
    """Items of the `<record><![CDATA[<li>…</li>]]></record>` entries of a datastore."""
    out = []
    for frag in _RECORD.findall(text):
        row = Selector(text=frag)
        a = row.xpath("//a[@href]")
        if not a:
            continue
        url = absolute(base, a[0].attrib.get("href"))
        title = link_title(a[0])
        rest = clean(" ".join(row.xpath("//text()[not(ancestor::a)]").getall()))
        date = parse_date(rest, year=year) or parse_date(node_text(row), year=year)
        if url and title:
            out.append(ListItem(title=title, url=url, date=date))
    return out


class HanwebAdapter(GenericAdapter):
    name = "hanweb"

    def fingerprint(self, html: str, url: str) -> int:
        return _SCORE(html)

    def list_page(self, sel: Selector, url: str) -> ListPage:
        raw = sel.get()
        stores = _XML_SCRIPT.findall(raw)
        if not stores:
            return super().list_page(sel, url)
        year = _year_hint(sel)
        items = dedupe([it for s in stores for it in records(htmllib.unescape(s) if "&lt;" in s else s, url, year)])
        scripts = "\n".join(sel.xpath("//script/text()").getall())
        total = _int(_TOTAL, scripts)
        per = _int(_PER, scripts) or 15
        group = _int(_GROUP, scripts) or 3
        pager = Pager(declared_count=total, per_page=per)
        if total is not None:
            pager.total_pages = max(1, -(-total // per))
        page = ListPage(found=True, items=items, pager=pager, virtual_pages=pager.total_pages)
        if total and total > len(items):
            proxy = urljoin(url, (_PROXY.search(scripts).group(1) if _PROXY.search(scripts) else PROXY))
            form = _params(scripts)
            step = per * group
            for start in range(len(items) + 1, total + 1, step):
                end = min(start + step - 1, total)
                page.calls.append(
                    ApiCall(
                        url=f"{proxy}?startrecord={start}&endrecord={end}&perpage={per}",
                        method="POST",
                        form=form,
                        state={"per": per},
                    )
                )
        return page

    def parse_api(self, text: str, url: str, call: ApiCall) -> ListPage:
        items = records(text, url)
        total = re.search(r"<totalrecord>\s*(\d+)", text)
        pages = re.search(r"<totalpage>\s*(\d+)", text)
        pager = Pager(declared_count=int(total.group(1)) if total else None,
                      total_pages=int(pages.group(1)) if pages else None)
        return ListPage(found=True, items=items, pager=pager)


def _int(rx: re.Pattern[str], text: str) -> int | None:
    m = rx.search(text)
    return int(m.group(1)) if m else None


def _params(scripts: str) -> dict[str, str]:
    m = _PARAMS.search(scripts)
    if not m:
        return {}
    return {k: next((v for v in vals if v), "") for k, *vals in _PAIR.findall(m.group(1))}
