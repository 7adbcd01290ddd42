"""Tables users give us (site lists, claims files): CSV/TSV in UTF-8 or GB18030, or the first sheet of
an XLSX, read into (line, {field: text}) records by a header row, with file:line errors.

Offices save CSV from Excel in GBK, merge a 分组 cell over many rows, and leave numbers where text
belongs; every such case is read as meant or refused in one line.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.errors import UserError

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class Table:
    """Records by canonical field name, with the header cells no field took (to warn about)."""

    source: str
    records: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    unknown_headers: list[str] = field(default_factory=list)


def read_text(path: Path) -> str:
    """UTF-8 (with or without BOM), else GB18030; a binary file is one line, not mojibake."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read the file: {exc.strerror or exc}", source=str(path)) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise UserError("not a text file (cannot decode it as UTF-8 or GB18030)", source=str(path))


def short(value: str, limit: int = 120) -> str:
    """A value as echoed in an error: cut, so that a 200k-character cell stays a one-line message."""
    return value if len(value) <= limit else value[:limit] + f"…({len(value)} characters)"


def read_table(path: Path, aliases: Mapping[str, Sequence[str]], required: Sequence[str]) -> Table:
    """Records of a CSV/TSV/XLSX file whose header row names the fields (any alias, any case)."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        source, rows = str(path), _csv_rows(path)
    elif suffix in XLSX_SUFFIXES:
        source, rows = _xlsx_rows(path)
    else:
        raise ValueError(f"not a table file: {path}")
    table = Table(source)
    mapping: dict[int, str] | None = None
    for line, cells in rows:
        if not any(c.strip() for c in cells) or (suffix in CSV_SUFFIXES and cells[0].lstrip().startswith("#")):
            continue
        if mapping is None:
            mapping = _map_headers(cells, aliases, required, source, line)
            table.unknown_headers = [c.strip() for i, c in enumerate(cells) if i not in mapping and c.strip()]
            continue
        table.records.append((line, {mapping[i]: c for i, c in enumerate(cells) if i in mapping}))
    if mapping is None:
        what = "the first sheet" if suffix in XLSX_SUFFIXES else "the file"
        raise UserError(f"{what} is empty (expected a header row with {' and '.join(required)})", source=source)
    return table


def _map_headers(cells: list[str], aliases: Mapping[str, Sequence[str]], required: Sequence[str],
                 source: str, line: int) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for idx, raw in enumerate(cells):
        key = (raw or "").strip().lower().lstrip("\ufeff")
        for canon, names in aliases.items():
            if key in names and canon not in mapping.values():
                mapping[idx] = canon
                break
    missing = [c for c in required if c not in mapping.values()]
    if missing:
        found = ", ".join(short(c.strip(), 40) for c in cells if c.strip())
        raise UserError(f"header row has no {' or '.join(missing)} column (found: {found})", source=source,
                        line=line)
    return mapping


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    text = read_text(path)
    # Long cells are refused later with their field's name, so the reader itself takes any length.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(text.splitlines(), delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UserError(f"cannot read the CSV: {exc}", source=str(path), line=reader.line_num) from None
        yield reader.line_num, cells


def _xlsx_rows(path: Path) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        # not read-only: a read-only sheet does not know its merged cells
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UserError(f"cannot read the workbook: {short(str(exc))}", source=str(path)) from None
    ws = wb.worksheets[0]
    merged = _merged_values(ws)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for line, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else str(v) for v in values]
            for col in range(len(cells)):
                if (line, col + 1) in merged:
                    cells[col] = merged[(line, col + 1)]
            yield line, cells
        wb.close()

    return f"{path} [{ws.title}]", rows()


def _merged_values(ws) -> dict[tuple[int, int], str]:  # type: ignore[no-untyped-def]  # openpyxl sheet
    """(row, column) → the top-left value of the merged range covering that cell."""
    out: dict[tuple[int, int], str] = {}
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for row in range(rng.min_row, rng.max_row + 1):
            for col in range(rng.min_col, rng.max_col + 1):
                out[(row, col)] = "" if value is None else str(value)
    return out
