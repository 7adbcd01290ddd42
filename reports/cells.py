"""Spreadsheet-safe values for every tabular output (CSV, XLSX, verification.csv)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

# What spreadsheets read as the start of a formula (OWASP's list, plus a newline). A minus starts one too:
# `-2+3+cmd|' /C calc'!A0` runs a command in Excel, so only a cell that is a plain number keeps its minus.
_FORMULA = re.compile(r"^[=+\-@\t\r\n]")
_PLAIN_NUMBER = re.compile(r"^-\d+(\.\d+)?$")


# characters a Word document (XML) cannot hold: C0 controls, lone surrogates, U+FFFE/FFFF
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def docx_text(text: object) -> str:
    """Text safe for a Word document: XML-invalid characters removed (python-docx escapes the rest)."""
    return _XML_BAD.sub("", str(text))


def neutralise(value: object) -> object:
    """Stop spreadsheet formula injection from crawled text: prefix a quote to =, +, -, @ starts."""
    if isinstance(value, str) and _FORMULA.match(value) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralised."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """A CSV in UTF-8 with BOM (so Excel reads the Chinese text), text neutralised."""
    path.parent.mkdir(parents=True, exist_ok=True)
    safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")
    return path
