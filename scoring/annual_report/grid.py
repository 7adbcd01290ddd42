"""Tables as grids of cell text: HTML (rowspan/colspan expanded), PDF (pdfplumber) and DOCX rows.

A `Grid` keeps, for every position, the text of the cell covering it and that cell's origin, so a
spanned label is seen in every row and column it covers while a value is counted once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scoring.annual_report.text import clean

Pos = tuple[int, int]


@dataclass
class Grid:
    """Cell texts, the origin of the (merged) cell covering each position, and links per cell."""

    rows: list[list[str]]
    origin: list[list[Pos]]
    links: dict[Pos, list[str]] = field(default_factory=dict)

    @property
    def width(self) -> int:
        """Number of columns."""
        return max((len(r) for r in self.rows), default=0)

    def text(self) -> str:
        """All cells, rows on lines, for keyword tests."""
        return "\n".join(" | ".join(r) for r in self.rows)

    def distinct(self, r: int, start: int = 0, stop: int | None = None) -> list[tuple[Pos, str]]:
        """The distinct cells (origin, text) of row r between columns start and stop, left to right."""
        out: list[tuple[Pos, str]] = []
        seen: set[Pos] = set()
        row = self.rows[r]
        for c in range(start, len(row) if stop is None else min(stop, len(row))):
            o = self.origin[r][c]
            if o not in seen:
                seen.add(o)
                out.append((o, row[c]))
        return out


def _cell_text(td: Any) -> str:
    """A cell's text with labels split over <br/> or several <p> joined (CJK: no separator)."""
    for br in td.find_all("br"):
        br.replace_with("\n")
    parts = [clean(s) for s in td.get_text("\n").split("\n")]
    out = ""
    for p in (p for p in parts if p):
        if out and re.match(r"[A-Za-z0-9]", out[-1]) and re.match(r"[A-Za-z0-9]", p[0]):
            out += " "
        out += p
    return out


def _span(td: Any, name: str) -> int:
    try:
        return max(1, min(int(str(td.get(name) or "1").strip() or 1), 200))
    except ValueError:
        return 1


def grid_from_html_table(table: Any) -> Grid:
    """Expand a BeautifulSoup <table> (nested tables are read as text of their cell)."""
    trs = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    rows: list[list[str | None]] = [[] for _ in trs]
    origin: list[list[Pos | None]] = [[] for _ in trs]
    links: dict[Pos, list[str]] = {}

    def put(r: int, c: int, text: str, o: Pos) -> None:
        while len(rows[r]) <= c:
            rows[r].append(None)
            origin[r].append(None)
        rows[r][c] = text
        origin[r][c] = o

    for r, tr in enumerate(trs):
        c = 0
        for td in tr.find_all(["td", "th"], recursive=False):
            while c < len(rows[r]) and rows[r][c] is not None:
                c += 1
            hrefs = [str(a.get("href")) for a in td.find_all("a") if a.get("href")]
            text = _cell_text(td)
            rs, cs = _span(td, "rowspan"), _span(td, "colspan")
            if hrefs:
                links[(r, c)] = hrefs
            for dr in range(rs):
                if r + dr >= len(trs):
                    break
                for dc in range(cs):
                    put(r + dr, c + dc, text, (r, c))
            c += cs
    return _finish(rows, origin, links)


def _finish(rows: list[list[str | None]], origin: list[list[Pos | None]], links: dict[Pos, list[str]]) -> Grid:
    width = max((len(r) for r in rows), default=0)
    out_rows: list[list[str]] = []
    out_origin: list[list[Pos]] = []
    for r, row in enumerate(rows):
        orow = origin[r]
        out_rows.append([(row[c] if c < len(row) and row[c] is not None else "") for c in range(width)])
        out_origin.append([(orow[c] if c < len(orow) and orow[c] is not None else (r, c)) for c in range(width)])
    return Grid(out_rows, out_origin, links)


def grid_from_pdf_table(table: Any) -> Grid:
    """A pdfplumber table: a position without a cell is covered by the merged cell above or to the left."""
    texts = table.extract()
    boxes = [list(row.cells) for row in table.rows]
    tops = [next((b[1] for b in row if b), 0.0) for row in boxes]
    bottoms: dict[Pos, float] = {}
    for r, row in enumerate(boxes):
        for c, b in enumerate(row):
            if b:
                bottoms[(r, c)] = b[3]

    def vertical(r: int, c: int, above: Pos) -> bool:
        return bottoms.get(above, 0.0) > tops[r] + 1

    return grid_from_cells(texts, vertical)


def grid_from_cells(cells: list[list[str | None]], vertical: Any = None) -> Grid:
    """A grid from extracted rows (pdfplumber: None marks a position covered by a merged cell).

    `vertical(r, c, origin_above)` says whether the merged cell above covers (r, c); default: only
    when the cell to the left cannot.
    """
    width = max((len(r) for r in cells), default=0)
    rows: list[list[str | None]] = []
    origin: list[list[Pos | None]] = []
    for r, raw in enumerate(cells):
        row: list[str | None] = []
        orow: list[Pos | None] = []
        for c in range(width):
            v = raw[c] if c < len(raw) else None
            if v is None:
                above = origin[r - 1][c] if r > 0 else None
                if above is not None and vertical is not None and vertical(r, c, above):
                    o = above
                elif c > 0 and orow[c - 1] is not None:
                    o = orow[c - 1]
                elif above is not None:
                    o = above
                else:
                    o = (r, c)
                assert o is not None
                if o == (r, c):  # nothing covers it (a leading empty position): a blank cell of its own
                    row.append("")
                else:
                    row.append(rows[o[0]][o[1]] if o[0] < r else row[o[1]])
                orow.append(o)
            else:
                row.append(clean((v or "").replace("\n", "")) if v is not None else "")
                orow.append((r, c))
        rows.append(row)
        origin.append(orow)
    return _finish(rows, origin, {})


def grid_from_docx_table(table: Any) -> Grid:
    """A python-docx table: merged cells repeat the same underlying cell, which becomes one origin."""
    rows: list[list[str | None]] = []
    origin: list[list[Pos | None]] = []
    first: dict[int, Pos] = {}
    for r, row in enumerate(table.rows):
        texts: list[str | None] = []
        orow: list[Pos | None] = []
        for c, cell in enumerate(row.cells):
            key = id(cell._tc)
            o = first.setdefault(key, (r, c))
            texts.append("".join(clean(p.text) for p in cell.paragraphs))
            orow.append(o)
        rows.append(texts)
        origin.append(orow)
    return _finish(rows, origin, {})

