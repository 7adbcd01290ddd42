"""TRS 动静结合 family: a column's first page is static (10 items); the rest is loaded by JS
(``list2.trsapi`` config) from ``/trsapi/list2?channelid=&page=&prepage=`` — our stand-in for TRS's API,
answered by the sample server. Page *n* is ``index.html?page=n`` and needs a browser (or the API).
Hidden tabs (``style="display:none;"``) on the platform home hold real columns. Articles are TRS-style
``<col>/YYYYMM/tYYYYMMDD_<id>.html`` with ``div.TRS_Editor`` and the standard ``<meta>`` tags.
"""

from __future__ import annotations

from . import govkit as gk
from .htmlkit import esc, rel, stamp
from .world import LIST, Article, Column, Portal

FAMILY = "trs-dyn"
TEMPLATES = ("trs-dyn",)
PER = 10
API = "/trsapi/list2"
search_path = None

LOADER = """var require=window.require||function(deps,fn){};
function listModel(cfg){var m=/[?&]page=(\\d+)/.exec(location.search);var page=m?parseInt(m[1]):1;
var total=parseInt(cfg.pagebar.recordCount);var pages=Math.max(1,Math.ceil(total/cfg.pagebar.prepage));
function bar(){var h='';for(var k=1;k<=pages;k++){h+=(k==page?'<span class="now">'+k+'</span>':'<a href="index.html?page='+k+'">'+k+'</a>');}
if(page<pages){h+='<a href="index.html?page='+(page+1)+'">下一页</a>';}document.getElementById('pgBar').innerHTML='共'+total+'条 '+h;}
if(page<=cfg.maxStaticIndex){bar();return;}
var x=new XMLHttpRequest();x.open('GET','__API__?channelid='+cfg.listArgs.channelid+'&page='+page+'&prepage='+cfg.pagebar.prepage);
x.onload=function(){var d=JSON.parse(x.responseText);var h='';for(var i=0;i<d.list.length;i++){var r=d.list[i];
h+='<li><a href="'+r.url+'" target="_blank" title="'+r.title+'">'+r.title+'</a><span>'+r.date+'</span></li>';}
document.getElementById('list').innerHTML=h;bar();};x.send();}
""".replace("__API__", API)


def file_of(url: str) -> str:
    return url + "index.html" if url.endswith("/") else url


def layout(p: Portal) -> None:
    """Assign every URL of the portal."""
    p.home_url, p.portal_url = "/index.html", "/zfxxgk/index.html"
    for col in p.tree():
        col.url = col.offsite or f"/zfxxgk/{col.slug}/index.html"
        col.page_urls = [col.url] if col.kind != "group" else []
        if col.kind != LIST or col.offsite or col.restricted:
            continue
        col.page_size = PER
        pages = gk.page_count(col)
        col.page_urls += [f"{col.url}?page={k}" for k in range(2, pages + 1)]
        col.needs_browser = pages > 1
        col.extra.update({"api": f"{API}?channelid={col.col_id}&page={{page}}&prepage={PER}", "static_items": PER})
        base = col.url[: -len("index.html")]
        for art in col.articles:
            d = art.date
            art.url = f"{base}{d.year}{d.month:02d}/t{d.year}{d.month:02d}{d.day:02d}_{art.id + 3_100_000}.html"
    gk.assign_attachments(p, lambda art, k, ext: f"/zfxxgk/fj/{art.date.year}{art.date.month:02d}/"
                          f"P0{art.date.isoformat().replace('-', '')}{art.id}{k}.{ext}")


def head(p: Portal, title: str, metas: str = "") -> str:
    return ('<!DOCTYPE html>\n<html>\n<head>\n' + gk.meta_charset(p) +
            f'<meta name="SiteName" content="{esc(p.name)}">\n<meta name="SiteIDCode" content="{4100000000 + p.index * 7}">\n'
            + metas + f"<title>{esc(title)}</title>\n"
            '<link href="/zfxxgk/images/xxgk_style.css" rel="stylesheet" type="text/css" />\n</head>\n')


def home_head(p: Portal) -> str:
    return head(p, p.name)


def _side(p: Portal, here: str) -> str:
    def make() -> str:
        out = [f'<li><a href="{esc(rel(here, c.url or ""))}" target="_self">{esc(c.name)}</a></li>' for c in p.top]
        for g in p.categories:
            kids = "".join(f'<li class="li2"><a class="a2" href="{esc(gk.link(here, c.url or ""))}">{esc(c.name)}</a></li>'
                           for c in gk.visible(g.children))
            out.append(f'<li class="li1"><a class="a1" href="{esc(rel(here, g.url or ""))}">{esc(g.name)}</a>'
                       f'<ul class="ul2">{kids}</ul></li>')
        return f'<div class="left"><ul class="ul1">{"".join(out)}</ul></div>\n'

    return p.cached("side:" + here.rsplit("/", 1)[0], make)


def _page(p: Portal, here: str, title: str, main: str, metas: str = "") -> str:
    return (head(p, title, metas) + f'<body>\n<div class="top"><div class="logo">{esc(p.name)}政府信息公开</div>'
            f'<a href="{esc(rel(here, "/index.html"))}">网站首页</a></div>\n<div class="container">'
            + _side(p, here) + f'<div class="right">{main}</div></div>\n'
            f'<div class="footer">主办单位：{esc(p.name)}办公室</div>\n</body>\n</html>\n')


def _row(here: str, a: Article) -> str:
    return (f'<li><a href="{esc(rel(here, a.url))}" target="_blank" title="{esc(a.title)}">{esc(gk.shown_title(a))}</a>'
            f"<span>{a.date.isoformat()}</span></li>")


def list_pages(p: Portal, col: Column) -> dict[str, str]:
    here = col.url or ""
    rows = "\n".join(_row(here, a) for a in col.articles[:PER])
    cfg = (f'<script src="/zfxxgk/js/list2.trsapi.js"></script>\n<script>\n'
           'require(["list2.trsapi","tools"], function(listModel, tools){});\n'
           f'listModel({{ quickMode:"动静结合", maxStaticIndex:1, listArgs:{{ channelid: {col.col_id}, classsql:"", '
           f'sortfield:"-docorderpri,-docreltime" }}, pagebar:{{ prepage:{PER}, recordCount:\'{len(col.articles)}\', '
           'pgTemp:"pgBar_xxgk.html", pgCountMode:"recordCount" } });\n</script>\n')
    main = (f'<div class="r-title">{esc(col.name)}</div>\n<ul class="list" id="list">\n{rows}\n</ul>\n'
            f'<div class="pgBar" id="pgBar"></div>\n{cfg}')
    return {file_of(here): _page(p, here, col.name, main)}


def article(p: Portal, col: Column, art: Article) -> str:
    metas = (f'<meta name="ColumnName" content="{esc(col.name)}">\n<meta name="ArticleTitle" content="{esc(art.title)}">\n'
             f'<meta name="PubDate" content="{stamp(art, p.seed)}">\n<meta name="ContentSource" content="{esc(art.publisher)}">\n')
    meta = (f'<div class="xxgk-meta"><p><strong>索引号</strong>：{esc(art.index_no)}</p><p><strong>发布机构</strong>：'
            f'{esc(art.publisher)}</p><p><strong>发布日期</strong>：{gk.page_date(art).isoformat()}</p></div>')
    main = (meta + f'<div class="title"><h1>{esc(art.title)}</h1></div>'
            f'<div class="TRS_Editor">{gk.article_body(p, col, art, art.url)}</div>')
    return _page(p, art.url, art.title, main, metas)


def content(p: Portal, col: Column) -> str:
    paras = "".join(f"<p>{esc(t)}</p>" for t in col.body)
    return _page(p, col.url or "", col.name, f'<div class="r-title">{esc(col.name)}</div><div class="TRS_Editor">{paras}</div>')


def landing(p: Portal, g: Column) -> str:
    here = g.url or ""
    kids = "".join(f'<li><a href="{esc(gk.link(here, c.url or ""))}">{esc(c.name)}</a></li>' for c in gk.visible(g.children))
    return _page(p, here, g.name, f'<div class="r-title">{esc(g.name)}</div><ul class="lm-list">{kids}</ul>')


def message(p: Portal, col: Column, text: str) -> str:
    return _page(p, col.url or "", col.name, f'<div class="r-title">{esc(col.name)}</div><p>{esc(text)}</p>')


def platform(p: Portal) -> str:
    here = p.portal_url
    head_col = p.features["headline"]
    tabs = [head_col] + [c for g in p.categories for c in g.children if c.hidden]
    titles = " ".join(f'<a href="{esc(rel(here, c.url or ""))}" class="s2r-as">{esc(c.name)}</a>' for c in tabs)
    lists = "".join(f'<ul class="sx-c1-list list1" style="display: {"block" if k == 0 else "none"};">'
                    + "".join(_row(here, a) for a in c.articles[:6]) + "</ul>" for k, c in enumerate(tabs))
    return _page(p, here, "政府信息公开", f'<div class="sx-c2r-title clearFix">{titles}</div>{lists}')


def routes(p: Portal) -> dict[str, object]:
    chans = {str(c.col_id): [[a.title, a.url, a.date.isoformat()] for a in c.articles]
             for c in gk.list_cols(p) if not c.restricted}
    return {"trsapi": {"path": API, "channels": chans}}


def render(p: Portal) -> dict[str, str | bytes]:
    """Every file of the portal."""
    files = gk.render_gov(p, __import__(__name__, fromlist=["x"]))
    files["/zfxxgk/js/list2.trsapi.js"] = LOADER
    return files
