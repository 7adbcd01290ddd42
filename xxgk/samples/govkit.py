"""Shared pieces of the government families: the 政务 home page, article bodies, restricted pages,
robots.txt, the search route and server routes. Family modules own list, pager and article markup.

A family's ``render`` returns ``{path: str | bytes}``; ``ROUTES`` (``/.xxgk/routes.json``) holds what the
server needs for dynamic answers (status codes, search, data endpoints); it is never served.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .htmlkit import cn_date, esc, rel
from .world import LIST, Article, Column, Portal

ROUTES = "/.xxgk/routes.json"
LOGIN = "/login.html"
PHOTO = "/images/photo.png"
EMPTY_HREFS = ("#", "javascript:void(0)", "", "javascript:;")
RESTRICTED_TEXT = {"ip_range": "您的IP地址范围未授权，无法访问本栏目内容。",
                   "access_limited": "访问受限：本栏目仅限内部网络访问。"}


def link(here: str, url: str) -> str:
    """Href from page ``here`` to ``url``: relative for site paths, as-is for absolute URLs."""
    return url if url.startswith("http") or "?" in url else rel(here, url)


def visible(cols: list[Column]) -> list[Column]:
    """Columns shown in ordinary navigation (not only in hidden tabs or JS menus)."""
    return [c for c in cols if not c.hidden and not c.js_menu]


def shown_title(art: Article, limit: int = 22) -> str:
    return art.title[:limit] + "..." if art.truncated else art.title


def page_date(art: Article) -> dt.date:
    return art.article_date or art.date


def assign_attachments(p: Portal, url_for: Any) -> None:
    """Give every attachment its URL (``url_for(article, k, ext)``) and its text sample."""
    for col in p.list_columns():
        for art in col.articles:
            for k, att in enumerate(art.attachments):
                att["url"] = url_for(art, k + 1, att["type"])
                att["text_sample"] = "" if att["scanned"] else art.title


def article_body(p: Portal, col: Column, art: Article, here: str) -> str:
    """Paragraphs (or only an image, or the article's own HTML), then attachments and extra links."""
    if art.body_html is not None:
        paras = art.body_html
    elif art.image_only:
        paras = f'<p style="text-align:center"><img src="{esc(rel(here, PHOTO))}" border="0" /></p>'
    else:
        texts = [f"为进一步做好{col.name}相关工作，现将《{art.title}》有关事项公开如下。",
                 f"本信息由{art.publisher}负责解释，联系电话：0370-{7000000 + art.id % 999999}。",
                 f"{art.publisher}", cn_date(page_date(art))]
        paras = "".join(f'<p style="text-indent:2em;">{esc(t)}</p>' for t in texts)
    for att in art.attachments:
        name = f"{art.title}.{att['type']}"
        paras += f'<p>附件：<a href="{esc(rel(here, str(att["url"])))}">{esc(name)}</a></p>'
    for text, href in art.links:
        paras += f'<p>相关链接：<a href="{esc(link(here, href))}" target="_blank">{esc(text)}</a></p>'
    return paras


def restricted_files(p: Portal, files: dict[str, str | bytes], file_of: Any, page: Any) -> dict[str, list[Any]]:
    """Pages or status codes of restricted columns; returns the status table part."""
    status: dict[str, list[Any]] = {}
    for col in p.list_columns():
        if not col.restricted or not col.url:
            continue
        path = file_of(col.url)
        if col.restricted in RESTRICTED_TEXT:
            files[path] = page(col, RESTRICTED_TEXT[col.restricted])
        elif col.restricted == "login_redirect":
            status[col.url] = [302, f"{LOGIN}?redirect={col.url}"]
            files[LOGIN] = login_page(p)
        else:
            status[col.url] = [int(col.restricted[-3:]), None]
    return status


def login_page(p: Portal) -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="{charset(p)}"><title>用户登录</title></head><body>'
            '<form method="post" action="/login.do"><label>用户名<input name="username"></label>'
            '<label>密码<input type="password" name="password"></label><input type="submit" value="登录"></form>'
            "</body></html>\n")


def charset(p: Portal) -> str:
    return {"gbk": "gbk", "gb18030": "gb18030"}.get(p.encoding, "utf-8")


def meta_charset(p: Portal) -> str:
    """The charset declaration of a page (nothing on a portal that does not declare it)."""
    return f'<meta http-equiv="Content-Type" content="text/html; charset={charset(p)}" />\n' if p.declared else ""


def robots(p: Portal) -> tuple[str, list[str]]:
    """robots.txt text and its Disallow paths."""
    paths = [c.url for c in p.list_columns() if c.robots and c.url]
    if p.cms == "empire" and paths:
        paths = ["/e/search/", *[u.rsplit("/", 1)[0] + "/" for u in paths]]
    lines = ["User-agent: *", *[f"Disallow: {x}" for x in paths], ""]
    return "\n".join(lines), paths


def search_route(p: Portal, path: str, page: Any) -> dict[str, Any]:
    """Route of a search form: GET ``path?q=`` answers with matching titles (rendered by the server)."""
    items = [[a.title, a.url, a.date.isoformat()] for c in p.list_columns()
             if not c.restricted and not c.offsite and not c.robots for a in c.articles]
    return {"path": path, "param": "q", "items": items, "page": page("{rows}")}


def search_form(p: Portal, here: str, action: str) -> str:
    return (f'<div class="search"><form id="searchform" name="searchform" method="get" action="{esc(action)}">'
            '<input class="ss_txt" name="q" id="q" type="text" value="" placeholder="输入关键字">'
            '<input class="ss_btn" type="submit" value="搜索"></form></div>\n')


def empty_links(n: int) -> str:
    """``n`` empty links (``#``, ``javascript:void(0)``, blank) as a share/QR block."""
    names = ["政务微信", "政务微博", "移动客户端", "无障碍浏览", "长者模式", "English"]
    return "".join(f'<a href="{EMPTY_HREFS[k % 4]}">{names[k % len(names)]}</a>' for k in range(n))


def home_items(p: Portal) -> list[tuple[Column, list[Article]]]:
    """The dated blocks of the 政务 home page: 政务要闻 and 通知公告."""
    return [(p.features["headline"], p.features["headline"].articles[:7]),
            (p.features["notice"], p.features["notice"].articles[:6])]


def home_page(p: Portal, head: str, portal_link: str, here: str = "/index.html", search_action: str | None = None,
              extra_nav: str = "") -> str:
    """The 政务 site home: nav (with the 信息公开 entry unless deeper/hidden), 要闻 + 通知公告, links."""
    spec = p.features
    entry = f'<a href="{esc(link(here, portal_link))}">{esc(p.entry_text)}</a>'
    nav = [f'<li><a href="{esc(link(here, here))}">首页</a></li>']
    if spec["entry_depth"] == 1 and not spec["entry_hidden"]:
        nav.append(f"<li>{entry}</li>")
    elif spec["entry_depth"] == 2:
        nav.append(f'<li><a href="{esc(link(here, portal_link))}">政务公开</a></li>')
    nav.append(extra_nav)
    for g in p.categories:
        if g.name in ("互动交流", "办事服务") and g.url:
            nav.append(f'<li><a href="{esc(link(here, g.url))}">{esc(g.name)}</a></li>')
    hidden = (f'<div class="subnav" style="display:none"><a href="{esc(link(here, portal_link))}">'
              f"{esc(p.entry_text)}</a></div>" if spec["entry_hidden"] else "")
    blocks = []
    for col, arts in home_items(p):
        rows = "".join(f'<li><a href="{esc(link(here, a.url))}" target="_blank" title="{esc(a.title)}">'
                       f'{esc(shown_title(a))}</a><span class="time">{a.date.isoformat()}</span></li>' for a in arts)
        blocks.append(f'<div class="box"><div class="box-t"><span>{esc(col.name)}</span>'
                      f'<a class="more" href="{esc(link(here, col.url or ""))}">更多&gt;&gt;</a></div><ul>{rows}</ul></div>')
    search = search_form(p, here, search_action) if search_action else ""
    return (head + f'<body>\n<div class="header"><div class="logo">{esc(p.name)}</div>{search}</div>\n'
            f'<div class="mainnav"><ul>{"".join(nav)}</ul>{hidden}</div>\n'
            f'<div class="container">{"".join(blocks)}</div>\n'
            f'<div class="share">{empty_links(int(spec["empty"]))}</div>\n'
            f'<div class="footer">主办单位：{esc(p.name)}办公室&nbsp;&nbsp;网站标识码：{4100000000 + p.index * 7}'
            "</div>\n</body>\n</html>\n")


def gateway_page(p: Portal, head: str, portal_link: str, here: str) -> str:
    """The 政务公开 page between the home page and the platform (entry depth 2)."""
    return (head + f'<body><div class="header">{esc(p.name)}</div><div class="container"><div class="zwgk">'
            f'<a href="{esc(link(here, "/index.html"))}">返回首页</a>'
            f'<ul><li><a href="{esc(link(here, portal_link))}">{esc(p.entry_text)}</a></li>'
            '<li><span>政务服务</span></li><li><span>政策解读</span></li></ul></div></div></body></html>\n')


def routes_json(status: dict[str, list[Any]], extra: dict[str, Any]) -> str:
    """The server-side route table of a portal."""
    return json.dumps({"status": status, **extra}, ensure_ascii=False, sort_keys=True) + "\n"


def list_cols(p: Portal) -> list[Column]:
    """List columns of the tree that are rendered on this host (not off-site)."""
    return [c for c in p.tree() if c.kind == LIST and not c.offsite]


def page_count(col: Column) -> int:
    return max(1, -(-len(col.articles) // col.page_size))


def render_gov(p: Portal, fam: Any) -> dict[str, str | bytes]:
    """Render a government portal with family module ``fam``.

    ``fam`` provides ``file_of(url)``, ``head(p, title)``, ``home_head(p)``, ``landing(p, group)``,
    ``content(p, col)``, ``list_pages(p, col) -> {path: html}``, ``article(p, col, art)``,
    ``message(p, col, text)``, ``platform(p)``, ``search_path`` (or None) and ``routes(p) -> dict``.
    """
    from . import attachments

    files: dict[str, str | bytes] = {}
    status: dict[str, list[Any]] = {}
    for col in p.tree():
        if col.offsite or col.restricted or not col.url:
            continue
        if col.kind == "group":
            files[fam.file_of(col.url)] = fam.landing(p, col)
        elif col.kind == "content":
            files[fam.file_of(col.url)] = fam.content(p, col)
        else:
            files.update(fam.list_pages(p, col))
            for art in col.articles:
                if art.status != 200:
                    status[art.url] = [art.status, None]
                    continue
                files[art.url] = fam.article(p, col, art)
                for att in art.attachments:
                    if att.get("annual_report") and art.report_file is not None:
                        files[str(att["url"])] = art.report_file
                    else:
                        files[str(att["url"])] = attachments.make(str(att["type"]), art.title, bool(att["scanned"]))
    for art in (a for c in p.list_columns() for a in c.articles):
        for _text, href in art.links:
            if href.startswith("/servlet/"):
                status[href] = [500, None]
    status.update(restricted_files(p, files, fam.file_of, lambda c, msg: fam.message(p, c, msg)))
    if any(a.image_only for a in p.all_articles()):
        files[PHOTO] = attachments.photo_png()
    text, _paths = robots(p)
    files["/robots.txt"] = text
    files[fam.file_of(p.portal_url)] = fam.platform(p)
    portal_link = p.portal_url
    if p.features["entry_depth"] == 2:
        files["/zwgk/index.html"] = gateway_page(p, fam.home_head(p), p.portal_url, "/zwgk/index.html")
        portal_link = "/zwgk/index.html"
    search = fam.search_path if p.features["search"] else None
    files["/index.html"] = home_page(p, fam.home_head(p), portal_link, search_action=search)
    routes = fam.routes(p)
    if search:
        routes["search"] = search_route(p, search, lambda rows: fam.head(p, "搜索结果") +
                                        f'<body><div class="search-result"><ul>{rows}</ul></div></body></html>\n')
    files[ROUTES] = routes_json(status, routes)
    return files
