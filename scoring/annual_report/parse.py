"""Read a report file (HTML, PDF, DOCX, best-effort DOC) into a `ParsedReport`."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from scoring.annual_report import formats as F
from scoring.annual_report.find import Year, is_annual_report_title, issuing_body, report_year
from scoring.annual_report.grid import Grid, grid_from_docx_table, grid_from_html_table, grid_from_pdf_table
from scoring.annual_report.tables import read_grids
from scoring.annual_report.text import clean, published_in_text
from xxgk.pagemeta import PageMeta, read_page_meta, read_text_meta, strip_label

log = logging.getLogger(__name__)


class UnreadableReport(Exception):
    """The input is not a report we can read at all (empty, corrupt, unknown type)."""


@dataclass
class ParsedReport:
    """What a report holds: title, year, unit, format version, headings, official tables, problems."""

    source: str
    doc_type: str
    title: str = ""
    year: Year | None = None
    unit: str = ""
    kind: str | None = None  # university | government (a guess from the text)
    version: str | None = None  # 2021 | 2019 | free_text | None (unknown)
    text: str = ""
    headings: list[str] = field(default_factory=list)
    tables: dict[str, Any] = field(default_factory=dict)
    grids: int = 0
    published: dt.date | None = None  # a date the document states (PubDate meta, 发布日期)
    needs_review: list[str] = field(default_factory=list)  # why a human must look (image-only, .doc …)
    issuer: str = ""  # the publishing body the page names (ContentSource, 发布机构, 来源)
    site: str = ""  # the site the page names (SiteName)
    column: str = ""  # the column the page names (ColumnName)
    version_from: str | None = None  # tables | text (labels of flattened tables) | year
    table_problem: str | None = None  # why the official tables could not be read cell by cell
    sources: dict[str, str] = field(default_factory=dict)  # where title / published / unit came from

    @property
    def free_text(self) -> bool:
        return self.version == F.FREE_TEXT

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary (tables included, text left out)."""
        return {"source": self.source, "doc_type": self.doc_type, "title": self.title,
                "year": list(self.year) if isinstance(self.year, tuple) else self.year, "unit": self.unit,
                "kind": self.kind, "version": self.version, "headings": self.headings, "grids": self.grids,
                "published": self.published.isoformat() if self.published else None,
                "issuer": self.issuer, "site": self.site, "column": self.column, "version_from": self.version_from,
                "table_problem": self.table_problem, "sources": self.sources,
                "needs_review": self.needs_review, "tables": self.tables, "text_chars": len(self.text)}


def sniff_type(data: bytes, name: str = "", content_type: str | None = None) -> str:
    """html | pdf | docx | doc | text, from the bytes first and the name/content type second."""
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    low = (name or "").lower()
    ct = (content_type or "").lower()
    if re.search(rb"<(html|table|body|p|div|!doctype)", data[:4096], re.I) or "html" in ct or low.endswith((".htm", ".html")):
        return "html"
    return "text"


_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def looks_binary(data: bytes, markup: bool = False) -> bool:
    """Bytes that are no text. GB18030 with replacement decodes anything, so random data would pass for
    readable text: here it is binary when, decoded so, more than 1 in 50 characters are replacements
    (random bytes: 1 in 8; a real page with a few broken bytes: a handful), or, for plain text, it
    holds a NUL or more than 1 in 50 control bytes in the first 8 kB (HTML may carry stray controls)."""
    head = data[:8192]
    if _strict_decode(head) is None and _strict_decode(data) is None:
        text = head.decode("gb18030", errors="replace")
        if text.count("\ufffd") * 50 > len(text):
            return True
    return not markup and (b"\x00" in head or len(_BINARY.findall(head)) * 50 > len(head))


def _strict_decode(data: bytes) -> str | None:
    m = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", data[:4096])
    for enc in ("utf-8", (m.group(1).decode("ascii", "ignore") if m else None), "gb18030"):
        if not enc:
            continue
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def decode_html(data: bytes) -> str:
    """HTML bytes to text: UTF-8 first, then the declared charset, then GB18030."""
    text = _strict_decode(data)
    return text if text is not None else data.decode("gb18030", errors="replace")


_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|附[:：件]?)\s*\S.{0,40}$")


def headings_of(lines: list[str]) -> list[str]:
    """Section headings: short lines starting with 一、 … 十、 or 附."""
    return [ln.strip() for ln in lines if _HEADING.match(ln) and len(ln.strip()) <= 45]


def _title_from_lines(lines: list[str]) -> str:
    for ln in lines[:40]:
        ln = strip_label(ln)
        if is_annual_report_title(ln) and len(ln) <= 80:
            return ln
    return ""


def _report_title(meta: PageMeta) -> str:
    """The shared reader's title when it names an annual report (a report page, not a notice about one)."""
    t = clean(meta.title)
    return t if t and is_annual_report_title(t) else ""


def _read_html(data: bytes) -> tuple[str, list[str], list[Grid], PageMeta]:
    from bs4 import BeautifulSoup

    text = decode_html(data)
    meta = read_page_meta(text)
    soup = BeautifulSoup(text, "lxml")
    for t in soup(["script", "style", "noscript"]):
        t.decompose()
    tables = [t for t in soup.find_all("table") if not t.find("table")]
    grids = [grid_from_html_table(t) for t in tables]
    title = _report_title(meta)
    for tag in [] if title else soup.find_all(["h1", "h2", "h3", "title"]):
        cand = clean(tag.get_text(" "))
        for part in [cand, *re.split(r"\s*[-_|—]+\s*", cand)]:
            if is_annual_report_title(part):
                title = part
                break
        if title:
            break
    for t in tables:
        t.replace_with("\n")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    body = soup.body or soup
    lines = [clean(x) for x in body.get_text("\n").split("\n")]
    lines = [x for x in lines if x]
    return title, lines, grids, meta


def _read_pdf(data: bytes) -> tuple[str, list[str], list[Grid], list[str]]:
    import pdfplumber

    lines: list[str] = []
    grids: list[Grid] = []
    images = 0
    prev_open = False
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            images += len(page.images)
            found = page.find_tables()
            for i, t in enumerate(found):
                g = grid_from_pdf_table(t)
                prev = grids[-1] if grids else None
                if i == 0 and prev is not None and prev_open and t.bbox[1] < 120 and g.width >= 2:
                    _extend(prev, g)  # a table continued from the previous page
                else:
                    grids.append(g)
            # the last table continues on the next page when no text follows it on this page
            prev_open = bool(found) and not any(ch["top"] > found[-1].bbox[3] + 2 and ch["text"].strip()
                                                 and not ch["text"].isdigit() for ch in page.chars)
            boxes = [t.bbox for t in found]

            def outside(obj: dict[str, Any], boxes: list[Any] = boxes) -> bool:
                x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

            text = page.filter(outside).extract_text() or ""
            lines += [clean(x) for x in text.split("\n") if clean(x)]
    review = []
    if images and sum(len(x) for x in lines) < 50 and not grids:
        review.append("扫描件或图片版报告：无可提取的文字，需人工核查")
    return _title_from_lines(lines), lines, grids, review


def _extend(grid: Grid, more: Grid) -> None:
    """Append a continuation grid's rows (origins shifted); the narrower one is padded on the left, since
    spanned label columns may have no separating lines on one page while value columns align right."""
    _pad_left(grid, more.width - grid.width)
    _pad_left(more, grid.width - more.width)
    n = len(grid.rows)
    grid.rows += more.rows
    grid.origin += [[(r + n, c) for r, c in row] for row in more.origin]
    grid.links.update({(r + n, c): v for (r, c), v in more.links.items()})


def _pad_left(grid: Grid, k: int) -> None:
    if k <= 0:
        return
    grid.rows = [[row[0]] * k + row for row in grid.rows]
    grid.origin = [[orow[0]] * k + [(r, c + k) if (r, c) != orow[0] else (r, c) for r, c in orow]
                   for orow in grid.origin]
    grid.links = {(r, c + k): v for (r, c), v in grid.links.items()}


def _read_docx(data: bytes) -> tuple[str, list[str], list[Grid]]:
    import docx

    doc = docx.Document(io.BytesIO(data))
    lines = [clean(p.text) for p in doc.paragraphs if clean(p.text)]
    grids = [grid_from_docx_table(t) for t in doc.tables]
    return _title_from_lines(lines), lines, grids


def _read_doc(data: bytes) -> list[str]:
    """Best effort for legacy .doc: UTF-16LE text runs of the WordDocument stream."""
    runs = re.findall(rb"(?:[\x00-\xff][\x4e-\x9f]|[\x20-\x7e]\x00){4,}", data)
    text = "\n".join(r.decode("utf-16le", errors="ignore") for r in runs)
    return [clean(x) for x in re.split(r"[\r\n\x07]", text) if clean(x)]


def parse_report(data: bytes, source: str = "", content_type: str | None = None) -> ParsedReport:
    """Parse report bytes; raises `UnreadableReport` for empty or corrupt input."""
    if not data:
        raise UnreadableReport("empty file")
    kind = sniff_type(data, source, content_type)
    review: list[str] = []
    meta = PageMeta()
    if kind in ("html", "text") and looks_binary(data, markup=kind == "html"):
        raise UnreadableReport("binary data: not a PDF, Word, HTML or text file")
    try:
        if kind == "html":
            title, lines, grids, meta = _read_html(data)
        elif kind == "pdf":
            title, lines, grids, review = _read_pdf(data)
        elif kind == "docx":
            title, lines, grids = _read_docx(data)
        elif kind == "doc":
            lines, grids = _read_doc(data), []
            title = _title_from_lines(lines)
            review.append("旧版 Word（.doc）文件：仅尽力提取文字，表格未能读取，需人工核查")
        else:
            text = decode_html(data)
            lines = [clean(x) for x in text.splitlines() if clean(x)]
            grids = []
            meta = read_text_meta(lines)
            title = _report_title(meta) or _title_from_lines(lines)
    except Exception as exc:  # corrupt files of any kind
        raise UnreadableReport(f"cannot read {kind}: {exc}") from exc
    if sum(1 for ln in lines if is_annual_report_title(ln) and len(ln) <= 80) > 3:
        review.append("页面列出多篇年报，像年报列表而非年报正文")
        title = title if title and sum(ln == title for ln in lines) else ""
    title = title or ("" if review else _title_from_lines(lines))
    rep = ParsedReport(source=source, doc_type=kind, title=title, text="\n".join(lines),
                       headings=headings_of(lines), grids=len(grids), needs_review=review,
                       issuer=meta.unit or "", site=meta.site or "", column=meta.column or "")
    rep.tables = read_grids(grids)
    if kind == "pdf":
        rep.tables.update(_borderless_tables(data, rep))
    rep.year = report_year(title) if title else None
    rep.unit = (issuing_body(title) if title else "") or (meta.unit or "")
    rep.published = meta.published or published_in_text(rep.text[:3000])
    rep.sources = {k: v for k, v in meta.sources.items() if k in ("title", "published", "unit")}
    if rep.published and not meta.published:
        rep.sources["published"] = "text"
    rep.kind = _guess_kind(rep)
    rep.version, rep.version_from = _version(rep)
    rep.table_problem = _table_problem(rep, kind, grids)
    return rep


def _borderless_tables(data: bytes, rep: ParsedReport) -> dict[str, Any]:
    """Tables 二, 三, 四 the ruling lines did not give but the text names, read from word positions
    (`borderless`); only tables read for sure come back."""
    from scoring.annual_report.borderless import read_borderless

    if "items" in rep.tables or not F.tables_in_text(rep.text):
        return {}
    # all three are tried once one is named: wrapped narrow headers (结果/维持) hide table 四's labels
    missing = tuple(k for k in ("t2", "t3", "t4") if k not in rep.tables)
    if not missing:
        return {}
    try:
        return read_borderless(data, missing)
    except Exception as exc:  # an odd PDF: the tables stay unread (needs_review), never a crash
        log.info("%s: borderless tables not read: %s", rep.source, exc)
        return {}


def _table_problem(rep: ParsedReport, doc_type: str, grids: list[Grid]) -> str | None:
    """Why tables the report has could not be read cell by cell (None: read, or the report has none)."""
    if rep.kind == "university" or rep.free_text:
        return None
    missing = [k for k in ("t2", "t3", "t4") if k not in rep.tables]
    if not missing:
        return None
    named = [k for k in F.tables_in_text(rep.text) if k in missing]
    if doc_type == "text":
        return "文本副本没有表格结构，统计表无法按单元格读取"
    if doc_type == "pdf" and (named or any(k in rep.tables for k in ("t2", "t3", "t4"))):
        return "PDF 中的统计表未能按单元格读取（表格无框线或版式不规则）"
    if named:
        return "统计表被拍平为文字（数字连成一串，无法拆分单元格）"
    if doc_type == "pdf" and rep.needs_review:
        return "PDF 为扫描件或图片，统计表无法读取"
    return None


def _guess_kind(rep: ParsedReport) -> str:
    if isinstance(rep.year, tuple) or "items" in rep.tables or re.search(r"学年|高等学校|清单事项", rep.title + rep.text[:2000]):
        return "university"
    return "government"


def _version(rep: ParsedReport) -> tuple[str | None, str | None]:
    """(format version, what it was read from): the tables, else labels of flattened tables in the
    text, else a year before 2019 (free text)."""
    if rep.kind == "university":
        return None, None
    for key in ("t3", "t2"):
        if key in rep.tables:
            return rep.tables[key]["version"], "tables"
    y = rep.year
    if isinstance(y, int) and y < 2019:
        return F.FREE_TEXT, "year"
    v = F.text_version(rep.text)
    return (v, "text") if v else (None, None)
