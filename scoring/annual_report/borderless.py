"""Tables 二, 三 and 四 of PDF reports printed without ruling lines, read from word positions.

Word/WPS exports with hidden borders leave pdfplumber's line strategy nothing to find, and its text
strategy splits wrapped labels into false columns. Here the value columns come from the numbers
themselves: their x-centres cluster into exactly as many columns as the official table has (7 for
表三), and every data line is a row; label fragments (wrapped labels, spanned group labels) join the
data line they sit nearest to, within most of the row pitch, grouped by the label column their left
edge starts in. The header words above the first data line go to the nearest value column, so the
table reader can verify the column names.

A table is only returned when the reading is sure: the right number of value columns, at most one
number per column and line, and the table reader finding every official row and (表三) every column
name. Anything else stays unread, and the caller keeps `needs_review` — a misread cell must never
become a false sum failure.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from scoring.annual_report import formats as F
from scoring.annual_report.grid import Grid
from scoring.annual_report.tables import core, read_t2, read_t3, read_t4
from scoring.annual_report.text import norm_label

PAGE_GAP = 10_000.0  # pages are stacked into one coordinate system, each this far below the last
LINE_TOLERANCE = 2.0  # words whose vertical centres differ by less are on one line
COLUMN_GAP = 10.0  # number centres further apart than this start a new value column
LABEL_COLUMN_GAP = 4.0  # label fragments whose left edges differ by less are in one label column
_NUMBER = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?$")


@dataclass(frozen=True)
class Word:
    """A word of the PDF with its box; `top`/`bottom` include the page offset."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def number(self) -> bool:
        return bool(_NUMBER.match(unicodedata.normalize("NFKC", self.text)))


def document_words(pdf: Any) -> list[Word]:
    """Every word of every page (pdfplumber), pages stacked one under the other."""
    out: list[Word] = []
    for i, page in enumerate(pdf.pages):
        for w in page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False):
            off = i * PAGE_GAP
            out.append(Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]) + off,
                            float(w["bottom"]) + off))
    return out


def lines_of(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines by vertical centre, top to bottom, each line left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.cy, w.x0)):
        if lines and abs(lines[-1][0].cy - w.cy) < LINE_TOLERANCE:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _line_text(line: list[Word]) -> str:
    return norm_label("".join(w.text for w in line))


def _find(lines: list[list[Word]], marks: tuple[str, ...], start: int = 0) -> int | None:
    for i in range(start, len(lines)):
        text = _line_text(lines[i])
        if any(m in text for m in marks):
            return i
    return None


def _clusters(values: list[float], gap: float) -> list[list[float]]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= gap:
            out[-1].append(v)
        else:
            out.append([v])
    return out


def _nearest(x: float, centres: list[float]) -> int:
    return min(range(len(centres)), key=lambda i: abs(centres[i] - x))


def value_grid(lines: list[list[Word]], n_values: int) -> Grid | None:
    """A grid of label cells plus `n_values` value cells per data line (header rows first), or None
    when the numbers do not fall into exactly `n_values` columns or two share a cell."""
    numbers = [w for line in lines for w in line if w.number]
    groups = _clusters([w.cx for w in numbers], COLUMN_GAP)
    if len(groups) != n_values:
        return None
    centres = [sum(g) / len(g) for g in groups]
    zone_left = min(w.x0 for w in numbers) - 2.0
    data_idx = [i for i, line in enumerate(lines) if any(w.number and w.cx >= zone_left for w in line)]
    if not data_idx:
        return None
    data_y = [sum(w.cy for w in lines[i] if w.number) / sum(1 for w in lines[i] if w.number) for i in data_idx]
    # a header word belongs to the value columns when it starts right of every data row's label
    # (a left-aligned header starts left of its column's centred numbers)
    label_right = max((w.x1 for i in data_idx for w in lines[i] if w.cx < zone_left), default=zone_left)

    def in_values(w: Word, header: bool) -> bool:
        return w.cx >= zone_left or (header and w.x0 >= label_right - 1.0)

    header_rows: list[list[str]] = []
    fragments: list[Word] = []
    for i, line in enumerate(lines):
        header = i < data_idx[0]
        labels = [w for w in line if not in_values(w, header)]
        if header and len(labels) < len(line):  # a header line
            cells = [""] * n_values
            for w in line:
                if in_values(w, header):
                    cells[_nearest(w.cx, centres)] += w.text
            header_rows.append(["".join(w.text for w in labels)] + cells)
        else:
            fragments += labels
    values: list[list[str]] = []
    for i in data_idx:
        cells = [""] * n_values
        for w in lines[i]:
            if w.cx < zone_left:
                continue
            if not w.number:
                return None  # a word among the values: not a clean value row
            k = _nearest(w.cx, centres)
            if cells[k]:
                return None  # two numbers in one cell: the columns are not what they seem
            cells[k] = w.text
        values.append(cells)
    pitches = [b - a for a, b in zip(data_y, data_y[1:], strict=False)]
    typical = sorted(pitches)[len(pitches) // 2] if pitches else 20.0
    label_cols = [min(g) for g in _clusters([f.x0 for f in fragments], LABEL_COLUMN_GAP)]
    per_row: list[dict[int, list[Word]]] = [{} for _ in data_idx]
    for f in fragments:
        r = min(range(len(data_y)), key=lambda k: abs(data_y[k] - f.cy))
        side = data_y[r - 1] if f.cy < data_y[r] and r > 0 else data_y[r + 1] if f.cy > data_y[r] and \
            r + 1 < len(data_y) else None
        room = 0.75 * (abs(data_y[r] - side) if side is not None else typical)
        if abs(data_y[r] - f.cy) > room:
            continue  # far from every value row: a caption, the corner note, a spanned group label
        col = max(k for k, x in enumerate(label_cols) if x <= f.x0 + LABEL_COLUMN_GAP)
        per_row[r].setdefault(col, []).append(f)
    width = max(len(label_cols), 1)
    rows = [[*(h[:1] + [""] * (width - 1)), *h[1:]] for h in header_rows]
    for r, cells in enumerate(values):
        labels = ["".join(w.text for w in sorted(per_row[r].get(c, []), key=lambda w: (w.top, w.x0)))
                  for c in range(width)]
        rows.append(labels + cells)
    origin = [[(r, c) for c in range(len(row))] for r, row in enumerate(rows)]
    return Grid(rows=rows, origin=origin)


def read_t3_borderless(lines: list[list[Word]]) -> dict[str, Any] | None:
    """表三 from its header (申请人情况 / 自然人 …) to 四、结转下年度继续办理, when the reading is sure."""
    start = _find(lines, ("申请人情况", "自然人"))
    end = _find(lines, ("结转下年度继续办理",), start or 0)
    if start is None or end is None:
        return None
    stop = end + 1
    while stop < len(lines) and abs(lines[stop][0].cy - lines[end][0].cy) < 12 and \
            any(w.number for w in lines[stop]):  # the last row's values just below its wrapped label
        stop += 1
    grid = value_grid(lines[start:stop], len(F.T3_COLUMNS))
    if grid is None:
        return None
    t3 = read_t3(grid)
    if t3["problems"] or not t3["columns_verified"]:
        return None
    return t3 | {"read_from": "borderless"}


def read_t4_borderless(lines: list[list[Word]]) -> dict[str, Any] | None:
    """表四: the first line of 15 numbers after its 行政复议 / 行政诉讼 header, when there is one."""
    start = _find(lines, ("行政复议",), (_find(lines, ("结转下年度继续办理",)) or 0))
    if start is None:
        return None
    for i in range(start, min(start + 12, len(lines))):
        nums = [w for w in lines[i] if w.number]
        if nums and len(nums) == len(lines[i]):
            if len(nums) != len(F.T4_COLUMNS):
                return None  # blanks among the values: which cell is which is not sure
            t4 = read_t4(Grid(rows=[[w.text for w in nums]], origin=[[(0, c) for c in range(len(nums))]]))
            return None if t4["problems"] else t4 | {"read_from": "borderless"}
    return None


def read_t2_borderless(lines: list[list[Word]]) -> dict[str, Any] | None:
    """表二: captions (第二十条第（…）项), 信息内容 headers and one line per row, each with exactly its
    official number of values; None when any row is short (blank cells would shift the values)."""
    start = _find(lines, ("第二十条第(一)项",))
    if start is None:
        return None
    end = _find(lines, ("第二十条第(九)项",), start) or _find(lines, ("第二十条第(八)项",), start)
    if end is None:
        return None
    stop = min(len(lines), end + 4)
    version = F.V2019 if F.text_version(" ".join(_line_text(x) for x in lines[start:stop])) == F.V2019 else F.V2021
    canon = {core(label): cols for _cap, label, cols in (F.T2_2019 if version == F.V2019 else F.T2_2021)}
    rows: list[list[str]] = []
    for line in lines[start:stop]:
        text = _line_text(line)
        if text.startswith("第二十条"):
            rows.append(["".join(w.text for w in line)])
        elif text.startswith("信息内容"):
            rows.append([w.text for w in line])
        elif any(w.number for w in line):
            first = next(i for i, w in enumerate(line) if w.number)
            label, values = "".join(w.text for w in line[:first]), [w.text for w in line[first:]]
            cols = canon.get(core(label))
            if cols is None or len(values) != len(cols) or not all(w.number for w in line[first:]):
                return None  # an unknown or wrapped label, or blank cells that would shift the values
            rows.append([label, *values])
    grid = Grid(rows=rows, origin=[[(r, c) for c in range(len(row))] for r, row in enumerate(rows)])
    t2 = read_t2(grid)
    return None if t2["problems"] else t2 | {"read_from": "borderless"}


def read_borderless(data: bytes, want: tuple[str, ...] = ("t2", "t3", "t4")) -> dict[str, Any]:
    """The tables among `want` read from a borderless PDF (keys t2, t3, t4; absent when not sure)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        lines = lines_of(document_words(pdf))
    readers = {"t2": read_t2_borderless, "t3": read_t3_borderless, "t4": read_t4_borderless}
    out: dict[str, Any] = {}
    for key in want:
        table = readers[key](lines)
        if table is not None:
            out[key] = table
    return out
