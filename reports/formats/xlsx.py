"""XLSX export: a summary sheet (the ranking) and one sheet per rubric section (sites × items).

Crawled text is formula-neutralised (as in the CSVs) and stripped of characters XLSX cannot hold.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from reports.cells import neutralise
from reports.context import Report
from reports.formats.base import Format
from reports.ranking import records

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def cell_value(value: object) -> object:
    """A value safe for a worksheet cell: text neutralised and cleaned, NaN/NA as empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, bool | int | float):
        return value
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _sheet_title(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("_", name).strip("'")[:28] or "sheet"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:25]}_{n}", n + 1
    used.add(title)
    return title


def _write(ws, header: list[str], rows: list[list[object]]) -> None:  # type: ignore[no-untyped-def]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([cell_value(v) for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    ws.freeze_panes = "A2"


def write(report: Report, out_dir: Path) -> list[Path]:
    """report.xlsx: 汇总 (rank, site, total, verdict, change, section rates) + one sheet per section."""
    data, ranking, path = report.data, report.ranking, out_dir / "report.xlsx"
    wb = Workbook()
    used: set[str] = set()
    ws = wb.active
    ws.title = _sheet_title("汇总", used)
    secs = ranking.sections
    header = ["排名", "网站", "网址", "总分", "结果", "单项否决", "分数变化", "名次变化",
              *[name for _sid, name in secs], "未公开项", "待复核", "未能检查"]
    rows = [[r.get("rank"), r["site_name"], r["site_url"], r.get("total"), r.get("verdict"), r.get("veto"),
             r.get("delta"), r.get("rank_change"), *[r.get(f"sec_{sid}") for sid, _n in secs],
             r.get("fails"), r.get("needs_review"), r.get("not_checked")] for r in records(ranking.table)]
    _write(ws, header, rows)
    order = [int(s) for s in ranking.table.site_id]
    names = {int(r["site_id"]): r["site_name"] for r in records(ranking.table)}
    rates = {int(r["site_id"]): r for r in records(ranking.table)}
    cells: dict[tuple[str, int, str], str] = {}
    items: dict[str, dict[str, str]] = {}
    for f in data.findings[["section_id", "site_id", "item_id", "item_name", "status", "points",
                            "max_points"]].itertuples(index=False):
        items.setdefault(f.section_id, {}).setdefault(f.item_id, f.item_name)
        cells[(f.section_id, int(f.site_id), f.item_id)] = f"{f.status} {f.points:g}/{f.max_points:g}"
    for sid, name in secs:
        sheet = wb.create_sheet(_sheet_title(name, used))
        sec_items = items.get(sid, {})
        head = ["网站", "分区得分率", *[f"{iid} {iname}" for iid, iname in sec_items.items()]]
        out = [[names.get(site_id, ""), rates.get(site_id, {}).get(f"sec_{sid}"),
                *[cells.get((sid, site_id, iid)) for iid in sec_items]] for site_id in order]
        _write(sheet, head, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return [path]


FORMAT = Format(name="xlsx", description="workbook: a summary sheet (the ranking) and one sheet per rubric section",
                files=("report.xlsx",), write=write)
