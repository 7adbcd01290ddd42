"""What a published page (or a text copy of one) says about itself: title, issuing unit, publication
date, column and site.

One reader for the crawler's article pages and the annual-report checks, so both agree on the same
page. Pure lxml (no Scrapy, no parsel), so `scoring` can use it without the crawler's machinery.

Sources, first hit wins:
1. CMS meta tags (TRS, Hanweb, VSB): ``ArticleTitle``, ``PubDate``, ``ContentSource``, ``ColumnName``,
   ``SiteName``;
2. the metadata block (``发布日期：…``, ``发文机关：…``, ``标题：…``; province markups in cms-markup.md);
3. the article heading (and a dated line near it);
4. ``<title>`` with the site / column suffix removed (``…年度报告_政府信息公开年报_某某市人民政府``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

_WS = re.compile(r"[\s\u3000\xa0]+")

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
LABEL_RE = re.compile(r"(" + "|".join(map(re.escape, META_LABELS)) + r")\s*[:：]\s*")
_LABEL_ONLY = re.compile(r"^\s*(" + "|".join(map(re.escape, META_LABELS)) + r")\s*[:：]?\s*$")
_BLOCK_TAGS = frozenset(
    "p li td th dt dd div tr table ul ol h1 h2 h3 h4 h5 h6 section article form body".split())
UNIT_KEYS = ("发布机构", "发文机关", "发文机构", "发文单位")
DATE_KEYS = ("发布日期", "发布时间", "公开日期", "更新时间")
TITLE_KEYS = ("标题", "信息名称")

# meta name (lower case) → field; several CMS spell the same field differently.
META_TAGS = {
    "articletitle": "title",
    "pubdate": "published", "publishdate": "published",
    "contentsource": "unit",
    "columnname": "column",
    "sitename": "site",
}

# Article headings of the CMS families, most specific first (class tests as in CSS `.cls`).
_HEADINGS = [etree.XPath(x) for x in (
    "//h1[contains(concat(' ',normalize-space(@class),' '),' arti_title ')]",
    "//*[contains(concat(' ',normalize-space(@class),' '),' content-title ')]//h1",
    "//h1[contains(concat(' ',normalize-space(@class),' '),' content_title ')]",
    "//*[contains(concat(' ',normalize-space(@class),' '),' article ')]//h1",
    "//h1",
    "//*[contains(concat(' ',normalize-space(@class),' '),' arti_title ')]",
    "//h2",
)]
# Dated lines near the heading (VSB `.arti_update`, WebPlus `.arti_metas`, 帝国 `span.time` …).
def _cls(c: str) -> str:
    return f"contains(concat(' ',normalize-space(@class),' '),' {c} ')"


_DATE_LINES = [etree.XPath(x) for x in (
    f"//*[{_cls('arti_update')}]", f"//*[{_cls('content_attr')}]//*[{_cls('time')}]", f"//*[{_cls('time')}]",
    f"//*[{_cls('date')}]", f"//*[{_cls('info')}]", f"//*[{_cls('arti_metas')}]")]
_TEXT = etree.XPath(".//text()[not(ancestor::script) and not(ancestor::style)]", smart_strings=False)
_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?:\s*日)?(?!\d)")
# Separators between a page title and the site / column names after it; a dash between digits is a
# year range (2023—2024学年), not a separator.
_TITLE_SEP = re.compile(r"\s*(?:[_|｜]|-{2,}|—{2,}|(?<!\d)\s[-—–]\s(?!\d)|(?<![\d\s])[-—–](?![\d\s]))\s*")


def clean(text: str | None) -> str:
    """Collapse whitespace (incl. full-width and nbsp) and strip."""
    return _WS.sub(" ", text or "").strip()


def element_text(el: etree._Element) -> str:
    """Visible text of an lxml element, scripts and styles excluded, whitespace collapsed (raises
    TypeError on a node without descendants, such as a text result)."""
    return clean(" ".join(_TEXT(el)))


def node_text(el: etree._Element) -> str:
    """Visible text of an element, scripts and styles excluded ('' for a node that has none)."""
    try:
        return element_text(el)
    except (TypeError, etree.XPathEvalError):
        return ""


def parse_date(text: str | None) -> dt.date | None:
    """The first full date (2024-05-01, 2024/5/1, 2024年5月1日, full-width digits too) in `text`;
    digits around it must not continue it (12024-05-01, 2024-05-011 are no dates). The one date
    reader of page metadata and of the annual-report text."""
    m = _DATE.search(unicodedata.normalize("NFKC", text or ""))
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


@dataclass
class PageMeta:
    """What a page says about itself; `sources` names where each field came from."""

    title: str | None = None
    published: dt.date | None = None
    unit: str | None = None
    column: str | None = None
    site: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # the metadata block, label → value
    sources: dict[str, str] = field(default_factory=dict)


def as_root(page: etree._Element | str | bytes) -> etree._Element:
    """An lxml root for an element, HTML text or bytes (bytes: lxml honours the declared charset)."""
    if isinstance(page, etree._Element):
        return page
    if not page or not page.strip():
        return lxml_html.fromstring("<html></html>")
    try:
        return lxml_html.fromstring(page)
    except ValueError:  # a str with an XML encoding declaration: lxml wants bytes
        return lxml_html.fromstring(page.encode("utf-8") if isinstance(page, str) else page)
    except etree.ParserError:
        return lxml_html.fromstring("<html></html>")


def meta_tags(root: etree._Element) -> dict[str, str]:
    """The CMS meta tags present (field → content), first of each field wins."""
    out: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or "").strip().lower()
        key = META_TAGS.get(name)
        value = clean(el.get("content"))
        if key and value and key not in out:
            out[key] = value
    return out


def _leaf_blocks(root: etree._Element) -> list[etree._Element]:
    """Block elements under `<body>` with no block inside, in document order (one pass over the tree)."""
    blocks: list[etree._Element] = []
    for body in root.iter("body"):
        for el in body.iter(*_BLOCK_TAGS):  # tags matched in C: no Python object for other elements
            if el is not body:
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


def block_tokens(root: etree._Element) -> list[str]:
    """Texts of the page's leaf blocks (blocks with no block inside), in document order."""
    return [t for t in (node_text(el) for el in _leaf_blocks(root)) if t]


def fields_from_tokens(tokens: list[str]) -> dict[str, str]:
    """Label → value pairs of a metadata block given as text pieces (page blocks or lines of a text copy);
    a label alone is followed by its value in the next piece; the first occurrence of a label wins."""
    meta: dict[str, str] = {}
    for i, tok in enumerate(tokens):
        if len(tok) > 400:
            continue
        only = _LABEL_ONLY.match(tok)
        if only:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if nxt and not _LABEL_ONLY.match(nxt) and not LABEL_RE.match(nxt) and len(nxt) <= 200:
                meta.setdefault(only.group(1), nxt)
            continue
        matches = list(LABEL_RE.finditer(tok))
        if not matches or matches[0].start() > 12:
            continue
        for j, m in enumerate(matches):
            end = matches[j + 1].start() if j + 1 < len(matches) else len(tok)
            value = clean(tok[m.end() : end])
            if value and len(value) <= 200:
                meta.setdefault(m.group(1), value)
    return meta


def meta_fields(root: etree._Element) -> dict[str, str]:
    """Label → value pairs of a page's metadata block."""
    return fields_from_tokens(block_tokens(root))


def strip_site_suffix(title: str, names: tuple[str | None, ...] = ()) -> str:
    """`<title>` without the site and column names the CMS appends (`…_政府信息公开年报_某市人民政府`)."""
    t = clean(title)
    if not t:
        return ""
    known = {clean(n) for n in names if n}
    parts = [p for p in _TITLE_SEP.split(t) if p]
    if not parts:
        return t
    kept = [p for p in parts if p not in known] or parts
    return kept[0]


_H1 = etree.XPath("//h1")
_XML_SPACE = str.maketrans("\t\n\r", "   ")  # what normalize-space collapses


def _has_class(el: etree._Element, name: str) -> bool:
    """`contains(concat(' ',normalize-space(@class),' '),' name ')` in Python."""
    return name in (el.get("class") or "").translate(_XML_SPACE).split(" ")


# The first five _HEADINGS as tests on one h1, so the page's h1s are found in one walk.
_H1_RULES = (
    lambda h1: _has_class(h1, "arti_title"),
    lambda h1: any(_has_class(up, "content-title") for up in h1.iterancestors()),
    lambda h1: _has_class(h1, "content_title"),
    lambda h1: any(_has_class(up, "article") for up in h1.iterancestors()),
    lambda h1: True,
)


def heading_title(root: etree._Element) -> str | None:
    """The article heading (CMS-specific headings first): the first of `_HEADINGS` with text."""
    h1s = _H1(root)
    for rule in _H1_RULES:
        for el in h1s:
            if rule(el) and (text := node_text(el)):
                return text
    for xp in _HEADINGS[len(_H1_RULES):]:
        for el in xp(root):
            text = node_text(el)
            if text:
                return text
    return None


def _value(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((meta[k] for k in keys if meta.get(k) and meta[k] != "无"), None)


def dated_line(root: etree._Element) -> dt.date | None:
    """A date shown near the heading (`span.time`, `.arti_update` …)."""
    for xp in _DATE_LINES:
        for node in xp(root)[:3]:
            d = parse_date(node_text(node))
            if d:
                return d
    return None


def read_page_meta(page: etree._Element | str | bytes, fields: dict[str, str] | None = None) -> PageMeta:
    """Title, publication date, unit, column and site of an HTML page (see module doc for the order).

    `fields`: the metadata block when the caller already read it (e.g. from a page with hidden fields
    unwrapped); read from the page otherwise.
    """
    root = as_root(page)
    tags = meta_tags(root)
    block = meta_fields(root) if fields is None else fields
    out = PageMeta(fields=block, column=tags.get("column"), site=tags.get("site"))
    if out.column:
        out.sources["column"] = "meta"
    if out.site:
        out.sources["site"] = "meta"
    title_tag = next(iter(root.iter("title")), None)
    candidates = [
        ("meta", tags.get("title")),
        ("block", _value(block, TITLE_KEYS)),
        ("heading", heading_title(root)),
        ("title", strip_site_suffix(node_text(title_tag), (out.site, out.column))
         if title_tag is not None else None),
    ]
    for src, value in candidates:
        if value:
            out.title, out.sources["title"] = value, src
            break
    for src, get in (("meta", lambda: parse_date(tags.get("published"))),
                     ("block", lambda: next((d for k in DATE_KEYS if (d := parse_date(block.get(k)))), None)),
                     ("heading", lambda: dated_line(root))):
        d = get()
        if d:
            out.published, out.sources["published"] = d, src
            break
    for src, value in (("meta", tags.get("unit")), ("block", _value(block, UNIT_KEYS))):
        if value and value != "无":
            out.unit, out.sources["unit"] = value, src
            break
    return out


_LABEL_LINE = re.compile(r"^\s*(?:" + "|".join(map(re.escape, TITLE_KEYS)) + r")\s*[:：]\s*")


def strip_label(line: str) -> str:
    """A text copy's title line without its field label (`标题: 2024年…报告` → `2024年…报告`)."""
    return _LABEL_LINE.sub("", line).strip()


def _text_fields(lines: list[str]) -> dict[str, str]:
    """Labelled fields of a text copy's head; a dump may hold the whole report on one line, so a value
    runs to the next label and the line is read only near its start."""
    out: dict[str, str] = {}
    for ln in lines:
        head = ln[:300]
        matches = [m for m in LABEL_RE.finditer(head)]
        if not matches or matches[0].start() > 12:
            continue
        for j, m in enumerate(matches):
            end = matches[j + 1].start() if j + 1 < len(matches) else len(head)
            value = clean(head[m.end():end])
            if value:
                out.setdefault(m.group(1), value)
    return out


_TITLE_END = re.compile(r"^(.{4,80}?报告)(?:\s|$)")


def read_text_meta(lines: list[str], head: int = 40) -> PageMeta:
    """Title, date and unit of a plain-text copy from its labelled lines (`标题:`, `发布日期:`, `来源:`)."""
    block = _text_fields([ln for ln in lines[:head] if ln.strip()])
    out = PageMeta(fields=block)
    title = _value(block, TITLE_KEYS)
    if title and len(title) > 80:
        m = _TITLE_END.match(title)
        title = m.group(1) if m else None
    if title:
        out.title, out.sources["title"] = title, "block"
    d = next((d for k in DATE_KEYS if (d := parse_date((block.get(k) or "")[:30]))), None)
    if d:
        out.published, out.sources["published"] = d, "block"
    unit = _value(block, UNIT_KEYS) or _value(block, ("信息来源", "来源"))
    if unit:
        out.unit, out.sources["unit"] = unit.split(" ")[0], "block"
    return out


__all__ = ["DATE_KEYS", "LABEL_RE", "META_LABELS", "PageMeta", "UNIT_KEYS", "as_root", "block_tokens", "clean",
           "fields_from_tokens", "heading_title", "meta_fields", "meta_tags", "node_text", "parse_date",
           "read_page_meta", "read_text_meta", "strip_label", "strip_site_suffix"]
