"""Article pages: full title, 发布日期, the metadata block (索引号 / 发布机构 / 成文日期 / 文号 …),
body text length, image-only bodies and attachment links.

The metadata block differs by province (cms-markup.md §5/§8): `<p><strong>索引号</strong>：…`,
`<th>索引号</th><td>…</td>`, `<span>发布机构：…</span>`. Fields commented out in the source
(`<!--<p><strong>成文日期</strong>：…</p>-->`) count too: they are in the page, only hidden.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector

from xxgk import pagemeta
from xxgk.pagemeta import LABEL_RE as _LABEL_RE
from xxgk.pagemeta import read_page_meta

from .html import absolute, clean, node_text

_CUT = re.compile(r"(?:\.{2,}|…+|．{2,}|。{3})\s*$")

_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
BODY_CSS = (
    ".v_news_content",
    "#vsb_content",
    "[id^=vsb_content]",
    ".wp_articlecontent",
    ".TRS_Editor",
    ".TRS_UEDITOR",
    "#zoom",
    "#zoomcon",
    ".content_article",
    ".article-content",
    ".art_con",
    ".detail-content",
    "#content",
    ".content",
    "article",
    ".article",
    "main",
)
FILE_EXT = re.compile(r"\.(pdf|docx?|xlsx?|wps|et|zip|rar|7z|ofd|pptx?|txt|csv)(?:$|[?#])", re.I)
DOC_TYPES = {"pdf", "doc", "docx", "xls", "xlsx"}


def is_truncated(title: str) -> bool:
    """True when a list shows a cut-off title ("…的通知（202..." / "…")."""
    return bool(_CUT.search(title))


def stem(title: str) -> str:
    return _CUT.sub("", title).strip()


# BODY_CSS read as rules on one element, so the page is walked once instead of once per selector:
# class token → rank, id → rank, id prefix → rank, tag → rank (rank = position in BODY_CSS).
_BY_CLASS: dict[str, int] = {}
_BY_ID: dict[str, int] = {}
_BY_ID_PREFIX: list[tuple[str, int]] = []
_BY_TAG: dict[str, int] = {}
for _rank, _sel in enumerate(BODY_CSS):
    if _sel.startswith("."):
        _BY_CLASS.setdefault(_sel[1:], _rank)
    elif _sel.startswith("#"):
        _BY_ID.setdefault(_sel[1:], _rank)
    elif _sel.startswith("[id^="):
        _BY_ID_PREFIX.append((_sel[5:-1], _rank))
    else:
        _BY_TAG.setdefault(_sel, _rank)
_BODY_SHAPED = etree.XPath(
    "descendant-or-self::*[@class or @id or " + " or ".join(f"self::{t}" for t in _BY_TAG) + "]"
)
# XPath's normalize-space (what a CSS class selector compiles to) splits on these four only
_XML_SPACE = str.maketrans("\t\n\r", "   ")


def _body_rank(el: etree._Element) -> int | None:
    """The position in BODY_CSS of the first selector `el` matches, None when it matches none."""
    ranks = []
    cls = el.get("class")
    if cls:
        ranks += [_BY_CLASS[t] for t in cls.translate(_XML_SPACE).split(" ") if t in _BY_CLASS]
    ident = el.get("id")
    if ident is not None:
        if ident in _BY_ID:
            ranks.append(_BY_ID[ident])
        ranks += [rank for prefix, rank in _BY_ID_PREFIX if ident.startswith(prefix)]
    if el.tag in _BY_TAG:
        ranks.append(_BY_TAG[el.tag])
    return min(ranks) if ranks else None


def body_candidates(root: etree._Element) -> list[etree._Element]:
    """Every element a BODY_CSS selector matches, in the order evaluating the selectors one after
    another gives (selector order, then document order; each element once, at its first selector)."""
    ranked = [(rank, pos, el) for pos, el in enumerate(_BODY_SHAPED(root))
              if (rank := _body_rank(el)) is not None]
    ranked.sort(key=lambda t: (t[0], t[1]))
    return [el for _, _, el in ranked]


def article_title(sel: Selector) -> str | None:
    """Full title, read by the shared page reader (`xxgk.pagemeta`): `<meta name="ArticleTitle">`, the
    metadata block, the article heading, else `<title>` without the site suffix."""
    return read_page_meta(sel.root, fields={}).title


def completed(listed: str, full: str | None) -> str:
    """The full title when it extends the listed prefix, else the listed title unchanged."""
    if not full:
        return listed
    prefix = stem(listed)
    return full if prefix and clean(full).startswith(prefix) else listed


@dataclass
class Attachment:
    """A file linked from an article body."""

    url: str
    name: str
    type: str  # file extension: pdf | docx | xlsx | doc | xls | zip | ...


@dataclass
class ArticleInfo:
    """What an article page says about its item."""

    title: str | None = None
    date: dt.date | None = None
    meta: dict[str, str] = field(default_factory=dict)
    unit: str | None = None
    body_chars: int = 0
    image_only: bool = False
    images: int = 0
    attachments: list[Attachment] = field(default_factory=list)


def hides_fields(html: str) -> bool:
    """True when an HTML comment hides markup with a metadata label (`<!--<p>成文日期：…</p>-->`)."""
    return any("<" in m.group(1) and _LABEL_RE.search(re.sub(r"<[^>]+>", "", m.group(1)))
               for m in _COMMENT.finditer(html))


def uncomment(html: str) -> str:
    """Unwrap HTML comments that hide markup (`<!--<p>…</p>-->`); other comments are dropped."""

    def repl(m: re.Match[str]) -> str:
        inner = m.group(1)
        return inner if "<" in inner and _LABEL_RE.search(re.sub(r"<[^>]+>", "", inner)) else ""

    return _COMMENT.sub(repl, html)


def meta_fields(sel: Selector) -> dict[str, str]:
    """Label → value pairs of the metadata block; the first occurrence of each label wins."""
    return pagemeta.meta_fields(sel.root)


def body_node(sel: Selector) -> Selector | None:
    """The article body: among every known body container (a template banner may share the body's
    class and come first), the one holding the most text; else the page's main block by density."""
    from crawler.discovery.content import densest, main_block

    found = [el for el in body_candidates(sel.root)
             if node_text(el) or next(el.iterdescendants("img"), None) is not None]
    if found:
        best = found[0] if len(found) == 1 else densest(sel, found)  # one candidate: nothing to weigh
        if best is None or not node_text(best):
            best = found[0]  # an image-only body
        return Selector(root=best, type="html")
    return main_block(sel)


_SPACE = re.compile(r"\s+")


def _body_chars(text: str) -> int:
    return len(_SPACE.sub("", text))


def article_date(sel: Selector, meta: dict[str, str]) -> dt.date | None:
    """The publication date by the shared page reader: `<meta name="PubDate">`, else 发布日期 of the
    metadata block, else a dated line near the title."""
    return read_page_meta(sel.root, fields=meta).published


def attachments(sel: Selector, base: str, body: Selector | None) -> list[Attachment]:
    """File links of the article (body first, then any 附件 link on the page), de-duplicated."""
    out: list[Attachment] = []
    seen: set[str] = set()
    roots = ([body.root] if body is not None else []) + [sel.root]
    for root in roots:
        for a in root.iter("a"):
            href = a.get("href") or ""
            if not FILE_EXT.search(href.split("#", 1)[0]):
                continue
            url = absolute(base, href)
            if not url or url in seen:
                continue
            m = FILE_EXT.search(urlsplit(url).path + ("?" if "?" in url else ""))
            if not m:
                continue
            seen.add(url)
            name = clean(a.get("title")) or node_text(a) or url.rsplit("/", 1)[-1]
            out.append(Attachment(url=url, name=name, type=m.group(1).lower()))
    return out


def read_article(sel: Selector, url: str, html: str | None = None) -> ArticleInfo:
    """Everything the crawler keeps from an article page."""
    raw = html if html is not None else sel.get()
    unc = Selector(text=uncomment(raw), base_url=url) if "<!--" in raw and hides_fields(raw) else sel
    meta = meta_fields(unc)
    page = read_page_meta(unc.root, fields=meta)
    info = ArticleInfo(title=page.title, meta=meta, date=page.published, unit=page.unit)
    body = body_node(sel)
    text = node_text(body) if body is not None else ""
    if body is not None:
        info.body_chars = _body_chars(text)
        info.images = len(body.xpath(".//img"))
        info.image_only = info.images > 0 and info.body_chars < 20
    info.attachments = attachments(sel, url, body)
    # 文号 / 成文日期 printed only in the body text (no metadata block names them)
    if body is not None and ("文号" not in meta or "成文日期" not in meta):
        from crawler.discovery.bodyfacts import body_meta

        for key, value in body_meta(text).items():
            meta.setdefault(key, value)
    return info


__all__ = [
    "ArticleInfo",
    "Attachment",
    "article_title",
    "completed",
    "is_truncated",
    "meta_fields",
    "read_article",
    "stem",
    "uncomment",
]
