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
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector
from parsel.csstranslator import css2xpath

from .dates import parse_date
from .html import absolute, clean, node_text

_CUT = re.compile(r"(?:\.{2,}|…+|．{2,}|。{3})\s*$")

# Labels of the metadata blocks (longest first so 发布机构 wins over 发布, 信息名称 over 名称).
META_LABELS = sorted(
    {
        "索引号", "信息索引", "主题分类", "组配分类", "信息分类", "分类", "信息类别", "公开目录", "体裁分类",
        "发布机构", "发文机关", "发文机构", "发文单位", "信息来源", "来源", "公开方式", "公开范围",
        "成文日期", "生成日期", "发文日期", "发布日期", "发布时间", "更新时间", "公开日期", "生效日期", "废止日期",
        "文号", "发文字号", "发布文号", "主题词", "关键词", "有效性", "是否有效", "时效",
        "名称", "信息名称", "标题", "内容概述", "主题导航", "作者", "责任部门",
        "浏览次数", "点击数", "访问量", "阅读次数", "字体大小", "字号",
    },
    key=len,
    reverse=True,
)
_LABEL_RE = re.compile(r"(" + "|".join(map(re.escape, META_LABELS)) + r")\s*[:：]\s*")
_LABEL_ONLY = re.compile(r"^\s*(" + "|".join(map(re.escape, META_LABELS)) + r")\s*[:：]?\s*$")
_BLOCK = "p|li|td|th|dt|dd|div|tr|table|ul|ol|h1|h2|h3|h4|h5|h6|section|article|form|body"
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
UNIT_KEYS = ("发布机构", "发文机关", "发文机构", "发文单位")
DATE_KEYS = ("发布日期", "发布时间", "公开日期", "更新时间")
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


@lru_cache(maxsize=256)
def _css_xpath(css: str) -> etree.XPath:
    """A CSS selector compiled once to an lxml XPath (the expression `Selector.css` would evaluate)."""
    return etree.XPath(css2xpath(css))


def _css(root: etree._Element, css: str) -> list[etree._Element]:
    """`sel.css(css)` as elements, without re-translating the selector on every page."""
    return _css_xpath(css)(root)


def article_title(sel: Selector) -> str | None:
    """Full title: `<meta name="ArticleTitle">`, else the article heading, else the `<title>` before its separator."""
    meta = clean(
        sel.xpath("//meta[translate(@name,'ARTICLETITLE','articletitle')='articletitle']/@content").get()
    )
    if meta:
        return meta
    for css in (
        "h1.arti_title",
        ".content-title h1",
        "h1.content_title",
        ".article h1",
        "h1",
        ".arti_title",
        "h2",
    ):
        found = _css(sel.root, css)
        if found:
            text = node_text(found[0])
            if text:
                return text
    title = clean(sel.xpath("//title").xpath("string()").get())
    return re.split(r"\s*[-_|—]\s*", title)[0] if title else None


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


_BLOCK_TAGS = frozenset(_BLOCK.split("|"))


def _leaf_blocks(root: etree._Element) -> list[etree._Element]:
    """Block elements under `<body>` with no block inside, in document order (one pass over the tree;
    the same set as `//body//*[block][not(.//*[block])]`)."""
    blocks: list[etree._Element] = []
    for body in root.iter("body"):
        for el in body.iter():
            if el is not body and el.tag in _BLOCK_TAGS:
                blocks.append(el)
    if not blocks:
        return []
    inner: set[etree._Element] = set()
    for el in blocks:
        parent = el.getparent()
        while parent is not None and parent not in inner:
            inner.add(parent)
            parent = parent.getparent()
    seen: set[etree._Element] = set()
    out = []
    for el in blocks:
        if el not in inner and el not in seen:
            seen.add(el)
            out.append(el)
    return out


def _tokens(sel: Selector) -> list[str]:
    """Texts of the leaf blocks of the page (blocks with no block inside), in document order."""
    out = []
    for el in _leaf_blocks(sel.root):
        t = node_text(el)
        if t:
            out.append(t)
    return out


def meta_fields(sel: Selector) -> dict[str, str]:
    """Label → value pairs of the metadata block; the first occurrence of each label wins."""
    meta: dict[str, str] = {}
    tokens = _tokens(sel)
    for i, tok in enumerate(tokens):
        if len(tok) > 400:
            continue
        only = _LABEL_ONLY.match(tok)
        if only:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if nxt and not _LABEL_ONLY.match(nxt) and not _LABEL_RE.match(nxt) and len(nxt) <= 200:
                meta.setdefault(only.group(1), nxt)
            continue
        matches = list(_LABEL_RE.finditer(tok))
        if not matches or (matches[0].start() > 0 and not tok[: matches[0].start()].strip() == ""):
            if not matches or matches[0].start() > 12:
                continue
        for j, m in enumerate(matches):
            end = matches[j + 1].start() if j + 1 < len(matches) else len(tok)
            value = clean(tok[m.end() : end])
            if value and len(value) <= 200:
                meta.setdefault(m.group(1), value)
    return meta


def body_node(sel: Selector) -> Selector | None:
    """The article body: among every known body container (a template banner may share the body's
    class and come first), the one holding the most text; else the page's main block by density."""
    from crawler.discovery.content import densest, main_block

    root = sel.root
    found: list[etree._Element] = []
    for css in BODY_CSS:
        for el in _css(root, css):
            if el not in found and (node_text(el) or next(el.iterdescendants("img"), None) is not None):
                found.append(el)
    if found:
        best = densest(sel, found)
        if best is None or not node_text(best):
            best = found[0]  # an image-only body
        return Selector(root=best, type="html")
    return main_block(sel)


def _body_chars(node: Selector) -> int:
    return len(re.sub(r"\s+", "", node_text(node)))


def article_date(sel: Selector, meta: dict[str, str]) -> dt.date | None:
    """发布日期 from the metadata block, else `<meta name="PubDate">`, else a dated line near the title."""
    for key in DATE_KEYS:
        if key in meta:
            d = parse_date(meta[key])
            if d:
                return d
    pub = sel.xpath(
        "//meta[translate(@name,'PUBDATE','pubdate')='pubdate' or @name='publishdate' or @name='PublishDate']/@content"
    ).get()
    d = parse_date(pub)
    if d:
        return d
    for css in (".arti_update", ".content_attr .time", ".time", ".date", ".info", ".arti_metas"):
        for node in _css(sel.root, css)[:3]:
            d = parse_date(node_text(node))
            if d:
                return d
    return None


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
    info = ArticleInfo(title=article_title(sel), meta=meta)
    info.date = article_date(unc, meta)
    info.unit = next((meta[k] for k in UNIT_KEYS if meta.get(k) and meta[k] != "无"), None)
    body = body_node(sel)
    if body is not None:
        info.body_chars = _body_chars(body)
        info.images = len(body.xpath(".//img"))
        info.image_only = info.images > 0 and info.body_chars < 20
    info.attachments = attachments(sel, url, body)
    # 文号 / 成文日期 printed only in the body text (no metadata block names them)
    if body is not None and ("文号" not in meta or "成文日期" not in meta):
        from crawler.discovery.bodyfacts import body_meta

        for key, value in body_meta(node_text(body)).items():
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
