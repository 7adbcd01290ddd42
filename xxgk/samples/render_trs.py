"""TRS WCM family: ``index.html`` then ``index_1.html`` … (0-based), ``createPageHTML``/``countPage`` pager.

Templates: ``trs-a`` (``table.gl_list`` rows, table-based left nav, ``createPageHTML(...)`` call, links to
``…/index.html``) and ``trs-b`` (``ul > li > a > p`` + ``span`` dates, ``li.li1 > a.a1`` tree,
``var countPage`` ``document.write`` pager, directory links ``…/col/``). Both keep the rendered pager output
after the script, as saved real pages do. Articles are ``./YYYYMM/tYYYYMMDD_<docid>.html``; hrefs are
relative.
"""

from __future__ import annotations

import sys

from .htmlkit import cn_date, esc, latest, page_window, rel, render_university_site, stamp
from .htmlkit import groups_for as _groups
from .world import LIST, Article, Column, Portal

FAMILY = "trs"
TEMPLATES = ("trs-a", "trs-b")
DOC_OFFSET = 2_740_000


def _dir_url(p: Portal, path: str) -> str:
    return path if p.template == "trs-b" else path + "index.html"


def layout(p: Portal) -> None:
    """Assign every URL of the portal."""
    p.home_url = "/"
    p.portal_url = _dir_url(p, "/xxgk/")
    for col in p.top:
        col.url = _dir_url(p, f"/xxgk/{col.slug}/")
    for group in p.categories:
        group.url = _dir_url(p, f"/xxgk/{group.slug}/") if group.has_landing else None
        for col in group.children:
            col.url = _dir_url(p, f"/xxgk/{group.slug}/{col.slug}/")
    for col in p.news:
        col.url = _dir_url(p, f"/xwzx/{col.slug}/")
    for col in p.tree() + p.news:
        if col.url is None:
            continue
        base = col.url if col.url.endswith("/") else col.url[: -len("index.html")]
        if col.kind == LIST:
            col.page_urls = [col.url] + [f"{base}index_{k}.html" for k in range(1, col.pages)]
            for art in col.articles:
                d = art.date
                art.url = f"{base}{d.year}{d.month:02d}/t{d.year}{d.month:02d}{d.day:02d}_{art.id + DOC_OFFSET}.html"
        else:
            col.page_urls = [col.url]


def _file(url: str) -> str:
    return url + "index.html" if url.endswith("/") else url


def _head(p: Portal, title: str, col: Column | None = None, art: Article | None = None) -> str:
    metas = [f'<meta name="SiteName" content="{esc(p.name)}">',
             f'<meta name="SiteDomain" content="www.{p.slug}.edu.cn">',
             f'<meta name="SiteIDCode" content="{4100000000 + p.index * 1013}">']
    if col is not None:
        metas.append(f'<meta name="ColumnName" content="{esc(col.name)}">')
        metas.append('<meta name="ColumnType" content="信息公开">')
    if art is not None:
        metas += [f'<meta name="ArticleTitle" content="{esc(art.title)}">',
                  f'<meta name="PubDate" content="{stamp(art, p.seed)}">',
                  f'<meta name="ContentSource" content="{esc(art.publisher)}">',
                  f'<meta name="DocId" content="{art.id + DOC_OFFSET}">',
                  f'<meta name="ChnlId" content="{col.col_id if col else 0}">',
                  f'<meta name="Url" content="{esc(art.url)}">']
    return ("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
            "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
            '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
            + "\n".join(metas) + f"\n<title>{esc(title)}</title>\n"
            '<link href="/images/xxgk_style.css" rel="stylesheet" type="text/css" />\n</head>\n')


def _header(p: Portal, here: str) -> str:
    links = [("信息公开首页", p.portal_url)] + [(c.name, c.url or "") for c in p.top] + [("学校主页", "/index.html")]
    nav = "&nbsp;|&nbsp;".join(f'<a href="{esc(rel(here, u))}" target="_self">{esc(n)}</a>' for n, u in links)
    return (f'<body>\n<div class="top"><div class="logo">{esc(p.name)}信息公开网</div></div>\n'
            f'<div class="menu">{nav}</div>\n<div class="container">\n')


def _sidebar(p: Portal, here: str, groups: list[Column]) -> str:
    if p.template == "trs-a":
        rows = []
        for g in groups:
            head = (f'<a href="{esc(rel(here, g.url))}" target="_self">{esc(g.name)}</a>' if g.url
                    else esc(g.name))
            rows.append(f'<tr><td colspan="2" class="gl_lm1">{head}</td></tr>')
            rows += [f'<tr><td width="19"><img src="{esc(rel(here, "/images/gl_ico.jpg"))}" /></td>'
                     f'<td width="136"><a href="{esc(rel(here, c.url or ""))}" target="_self">{esc(c.name)}</a></td></tr>'
                     for c in g.children]
        return ('<div class="left"><table width="155" border="0" cellspacing="0" cellpadding="0" class="gl_left">'
                + "\n".join(rows) + "</table></div>\n")
    out = ['<div class="left"><ul class="ul1">']
    for g in groups:
        head = (f'<a class="a1" href="{esc(rel(here, g.url))}">{esc(g.name)}</a>' if g.url
                else f'<a class="a1">{esc(g.name)}</a>')
        kids = "".join(f'<li class="li2"><a class="a2" href="{esc(rel(here, c.url or ""))}" '
                       f'id="menuId_{c.col_id}">{esc(c.name)}</a></li>' for c in g.children)
        out.append(f'<li class="li1">{head}\n<ul class="ul2">{kids}</ul></li>')
    out.append("</ul></div>\n")
    return "".join(out)


def _chrome(p: Portal, here: str, col: Column | None, article: bool = False) -> str:
    if col is not None and any(col is n for n in p.news):
        return (f'<body>\n<div class="top"><a href="{esc(rel(here, "/index.html"))}">{esc(p.name)}</a></div>\n'
                '<div class="container">\n')
    folder = here.rsplit("/", 1)[0]
    groups = _groups(p, col, article)
    key = f"chrome:{folder}:" + ",".join(g.name for g in groups)
    return p.cached(key, lambda: _header(p, here) + _sidebar(p, here, groups))


def _footer(p: Portal) -> str:
    return (f'</div>\n<div class="footer">主办单位：{esc(p.name)}&nbsp;&nbsp;网站标识码：{4100000000 + p.index * 1013}'
            "</div>\n</body>\n</html>\n")


def _crumb(p: Portal, here: str, col: Column) -> str:
    bits = [f'<a href="{esc(rel(here, p.portal_url))}" title="首页" class="CurrChnlCls">首页</a>']
    if col.parent:
        bits.append(f'<span class="CurrChnlCls">{esc(col.parent)}</span>')
    bits.append(f'<a href="{esc(rel(here, col.url or ""))}" title="{esc(col.name)}" class="CurrChnlCls">'
                f"{esc(col.name)}</a>")
    return '<div class="position">您现在的位置：' + "&nbsp;&gt;&nbsp;".join(bits) + "</div>\n"


def _page_file(k: int) -> str:
    return "index.html" if k == 0 else f"index_{k}.html"


def _pager(p: Portal, col: Column, page: int) -> str:
    count, cur = col.pages, page - 1
    if p.template == "trs-a":
        script = (f'<script type="text/javascript">\nvar countPage = {count};//共多少页\n'
                  f'createPageHTML({count}, {cur}, "index", "html");\n</script>')
    else:
        script = ('<script language="javascript">\n'
                  f"var currentPage = {cur};//所在页从0开始\nvar prevPage = currentPage-1//上一页\n"
                  f"var nextPage = currentPage+1//下一页\nvar countPage = {count}//共多少页\n"
                  'document.write("共计&nbsp;<font style=\'color:#FF8008\'>"+countPage+"&nbsp;</font>页&nbsp;");\n'
                  "if(countPage>1&&currentPage!=0)\n"
                  '\tdocument.write("<a href=\\"index.html\\">首页</a>&nbsp;");\n'
                  "if(currentPage+1<countPage)\n"
                  '\tdocument.write("<a href=\\"index"+"_"+nextPage+"."+"html\\" target=\\"_self\\">下一页</a>'
                  '&nbsp;&nbsp;");\n</script>')
    out = [f'共计&nbsp;<font style="color:#FF8008">{count}&nbsp;</font>页&nbsp;']
    out.append('<a href="index.html" target="_self">首页</a>&nbsp;&nbsp;' if cur > 0 else
               '<span class="bg">首页</span>&nbsp;&nbsp;')
    out.append(f'<a href="{_page_file(cur - 1)}" target="_self">上一页</a>&nbsp;&nbsp;' if cur > 0 else
               '<span class="bg">上一页</span>&nbsp;&nbsp;')
    for n in page_window(page, count):
        if n is None:
            out.append("...&nbsp;&nbsp;")
        elif n == page:
            out.append(f'<span class="now">{n}</span>&nbsp;&nbsp;')
        else:
            out.append(f'<a href="{_page_file(n - 1)}" target="_self">{n}</a>&nbsp;&nbsp;')
    if cur + 1 < count:
        out.append(f'<a href="{_page_file(cur + 1)}" target="_self">下一页</a>&nbsp;&nbsp;'
                   f'<a href="{_page_file(count - 1)}" target="_self">尾页</a>')
    else:
        out.append('<span class="bg">下一页</span>&nbsp;&nbsp;<span class="bg">尾页</span>')
    return f'<div class="page">{script}{"".join(out)}</div>\n'


def _list_page(p: Portal, col: Column, page: int) -> str:
    here = col.page_urls[page - 1]
    arts = col.page_slice(page)
    if p.template == "trs-a":
        rows = "".join(f'<tr><td width="20" class="gl_dot">·</td><td><a href="{esc(rel(here, a.url))}" '
                       f'target="_blank" title="{esc(a.title)}">{esc(a.title)}</a></td><td width="90"> '
                       f"{a.date.isoformat()} </td></tr>\n" for a in arts)
        listing = f'<table width="100%" border="0" cellspacing="0" cellpadding="0" class="gl_list">\n{rows}</table>\n'
    else:
        rows = "".join(f'<li><a href="{esc(rel(here, a.url))}" target="_blank"><p>{esc(a.title)}</p></a>'
                       f"<span>{a.date.isoformat()}</span></li>\n" for a in arts)
        listing = f'<ul class="sx-c1-list list1">\n{rows}</ul>\n'
    body = (f'<div class="right">{_crumb(p, here, col)}<div class="r-title">{esc(col.name)}</div>\n'
            + listing + _pager(p, col, page) + "</div>\n")
    return _head(p, f"{col.name}_{p.name}信息公开网", col) + _chrome(p, here, col) + body + _footer(p)


def _content_page(p: Portal, col: Column) -> str:
    here = col.url or ""
    paras = "".join(f'<p style="text-indent: 2em;">{esc(t)}</p>' for t in col.body)
    body = (f'<div class="right">{_crumb(p, here, col)}<div class="r-title">{esc(col.name)}</div>\n'
            f'<div class="TRS_Editor"><div class="Custom_UnionStyle">{paras}</div></div></div>\n')
    return _head(p, f"{col.name}_{p.name}信息公开网", col) + _chrome(p, here, col) + body + _footer(p)


def _landing_page(p: Portal, group: Column) -> str:
    here = group.url or ""
    kids = "".join(f'<li><a href="{esc(rel(here, c.url or ""))}" target="_self">{esc(c.name)}</a></li>'
                   for c in group.children)
    body = f'<div class="right"><div class="r-title">{esc(group.name)}</div><ul class="lm-list">{kids}</ul></div>\n'
    return _head(p, f"{group.name}_{p.name}信息公开网", group) + _chrome(p, here, group) + body + _footer(p)


def _article_page(p: Portal, col: Column, art: Article) -> str:
    here = art.url
    meta = (f'<div class="xxgk-meta"><div class="top-l fl">'
            f"<p><strong>索引号</strong>：{esc(art.index_no)}</p>\n"
            f"<p><strong>发布机构</strong>：{esc(art.publisher)}</p>\n"
            f"<p><strong>名称</strong>：{esc(art.title)}</p>\n"
            f"<p><strong>文号</strong>：无</p>\n"
            f"<!--<p><strong>主题词</strong>：{esc(col.name)}</p>-->\n</div>"
            f'<div class="top-r fr"><p><strong>公开目录</strong>：{esc(col.path)}</p>\n'
            f"<!--<p><strong>成文日期</strong>：{cn_date(art.date)}</p>-->\n"
            f"<p><strong>发布日期</strong>：{cn_date(art.date)}</p>\n</div></div>\n")
    paras = "".join(f'<p style="text-indent: 2em;">{esc(t)}</p>' for t in (
        f"根据《高等学校信息公开办法》，现将《{art.title}》予以公开。",
        f"本信息属于“{col.name}”栏目，由{art.publisher}负责解释。", f"{p.name}{art.publisher}", cn_date(art.date)))
    body = (f'<div class="right">{_crumb(p, here, col)}' + meta + f'<div class="title"><h1>{esc(art.title)}</h1></div>\n'
            f'<div class="TRS_Editor"><div class="Custom_UnionStyle">{paras}</div></div></div>\n')
    return _head(p, f"{art.title}_{p.name}", col, art) + _chrome(p, here, col, article=True) + body + _footer(p)


def _portal_home(p: Portal) -> str:
    here = p.portal_url
    rows = "".join(f'<li><a href="{esc(rel(here, a.url))}" target="_blank"><p>{esc(a.title)}</p></a>'
                   f"<span>{a.date.isoformat()}</span></li>" for _, a in latest(p))
    body = f'<div class="right"><div class="r-title">最新信息</div><ul class="new-list">{rows}</ul></div>\n'
    return _head(p, f"{p.name}信息公开网") + _chrome(p, here, None) + body + _footer(p)


def _school_home(p: Portal) -> str:
    here = "/index.html"
    entry = f'<a href="{esc(rel(here, p.portal_url))}" target="_blank">{esc(p.entry_text)}</a>'
    nav = ['<a href="index.html">首页</a>'] + [f'<a href="{esc(rel(here, c.url or ""))}">{esc(c.name)}</a>'
                                               for c in p.news]
    if p.entry_place == "header":
        nav.append(entry)
    blocks = []
    for col in p.news:
        rows = "".join(f'<li><a href="{esc(rel(here, a.url))}" target="_blank" title="{esc(a.title)}">'
                       f"{esc(a.title)}</a><span>{a.date.isoformat()}</span></li>" for a in col.articles[:6])
        blocks.append(f'<div class="box"><div class="box-t"><span>{esc(col.name)}</span>'
                      f'<a href="{esc(rel(here, col.url or ""))}" class="more">更多</a></div><ul>{rows}</ul></div>')
    foot = entry + "&nbsp;|&nbsp;" if p.entry_place == "footer" else ""
    return (_head(p, p.name) + f'<body>\n<div class="top"><div class="logo">{esc(p.name)}</div>'
            f'<div class="nav">{"&nbsp;".join(nav)}</div></div>\n<div class="container">{"".join(blocks)}</div>\n'
            f'<div class="footer">{foot}<a href="index.html">校长信箱</a><p>版权所有：{esc(p.name)}</p></div>\n'
            "</body>\n</html>\n")


def render(p: Portal) -> dict[str, str]:
    """Every file of the portal: site-relative path → HTML text."""
    return render_university_site(p, sys.modules[__name__], "/index.html", _file)
