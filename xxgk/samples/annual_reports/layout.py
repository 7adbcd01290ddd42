"""The report as blocks (title, headings, paragraphs, tables with spans), shared by every renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xxgk.samples.annual_reports import official as F


@dataclass
class Cell:
    """A table cell; `pieces` renders a label split over <br/> or several <p> in HTML."""

    text: str
    rs: int = 1
    cs: int = 1
    pieces: list[str] | None = None
    href: str | None = None


@dataclass
class Block:
    kind: str  # title | meta | h | p | table
    text: str = ""
    rows: list[list[Cell]] = field(default_factory=list)
    widths: list[float] | None = None  # relative column widths (PDF)


def fmt(v: Any) -> str:
    """A cell value as printed: blank for None."""
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def positions(rows: list[list[Cell]]) -> tuple[list[tuple[int, int, Cell]], int, int]:
    """(row, col, cell) of every cell after span expansion, with the grid's height and width."""
    taken: set[tuple[int, int]] = set()
    out: list[tuple[int, int, Cell]] = []
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    taken.add((r + dr, c + dc))
            c += cell.cs
            width = max(width, c)
    return out, len(rows), width


def _split(label: str, split: bool) -> list[str] | None:
    if not split:
        return None
    for a, b in (("商业企业", 2), ("科研机构", 2), ("社会公益组织", 4), ("法律服务机构", 4)):
        if label == a:
            return [a[:b], a[b:]]
    return None


def t2_table(rows: list[dict[str, Any]], version: str) -> Block:
    out: list[list[Cell]] = []
    spec = F.T2_2019 if version == F.V2019 else F.T2_2021
    caption = None
    for row, (cap, label, cols) in zip(rows, spec, strict=True):
        if cap != caption:
            caption = cap
            out.append([Cell(cap, cs=4)])
            out.append([Cell("信息内容")] + _spread([Cell(c) for c in cols]))
        out.append([Cell(label)] + _spread([Cell(fmt(row["values"][c])) for c in cols]))
    return Block("table", rows=out, widths=[2, 1.3, 1.3, 1.3])


def _spread(cells: list[Cell]) -> list[Cell]:
    """Fill three value columns: the last cell spans what is left."""
    cells[-1].cs = 4 - len(cells)
    return cells


def t3_table(values: dict[str, list[Any]], version: str, split_labels: bool, quote: str) -> Block:
    corner = Cell(F.T3_CORNER, rs=3, cs=3)
    rows: list[list[Cell]] = [
        [corner, Cell("申请人情况", cs=7)],
        [Cell("自然人", rs=2), Cell(F.T3_GROUP, cs=5), Cell("总计", rs=2)],
        [Cell(c, pieces=_split(c, split_labels)) for c in F.T3_COLUMNS[1:6]],
    ]

    def vals(key: str) -> list[Cell]:
        return [Cell(fmt(v)) for v in values[key]]

    keys = [k for k, _l in F.T3_ROWS[version]]
    label = dict(F.T3_ROWS[version])
    rows.append([Cell(label["一"], cs=3)] + vals("一"))
    rows.append([Cell(label["二"], cs=3)] + vals("二"))
    sub3 = [k for k in keys if k.startswith("三.")]
    first = True
    for parent in ("三.一", "三.二", "三.三", "三.四", "三.五", "三.六", "三.七"):
        kids = [k for k in sub3 if k.startswith(parent + ".")]
        lead = [Cell(F.T3_PARENTS["三"], rs=len(sub3))] if first else []
        first = False
        if not kids:
            rows.append(lead + [Cell(label[parent], cs=2)] + vals(parent))
            continue
        for i, k in enumerate(kids):
            text = label[k].replace('"', quote[0], 1).replace('"', quote[-1], 1)
            head = [Cell(F.T3_PARENTS[parent], rs=len(kids))] if i == 0 else []
            rows.append((lead if i == 0 else []) + head + [Cell(text)] + vals(k))
    rows.append([Cell(label["四"], cs=3)] + vals("四"))
    return Block("table", rows=rows, widths=[1.1, 1.3, 2.6] + [0.75] * 7)


def t4_table(values: list[Any]) -> Block:
    res = F.T4_RESULTS_REVIEW
    rows = [
        [Cell("行政复议", cs=5), Cell("行政诉讼", cs=10)],
        [Cell(r, rs=2) for r in res] + [Cell("未经复议直接起诉", cs=5), Cell("复议后起诉", cs=5)],
        [Cell(r) for r in res] * 2,
        [Cell(fmt(v)) for v in values],
    ]
    return Block("table", rows=rows, widths=[1] * 15)


def item_table(items: list[dict[str, Any]]) -> Block:
    rows = [[Cell("序号"), Cell("清单事项"), Cell("是否公开"), Cell("栏目链接")]]
    for i, it in enumerate(items, 1):
        link = it["link"] or ""
        rows.append([Cell(str(i)), Cell(it["item"]), Cell("是" if it["published"] else "否"),
                     Cell(link, href=link or None)])
    return Block("table", rows=rows, widths=[0.5, 3, 0.8, 3.2])
