"""Small HTML helpers shared by the CMS renderers. Every text goes through ``esc``."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from types import ModuleType

from .world import CONTENT, GROUP, Article, Column, Portal


def esc(text: object) -> str:
    """Escape text for HTML element content and quoted attribute values."""
    return html.escape(str(text), quote=True)


def rel(from_url: str, to_url: str) -> str:
    """Relative href from the page at ``from_url`` to ``to_url`` (both site-relative paths)."""
    base = from_url.split("/")[1:-1]  # directories of the page
    parts = to_url.split("/")[1:]  # directories of the target + its file name ("" for a directory)
    target_dirs, name = parts[:-1], parts[-1]
    common = 0
    for a, b in zip(base, target_dirs, strict=False):
        if a != b:
            break
        common += 1
    bits = [".."] * (len(base) - common) + target_dirs[common:]
    path = "/".join(bits)
    if name:
        return f"{path}/{name}" if path else name
    return f"{path}/" if path else "./"


def clip(title: str, limit: int) -> str:
    """Title cut off with ``...`` the way VSB/TRS list templates do."""
    return title if len(title) <= limit else title[:limit] + "..."


def stamp(article: Article, seed: int) -> str:
    """A publication time of day for ``PubDate`` metas (deterministic per article)."""
    minutes = (article.id * 37 + seed) % (9 * 60) + 8 * 60
    return f"{article.date.isoformat()} {minutes // 60:02d}:{minutes % 60:02d}"


def cn_date(date: dt.date) -> str:
    return f"{date.year}年{date.month:02d}月{date.day:02d}日"


def article_paragraphs(portal: Portal, column: Column, article: Article) -> list[str]:
    """Body text of an article page."""
    return [
        f"根据《高等学校信息公开办法》和学校信息公开工作有关要求，现将《{article.title}》予以公开。",
        f"本信息属于“{column.name}”栏目，由{article.publisher}负责解释。",
        f"{portal.name}{article.publisher}",
        cn_date(article.date),
    ]


def latest(portal: Portal, limit: int = 8) -> list[tuple[Column, Article]]:
    """Most recent articles across the 信息公开 tree (for the portal home's 最新公开 block)."""
    pairs = [(c, a) for c in portal.tree() if c.kind == "list" for a in c.articles]
    pairs.sort(key=lambda ca: (ca[1].date, ca[1].id), reverse=True)
    return pairs[:limit]


def page_window(current: int, total: int) -> list[int | None]:
    """Page numbers to show in a pager: all when few, else a window with ``None`` for ``...``."""
    if total <= 7:
        return list(range(1, total + 1))
    shown = {1, 2, total, current - 1, current, current + 1}
    out: list[int | None] = []
    for n in range(1, total + 1):
        if n in shown:
            out.append(n)
        elif out and out[-1] is not None:
            out.append(None)
    return out


def groups_for(p: Portal, col: Column | None, article: bool) -> list[Column]:
    """Categories shown in the left tree: all of them, or on article pages only the article's own."""
    if not article or col is None:
        return p.categories
    return [g for g in p.categories if g.name == col.parent]


def render_university_site(p: Portal, pages: ModuleType, home_path: str,
                           file_of: Callable[[str], str] = lambda url: url) -> dict[str, str]:
    """Every file of a university portal from a family module's page functions.

    `pages` provides `_school_home`, `_portal_home`, `_landing_page`, `_content_page`, `_list_page` and
    `_article_page`; `file_of` maps a linked URL to the file that serves it (e.g. a directory → index.html).
    """
    files: dict[str, str] = {home_path: pages._school_home(p), file_of(p.portal_url): pages._portal_home(p)}
    for col in p.tree() + p.news:
        if col.kind == GROUP:
            if col.url:
                files[file_of(col.url)] = pages._landing_page(p, col)
        elif col.kind == CONTENT:
            files[file_of(col.url or "")] = pages._content_page(p, col)
        else:
            for page in range(1, col.pages + 1):
                files[file_of(col.page_urls[page - 1])] = pages._list_page(p, col, page)
            for art in col.articles:
                files[art.url] = pages._article_page(p, col, art)
    return files
