"""Spreadsheet-safe values for every tabular output (CSV, XLSX, verification.csv)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

# What spreadsheets read as the start of a formula (OWASP's list, plus a newline). A minus starts one too:
# `-2+3+cmd|' /C calc'!A0` runs a command in Excel, so only a cell that is a plain number keeps its minus.
_FORMULA = re.compile(r"^[=+\-@\t\r\n]")
_PLAIN_NUMBER = re.compile(r"^-\d+(\.\d+)?$")


# Control characters (C0 but tab and newlines, DEL, C1): XML cannot hold most of them, and in a file
# that is later `cat` to a terminal ESC, BEL and CSI start escape sequences. Bidi embeddings, overrides
# and isolate openers (U+202A–U+202E, U+2066/U+2067) make "fdp.exe" read "exe.pdf". Crawled text never
# needs them. (FSI/PDI, U+2068/U+2069, stay: the reports wrap names in them to isolate them.)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066\u2067]")
# what a CSV cell loses: the controls only. A CSV is data (joined on names), so bidi characters stay, as in JSON.
_CSV_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# what a Word document (XML) cannot hold besides: lone surrogates, U+FFFE/FFFF
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066\u2067\ud800-\udfff\ufffe\uffff]")
XLSX_MAX = 32_767  # the longest text an Excel cell holds; a longer one is cut, marked with an ellipsis


def without_controls(text: str) -> str:
    """Text with control characters removed (every HTML page prints crawled text through this)."""
    return _CONTROL.sub("", text)


def docx_text(text: object) -> str:
    """Text safe for a Word document: XML-invalid characters removed (python-docx escapes the rest)."""
    return _XML_BAD.sub("", str(text))


def neutralise(value: object) -> object:
    """Stop spreadsheet formula injection from crawled text: prefix a quote to =, +, -, @ starts."""
    if isinstance(value, str) and _FORMULA.match(value) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def cell_text(value: object) -> object:
    """A CSV text cell: control characters removed, then formula-neutralised."""
    if isinstance(value, str):
        return neutralise(_CSV_BAD.sub("", value))
    return value


def sheet_cell(value: object) -> object:
    """A worksheet value: text without controls and bidi characters (a sheet is read, not parsed),
    formula-neutralised and cut to what Excel holds; numbers kept; NaN/NA empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, bool | int | float):
        return value
    text = neutralise(_XML_BAD.sub("", str(value)))
    return text if len(text) <= XLSX_MAX else text[:XLSX_MAX - 1] + "…"


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell cleaned and neutralised (`cell_text`).

    Each distinct value is cleaned once and only the cells that change are replaced: a national run
    repeats the same names, statuses and messages millions of times."""
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        try:
            distinct = pd.unique(values)
        except TypeError:  # unhashable cells (lists, dicts): clean them one by one
            out[col] = values.map(cell_text)
            continue
        changed = {}
        for v in distinct:
            if isinstance(v, str):
                clean = cell_text(v)
                if clean != v:
                    changed[v] = clean
        if changed:
            hit = values.isin(list(changed))
            out[col] = values.where(~hit, values[hit].map(changed))
    return out


def write_csv_batches(frames: Iterable[pd.DataFrame], columns: list[str], path: Path) -> Path:
    """One CSV written a frame at a time (same bytes as `write_csv` of them concatenated); the header alone
    when there are none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        first = True
        for frame in frames:
            if frame.empty and not first:
                continue
            safe_frame(frame).to_csv(out, index=False, header=first)
            first = False
        if first:
            pd.DataFrame(columns=columns).to_csv(out, index=False)
    return path


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """A CSV in UTF-8 with BOM (so Excel reads the Chinese text), text neutralised."""
    path.parent.mkdir(parents=True, exist_ok=True)
    safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")
    return path
