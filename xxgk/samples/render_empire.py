"""帝国CMS-like county site (as 柘城): static ``index.html``, ``index_2.html`` … (1-based), ``<a title="Total
record">``, ``li > a + span.time`` lists, ``li.li1 > a.a1`` / ``li.li2 > a.a2`` sidebar (with the missing
space ``class="a2"href=``), a JS-filled ``ul.sideMenu#sidemenu1``, articles ``<col>/<upload-date>/<id>.html``
with ``h1.content_title``, ``span.time`` 发布日期 and the ``/e/public/ViewClick/`` counter script.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from . import govkit as gk
from .htmlkit import esc, rel
from .world import LIST, Article, Column, Portal

FAMILY = "empire"
TEMPLATES = ("empire",)
search_path = "/e/search/index.php"


def file_of(url: str) -> str:
    return url + "index.html" if url.endswith("/") else url


def layout(p: Portal) -> None:
    """Assign every URL of the portal."""
    p.home_url, p.portal_url = "/index.html", "/xxgk/index.html"
    for col in p.top:
        col.url = f"/xxgk/{col.slug}/index.html"
    for g in p.categories:
        g.url = f"/xxgk/{g.slug}/index.html"
        for col in g.children:
            col.url = col.offsite or f"/xxgk/{g.slug}/{col.slug}/index.html"
    for col in p.tree():
        if col.kind != LIST or col.offsite:
            if col.url:
                col.page_urls = [col.url]
            continue
        base = col.url[: -len("index.html")]
        col.page_urls = [col.url] + [f"{base}index_{k}.html" for k in range(2, gk.page_count(col) + 1)]
        if col.restricted:
            col.page_urls = [col.url]
        for art in col.articles:
            up = art.date + dt.timedelta(days=art.id % 4)
            art.url = f"{base}{min(up, p.as_of).isoformat()}/{art.id}.html"

    def att_url(art: Article, k: int, ext: str) -> str:
        digest = hashlib.md5(f"{art.id}-{k}".encode()).hexdigest()[:16]
        return f"/d/file/xxgk/{art.date.isoformat()}/{digest}.{ext}"

    gk.assign_attachments(p, att_url)


def head(p: Portal, title: str) -> str:
    return ('<!doctype html>\n<html>\n<head>\n' + gk.meta_charset(p) +
            '<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1" />\n'
            f'<title>{esc(title)}</title>\n<meta name="keywords" content="" />\n'
            '<link rel="stylesheet" type="text/css" href="/skin/css/css/common.css"  />\n'
            '<script type="text/javascript" src="/skin/css/js/jquery-1.9.1.min.js" ></script>\n</head>\n')


def home_head(p: Portal) -> str:
    return head(p, p.name)


def _header(p: Portal, here: str) -> str:
    form = (f'<div class="search"><div class="ss"><form id="searchform" method="get" action="{search_path}" '
            'name="searchform"><input class="ss_txt" name="q" id="qt" value="" type="text">'
            '<input id="ch-search-b" class="ss_btn" value="搜一下" type="submit"></form></div></div>'
            if p.features.get("search") else "")
    return (f'<body>\n<div class="header"><div class="logo">{esc(p.name)}</div>{form}</div>\n'
            f'<div class="mainnav home_mainHd"><ul><li class="nav1"><a href="{esc(rel(here, "/index.html"))}">'
            f'<b>首页</b></a></li><li class="nav2"><a href="{esc(rel(here, p.portal_url))}"><b>信息公开</b></a></li>'
            "</ul></div>\n")


def _sidebar(p: Portal, here: str) -> str:
    def key() -> str:
        out = ['<div class="sideBar"><div class="parentName" id="sideTitle">政府信息公开</div>\n<ul class="ul1">']
        for col in p.top:
            out.append(f'<li class="li1"><a class="a1" href="{esc(rel(here, col.url or ""))}">{esc(col.name)}</a></li>')
        js = []
        for g in p.categories:
            kids = []
            for c in g.children:
                href = gk.link(here, c.url or "")
                if c.js_menu:
                    js.append([c.name, c.url])
                    continue
                kids.append(f'<li class="li2"><a class="a2"href="{esc(href)}" id="menuId_{c.col_id}">{esc(c.name)}</a></li>')
            out.append(f'<li class="li1"><a class="a1">{esc(g.name)}</a>\n<ul class="ul2"> <DIV style="OVERFLOW: auto;'
                       f' HEIGHT:300px" align="left">{"".join(kids)}</DIV></ul></li>')
        out.append('</ul>\n<ul class="sideMenu" id="sidemenu1" style="display:none">\n</ul>\n<script>\n')
        out.append(f"var parentChnlName=\"信息公开\";\nvar chnlMenus={json.dumps(js, ensure_ascii=False)};\n"
                   "for(var i=0;i<chnlMenus.length;i++){document.getElementById(\"sidemenu1\").innerHTML+="
                   "'<li class=\"li2\"><a class=\"a2\" href=\"'+chnlMenus[i][1]+'\">'+chnlMenus[i][0]+'</a></li>';}\n"
                   'document.getElementById("sidemenu1").style.display="block";\n'
                   'setLeftChnlTitle("sideTitle","sidemenu1");\n</script>\n</div>\n')
        return "".join(out)

    return p.cached("side:" + here.rsplit("/", 1)[0], key)


def _crumb(p: Portal, here: str, col: Column) -> str:
    return (f'<div class="container curmb_box"><div class="curmb"> 当前位置：\n<a href="{esc(rel(here, "/index.html"))}">'
            f'首页</a>&nbsp;>&nbsp;<a href="{esc(rel(here, p.portal_url))}">信息公开</a>&nbsp;>&nbsp;'
            f'<a href="{esc(rel(here, col.url or ""))}">{esc(col.name)}</a>\n</div></div>\n')


def _page(p: Portal, here: str, col: Column | None, title: str, main: str) -> str:
    crumb = _crumb(p, here, col) if col else ""
    return (head(p, title) + _header(p, here) + crumb + '<div class="container">\n<div class="pageMain clearfix">\n'
            + _sidebar(p, here) + f'<div class="mainContent">{main}</div>\n</div></div>\n'
            f'<div class="footer"><div class="copyright"> 主办单位：{esc(p.name)}办公室</div></div>\n</body>\n</html>\n')


def _pager(col: Column, page: int, total: int) -> str:
    pages = gk.page_count(col)

    def name(k: int) -> str:
        return "index.html" if k == 1 else f"index_{k}.html"

    bits = [f'<a title="Total record">&nbsp;<b>{total}</b> </a>&nbsp;&nbsp;']
    if page > 1:
        bits.append(f'<a href="{name(1)}">首页</a>&nbsp;<a href="{name(page - 1)}">上一页</a>&nbsp;')
    for k in range(max(1, page - 4), min(pages, page + 5) + 1):
        bits.append(f"&nbsp;<b>{k}</b>" if k == page else f'&nbsp;<a href="{name(k)}">{k}</a>')
    if page < pages:
        bits.append(f'&nbsp;<a href="{name(page + 1)}">下一页</a>&nbsp;<a href="{name(pages)}">尾页</a>')
    return f'<div style="text-align:center;">{"".join(bits)}</div>'


def list_pages(p: Portal, col: Column) -> dict[str, str]:
    out = {}
    for page, url in enumerate(col.page_urls, start=1):
        arts = col.page_slice(page)
        rows = "".join(f'\n<li>\n                            <a href="{esc(rel(url, a.url))}"  target="_blank"  >'
                       f'{esc(gk.shown_title(a))}</a>\n                            <span class="time">\n'
                       f"                          {a.date.isoformat()}\n                            </span> </li>\n"
                       for a in arts)
        pager = _pager(col, page, len(col.articles)) if col.articles else ""
        main = f'<div class="news_list"><ul>\n{rows}\n{pager}</ul></div>'
        out[url] = _page(p, url, col, col.name, main)
    return out


def article(p: Portal, col: Column, art: Article) -> str:
    here = art.url
    minutes = art.id % 600
    stamp = f"{gk.page_date(art).isoformat()} {8 + minutes // 60:02d}:{minutes % 60:02d}:{art.id % 60:02d}"
    paras = gk.article_body(p, col, art, here).replace('<p style="text-indent:2em;">', '<p class="MsoNormal">')
    main = (f'<div class="content clearfix"><h1 class="content_title">{esc(art.title)}</h1>\n'
            '<h2 class="content_subtitle"></h2>\n<div class="content_attr">\n'
            f'<span class="time">发布日期：<b>{stamp}</b></span>\n<span class="ly">来源：<b> {esc(art.publisher)}</b></span>'
            f' <span class="ly">浏览次数：<b><script src={rel(here, "/e/public/ViewClick/index.html")}?classid='
            f"{col.col_id}&amp;id={art.id}&amp;addclick=1></script></b></span>\n</div>\n"
            f'<div class="content_article" id="zoomcon">{paras}</div></div>')
    return _page(p, here, col, art.title, main)


def content(p: Portal, col: Column) -> str:
    paras = "".join(f'<p class="MsoNormal">{esc(t)}</p>' for t in col.body)
    main = f'<div class="content clearfix"><h1 class="content_title">{esc(col.name)}</h1><div id="zoomcon">{paras}</div></div>'
    return _page(p, col.url or "", col, col.name, main)


def landing(p: Portal, g: Column) -> str:
    here = g.url or ""
    if g.children and all(c.js_menu for c in g.children):
        menus = json.dumps([[c.name, c.url] for c in g.children], ensure_ascii=False)
        main = (f'<div class="xxgkml"><h3>{esc(g.name)}</h3><ul id="lmlist"></ul><script>var lm={menus};'
                "for(var i=0;i<lm.length;i++){document.getElementById(\"lmlist\").innerHTML+="
                "'<li><a href=\"'+lm[i][1]+'\">'+lm[i][0]+'</a></li>';}</script></div>")
    else:
        kids = "".join(f'<li><a href="{esc(gk.link(here, c.url or ""))}">{esc(c.name)}</a></li>' for c in g.children)
        main = f'<div class="xxgkml"><h3>{esc(g.name)}</h3><ul>{kids}</ul></div>'
    return _page(p, here, g, g.name, main)


def message(p: Portal, col: Column, text: str) -> str:
    return _page(p, col.url or "", col, col.name, f'<div class="news_list"><p class="tips">{esc(text)}</p></div>')


def platform(p: Portal) -> str:
    here = p.portal_url
    pairs = sorted(((c, a) for c in gk.list_cols(p) if not c.restricted and not c.robots for a in c.articles),
                   key=lambda ca: (ca[1].date, ca[1].id), reverse=True)[:15]
    rows = "".join(f'<li><a href="{esc(rel(here, a.url))}" target="_blank">{esc(gk.shown_title(a))}</a>'
                   f'<span class="time">{a.date.isoformat()}</span></li>' for _, a in pairs)
    return _page(p, here, None, "政府信息公开", f'<div class="news_list"><h3>最新信息</h3><ul>{rows}</ul></div>')


def routes(p: Portal) -> dict[str, object]:
    return {}


def render(p: Portal) -> dict[str, str | bytes]:
    """Every file of the portal."""
    files = gk.render_gov(p, __import__(__name__, fromlist=["x"]))
    files["/e/public/ViewClick/index.html"] = "document.write('1');\n"
    return files
