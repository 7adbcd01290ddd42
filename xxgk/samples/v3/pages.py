"""The v3 renderer: one portal's pages from its spec, its family :class:`Skin` and its :class:`Layout`.

Structure (nav place and shape, landing pages, breadcrumbs, list markup, link style, banners) comes from
the layout; fingerprints, URL shapes and pagers from the skin. Every text goes through ``esc``.
"""

from __future__ import annotations

import datetime as dt
import zlib

from ..htmlkit import article_paragraphs, esc, latest, rel
from ..server import SELF_HOST
from ..world import CONTENT, GROUP, Article, Column, Portal
from .layout import VOCAB, Layout
from .skins import Skin, file_of, head, pager

CRUMB_LABEL = {"plain": "当前位置：", "odd": "您现在的位置：", "misspelt": "当前位置:", "typo_menu": "当前位置："}
SIDE_POSITION = {"left": "left", "tree": "left", "table": "left", "right": "right"}  # others sit under the header


def channel(col: Column) -> str | None:
    """``service`` / ``interaction`` for a site channel (政务服务 / 政民互动), else None."""
    value = col.extra.get("channel")
    return str(value) if value else None


def fmt_date(d: dt.date, style: str) -> str:
    if style == "slash":
        return f"{d.year}/{d.month:02d}/{d.day:02d}"
    if style == "cn":
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    if style == "bracket":
        return f"[{d.isoformat()}]"
    return d.isoformat()


class V3Pages:
    """Renders every file of one v3 portal (``render()`` → site path → HTML)."""

    def __init__(self, p: Portal, skin: Skin, layout: Layout, trs_style: str = "trs-a") -> None:
        self.p, self.skin, self.layout, self.trs_style = p, skin, layout, trs_style
        self.v = VOCAB[layout.naming]
        self.gov = p.kind == "government"

    # ---- links ---------------------------------------------------------------------------------
    def href(self, here: str, url: str | None) -> str:
        """An escaped href from the page at ``here`` to ``url`` in the layout's link style."""
        if not url:
            return "javascript:;"
        style = self.layout.links
        if style == "mixed":
            folder = here.rsplit("/", 1)[0]
            style = ("relative", "root", "absolute")[zlib.crc32(f"{folder}|{url}".encode()) % 3]
        if style == "root":
            return esc(url)
        if style == "absolute":
            return esc(SELF_HOST + url)
        return esc(rel(here, url))

    def a(self, here: str, col: Column, attrs: str = "") -> str:
        if not col.url:
            return f"<span{attrs}>{esc(col.name)}</span>"
        return f'<a href="{self.href(here, col.url)}"{attrs}>{esc(col.name)}</a>'

    # ---- chrome --------------------------------------------------------------------------------
    def site_links(self) -> list[tuple[str, str]]:
        p = self.p
        if self.gov:
            out = [("网站首页", p.home_url), (p.entry_text, p.portal_url)]
            out += [(c.name, c.url or "") for c in p.top if channel(c)]
            return out + [("新闻中心", p.home_url)]
        out = [("首页", p.portal_url)]
        return out + ([("学校主页", p.home_url)] if p.home_url != p.portal_url else [])

    def site_menu(self, here: str) -> str:
        links = self.site_links()
        if self.layout.menu == "table":
            cells = "".join(f'<td class="mu{k}"><a href="{self.href(here, u)}">{esc(n)}</a></td>'
                            for k, (n, u) in enumerate(links, 1))
            return (f'<table id="{self.v["menu"]}" width="100%" border="0" cellspacing="0" cellpadding="0">'
                    f"<tr>{cells}</tr></table>")
        items = "".join(f'<li><a href="{self.href(here, u)}">{esc(n)}</a></li>' for n, u in links)
        return f'<div class="{self.v["menu"]}"><ul>{items}</ul></div>'

    def header(self, here: str) -> str:
        title = "信息公开" if self.gov else "信息公开网"
        return (f'<div class="{self.v["header"]}"><div class="logo"><img src="/images/logo.png" alt="" />'
                f"<span>{esc(self.p.name)}{title}</span></div>{self.site_menu(here)}</div>\n")

    def footer(self) -> str:
        p = self.p
        return (f'<div class="{self.v["foot"]}"><p>主办单位：{esc(p.name)}&nbsp;&nbsp;地址：{esc(p.name)}'
                f"{'政务服务中心' if self.gov else '校园路1号'}</p><p>技术支持：信息中心</p></div>\n")

    def tops(self) -> list[Column]:
        return [c for c in self.p.top if not channel(c)]

    def nav(self, here: str) -> str:
        """The portal's column tree in the layout's nav shape."""
        key = f"v3nav:{here.rsplit('/', 1)[0]}"
        return self.p.cached(key, lambda: self._nav(here))

    def _nav(self, here: str) -> str:
        L, v, p = self.layout, self.v, self.p
        kids = (lambda g: g.children) if L.nav_children else (lambda g: [])

        def sub(g: Column, tag: str = "ul", cls: str = "") -> str:
            rows = kids(g)
            if not rows:
                return ""
            inner = "".join(f"<li>{self.a(here, c)}</li>" for c in rows)
            return f'<{tag}{cls}>{inner}</{tag}>'

        tops = [f"<li>{self.a(here, c)}</li>" for c in self.tops()]
        if L.nav in ("left", "right", "top"):
            groups = [f"<li>{self.a(here, g)}{sub(g)}</li>" for g in p.categories]
            cls = v["nav"] if L.nav == "top" else v["side"]
            title = "" if L.nav == "top" else "<h3>公开目录</h3>"
            return f'<div class="{cls}">{title}<ul>{"".join(tops + groups)}</ul></div>\n'
        if L.nav == "tree":
            child = ' class="child"'
            groups = [f'<li class="node"><span class="switch"></span>{self.a(here, g)}{sub(g, cls=child)}</li>'
                      for g in p.categories]
            return (f'<div class="{v["tree"]}" id="{v["tree"]}1"><ul class="root">{"".join(tops + groups)}'
                    "</ul></div>\n")
        if L.nav == "dropdown":
            groups = []
            for g in p.categories:
                menu = "".join(self.a(here, c) for c in kids(g))
                drop = f'<div class="drop-list">{menu}</div>' if menu else ""
                groups.append(f'<li class="drop">{self.a(here, g)}{drop}</li>')
            return f'<div class="{v["nav"]}"><ul class="bar">{"".join(tops + groups)}</ul></div>\n'
        if L.nav == "tabs":
            heads = tops + [f'<li class="{"on" if k == 0 else ""}">{self.a(here, g)}</li>'
                            for k, g in enumerate(p.categories)]
            panes = "".join(f'<div class="pane{" on" if k == 0 else ""}">'
                            + "".join(self.a(here, c) for c in kids(g)) + "</div>"
                            for k, g in enumerate(p.categories))
            return (f'<div class="{v["tabs"]}"><ul class="hd">{"".join(heads)}</ul>'
                    f'<div class="bd">{panes}</div></div>\n')
        rows = [f'<tr><td class="t1" colspan="2">{self.a(here, c)}</td></tr>' for c in self.tops()]
        for g in p.categories:
            rows.append(f'<tr><td class="t1" colspan="2">{self.a(here, g)}</td></tr>')
            rows += [f'<tr><td width="16"><img src="/images/dot.gif" /></td><td class="t2">{self.a(here, c)}</td></tr>'
                     for c in kids(g)]
        return (f'<table class="{v["side"]}" width="200" border="0" cellspacing="0" cellpadding="0">'
                + "".join(rows) + "</table>\n")

    def page(self, here: str, title: str, main: str, tree: bool = True) -> str:
        """A whole page: head, header, nav in its place, the content pane, footer."""
        L, v = self.layout, self.v
        nav = self.nav(here) if tree else ""
        side = SIDE_POSITION.get(L.nav)
        above = nav if side is None else ""
        left = nav if side == "left" else ""
        right = nav if side == "right" else ""
        return (head(self.p, self.skin, title, here) + "<body>\n" + self.header(here) + above
                + f'<div class="{v["wrap"]}">{left}<div class="{v["main"]}">{main}</div>{right}</div>\n'
                + self.footer() + "</body>\n</html>\n")

    # ---- content-pane pieces -------------------------------------------------------------------
    def crumbs(self, here: str, col: Column) -> str:
        if not self.layout.crumbs:
            return ""
        top = self.p.home_url if channel(col) else self.p.portal_url
        bits = [f'<a href="{self.href(here, top)}">首页</a>']
        group = next((g for g in self.p.categories if col in g.children), None)
        if group is not None:
            bits.append(self.a(here, group))
        bits.append(self.a(here, col))
        return f'<div class="{self.v["crumb"]}">{CRUMB_LABEL[self.layout.naming]}' + " &gt; ".join(bits) + "</div>"

    def banner(self) -> str:
        if not self.layout.banner:
            return ""
        return (f'<div class="{self.skin.body_class}"><div class="bn"><img src="/images/banner_xxgk.jpg" '
                f'alt="信息公开" /><p>{esc(self.p.name)}信息公开专栏</p></div></div>')

    def body(self, paras: list[str]) -> str:
        text = "".join(f'<p style="text-indent:2em;">{esc(t)}</p>' for t in paras)
        cls = self.skin.body_class
        if self.skin.family == "vsb":
            return f'<form name="_newscontent_fromname"><div id="vsb_content"><div class="{cls}">{text}</div></div></form>'
        if self.skin.family == "trs":
            return f'<div class="{cls}"><div class="Custom_UnionStyle">{text}</div></div>'
        return f'<div class="{cls}">{text}</div>'

    def rows(self, here: str, arts: list[Article]) -> str:
        """Items as link + date rows in the layout's list markup."""
        L, cls = self.layout, self.v["list"]
        if not arts:
            return f'<div class="{cls}"><p class="nodata">暂无信息</p></div>'
        if L.lists == "table":
            body = "".join(f'<tr><td class="dot">·</td><td><a href="{self.href(here, a.url)}" target="_blank" '
                           f'title="{esc(a.title)}">{esc(a.title)}</a></td><td class="rq">{fmt_date(a.date, L.dates)}'
                           "</td></tr>\n" for a in arts)
            return f'<table class="{cls}" width="100%" border="0" cellspacing="0" cellpadding="0">\n{body}</table>'
        if L.lists == "div":
            body = "".join(f'<div class="row"><em>{fmt_date(a.date, L.dates)}</em><a href="{self.href(here, a.url)}" '
                           f'target="_blank" title="{esc(a.title)}">{esc(a.title)}</a></div>\n' for a in arts)
            return f'<div class="{cls}">\n{body}</div>'
        body = "".join(f'<li><a href="{self.href(here, a.url)}" target="_blank" title="{esc(a.title)}">'
                       f'{esc(a.title)}</a><span class="date">{fmt_date(a.date, L.dates)}</span></li>\n' for a in arts)
        return f'<ul class="{cls}">\n{body}</ul>'

    def boxes_block(self, here: str, cols: list[Column]) -> str:
        """One box per sub-column: its name as plain text, its newest items, and a 更多 link to it."""
        boxes = []
        for c in cols:
            if c.kind == CONTENT:
                inner = f'<p class="summary">{esc(c.body[0][:60]) if c.body else ""}</p>'
            else:
                inner = self.rows(here, c.articles[:4])
            boxes.append(f'<div class="lm-box"><div class="lm-hd"><span>{esc(c.name)}</span>'
                         f'<a class="more" href="{self.href(here, c.url)}">更多&gt;&gt;</a></div>{inner}</div>')
        return f'<div class="{self.v["list"]}_lm">{"".join(boxes)}</div>'

    def links_block(self, here: str, cols: list[Column]) -> str:
        """A block of column links (a landing page's sub-columns) in the layout's list markup."""
        cls = self.v["list"] + "_lm"
        if self.layout.lists == "table":
            cells = "".join(f"<tr><td>{self.a(here, c)}</td></tr>" for c in cols)
            return f'<table class="{cls}">{cells}</table>'
        if self.layout.lists == "div":
            return f'<div class="{cls}">' + "".join(f'<div class="lm">{self.a(here, c)}</div>' for c in cols) + "</div>"
        return f'<ul class="{cls}">' + "".join(f"<li>{self.a(here, c)}</li>" for c in cols) + "</ul>"

    def home_tree(self, here: str) -> str:
        """The whole two-level tree in a tree block of the content pane (every sub-column linked)."""
        parts = [f"<li>{self.a(here, c)}</li>" for c in self.tops()]
        for g in self.p.categories:
            kids = "".join(f"<li>{self.a(here, c)}</li>" for c in g.children)
            parts.append(f'<li class="lv1">{self.a(here, g)}<ul class="lv2">{kids}</ul></li>')
        return f'<div class="{self.v["tree"]}_nr"><h3>公开目录</h3><ul>{"".join(parts)}</ul></div>'

    def title(self, text: str) -> str:
        return f'<div class="{self.v["title"]}"><h2>{esc(text)}</h2></div>'

    # ---- pages ---------------------------------------------------------------------------------
    def list_page(self, col: Column, page: int) -> str:
        here = col.page_urls[page - 1]
        plain = any(col is n for n in self.p.news)
        main = (self.crumbs(here, col) + self.title(col.name) + ("" if plain or channel(col) else self.banner())
                + self.rows(here, col.page_slice(page)) + pager(self.p, self.skin, col, page, self.trs_style))
        return self.page(here, f"{col.name}-{self.p.name}", main, tree=not plain and not channel(col))

    def content_page(self, col: Column) -> str:
        here = col.url or ""
        main = self.crumbs(here, col) + self.title(col.name) + self.banner() + self.body(col.body)
        return self.page(here, f"{col.name}-{self.p.name}", main)

    def landing_page(self, group: Column) -> str:
        here = group.url or ""
        block = self.boxes_block if self.layout.landing_style == "boxes" else self.links_block
        main = self.crumbs(here, group) + self.title(group.name) + self.banner() + block(here, group.children)
        return self.page(here, f"{group.name}-{self.p.name}", main)

    def article_page(self, col: Column, art: Article) -> str:
        here, p, L = art.url, self.p, self.layout
        if self.gov:
            paras = [f"根据《中华人民共和国政府信息公开条例》，现将《{art.title}》予以公开。",
                     f"本信息由{art.publisher}负责解释。", f"{art.publisher}", fmt_date(art.date, "cn")]
        else:
            paras = article_paragraphs(p, col, art)
        meta = (f'<div class="{self.v["meta"]}"><span>索引号：{esc(art.index_no)}</span>'
                f"<span>发布机构：{esc(art.publisher)}</span>"
                f"<span>发布日期：{fmt_date(art.date, 'cn' if L.dates == 'cn' else 'iso')}</span></div>")
        main = (self.crumbs(here, col) + self.banner() + f'<div class="{self.v["title"]}"><h1>{esc(art.title)}</h1></div>'
                + meta + self.body(paras))
        plain = any(col is n for n in p.news)
        return self.page(here, f"{art.title}-{p.name}", main, tree=not plain and not channel(col))

    def portal_home(self) -> str:
        here, p = self.p.portal_url, self.p
        tree = self.home_tree(here) if self.layout.home_tree else ""
        newest = [a for _, a in latest(p)]
        main = (tree + self.title("最新公开") + self.rows(here, newest)
                + f'<div class="intro"><p>{esc(p.name)}依法主动公开信息，欢迎监督。</p></div>')
        return self.page(here, f"{p.name}{'政府信息公开' if self.gov else '信息公开网'}", main)

    def gov_home(self) -> str:
        """The 政务 site home: top menu (entry, channels), 政务要闻 and 通知公告 blocks with dates."""
        here, p = self.p.home_url, self.p
        blocks = []
        for col, n in ((p.features["headline"], 7), (p.features["notice"], 6)):
            blocks.append(f'<div class="box"><div class="box-t"><span>{esc(col.name)}</span>'
                          f'<a class="more" href="{self.href(here, col.url)}">更多&gt;&gt;</a></div>'
                          + self.rows(here, col.articles[:n]) + "</div>")
        return (head(p, self.skin, p.name, here) + "<body>\n" + self.header(here)
                + f'<div class="{self.v["wrap"]}">{"".join(blocks)}</div>\n' + self.footer() + "</body>\n</html>\n")

    def render(self, school_home: str | None = None) -> dict[str, str]:
        """Every page: the home (政务 or school), the portal home, columns, landing pages, articles."""
        p, skin = self.p, self.skin
        files: dict[str, str] = {file_of(skin, p.portal_url): self.portal_home()}
        if self.gov:
            files[file_of(skin, p.home_url)] = self.gov_home()
        elif school_home is not None:
            files[file_of(skin, p.home_url)] = school_home
        for col in p.tree() + p.news:
            if col.kind == GROUP:
                if col.url:
                    files[file_of(skin, col.url)] = self.landing_page(col)
            elif col.kind == CONTENT:
                files[file_of(skin, col.url or "")] = self.content_page(col)
            else:
                for page in range(1, col.pages + 1):
                    files[file_of(skin, col.page_urls[page - 1])] = self.list_page(col, page)
                for art in col.articles:
                    files[art.url] = self.article_page(col, art)
        return files
