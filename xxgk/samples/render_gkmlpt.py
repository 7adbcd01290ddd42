"""Guangdong 政府信息公开目录平台 (gkmlpt): ``/gkmlpt/index`` holds ``SID: '<n>'`` and the column tree as
``window._CONFIG`` JSON; lists come from ``GET /gkmlpt/api/all/{cat}?page=n&sid=`` as JSON
``{"total", "articles": [{"id", "title", "url", "created_at"}], "classify": {"post_count"}}`` (``created_at``
is Unix seconds at 10:00 China time of the publication day), answered by the sample server from
precomputed pages. Articles are ``/gkmlpt/content/<a>/<b>/post_<id>.html`` with ``window._CONFIG.DETAIL``.
"""

from __future__ import annotations

import datetime as dt
import json

from . import govkit as gk
from .htmlkit import esc
from .world import LIST, Article, Column, Portal

FAMILY = "gkmlpt"
TEMPLATES = ("gkmlpt",)
API = "/gkmlpt/api/all/"
search_path = None
CST = dt.timezone(dt.timedelta(hours=8))

APP = """(function(){var c=window._CONFIG;function show(cat,page){var x=new XMLHttpRequest();
x.open('GET','/gkmlpt/api/all/'+cat+'?page='+page+'&sid='+c.SID);x.onload=function(){var d=JSON.parse(x.responseText);
var h='';for(var i=0;i<d.articles.length;i++){var a=d.articles[i];var t=new Date(a.created_at*1000);
h+='<tr><td><a href="'+a.url+'" target="_blank">'+a.title+'</a></td><td>'+t.toISOString().slice(0,10)+'</td></tr>';}
var n=Math.ceil(d.total/c.PAGE_SIZE[cat]);var p='';for(var k=1;k<=n;k++){p+='<a href="#'+cat+'" data-page="'+k+'">'+k+'</a> ';}
document.getElementById('list').innerHTML=h;document.getElementById('pager').innerHTML='共'+d.total+'条 '+p;};x.send();}
function tree(nodes){var h='<ul>';for(var i=0;i<nodes.length;i++){h+='<li><a href="'+(nodes[i].url||('#'+nodes[i].id))+'">'+nodes[i].name+'</a>'+(nodes[i].children?tree(nodes[i].children):'')+'</li>';}return h+'</ul>';}
document.getElementById('tree').innerHTML=tree(c.TREE);var cat=location.hash.slice(1);if(cat){show(cat,1);}
window.onhashchange=function(){show(location.hash.slice(1),1);};})();
"""


def sid(p: Portal) -> int:
    return 755000 + p.index


def file_of(url: str) -> str:
    return url.split("#")[0]


def _stamp(d: dt.date) -> int:
    return int(dt.datetime(d.year, d.month, d.day, 10, 0, tzinfo=CST).timestamp())


def layout(p: Portal) -> None:
    """Assign every URL of the portal."""
    p.home_url, p.portal_url = "/index.html", "/gkmlpt/index"
    for col in p.tree():
        if col.offsite:
            col.url = col.offsite
        elif col.kind == LIST and not col.restricted:
            col.url = f"/gkmlpt/index#{col.col_id}"
            pages = gk.page_count(col)
            col.page_urls = [f"{API}{col.col_id}?page={k}&sid={sid(p)}" for k in range(1, pages + 1)]
            col.extra.update({"sid": sid(p), "api": f"{API}{col.col_id}?page={{page}}&sid={sid(p)}"})
            for art in col.articles:
                art.url = f"/gkmlpt/content/{art.id // 1_000_000}/{art.id // 1000}/post_{art.id}.html"
            continue
        elif col.kind == "group":
            col.url = f"/gkmlpt/index#{col.col_id}"
        else:
            col.url = "/gkmlpt/guide" if col is p.top[0] else f"/gkmlpt/{col.slug}"
        col.page_urls = [col.url] if col.kind != "group" else []
    gk.assign_attachments(p, lambda art, k, ext: f"/attachment/0/{art.id // 1000}/{art.id}_{k}.{ext}")


def head(p: Portal, title: str) -> str:
    return ('<!DOCTYPE html>\n<html>\n<head>\n' + gk.meta_charset(p) + f"<title>{esc(title)}</title>\n"
            '<link rel="stylesheet" href="/gkmlpt/static/css/app.css">\n</head>\n')


def home_head(p: Portal) -> str:
    return head(p, p.name)


def _page(p: Portal, title: str, main: str, script: str = "") -> str:
    return (head(p, title) + f'<body>\n<div class="gkml-header">{esc(p.name)}政府信息公开</div>\n'
            f'<div class="gkml-main">{main}</div>\n{script}'
            f'<div class="footer">主办：{esc(p.name)}办公室</div>\n</body>\n</html>\n')


def _node(c: Column) -> dict[str, object]:
    node: dict[str, object] = {"id": c.col_id, "name": c.name}
    if c.kind == "group":
        node["children"] = [_node(k) for k in c.children]
    elif c.kind != LIST or c.offsite or c.restricted:
        node["url"] = c.url
    return node


def platform(p: Portal) -> str:
    tree = [_node(c) for c in p.tree() if c.parent is None]
    sizes = {str(c.col_id): c.page_size for c in gk.list_cols(p)}
    cfg = json.dumps({"SID": str(sid(p)), "TREE": tree, "PAGE_SIZE": sizes}, ensure_ascii=False)
    script = (f"<script>\nwindow._CONFIG = {cfg};\nvar conf = {{ SID: '{sid(p)}', TYPE: 'all' }};\n</script>\n"
              f"<script>{APP}</script>\n")
    guide = f'<a href="guide">{esc(p.top[0].name)}</a>'
    return _page(p, "政府信息公开", f'<div class="quick">{guide}</div><div id="tree"></div><table id="list"></table>'
                 '<div id="pager"></div>', script)


def list_pages(p: Portal, col: Column) -> dict[str, str]:
    return {}


def article(p: Portal, col: Column, art: Article) -> str:
    d = gk.page_date(art)
    detail = {"id": art.id, "title": art.title, "identifier": art.index_no, "publisher": art.publisher,
              "date": _stamp(d), "classify_main_name": col.name}
    table = (f'<table class="introduce"><tr><td>索引号：</td><td>{esc(art.index_no)}</td><td>分类：</td><td>{esc(col.name)}</td></tr>'
             f'<tr><td>发布机构：</td><td>{esc(art.publisher)}</td><td>成文日期：</td><td>{d.isoformat()}</td></tr>'
             f'<tr><td>名称：</td><td colspan="3">{esc(art.title)}</td></tr>'
             f'<tr><td>文号：</td><td></td><td>发布日期：</td><td>{d.isoformat()}</td></tr></table>')
    script = f"<script>\nwindow._CONFIG = {{ SID: '{sid(p)}', DETAIL: {json.dumps(detail, ensure_ascii=False)} }};\n</script>\n"
    main = (table + f'<div class="article"><h1 class="title">{esc(art.title)}</h1>'
            f'<div class="article-content">{gk.article_body(p, col, art, art.url)}</div></div>')
    return _page(p, art.title, main, script)


def content(p: Portal, col: Column) -> str:
    paras = "".join(f"<p>{esc(t)}</p>" for t in col.body)
    return _page(p, col.name, f'<div class="article"><h1 class="title">{esc(col.name)}</h1>'
                 f'<div class="article-content">{paras}</div></div>')


def landing(p: Portal, g: Column) -> str:
    return ""


def message(p: Portal, col: Column, text: str) -> str:
    return _page(p, col.name, f'<div class="article"><h1 class="title">{esc(col.name)}</h1><p>{esc(text)}</p></div>')


def api_pages(p: Portal, col: Column) -> list[str]:
    """Precomputed JSON answers of a column, page 1 first."""
    out = []
    for page in range(1, gk.page_count(col) + 1):
        arts = [{"id": a.id, "title": a.title, "url": a.url, "created_at": _stamp(a.date)} for a in col.page_slice(page)]
        out.append(json.dumps({"total": len(col.articles), "articles": arts,
                               "classify": {"id": col.col_id, "name": col.name, "post_count": len(col.articles)}},
                              ensure_ascii=False))
    return out


def routes(p: Portal) -> dict[str, object]:
    pages = {str(c.col_id): api_pages(p, c) for c in gk.list_cols(p) if not c.restricted}
    return {"gkmlpt": {"path": API, "sid": str(sid(p)), "pages": pages}}


def render(p: Portal) -> dict[str, str | bytes]:
    """Every file of the portal (group landings are tree nodes, not pages)."""
    files = gk.render_gov(p, __import__(__name__, fromlist=["x"]))
    for g in p.categories:
        files.pop(file_of(g.url or ""), None)
    files[p.portal_url] = platform(p)
    return files
