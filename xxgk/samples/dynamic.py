"""Dynamic answers of the sample server, computed from a portal's precomputed ``routes.json``:
status overrides (401/403/500, login redirects), the search form, Hanweb ``dataproxy.jsp``, the TRS
``list2`` API stand-in and gkmlpt's JSON API. Everything is a pure function of the request.
"""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

Answer = tuple[int, bytes, str, "str | None"]
ERROR = "<!DOCTYPE html><html><head><title>{code}</title></head><body><h1>{code}</h1><p>{text}</p></body></html>"
TEXTS = {401: "Unauthorized 需要身份认证", 403: "Forbidden 禁止访问", 500: "Internal Server Error 服务器内部错误",
         404: "Not Found 页面不存在"}


def _page(handler: Any, code: int, text: str, ctype: str = "text/html") -> Answer:
    charset = handler.charset or handler.encoding
    body = text.encode(handler.encoding, errors="xmlcharrefreplace")
    return code, body, f"{ctype}; charset={charset}" if handler.charset or ctype != "text/html" else ctype, None


def answer(handler: Any, form: bytes) -> Answer | None:
    """The dynamic answer for ``handler.path`` (``None``: serve the static file)."""
    routes = handler.routes
    if not routes:
        return None
    parts = urlsplit(handler.path)
    path = unquote(parts.path)
    query = _qs(parts.query, handler.encoding) | _qs(form.decode("latin-1"), handler.encoding)
    status = routes.get("status", {}).get(path)
    if status:
        code, location = status
        if location:
            return code, b"", "text/html; charset=utf-8", location
        return _page(handler, code, ERROR.format(code=code, text=TEXTS.get(code, "")))
    for name, fn in (("search", _search), ("hanweb", _hanweb), ("trsapi", _trsapi), ("gkmlpt", _gkmlpt)):
        route = routes.get(name)
        if route and path.startswith(route["path"]):
            return fn(handler, route, path, query)
    return None


def _qs(text: str, encoding: str) -> dict[str, list[str]]:
    """Parse a query string; values are UTF-8, or the portal's encoding as its forms submit them."""
    try:
        return parse_qs(text, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return parse_qs(text, encoding=encoding, errors="replace")


def _one(query: dict[str, list[str]], key: str, default: str = "") -> str:
    return query.get(key, [default])[0]


def _search(handler: Any, route: dict[str, Any], path: str, query: dict[str, list[str]]) -> Answer:
    q = _one(query, route["param"]).strip()
    hits = [i for i in route["items"] if q and q in i[0]][:50]
    rows = "".join(f'<li><a href="{html.escape(u)}">{html.escape(t)}</a><span>{d}</span></li>' for t, u, d in hits)
    rows = f"<p>共找到{len(hits)}条结果</p>{rows}"
    return _page(handler, 200, route["page"].replace("{rows}", rows))


def _int(query: dict[str, list[str]], key: str, default: int) -> int:
    try:
        return int(_one(query, key, str(default)))
    except ValueError:
        return default


def _hanweb(handler: Any, route: dict[str, Any], path: str, query: dict[str, list[str]]) -> Answer:
    col = route["columns"].get(_one(query, "columnid"))
    if col is None:
        return _page(handler, 200, "<datastore><totalrecord>0</totalrecord><totalpage>0</totalpage>"
                     "<recordset></recordset></datastore>", "text/xml")
    records, per = col["records"], _int(query, "perpage", col["perpage"])
    start = max(1, _int(query, "startrecord", 1))
    end = min(len(records), _int(query, "endrecord", start + per * 3 - 1))
    if route["repeat_boundary"] and start > 1:
        start -= 1  # this site repeats the previous group's last record
    total_pages = -(-len(records) // per) if per > 0 else 0
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore><totalrecord>{len(records)}</totalrecord>'
            f"<totalpage>{total_pages}</totalpage><recordset>\n" + "\n".join(records[start - 1:end])
            + "\n</recordset></datastore>")
    return 200, body.encode("utf-8"), "text/xml; charset=utf-8", None


def _json(data: str | dict[str, Any], code: int = 200) -> Answer:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return code, text.encode("utf-8"), "application/json; charset=utf-8", None


def _trsapi(handler: Any, route: dict[str, Any], path: str, query: dict[str, list[str]]) -> Answer:
    items = route["channels"].get(_one(query, "channelid"))
    if items is None:
        return _json({"total": 0, "page": 1, "list": []}, 404)
    page, per = max(1, _int(query, "page", 1)), max(1, _int(query, "prepage", 10))
    rows = [{"title": t, "url": u, "date": d} for t, u, d in items[(page - 1) * per: page * per]]
    return _json({"total": len(items), "page": page, "prepage": per, "list": rows})


def _gkmlpt(handler: Any, route: dict[str, Any], path: str, query: dict[str, list[str]]) -> Answer:
    pages = route["pages"].get(path[len(route["path"]):].strip("/"))
    if pages is None or _one(query, "sid") != route["sid"]:
        return _json({"total": 0, "articles": []}, 404)
    page = _int(query, "page", 1)
    if not 1 <= page <= len(pages):
        return _json({"total": json.loads(pages[0])["total"], "articles": []})
    return _json(pages[page - 1])
