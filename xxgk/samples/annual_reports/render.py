"""Render report blocks as HTML, PDF (embedded CJK font), DOCX, or an image-only scanned PDF."""

from __future__ import annotations

import html
import io
import os
import time as _time
from pathlib import Path
from typing import Any

from xxgk.samples.annual_reports.layout import Block, Cell, positions

FIXED_DATE = _time.strptime("2024-01-01", "%Y-%m-%d")
FONT_PATHS = [os.environ.get("XXGK_CJK_FONT", ""), "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
              "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"]


def cjk_font() -> Path:
    """A Debian CJK font file (fonts-wqy-microhei or fonts-noto-cjk)."""
    for p in FONT_PATHS:
        if p and Path(p).is_file():
            return Path(p)
    raise FileNotFoundError("no CJK font found: install fonts-wqy-microhei (or set XXGK_CJK_FONT)")


# ---------------------------------------------------------------- HTML

def _html_cell(cell: Cell, p_style: bool) -> str:
    attrs = (f' rowspan="{cell.rs}"' if cell.rs > 1 else "") + (f' colspan="{cell.cs}"' if cell.cs > 1 else "")
    if cell.pieces:
        inner = ("<br />".join(html.escape(p) for p in cell.pieces) if not p_style
                 else "".join(f'<p style="text-indent: 0em;">{html.escape(p)}</p>' for p in cell.pieces))
    elif cell.href:
        inner = f'<a href="{html.escape(cell.href)}">{html.escape(cell.text)}</a>'
    elif not cell.text:
        inner = "&nbsp;"
    else:
        inner = f'<p style="text-indent: 0em;">{html.escape(cell.text)}</p>' if p_style else html.escape(cell.text)
    return f"<td{attrs}>{inner}</td>"


def _html_parts(blocks: list[Block]) -> list[str]:
    """HTML of the body blocks (headings, paragraphs, tables; title and meta left out)."""
    parts = []
    n_table = 0
    for b in blocks:
        if b.kind == "h":
            parts.append(f"<p><strong>{html.escape(b.text)}</strong></p>")
        elif b.kind == "p":
            parts.append(f'<p style="text-indent: 2em;">{html.escape(b.text)}</p>')
        elif b.kind == "table":
            n_table += 1
            rows = "".join("<tr>" + "".join(_html_cell(c, n_table % 2 == 1) for c in row) + "</tr>" for row in b.rows)
            parts.append(f'<table border="1" cellspacing="0" style="border-collapse: collapse;"><tbody>{rows}</tbody></table>')
    return parts


def to_html(blocks: list[Block]) -> bytes:
    """A CMS-like article page; every other table wraps cell text in <p> (labels split over <p>)."""
    title = next(b.text for b in blocks if b.kind == "title")
    meta = next((b.text for b in blocks if b.kind == "meta"), "")
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8">', f"<title>{html.escape(title)}</title>",
             '</head><body><div class="article">', f"<h1>{html.escape(title)}</h1>"]
    if meta:
        parts.append(f'<div class="info"><span class="time">{html.escape(meta)}</span></div><div class="content">')
    parts += _html_parts(blocks)
    parts.append("</div></div></body></html>")
    return "\n".join(parts).encode("utf-8")


def to_html_fragment(blocks: list[Block]) -> str:
    """The report's body as an HTML fragment for a CMS article page (the page shows title and date)."""
    return "\n".join(_html_parts(blocks))


# ---------------------------------------------------------------- PDF

def to_pdf(blocks: list[Block], rules: str = "grid") -> bytes:
    """A text PDF with the CJK font embedded; tables drawn with grid lines (pdfplumber finds them), or with
    `rules="rows"` only a rule under each row and no vertical lines, as WPS/Word exports with hidden borders."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "XXGKCJK" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("XXGKCJK", str(cjk_font()), subfontIndex=0))
    body = ParagraphStyle("b", fontName="XXGKCJK", fontSize=10.5, leading=16, wordWrap="CJK")
    head = ParagraphStyle("h", parent=body, fontSize=12, leading=20, spaceBefore=6)
    title = ParagraphStyle("t", parent=body, fontSize=15, leading=22, alignment=1)
    cell = ParagraphStyle("c", fontName="XXGKCJK", fontSize=6.5, leading=8, wordWrap="CJK")
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=36, rightMargin=36, topMargin=40, bottomMargin=40,
                            title="annual report", invariant=1)
    story: list = []
    for b in blocks:
        if b.kind == "title":
            story.append(Paragraph(html.escape(b.text), title))
        elif b.kind in ("meta", "p"):
            story.append(Paragraph(html.escape(b.text), body))
        elif b.kind == "h":
            story.append(Paragraph(html.escape(b.text), head))
        else:
            cells, h, w = positions(b.rows)
            data = [["" for _ in range(w)] for _ in range(h)]
            lines = ("GRID", (0, 0), (-1, -1), 0.5, colors.black) if rules == "grid" else \
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.black)
            style = [lines, ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
            for r, c, cl in cells:
                data[r][c] = Paragraph(html.escape(cl.text), cell) if cl.text else ""
                if cl.rs > 1 or cl.cs > 1:
                    style.append(("SPAN", (c, r), (c + cl.cs - 1, r + cl.rs - 1)))
            rel = b.widths or [1] * w
            total = doc.width
            widths = [total * x / sum(rel) for x in rel]
            story += [Table(data, colWidths=widths, style=TableStyle(style), repeatRows=0), Spacer(1, 6)]
    doc.build(story)
    return buf.getvalue()


# ---------------------------------------------------------------- DOCX

def to_docx(blocks: list[Block]) -> bytes:
    """A Word document with real tables (merged cells for the spans)."""
    import docx

    d = docx.Document()
    core = d.core_properties
    core.author, core.title = "xxgk samples", next(b.text for b in blocks if b.kind == "title")
    import datetime as dt

    core.created = core.modified = dt.datetime(2024, 1, 1)
    for b in blocks:
        if b.kind == "table":
            cells, h, w = positions(b.rows)
            t = d.add_table(rows=h, cols=w)
            t.style = "Table Grid"
            for r, c, cl in cells:
                target = _docx_cell(t, r, c)
                if cl.rs > 1 or cl.cs > 1:
                    target = target.merge(_docx_cell(t, r + cl.rs - 1, c + cl.cs - 1))
                target.text = cl.text
        else:
            d.add_paragraph(b.text)
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip(buf.getvalue())


def _docx_cell(table: Any, r: int, c: int) -> Any:
    """The cell at grid row r, column c; `Table.cell` rebuilds every cell per call (quadratic), this reads
    one row. Only used at a layout cell's own, not yet merged, positions, where both give the same cell."""
    from docx.table import _Cell

    return _Cell(table._tbl.tr_lst[r].tc_at_grid_offset(c), table)


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the same seed gives the same bytes."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------- scanned (image-only) PDF

def to_scanned_pdf(blocks: list[Block]) -> bytes:
    """Pages drawn as images (no text layer), like a scanned report."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(cjk_font()), 22)
    lines: list[str] = []
    for b in blocks:
        if b.kind == "table":
            for row in b.rows:
                lines.append(" | ".join(c.text[:12] for c in row))
        else:
            text = b.text
            lines += [text[i:i + 36] for i in range(0, len(text), 36)] or [""]
    pages = []
    per = 40
    for start in range(0, len(lines), per):
        img = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(img)
        for i, ln in enumerate(lines[start:start + per]):
            draw.text((80, 80 + i * 40), ln, fill=0, font=font)
        pages.append(img)
    buf = io.BytesIO()
    pages[0].save(buf, format="PDF", save_all=True, append_images=pages[1:], resolution=150,
                  creationDate=FIXED_DATE, modDate=FIXED_DATE)
    return buf.getvalue()


def _fragment_bytes(blocks: list[Block]) -> bytes:
    return to_html_fragment(blocks).encode("utf-8")


def _pdf_rows(blocks: list[Block]) -> bytes:
    return to_pdf(blocks, rules="rows")


# "fragment": the body of an HTML report without page, title or date, for a portal's article page.
# "pdf-rows": a PDF whose tables have no vertical rules (borders hidden in the word processor).
RENDERERS = {"html": to_html, "pdf": to_pdf, "pdf-rows": _pdf_rows, "docx": to_docx, "scan": to_scanned_pdf,
             "fragment": _fragment_bytes}
EXTENSIONS = {"html": "html", "pdf": "pdf", "pdf-rows": "pdf", "docx": "docx", "scan": "pdf", "fragment": "html"}
