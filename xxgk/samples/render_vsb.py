"""博达 VSB (Visual SiteBuilder) family: ``<col>.htm`` + reverse-numbered ``<col>/N.htm`` pages.

Templates: ``vsb-a`` (``li#line_u5_N > a > h4`` + ``p.date``, titles cut off with ``...``;
``li.li1 > a.a1`` sidebar) and ``vsb-b`` (``a.title.tt1@title`` holds the full title; ``ul.menu``
sidebar). Hrefs are relative, as VSB publishes them.
"""

from __future__ import annotations

import sys

from .htmlkit import article_paragraphs, clip, esc, latest, page_window, rel, render_university_site, stamp
from .htmlkit import groups_for as _groups
from .world import LIST, Article, Column, Portal

FAMILY = "vsb"
TEMPLATES = ("vsb-a", "vsb-b")
OWNER = 1838526735


def layout(p: Portal) -> None:
    """Assign every URL of the portal."""
    p.home_url = "/"
    p.portal_url = "/xxgk/index.htm"
    for col in p.top:
        col.url = f"/{col.slug}.htm"
    for group in p.categories:
        group.url = f"/xxgklm1/{group.slug}.htm" if group.has_landing else None
        for col in group.children:
            col.url = f"/xxgklm1/{group.slug}/{col.slug}.htm"
    for col in p.news:
        col.url = f"/{col.slug}.htm"
    for col in p.tree() + p.news:
        if col.url is None:
            continue
        if col.kind == LIST:
            stem = col.url[: -len(".htm")]
            total = col.pages
            col.page_urls = [col.url] + [f"{stem}/{total - k + 1}.htm" for k in range(2, total + 1)]
            for art in col.articles:
                art.url = f"/info/{col.col_id}/{art.id}.htm"
        else:
            col.page_urls = [col.url]


def _head(p: Portal, title: str, here: str, extra: str = "", lists: bool = False) -> str:
    dyn = '<script language="javascript" src="/system/resource/js/dynclicks.js"></script>\n' if lists else ""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<title>{esc(title)}</title>
<meta name="keywords" content="{esc(p.name)},信息公开" />
{extra}<!--Announced by Visual SiteBuilder 9-->
<link rel="stylesheet" type="text/css" href="{esc(rel(here, '/_sitegray/_sitegray_d.css'))}" />
<script language="javascript" src="/_sitegray/_sitegray.js"></script>
<!-- CustomerNO:77656262657232307e7847505356544a0307000000004452 -->
<link rel="stylesheet" type="text/css" href="{esc(rel(here, '/style/style.css'))}" />
<script type="text/javascript" src="/system/resource/js/counter.js"></script>
<script type="text/javascript">_jsq_(1001,'/index.jsp',-1,{OWNER})</script>
{dyn}</head>
"""


def _header(p: Portal, here: str) -> str:
    links = [("首页", p.portal_url)] + [(c.name, c.url or "") for c in p.top] + [("学校主页", "/index.htm")]
    items = "".join(f'<li><a href="{esc(rel(here, u))}">{esc(n)}</a></li>' for n, u in links)
    return f"""<body>
<div class="header"><div class="logo"><a href="{esc(rel(here, '/index.htm'))}">{esc(p.name)}</a><span>信息公开网</span></div>
<!--#begineditable viewid="156330" name="导航"--><div class="nav"><ul>{items}</ul></div><!--#endeditable-->
</div>
"""


def _sidebar(p: Portal, here: str, groups: list[Column]) -> str:
    parts = []
    if p.template == "vsb-a":
        parts.append('<div class="left-nav"><h3>信息公开目录</h3><ul class="ul1">')
        for g in groups:
            head = (f'<a class="a1" href="{esc(rel(here, g.url))}">{esc(g.name)}</a>' if g.url
                    else f'<a class="a1">{esc(g.name)}</a>')
            kids = "".join(f'<li class="li2"><a class="a2" href="{esc(rel(here, c.url or ""))}" title="{esc(c.name)}">'
                           f'{esc(c.name)}</a></li>' for c in g.children)
            parts.append(f'<li class="li1">{head}<ul class="ul2">{kids}</ul></li>')
        parts.append("</ul></div>")
    else:
        parts.append('<div class="leftmenu"><div class="lm-title">信息公开目录</div><ul class="menu">')
        for i, g in enumerate(groups, 1):
            href = f' href="{esc(rel(here, g.url))}"' if g.url else ' href="javascript:;"'
            kids = "".join(f'<li><a href="{esc(rel(here, c.url or ""))}">{esc(c.name)}</a></li>' for c in g.children)
            parts.append(f'<li class="menu_item m{i}"><a{href}><span>{i}、{esc(g.name)}</span></a>'
                         f'<ul class="sub">{kids}</ul></li>')
        parts.append("</ul></div>")
    return '<div class="main"><!--#begineditable viewid="156331" name="左侧目录"-->' + "".join(parts) + \
        "<!--#endeditable-->\n"


def _chrome(p: Portal, here: str, col: Column | None, article: bool = False) -> str:
    """Header + left column: the 信息公开 tree, or plain school chrome for news columns."""
    if any(col is n for n in p.news):
        return (f'<body><div class="header"><div class="logo"><a href="{esc(rel(here, "/index.htm"))}">'
                f'{esc(p.name)}</a></div></div>\n<div class="main">')
    folder = here.rsplit("/", 1)[0]
    groups = _groups(p, col, article)
    key = f"chrome:{folder}:" + ",".join(g.name for g in groups)
    return p.cached(key, lambda: _header(p, here) + _sidebar(p, here, groups))


def _footer(p: Portal, here: str) -> str:
    return f"""</div>
<div class="footer"><p>版权所有：{esc(p.name)} 地址：{esc(p.name)}校园路1号</p>
<p><a href="{esc(rel(here, '/index.htm'))}">学校主页</a></p></div>
</body></html>
"""


def _crumb(p: Portal, here: str, col: Column) -> str:
    bits = [f'<a href="{esc(rel(here, p.portal_url))}">首页</a>']
    if col.parent:
        bits.append(f"<span>{esc(col.parent)}</span>")
    bits.append(f'<a href="{esc(rel(here, col.url or ""))}">{esc(col.name)}</a>')
    return '<div class="position">当前位置：' + "&gt;&gt;".join(bits) + "</div>"


def _pager(col: Column, page: int, here: str) -> str:
    total = col.pages
    urls = col.page_urls

    def link(cls: str, text: str, target: int, enabled: bool) -> str:
        if not enabled:
            return f'<span class="{cls}_d p_fun_d">{text}</span>'
        return f'<span class="{cls} p_fun"><a href="{esc(rel(here, urls[target - 1]))}">{text}</a></span>'

    nums = []
    for n in page_window(page, total):
        if n is None:
            nums.append('<span class="p_dot">...</span>')
        elif n == page:
            nums.append(f'<span class="p_no_d">{n}</span>')
        else:
            nums.append(f'<span class="p_no"><a href="{esc(rel(here, urls[n - 1]))}">{n}</a></span>')
    return (f'<div class="pb_sys_common pb_sys_normal pb_sys_style1" style="margin-top:10px;text-align:center;">'
            f'<span class="p_t">共{len(col.articles)}条</span> <span class="p_pages">'
            + link("p_first", "首页", 1, page > 1) + link("p_prev", "上页", page - 1, page > 1)
            + "".join(nums)
            + link("p_next", "下页", page + 1, page < total) + link("p_last", "尾页", total, page < total)
            + f'</span> <span class="p_t">{page}/{total}</span></div>')


def _list_page(p: Portal, col: Column, page: int) -> str:
    here = col.page_urls[page - 1]
    rows = []
    for i, art in enumerate(col.page_slice(page)):
        href = esc(rel(here, art.url))
        if p.template == "vsb-a":
            rows.append(f'<li id="line_u5_{i}">\n <a href="{href}" target="_blank">\n'
                        f'  <h4>{esc(clip(art.title, 26))}</h4>\n'
                        f'  <p class="date"><i class="fa fa-calendar"></i>{art.date.isoformat()}</p>\n </a>\n</li>')
        else:
            rows.append(f'<li id="line_u5_{i}"><a class="title tt1" href="{href}" target="_blank" '
                        f'title="{esc(art.title)}">{esc(clip(art.title, 30))}</a>'
                        f'<p class="date">{art.date.isoformat()}</p></li>')
    ids = [a.id for a in col.page_slice(page)]
    script = (f"<script>_showDynClickBatch({[f'dynclicks_u5_{i}' for i in ids]},{ids},\"wbnews\", {OWNER})"
              "</script>")
    body = (f'<div class="right"><div class="r-title"><h2>{esc(col.name)}</h2>{_crumb(p, here, col)}</div>'
            f'<!--#begineditable viewid="156335" name="列表"--><div class="list"><ul>\n' + "\n".join(rows)
            + "\n</ul>" + _pager(col, page, here) + "</div>" + script + "<!--#endeditable--></div>")
    title = f"{col.name}-{p.name}信息公开网"
    return _head(p, title, here, lists=True) + _chrome(p, here, col) + body + _footer(p, here)


def _content_page(p: Portal, col: Column) -> str:
    here = col.url or ""
    paras = "".join(f'<p style="text-indent:2em;">{esc(t)}</p>' for t in col.body)
    body = (f'<div class="right"><div class="r-title"><h2>{esc(col.name)}</h2>{_crumb(p, here, col)}</div>'
            f'<form name="_newscontent_fromname"><div id="vsb_content"><div class="v_news_content">{paras}'
            "</div></div></form></div>")
    return _head(p, f"{col.name}-{p.name}信息公开网", here) + _chrome(p, here, col) + body + _footer(p, here)


def _landing_page(p: Portal, group: Column) -> str:
    here = group.url or ""
    kids = "".join(f'<li><a href="{esc(rel(here, c.url or ""))}">{esc(c.name)}</a></li>' for c in group.children)
    body = (f'<div class="right"><div class="r-title"><h2>{esc(group.name)}</h2></div>'
            f'<ul class="lmlist">{kids}</ul></div>')
    return _head(p, f"{group.name}-{p.name}信息公开网", here) + _chrome(p, here, group) + body + _footer(p, here)


def _article_page(p: Portal, col: Column, art: Article) -> str:
    here = art.url
    metas = (f'<meta name="ArticleTitle" content="{esc(art.title)}" />\n'
             f'<meta name="PubDate" content="{stamp(art, p.seed)}" />\n'
             f'<meta name="ContentSource" content="{esc(art.publisher)}" />\n')
    paras = "".join(f'<p style="text-indent:2em;">{esc(t)}</p>' for t in article_paragraphs(p, col, art))
    paras += "".join(f'<p><a href="{esc(h)}">{esc(t)}</a></p>' for t, h in art.links)
    body = (f'<div class="right">{_crumb(p, here, col)}<form name="_newscontent_fromname">'
            f'<div class="content-title"><h1>{esc(art.title)}</h1></div>'
            f'<table class="xxgk-meta"><tr><td>索引号：{esc(art.index_no)}</td><td>发布机构：{esc(art.publisher)}</td></tr>'
            f'<tr><td>发布日期：{art.date.isoformat()}</td><td>点击数：<script>_showDynClicks("wbnews", {OWNER}, '
            f'{art.id})</script></td></tr></table>'
            f'<div id="vsb_content"><div class="v_news_content">{paras}</div></div></form></div>')
    return _head(p, f"{art.title}-{p.name}信息公开网", here, extra=metas, lists=True) + \
        _chrome(p, here, col, article=True) + \
        body + _footer(p, here)


def _portal_home(p: Portal) -> str:
    here = p.portal_url
    news = "".join(f'<li><a href="{esc(rel(here, a.url))}" title="{esc(a.title)}">{esc(clip(a.title, 30))}</a>'
                   f'<span>{a.date.isoformat()}</span></li>' for _, a in latest(p))
    body = (f'<div class="right"><div class="r-title"><h2>最新公开</h2></div><ul class="newlist">{news}</ul>'
            f'<div class="xxgk-intro"><p>{esc(p.name)}信息公开网依据《高等学校信息公开办法》设立。</p></div></div>')
    return _head(p, f"{p.name}信息公开网", here) + _chrome(p, here, None) + body + _footer(p, here)


def _school_home(p: Portal) -> str:
    here = "/index.htm"
    entry = f'<a href="{esc(rel(here, p.portal_url))}">{esc(p.entry_text)}</a>'
    nav = ['<li><a href="index.htm">首页</a></li>'] + [
        f'<li><a href="{esc(rel(here, c.url or ""))}">{esc(c.name)}</a></li>' for c in p.news]
    if p.entry_place == "header":
        nav.append(f"<li>{entry}</li>")
    blocks = []
    for col in p.news:
        items = "".join(f'<li><a href="{esc(rel(here, a.url))}" title="{esc(a.title)}">{esc(clip(a.title, 24))}</a>'
                        f'<span class="time">{a.date.isoformat()}</span></li>' for a in col.articles[:7])
        blocks.append(f'<div class="block"><div class="block-title"><h3>{esc(col.name)}</h3>'
                      f'<a class="more" href="{esc(rel(here, col.url or ""))}">更多&gt;&gt;</a></div><ul>{items}</ul></div>')
    foot = f"<p>{entry} | 校长信箱 | 联系我们</p>" if p.entry_place == "footer" else "<p>校长信箱 | 联系我们</p>"
    return (_head(p, p.name, here, lists=True) + f'<body><div class="header"><div class="logo">{esc(p.name)}</div>'
            f'<div class="nav"><ul>{"".join(nav)}</ul></div></div><div class="main">{"".join(blocks)}</div>'
            f'<div class="footer">{foot}<p>版权所有 © {esc(p.name)}</p></div></body></html>\n')


def render(p: Portal) -> dict[str, str]:
    """Every file of the portal: site-relative path → HTML text."""
    return render_university_site(p, sys.modules[__name__], "/index.htm")
