"""Guangdong 政府信息公开目录平台 (gkmlpt): the column tree is JSON in `window._CONFIG.TREE`,
lists come from `GET /gkmlpt/api/all/<cat>?page=N&sid=<SID>` (JSON), articles embed
`window._CONFIG.DETAIL`. Columns are `…/gkmlpt/index#<cat>`; no browser is needed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler.cms.fingerprint import Fingerprint
from crawler.extract.article import ArticleInfo, read_article
from crawler.extract.dates import parse_date
from crawler.extract.types import ApiCall, ListItem, ListPage, NavNode, Pager

from .generic import GenericAdapter

_FP = (
    (r"/gkmlpt/", 3),
    (r"SID\s*[:=]\s*['\"]\d+['\"]", 3),
    (r"window\._CONFIG", 2),
    (r"/gkmlpt/api/all/", 2),
)
_SCORE = Fingerprint(_FP)
_CONFIG = re.compile(r"window\._CONFIG\s*=\s*(\{.*?\})\s*;\s*(?:\n|</script>|var\s)", re.S)
_SID = re.compile(r"SID['\"]?\s*[:=]\s*['\"](\d+)['\"]")
CST = dt.timezone(dt.timedelta(hours=8))


def _config(html: str) -> dict:
    m = _CONFIG.search(html)
    if not m:
        return {}
    try:
        return json.loads(m.group(1))
    except json.JSONDecodeError:
        return {}


def _date(value: object) -> dt.date | None:
    if isinstance(value, int | float) and value > 0:
        return dt.datetime.fromtimestamp(value, CST).date()
    return parse_date(str(value)) if value else None


class GkmlptAdapter(GenericAdapter):
    name = "gkmlpt"

    def __init__(self) -> None:
        self.sids: dict[str, str] = {}  # portal index URL → site id (SID) read from its config

    def fingerprint(self, html: str, url: str) -> int:
        return _SCORE(html)

    def nav_tree(self, sel: Selector, url: str) -> list[NavNode]:
        conf = _config(sel.get())
        sid = conf.get("SID") or (m.group(1) if (m := _SID.search(sel.get())) else "")
        self.sids[url.split("#", 1)[0]] = str(sid)
        tree = conf.get("TREE")
        if not tree:
            return super().nav_tree(sel, url)
        index = url.split("#", 1)[0]

        def node(n: dict) -> NavNode:
            kids = [node(c) for c in n.get("children") or []]
            if n.get("url"):
                return NavNode(name=n["name"], url=urljoin(url, n["url"]), children=kids)
            return NavNode(name=n["name"], url=f"{index}#{n['id']}", children=kids, fetch=not kids)

        return [node(n) for n in tree]

    def nav_needs_render(self, sel: Selector) -> str | None:
        return None  # the tree is JSON in the page

    def needs_render(self, sel: Selector, page: ListPage) -> str | None:
        return None  # lists come from the JSON API

    def column_call(self, url: str) -> ApiCall | None:
        parts = urlsplit(url)
        if not parts.path.rstrip("/").endswith("/gkmlpt/index") or not parts.fragment.isdigit():
            return None
        sid = self.sids.get(url.split("#", 1)[0], "")
        return ApiCall(url=urljoin(url, f"/gkmlpt/api/all/{parts.fragment}?page=1&sid={sid}"),
                       state={"cat": parts.fragment})

    def list_page(self, sel: Selector, url: str) -> ListPage:
        return super().list_page(sel, url)

    def parse_api(self, text: str, url: str, call: ApiCall) -> ListPage:
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return ListPage(found=False)
        items = []
        for a in data.get("articles") or []:
            link = a.get("url") or a.get("post_url")
            if link and a.get("title"):
                items.append(ListItem(title=a["title"], url=urljoin(url, link), date=_date(a.get("created_at"))))
        total = data.get("total")
        if total is None:
            total = (data.get("classify") or {}).get("post_count")
        page_no = call.state.get("page", 1)
        per = call.state.get("per") or len(items) or 1
        pager = Pager(declared_count=total, per_page=per)
        if isinstance(total, int) and items:
            pager.total_pages = max(1, -(-total // per))
        page = ListPage(found=True, items=items, pager=pager)
        if page_no == 1 and pager.total_pages and pager.total_pages > 1:
            for n in range(2, pager.total_pages + 1):
                page.calls.append(ApiCall(url=re.sub(r"page=\d+", f"page={n}", url),
                                          state={**call.state, "page": n, "per": per}))
        return page

    def article(self, sel: Selector, url: str, html: str) -> ArticleInfo:
        info = read_article(sel, url, html)
        detail = _config(html).get("DETAIL") or {}
        if not detail:
            m = re.search(r"DETAIL\s*:\s*(\{.*?\})\s*\}\s*;", html, re.S)
            if m:
                try:
                    detail = json.loads(m.group(1))
                except json.JSONDecodeError:
                    detail = {}
        if detail:
            info.title = detail.get("title") or info.title
            info.date = _date(detail.get("date")) or info.date
            if detail.get("identifier"):
                info.meta.setdefault("索引号", detail["identifier"])
            if detail.get("publisher"):
                info.meta.setdefault("发布机构", detail["publisher"])
                info.unit = info.unit or detail["publisher"]
        return info
