"""CMS-family skins of the v3 renderer: URL shapes, head fingerprints, pagers and the article body class.

A skin is what stays the same across a family's templates (what an adapter may use as an accelerator);
everything structural comes from the :class:`~xxgk.samples.v3.layout.Layout`. Pagers and heads reuse the
v1/v2 family renderers so a family looks like itself in every world.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from .. import render_trs, render_vsb, render_webplus
from ..htmlkit import esc
from ..world import GROUP, LIST, Column, Portal


@dataclass(frozen=True)
class Skin:
    """One CMS family as the v3 renderer draws it."""

    family: str
    body_class: str  # the article body container's class (a banner may share it)
    index_file: str  # file a directory URL serves


SKINS = {
    "vsb": Skin("vsb", "v_news_content", "index.htm"),
    "webplus": Skin("webplus", "wp_articlecontent", "main.htm"),
    "trs": Skin("trs", "TRS_Editor", "index.html"),
    "generic": Skin("generic", "article-con", "index.htm"),
}


def file_of(skin: Skin, url: str) -> str:
    """The file that serves a linked URL (a directory URL → its index file)."""
    return url + skin.index_file if url.endswith("/") else url


def _group_of(p: Portal, col: Column) -> Column | None:
    return next((g for g in p.categories if col in g.children), None)


def _column_url(p: Portal, skin: Skin, col: Column, folders: bool, dir_links: bool) -> str:
    group = _group_of(p, col)
    cat = f"{group.slug}/" if group is not None and folders else ""
    if col.extra.get("channel"):  # a site channel (政务服务 / 政民互动) lives beside the platform, not in it
        if skin.family == "vsb":
            return f"/{col.slug}.htm"
        return f"/{col.slug}/index.html" if skin.family == "trs" else f"/{col.slug}/list.htm"
    if skin.family == "vsb":
        return f"/{col.slug}.htm" if group is None else f"/xxgklm1/{cat}{col.slug}.htm"
    if skin.family == "webplus":
        return f"/{cat}{col.slug}/list.htm" if col.kind == LIST else f"/{cat}{col.slug}/main.htm"
    if skin.family == "trs":
        base = f"/xxgk/{cat}{col.slug}/"
        return base if dir_links else base + "index.html"
    return f"/zwgk/{cat}{col.slug}/list.htm" if col.kind == LIST else f"/zwgk/{cat}{col.slug}/index.htm"


def _landing_url(skin: Skin, group: Column, dir_links: bool) -> str:
    if skin.family == "vsb":
        return f"/xxgklm1/{group.slug}.htm"
    if skin.family == "webplus":
        return f"/{group.slug}/main.htm"
    if skin.family == "trs":
        return f"/xxgk/{group.slug}/" if dir_links else f"/xxgk/{group.slug}/index.html"
    return f"/zwgk/{group.slug}/index.htm"


def _page_urls(skin: Skin, col: Column) -> list[str]:
    url, total = col.url or "", col.pages
    if skin.family == "vsb":
        stem = url[: -len(".htm")]
        return [url] + [f"{stem}/{total - k + 1}.htm" for k in range(2, total + 1)]
    base = url.rsplit("/", 1)[0] + "/"
    if skin.family == "webplus":
        return [url] + [f"{base}list{k}.htm" for k in range(2, total + 1)]
    if skin.family == "trs":
        return [url] + [f"{base}index_{k}.html" for k in range(1, total)]
    return [url] + [f"{base}list_{k}.htm" for k in range(2, total + 1)]


def _article_url(skin: Skin, col: Column, art_id: int, date: object) -> str:
    d = date  # a datetime.date
    if skin.family == "vsb":
        return f"/info/{col.col_id}/{art_id}.htm"
    if skin.family == "webplus":
        return f"/{d.year}/{d.month:02d}{d.day:02d}/c{col.col_id}a{art_id}/page.htm"  # type: ignore[attr-defined]
    base = (col.url or "").rsplit("/", 1)[0] + "/"
    if skin.family == "trs":
        return (f"{base}{d.year}{d.month:02d}/t{d.year}{d.month:02d}{d.day:02d}"  # type: ignore[attr-defined]
                f"_{art_id + render_trs.DOC_OFFSET}.html")
    return f"{base}{d.year}{d.month:02d}/{art_id}.htm"  # type: ignore[attr-defined]


def assign_urls(p: Portal, skin: Skin, folders: bool, dir_links: bool, portal_url: str, home_url: str) -> None:
    """Every URL of the portal: columns, list pages, landing pages and articles."""
    p.home_url, p.portal_url = home_url, portal_url
    for col in p.tree() + p.news:
        if col.kind == GROUP:
            col.url = _landing_url(skin, col, dir_links) if col.has_landing else None
            col.page_urls = [col.url] if col.url else []
            continue
        col.url = _column_url(p, skin, col, folders, dir_links)
        if col.kind == LIST:
            col.page_urls = _page_urls(skin, col)
            for art in col.articles:
                art.url = _article_url(skin, col, art.id, art.date)
        else:
            col.page_urls = [col.url]


def head(p: Portal, skin: Skin, title: str, here: str) -> str:
    """The ``<head>`` with the family's fingerprints (generator comments, scripts, metas)."""
    if skin.family == "vsb":
        return render_vsb._head(p, title, here, lists=True)
    if skin.family == "webplus":
        return render_webplus._head(p, title)
    if skin.family == "trs":
        return render_trs._head(p, title)
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{esc(title)}</title>\n<link rel="stylesheet" href="/css/main.css">\n</head>\n')


def pager(p: Portal, skin: Skin, col: Column, page: int, trs_style: str) -> str:
    """The family's pager for list page ``page`` of ``col`` (empty when the list has one page)."""
    if col.pages <= 1 and skin.family != "trs":
        return ""
    here = col.page_urls[page - 1]
    if skin.family == "vsb":
        return render_vsb._pager(col, page, here)
    if skin.family == "webplus":
        return render_webplus._pager(SimpleNamespace(template="webplus-a"), col, page)  # type: ignore[arg-type]
    if skin.family == "trs":
        return render_trs._pager(SimpleNamespace(template=trs_style), col, page)  # type: ignore[arg-type]
    total = col.pages

    def name(k: int) -> str:
        return "list.htm" if k == 1 else f"list_{k}.htm"

    prev = f'<a href="{name(page - 1)}">上一页</a>' if page > 1 else "<span>上一页</span>"
    nxt = f'<a href="{name(page + 1)}">下一页</a>' if page < total else "<span>下一页</span>"
    return (f'<div class="fy">共{len(col.articles)}条 第{page}/{total}页 <a href="list.htm">首页</a> {prev} {nxt} '
            f'<a href="{name(total)}">尾页</a></div>')
