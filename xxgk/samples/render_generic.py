"""An unknown template (for the generic reader): ``div.nav`` links, ``div.listbox`` rows with dates as
``2026/10/12`` or ``2026年10月12日``, a ``共N条 第1/9页 首页 上一页 下一页 尾页`` pager, ``list.htm`` then
``list_2.htm`` …, articles ``/zwgk/<col>/<yyyymm>/<id>.htm`` with ``div.article-text``. No CMS fingerprint.
"""

from __future__ import annotations

from . import govkit as gk
from .htmlkit import esc, rel
from .world import LIST, Article, Column, Portal

FAMILY = "generic"
TEMPLATES = ("generic",)
search_path = "/search/search.htm"


def file_of(url: str) -> str:
    return url + "index.htm" if url.endswith("/") else url


def layout(p: Portal) -> None:
    """Assign every URL of the portal."""
    p.home_url, p.portal_url = "/index.html", "/zwgk/index.htm"
    for g in p.categories:
        g.url = f"/zwgk/{g.slug}/index.htm"
    for col in p.tree():
        if col.kind == "group":
            continue
        col.url = col.offsite or f"/zwgk/{col.slug}/list.htm" if col.kind == LIST else f"/zwgk/{col.slug}/index.htm"
        if col.offsite:
            col.url = col.offsite
        if col.kind != LIST or col.offsite or col.restricted:
            col.page_urls = [col.url]
            continue
        base = col.url[: -len("list.htm")]
        col.page_urls = [col.url] + [f"{base}list_{k}.htm" for k in range(2, gk.page_count(col) + 1)]
        for art in col.articles:
            art.url = f"{base}{art.date.year}{art.date.month:02d}/{art.id}.htm"
    gk.assign_attachments(p, lambda art, k, ext: f"/upload/{art.date.year}/{art.id}_{k}.{ext}")


def head(p: Portal, title: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n' + gk.meta_charset(p) +
            f'<title>{esc(title)}</title>\n<link rel="stylesheet" href="/css/main.css">\n</head>\n')


def home_head(p: Portal) -> str:
    return head(p, p.name)


def _nav(p: Portal, here: str) -> str:
    def make() -> str:
        items = [f'<li><a href="{esc(rel(here, "/index.html"))}">网站首页</a></li>',
                 f'<li><a href="{esc(rel(here, p.portal_url))}">政务公开</a></li>']
        side = []
        for col in p.top:
            side.append(f'<dd><a href="{esc(rel(here, col.url or ""))}">{esc(col.name)}</a></dd>')
        for g in p.categories:
            side.append(f'<dt><a href="{esc(rel(here, g.url or ""))}">{esc(g.name)}</a></dt>')
            side += [f'<dd><a href="{esc(gk.link(here, c.url or ""))}">{esc(c.name)}</a></dd>' for c in g.children]
        return (f'<body>\n<div class="top-bar">{esc(p.name)}</div>\n<div class="nav"><ul>{"".join(items)}</ul></div>\n'
                f'<div class="wrap"><div class="leftmenu"><dl>{"".join(side)}</dl></div>\n')

    return p.cached("nav:" + here.rsplit("/", 1)[0], make)


def _page(p: Portal, here: str, title: str, main: str) -> str:
    return (head(p, title) + _nav(p, here) + f'<div class="rightbox">{main}</div></div>\n'
            f'<div class="foot">{esc(p.name)} 版权所有</div>\n</body>\n</html>\n')


def _date(a: Article, k: int) -> str:
    d = a.date
    return f"{d.year}/{d.month:02d}/{d.day:02d}" if k % 2 == 0 else f"{d.year}年{d.month}月{d.day}日"


def list_pages(p: Portal, col: Column) -> dict[str, str]:
    out = {}
    pages = len(col.page_urls)
    for page, url in enumerate(col.page_urls, start=1):
        rows = "".join(f'<p><em>{_date(a, col.col_id)}</em><a href="{esc(rel(url, a.url))}">'
                       f"{esc(gk.shown_title(a))}</a></p>\n" for a in col.page_slice(page))

        def name(k: int) -> str:
            return "list.htm" if k == 1 else f"list_{k}.htm"

        prev = f'<a href="{name(page - 1)}">上一页</a>' if page > 1 else "<span>上一页</span>"
        nxt = f'<a href="{name(page + 1)}">下一页</a>' if page < pages else "<span>下一页</span>"
        pager = (f'<div class="fy">共{len(col.articles)}条 第{page}/{pages}页 <a href="list.htm">首页</a> {prev} {nxt} '
                 f'<a href="{name(pages)}">尾页</a></div>')
        out[url] = _page(p, url, col.name, f'<h2 class="bt">{esc(col.name)}</h2><div class="listbox">\n{rows}</div>{pager}')
    return out


def article(p: Portal, col: Column, art: Article) -> str:
    d = gk.page_date(art)
    main = (f'<div class="article"><h1>{esc(art.title)}</h1><div class="info">时间：{d.year}年{d.month}月{d.day}日'
            f'&nbsp;&nbsp;来源：{esc(art.publisher)}</div><div class="article-text">'
            f"{gk.article_body(p, col, art, art.url)}</div></div>")
    return _page(p, art.url, art.title, main)


def content(p: Portal, col: Column) -> str:
    paras = "".join(f"<p>{esc(t)}</p>" for t in col.body)
    return _page(p, col.url or "", col.name, f'<div class="article"><h1>{esc(col.name)}</h1>'
                 f'<div class="article-text">{paras}</div></div>')


def landing(p: Portal, g: Column) -> str:
    here = g.url or ""
    kids = "".join(f'<li><a href="{esc(gk.link(here, c.url or ""))}">{esc(c.name)}</a></li>' for c in g.children)
    return _page(p, here, g.name, f'<h2 class="bt">{esc(g.name)}</h2><ul class="sub">{kids}</ul>')


def message(p: Portal, col: Column, text: str) -> str:
    return _page(p, col.url or "", col.name, f'<p class="msg">{esc(text)}</p>')


def platform(p: Portal) -> str:
    here = p.portal_url
    kids = "".join(f'<li><a href="{esc(rel(here, c.url or ""))}">{esc(c.name)}</a></li>' for c in p.top)
    return _page(p, here, "政务公开", f'<h2 class="bt">政府信息公开</h2><ul class="sub">{kids}</ul>')


def routes(p: Portal) -> dict[str, object]:
    return {}


def render(p: Portal) -> dict[str, str | bytes]:
    """Every file of the portal."""
    return gk.render_gov(p, __import__(__name__, fromlist=["x"]))
