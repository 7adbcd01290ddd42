"""Text from attachments: PDF (pdfplumber), DOCX (python-docx), XLSX (openpyxl); size-capped.

A PDF with pages but no text layer is a scan (`scanned=True`): its content is only images.
Legacy binary DOC/XLS get a best-effort text pass (UTF-16 runs), never an error.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass

log = logging.getLogger(__name__)
MAX_TEXT = 200_000
MAX_PDF_PAGES = 60


@dataclass
class FileText:
    """Extracted text of one file and what it says about its content."""

    text: str = ""
    pages: int | None = None
    scanned: bool = False
    error: str | None = None

    @property
    def text_chars(self) -> int:
        return len(re.sub(r"\s+", "", self.text))


def sniff_type(body: bytes, hint: str = "") -> str:
    """File type from magic bytes, falling back to the URL extension `hint`."""
    if body.startswith(b"%PDF"):
        return "pdf"
    if body.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        except zipfile.BadZipFile:
            return hint or "zip"
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return hint if hint in ("docx", "xlsx", "pptx") else "zip"
    if body.startswith(b"\xd0\xcf\x11\xe0"):
        return hint if hint in ("doc", "xls", "ppt", "wps", "et") else "doc"
    head = body[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return hint or "bin"


def _pdf(body: bytes) -> FileText:
    import pdfplumber

    parts: list[str] = []
    images = 0
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        n = len(pdf.pages)
        for page in pdf.pages[:MAX_PDF_PAGES]:
            parts.append(page.extract_text() or "")
            images += len(page.images)
            if sum(map(len, parts)) > MAX_TEXT:
                break
    text = "\n".join(parts)[:MAX_TEXT]
    scanned = n > 0 and not re.sub(r"\s+", "", text)
    return FileText(text=text, pages=n, scanned=scanned)


def _docx(body: bytes) -> FileText:
    import docx

    doc = docx.Document(io.BytesIO(body))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append("\t".join(c.text for c in row.cells))
    text = "\n".join(parts)[:MAX_TEXT]
    images = sum(1 for r in doc.part.rels.values() if "image" in r.reltype)
    return FileText(text=text, scanned=images > 0 and not text.strip())


def _xlsx(body: bytes) -> FileText:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    parts: list[str] = []
    size = 0
    for ws in wb.worksheets:
        parts.append(f"# {ws.title}")
        for row in ws.iter_rows(values_only=True):
            line = "\t".join("" if v is None else str(v) for v in row).rstrip()
            if line:
                parts.append(line)
                size += len(line)
            if size > MAX_TEXT:
                break
    wb.close()
    return FileText(text="\n".join(parts)[:MAX_TEXT], pages=len(wb.worksheets))


def _legacy(body: bytes) -> FileText:
    """Old binary Office files: pull UTF-16LE runs of CJK/ASCII text."""
    runs = re.findall(rb"(?:[\x20-\x7e\x0a\x0d]\x00|[\x00-\xff][\x4e-\x9f]){4,}", body)
    text = "\n".join(r.decode("utf-16le", "ignore") for r in runs)
    return FileText(text=text[:MAX_TEXT])


def extract_text(body: bytes, hint: str = "") -> tuple[str, FileText]:
    """(detected type, extracted text) of a file; never raises."""
    kind = sniff_type(body, hint.lower())
    try:
        if kind == "pdf":
            return kind, _pdf(body)
        if kind == "docx":
            return kind, _docx(body)
        if kind == "xlsx":
            return kind, _xlsx(body)
        if kind in ("doc", "xls", "wps", "et"):
            return kind, _legacy(body)
    except Exception as exc:  # a broken file is a finding, not a crash
        log.debug("could not read %s file: %s", kind, exc)
        return kind, FileText(error=f"{type(exc).__name__}: {exc}"[:300])
    return kind, FileText()


__all__ = ["FileText", "extract_text", "sniff_type"]
