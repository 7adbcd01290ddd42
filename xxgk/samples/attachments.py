"""Deterministic attachment files: PDF with embedded CJK text, a scanned (image-only) PDF, DOCX and XLSX.

Fonts come from Debian (``fonts-wqy-microhei``). Timestamps inside the files are fixed, so the same text
always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FIXED = dt.datetime(2026, 1, 1, 8, 0, 0)
TYPES = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@lru_cache(maxsize=1)
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("WQY", str(FONT), subfontIndex=0))
    return "WQY"


def _lines(text: str, width: int = 0) -> list[str]:
    head = [text[i:i + width] for i in range(0, len(text), width)] if width else [text]
    return [*head, "根据《中华人民共和国政府信息公开条例》予以公开。", "附件内容以本文件为准。"]


def pdf(text: str) -> bytes:
    """A one-page PDF whose text layer holds ``text`` (CJK embedded as a TrueType subset)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setFont(_font(), 14)
    for k, line in enumerate(_lines(text, 30)):
        c.drawString(60, 760 - 28 * k, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def scanned_pdf(text: str) -> bytes:
    """A PDF that is only a picture of text (no text layer), like a scanned document."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (1000, 400), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 30)
    for k, line in enumerate(_lines(text, 30)[:6]):
        draw.text((30, 40 + 60 * k), line, fill=0, font=font)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.drawImage(ImageReader(img), 40, 450, width=515, height=206)
    c.showPage()
    c.save()
    return buf.getvalue()


def _fix_zip(data: bytes) -> bytes:
    """Rewrite a ZIP (DOCX/XLSX) with fixed entry times and fixed core-property dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            blob = src.read(name)
            if name == "docProps/core.xml":
                blob = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2026-01-01T08:00:00Z", blob)
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 8, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, blob)
    return out.getvalue()


def docx(text: str) -> bytes:
    """A DOCX document with ``text`` as its heading and two paragraphs."""
    from docx import Document

    doc = Document()
    doc.core_properties.created = FIXED
    doc.core_properties.modified = FIXED
    doc.add_heading(text, level=1)
    for line in _lines(text)[1:]:
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return _fix_zip(buf.getvalue())


def xlsx(text: str) -> bytes:
    """An XLSX workbook: a title row (``text``) and a small table."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    ws = wb.active
    ws.title = "公开信息"
    ws.append([text])
    ws.append(["序号", "项目", "金额（万元）"])
    for k, item in enumerate(("一般公共预算收入", "政府性基金收入", "国有资本经营收入"), start=1):
        ws.append([k, item, 1000 + 37 * k])
    buf = io.BytesIO()
    wb.save(buf)
    return _fix_zip(buf.getvalue())


@lru_cache(maxsize=1)
def photo_png() -> bytes:
    """A small grey photo placeholder (image-only articles)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (320, 200), (200, 205, 210))
    ImageDraw.Draw(img).rectangle((20, 20, 300, 180), outline=(90, 90, 90), width=3)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def make(kind: str, text: str, scanned: bool = False) -> bytes:
    """Bytes of an attachment of ``kind`` (pdf | docx | xlsx)."""
    if kind == "pdf":
        return scanned_pdf(text) if scanned else pdf(text)
    return docx(text) if kind == "docx" else xlsx(text)
