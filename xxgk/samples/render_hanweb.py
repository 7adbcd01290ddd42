"""大汉 Hanweb family: ``/col/col<id>/index.html`` lists whose first group (3 pages) sits in
``<script type="text/xml"><datastore><recordset><record><![CDATA[<li>…</li>]]>`` with the jpage JS config
and ``totalRecord``; later groups come from ``/module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=``
(GET or POST form; answered by the sample server from ``routes.json``). ``hanweb-b`` repeats one boundary
record at the start of every later group. Articles ``/art/Y/M/D/art_<col>_<id>.html`` with ``#zoom``.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from . import govkit as gk
from .htmlkit import esc, rel, stamp
from .world import LIST, Article, Column, Portal

FAMILY = "hanweb"
TEMPLATES = ("hanweb-a", "hanweb-b")
GROUP = 3  # pages per dataproxy request
PROXY = "/module/web/jpage/dataproxy.jsp"
search_path = "/jrobot/search.do"


def file_of(url: str) -> str:
    return url


def _webid(p: Portal) -> int:
    return 10 + p.index % 90


def _params(p: Portal, col: Column) -> dict[str, object]:
    return {"col": 1, "appid": 1, "webid": _webid(p), "path": "/", "columnid": col.col_id, "sourceContentType": 1,
            "unitid": 200000 + col.col_id, "webname": p.name, "permissiontype": 0}


def proxy_url(p: Portal, col: Column, start: int, end: int) -> str:
    """The GET form of one dataproxy request (records ``start``..``end``, 1-based)."""
    query = {"startrecord": start, "endrecord": end, "perpage": col.page_size, **_params(p, col)}
    return f"{PROXY}?{urlencode(query)}"


def layout(p: Portal) -> None:
    """Assign every URL of the portal."""
    p.home_url = "/index.html"
    p.portal_url = f"/col/col{p.top[0].col_id - 1}/index.html"
    for col in p.tree():
        col.url = col.offsite or f"/col/col{col.col_id}/index.html"
        col.page_urls = [col.url] if col.kind != "group" else []
        if col.kind != LIST or col.offsite or col.restricted:
            continue
        chunk = col.page_size * GROUP
        col.page_urls += [proxy_url(p, col, s + 1, min(s + chunk, len(col.articles)))
                          for s in range(chunk, len(col.articles), chunk)]
        col.extra.update({"perpage": col.page_size, "group_pages": GROUP, "unitid": 200000 + col.col_id,
                          "webid": _webid(p), "repeat_boundary": p.template == "hanweb-b",
                          "first_group_records": min(chunk, len(col.articles))})
        for art in col.articles:
            d = art.date
            art.url = f"/art/{d.year}/{d.month}/{d.day}/art_{col.col_id}_{art.id}.html"

    def att_url(art: Article, k: int, ext: str) -> str:
        return f"/attach/0/{hashlib.md5(f'{art.id}{k}'.encode()).hexdigest()[:20]}.{ext}"

    gk.assign_attachments(p, att_url)


def head(p: Portal, title: str, extra: str = "") -> str:
    return ('<!DOCTYPE html>\n<html>\n<head>\n' + gk.meta_charset(p) + extra +
            f'<title>{esc(title)}</title>\n<link rel="stylesheet" href="/images/{_webid(p)}/style.css" />\n'
            '<script src="/module/jslib/jquery/jquery.js"></script>\n</head>\n')


def home_head(p: Portal) -> str:
    return head(p, p.name)


def _side(p: Portal, here: str) -> str:
    def make() -> str:
        out = []
        for col in p.top:
            out.append(f'<li class="lm1"><a href="{esc(col.url or "")}">{esc(col.name)}</a></li>')
        for g in p.categories:
            kids = "".join(f'<li><a href="{esc(c.url or "")}" target="_self">{esc(c.name)}</a></li>' for c in g.children)
            out.append(f'<li class="lm1"><a href="{esc(g.url or "")}">{esc(g.name)}</a><ul class="lm2">{kids}</ul></li>')
        return f'<div class="left-nav"><h3>政府信息公开</h3><ul>{"".join(out)}</ul></div>\n'

    return p.cached("side", make)


def _page(p: Portal, here: str, title: str, main: str, extra_head: str = "") -> str:
    return (head(p, title, extra_head) + f'<body>\n<div class="top"><a href="/index.html">{esc(p.name)}</a>'
            f'&nbsp;|&nbsp;<a href="{esc(p.portal_url)}">政府信息公开</a></div>\n<div class="main">'
            + _side(p, here) + f'<div class="right-con">{main}</div></div>\n'
            f'<div class="foot">主办：{esc(p.name)}办公室 网站标识码：{4100000000 + p.index * 7}</div>\n</body>\n</html>\n')


def record(a: Article) -> str:
    """One ``<record>`` of a datastore."""
    return (f"<record><![CDATA[<li><a href='{esc(a.url)}' title='{esc(a.title)}' target='_blank'>"
            f"{esc(gk.shown_title(a))}</a><span>{a.date.isoformat()}</span></li>]]></record>")


def list_pages(p: Portal, col: Column) -> dict[str, str]:
    chunk = col.page_size * GROUP
    first = "\n".join(record(a) for a in col.articles[:chunk])
    unitid = 200000 + col.col_id
    cfg = _params(p, col)
    params = ",".join(f"{k}:{v!r}" if isinstance(v, str) else f"{k}:{v}" for k, v in cfg.items())
    nextgroup = f'<a href="{esc(PROXY)}?page=1&amp;webid={cfg["webid"]}&amp;columnid={col.col_id}&amp;unitid={unitid}"></a>'
    main = (f'<div class="lm-title">{esc(col.name)}</div>\n<div id="{unitid}">'
            f'<script type="text/xml"><datastore>\n<nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n'
            f"<recordset>\n{first}\n</recordset>\n</datastore></script></div>\n"
            '<script language="javascript" src="/module/web/jpage/jpage.js"></script>\n'
            f'<script>\nvar totalRecord = {len(col.articles)};\n'
            f"$(function(){{ $('#{unitid}').jpage({{ dataStore: {unitid}, perPage: {col.page_size}, groupSize: {GROUP}, "
            f"totalRecord: totalRecord, proxyUrl: '{PROXY}', dataBefore: '<ul class=\"list\">', dataAfter: '</ul>', "
            f"ajaxParam: {{ {params} }} }}); }});\n</script>\n")
    return {col.url or "": _page(p, col.url or "", col.name, main)}


def article(p: Portal, col: Column, art: Article) -> str:
    metas = (f'<meta name="ArticleTitle" content="{esc(art.title)}">\n'
             f'<meta name="PubDate" content="{stamp(art, p.seed)}">\n'
             f'<meta name="ContentSource" content="{esc(art.publisher)}">\n')
    main = (f'<div class="article"><h1 class="title">{esc(art.title)}</h1><div class="info">'
            f"发布日期：{gk.page_date(art).isoformat()}&nbsp;&nbsp;信息来源：{esc(art.publisher)}</div>\n"
            f'<div id="zoom"><meta name="ContentStart"/>{gk.article_body(p, col, art, art.url)}'
            '<meta name="ContentEnd"/></div></div>')
    return _page(p, art.url, art.title, main, metas)


def content(p: Portal, col: Column) -> str:
    paras = "".join(f"<p>{esc(t)}</p>" for t in col.body)
    return _page(p, col.url or "", col.name, f'<div class="article"><h1 class="title">{esc(col.name)}</h1>'
                 f'<div id="zoom">{paras}</div></div>')


def landing(p: Portal, g: Column) -> str:
    kids = "".join(f'<li><a href="{esc(c.url or "")}">{esc(c.name)}</a></li>' for c in g.children)
    return _page(p, g.url or "", g.name, f'<div class="lm-title">{esc(g.name)}</div><ul class="sub-lm">{kids}</ul>')


def message(p: Portal, col: Column, text: str) -> str:
    return _page(p, col.url or "", col.name, f'<div class="lm-title">{esc(col.name)}</div><p>{esc(text)}</p>')


def platform(p: Portal) -> str:
    items = "".join(f'<li><a href="{esc(c.url or "")}">{esc(c.name)}</a></li>' for c in p.top + p.categories)
    return _page(p, p.portal_url, "政府信息公开", f'<div class="xxgk-home"><ul class="xxgk-lm">{items}</ul></div>')


def routes(p: Portal) -> dict[str, object]:
    cols = {str(c.col_id): {"records": [record(a) for a in c.articles], "perpage": c.page_size}
            for c in gk.list_cols(p) if not c.restricted}
    return {"hanweb": {"path": PROXY, "repeat_boundary": p.template == "hanweb-b", "columns": cols}}


def render(p: Portal) -> dict[str, str | bytes]:
    """Every file of the portal."""
    return gk.render_gov(p, __import__(__name__, fromlist=["x"]))


_ = rel
