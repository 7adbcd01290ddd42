"""Sudy WebPlus family: ``/<col>/list.htm``, ``list2.htm`` … ``listN.htm``; articles ``c<col>a<id>/page.htm``.

Templates: ``webplus-a`` (numeric column dirs, ``/<yyyy>/<mmdd>/c<col>a<id>/page.htm`` articles, list window
``w6``) and ``webplus-b`` (pinyin column dirs, hashed ``/<xx>/<yy>/c<col>a<id>/page.htm`` articles as on
NJU, window ``w8``, titles cut off in the text with the full title in ``@title``). Hrefs are root-relative.
"""

from __future__ import annotations

import sys

from .htmlkit import article_paragraphs, clip, esc, latest, render_university_site
from .htmlkit import groups_for as _groups
from .world import GROUP, LIST, Article, Column, Portal

FAMILY = "webplus"
TEMPLATES = ("webplus-a", "webplus-b")


def _window(p: Portal) -> int:
    return 6 if p.template == "webplus-a" else 8


def layout(p: Portal) -> None:
    """Assign every URL of the portal."""
    p.home_url = "/"
    p.portal_url = "/xxgk/main.htm"
    numeric = p.template == "webplus-a"
    for col in p.tree() + p.news:
        if col.kind == GROUP and not col.has_landing:
            col.url = None
            continue
        col.url = f"/{col.col_id if numeric else col.slug}/list.htm"
        base = col.url[: -len("list.htm")]
        col.page_urls = [col.url] + [f"{base}list{k}.htm" for k in range(2, col.pages + 1)] \
            if col.kind == LIST else [col.url]
        for art in col.articles:
            if numeric:
                art.url = f"/{art.date.year}/{art.date.month:02d}{art.date.day:02d}/c{col.col_id}a{art.id}/page.htm"
            else:
                h = (art.id * 2654435761) & 0xFFFF
                art.url = f"/{h >> 8:02x}/{h & 0xFF:02x}/c{col.col_id}a{art.id}/page.htm"


def _head(p: Portal, title: str, extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="renderer" content="webkit" />
<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">
<title>{esc(title)}</title>
{extra}<link type="text/css" href="/_css/_system/system.css" rel="stylesheet"/>
<link type="text/css" href="/_js/_portletPlugs/simpleNews/css/simplenews.css" rel="stylesheet" />
<link type="text/css" href="/_js/_portletPlugs/sudyNavi/css/sudyNav.css" rel="stylesheet" />
<script language="javascript" src="/_js/jquery.min.js" sudy-wp-context="" sudy-wp-siteId="{300 + p.index}"></script>
<script language="javascript" src="/_js/jquery.sudy.wp.visitcount.js"></script>
<script type="text/javascript" src="/_js/_portletPlugs/sudyNavi/jquery.sudyNav.js"></script>
<link rel="stylesheet" href="/_upload/tpl/04/04/1028/template1028/style.css" type="text/css" />
</head>
"""


def _header(p: Portal) -> str:
    top = "".join(f'<li class="menu-item i{i}"><a class="menu-link" href="{esc(c.url or "")}" target="_self">'
                  f'{esc(c.name)}</a></li>' for i, c in enumerate(p.top, 2))
    return f"""<body class="list">
<div class="wrapper header"><div class="inner"><div class="sitelogo fl"><span class="sitetitle">{esc(p.name)}信息公开网</span></div>
<div class="nav wp-navi" frag="窗口2"><ul class="wp-menu">
<li class="menu-item i1"><a class="menu-link" href="{esc(p.portal_url)}" target="_self">首页</a></li>{top}
<li class="menu-item i9"><a class="menu-link" href="/main.htm" target="_self">学校主页</a></li>
</ul></div></div></div>
"""


def _sidebar(p: Portal, groups: list[Column]) -> str:
    out = ['<div class="col_menu"><div class="l_title"><h2 class="column-name">信息公开目录</h2></div>'
           '<div class="col_menu_con" frag="窗口3"><ul class="wp_listcolumn list-paddingleft-2">']
    for i, g in enumerate(groups, 1):
        head = (f'<a class="menu-link" href="{esc(g.url)}" target="_self">{esc(g.name)}</a>' if g.url
                else f'<a class="menu-link" href="javascript:;">{esc(g.name)}</a>')
        kids = "".join(f'<li class="sub-item i{i}-{j}"><a class="sub-link" href="{esc(c.url or "")}" '
                       f'target="_self">{esc(c.name)}</a></li>' for j, c in enumerate(g.children, 1))
        out.append(f'<li class="menu-item i{i}">{head}<ul class="sub-menu">{kids}</ul></li>')
    out.append("</ul></div></div>\n")
    return '<div class="wrapper" id="l-container"><div class="inner clearfix">' + "".join(out)


def _chrome(p: Portal, col: Column | None, article: bool = False) -> str:
    if col is not None and any(col is n for n in p.news):
        return (f'<body class="list"><div class="header"><a href="/main.htm">{esc(p.name)}</a></div>'
                '<div class="wrapper" id="l-container"><div class="inner clearfix">')
    groups = _groups(p, col, article)
    key = "chrome:" + ",".join(g.name for g in groups)
    return p.cached(key, lambda: _header(p) + _sidebar(p, groups))


def _footer(p: Portal) -> str:
    return f"""</div></div>
<div class="wrapper footer"><div class="inner"><p class="copyright"><span>版权所有 © {esc(p.name)}</span></p></div></div>
</body>
</html>
"""


def _crumb(p: Portal, col: Column) -> str:
    bits = [f'<a href="{esc(p.portal_url)}" target="_self">首页</a>']
    if col.parent:
        bits.append(f"<span>{esc(col.parent)}</span>")
    bits.append(f'<a href="{esc(col.url or "")}" target="_self">{esc(col.name)}</a>')
    return ('<div class="col_path"><span class="path_name">当前位置：</span><div class="col_path_list">'
            + '<span class="possplit">&nbsp;&nbsp;</span>'.join(bits) + "</div></div>")


def _pager(p: Portal, col: Column, page: int) -> str:
    total, urls, w = col.pages, col.page_urls, _window(p)

    def href(target: int, enabled: bool) -> str:
        return esc(urls[target - 1]) if enabled else "javascript:void(0);"

    return f""" <div id="wp_paging_w{w}">
<ul class="wp_paging clearfix">
     <li class="pages_count">
         <span class="per_page">每页&nbsp;<em class="per_count">{col.page_size}</em>&nbsp;记录&nbsp;</span>
         <span class="all_count">总共&nbsp;<em class="all_count">{len(col.articles)}</em>&nbsp;记录&nbsp;</span>
     </li>
     <li class="page_nav">
         <a class="first" href="{href(1, page > 1)}" target="_self"><span>第一页</span></a>
         <a class="prev" href="{href(page - 1, page > 1)}" target="_self"><span>&lt;&lt;上一页</span></a>
         <a class="next" href="{href(page + 1, page < total)}" target="_self"><span>下一页&gt;&gt;</span></a>
         <a class="last" href="{href(total, page < total)}" target="_self"><span>尾页</span></a>
     </li>
     <li class="page_jump">
         <span class="pages">页码&nbsp;<em class="curr_page">{page}</em>/<em class="all_pages">{total}</em></span>
         <span><input class="pageNum" type="text" /><input type="hidden" class="currPageURL" value=""></span>
         <span><a class="pagingJump" href="javascript:void(0);" target="_self"><span>跳转&nbsp;</span></a></span>
     </li>
</ul>
</div>
"""


def _list_page(p: Portal, col: Column, page: int) -> str:
    w = _window(p)
    limit = 100 if p.template == "webplus-a" else 28
    rows = "".join(
        f'\n<li class="news n{i} clearfix">\n<span class="news_title"><a href=\'{esc(a.url)}\' target=\'_blank\' '
        f"title='{esc(a.title)}'>{esc(clip(a.title, limit))}</a></span>\n"
        f'<span class="news_meta">{a.date.isoformat()}</span>\n</li>'
        for i, a in enumerate(col.page_slice(page), 1))
    body = (f'<div class="col_news"><div class="col_news_box"><div class="col_news_head">'
            f'<h2 class="col_name"><span class="column-name">{esc(col.name)}</span></h2>{_crumb(p, col)}</div>'
            f'<div class="col_news_con"><div class="col_news_list listcon"><div frag="窗口{w}" portletmode="simpleList">'
            f'<div id="wp_news_w{w}">\n<ul class="news_list list2">{rows}\n</ul>\n</div>\n'
            + _pager(p, col, page) + "</div></div></div></div></div>")
    return _head(p, col.name) + _chrome(p, col) + body + _footer(p)


def _content_page(p: Portal, col: Column) -> str:
    paras = "".join(f"<p>{esc(t)}</p>" for t in col.body)
    body = (f'<div class="col_news"><div class="col_news_head"><h2 class="col_name"><span class="column-name">'
            f'{esc(col.name)}</span></h2>{_crumb(p, col)}</div><div class="col_news_con">'
            f'<div frag="窗口{_window(p)}" portletmode="simpleArticleAttri"><div class="article">'
            f"<div class='wp_articlecontent'>{paras}</div></div></div></div></div>")
    return _head(p, col.name) + _chrome(p, col) + body + _footer(p)


def _landing_page(p: Portal, group: Column) -> str:
    kids = "".join(f'<li class="wp_column column-{i}"><a href="{esc(c.url or "")}" title="{esc(c.name)}">'
                   f'<span class="column-name">{esc(c.name)}</span></a></li>' for i, c in enumerate(group.children, 1))
    body = (f'<div class="col_news"><h2 class="col_name"><span class="column-name">{esc(group.name)}</span></h2>'
            f'<ul class="wp_listcolumn">{kids}</ul></div>')
    return _head(p, group.name) + _chrome(p, group) + body + _footer(p)


def _article_page(p: Portal, col: Column, art: Article) -> str:
    paras = "".join(f"<p>{esc(t)}</p>" for t in article_paragraphs(p, col, art))
    body = (f'<div class="infobox">{_crumb(p, col)}<div class="article" frag="窗口5" portletmode="simpleArticleAttri">'
            f'<h1 class="arti_title">{esc(art.title)}</h1>\n<h2 class="arti_title"></h2>\n'
            f'<p class="arti_metas"><span class="arti_publisher">发布者：{esc(art.publisher)}</span>'
            f'<span class="arti_update">发布时间：{art.date.isoformat()}</span>'
            f'<span class="arti_views">浏览次数：<span class="WP_VisitCount" url="/_visitcountdisplay?siteId='
            f'{300 + p.index}&amp;type=3&amp;articleId={art.id}">{art.id % 997}</span></span></p>\n'
            f'<div class="entry"><div class="read"><div class=\'wp_articlecontent\'>{paras}</div></div></div>'
            "</div></div>")
    return _head(p, art.title) + _chrome(p, col, article=True) + body + _footer(p)


def _portal_home(p: Portal) -> str:
    rows = "".join(f'<li class="news n{i} clearfix"><span class="news_title"><a href=\'{esc(a.url)}\' '
                   f"target='_blank' title='{esc(a.title)}'>{esc(clip(a.title, 30))}</a></span>"
                   f'<span class="news_meta">{a.date.isoformat()}</span></li>' for i, (_, a) in enumerate(latest(p), 1))
    body = (f'<div class="col_news"><h2 class="col_name">最新公开</h2><div id="wp_news_w12">'
            f'<ul class="news_list">{rows}</ul></div></div>')
    return _head(p, f"{p.name}信息公开网") + _chrome(p, None) + body + _footer(p)


def _school_home(p: Portal) -> str:
    entry = f'<a class="menu-link" href="{esc(p.portal_url)}" target="_blank">{esc(p.entry_text)}</a>'
    nav = ['<li class="menu-item i1"><a class="menu-link" href="/main.htm">首页</a></li>'] + [
        f'<li class="menu-item i{i}"><a class="menu-link" href="{esc(c.url or "")}">{esc(c.name)}</a></li>'
        for i, c in enumerate(p.news, 2)]
    if p.entry_place == "header":
        nav.append(f'<li class="menu-item i9">{entry}</li>')
    blocks = []
    for k, col in enumerate(p.news, 1):
        rows = "".join(f'<li class="news n{i} clearfix"><span class="news_title"><a href=\'{esc(a.url)}\' '
                       f"target='_blank' title='{esc(a.title)}'>{esc(clip(a.title, 24))}</a></span>"
                       f'<span class="news_meta">{a.date.isoformat()}</span></li>'
                       for i, a in enumerate(col.articles[:6], 1))
        blocks.append(f'<div class="post post{k}"><div class="tt"><h3 class="tit"><span class="title">'
                      f'{esc(col.name)}</span></h3><a class="more_btn" href="{esc(col.url or "")}">更多</a></div>'
                      f'<div class="con"><div id="wp_news_w{20 + k}"><ul class="news_list">{rows}</ul></div></div></div>')
    links = f"<li>{entry}</li>" if p.entry_place == "footer" else ""
    return (_head(p, p.name) + f'<body class="index"><div class="header"><div class="sitetitle">{esc(p.name)}</div>'
            f'<ul class="wp-menu">{"".join(nav)}</ul></div><div class="main">{"".join(blocks)}</div>'
            f'<div class="footer"><ul class="links">{links}<li><a href="/main.htm">校长信箱</a></li></ul>'
            f'<p>版权所有 © {esc(p.name)}</p></div></body></html>\n')


def render(p: Portal) -> dict[str, str]:
    """Every file of the portal: site-relative path → HTML text."""
    return render_university_site(p, sys.modules[__name__], "/main.htm")
