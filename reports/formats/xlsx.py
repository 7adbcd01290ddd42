"""XLSX export: a summary sheet (the ranking), one sheet per rubric section (sites × items) and a sheet of
every finding, with Chinese labels, column widths, filters and frozen headers.

Crawled text is formula-neutralised (as in the CSVs) and stripped of characters XLSX cannot hold.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.cells import sheet_cell
from reports.context import Report
from reports.method import method_rows
from reports.ranking import records
from reports.templating import match_words

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


cell_value = sheet_cell  # a value safe for a worksheet cell (reports/cells.py)


def _sheet_title(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("_", name).strip("'")[:28] or "sheet"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:25]}_{n}", n + 1
    used.add(title)
    return title


def _write(ws, header: list[str], rows: list[list[object]]) -> None:  # type: ignore[no-untyped-def]
    """Header in bold and frozen, a filter over the table, and each column as wide as its text
    (CJK counted double, within bounds), so the sheet reads without resizing."""
    ws.append([cell_value(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [_width(h) for h in header]
    for row in rows:
        values = [cell_value(v) for v in row]
        ws.append(values)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
        widths = [max(w, _width(v)) for w, v in zip(widths, values, strict=False)]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 6), 60)
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions


def _width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text[:80])


def _item_label(item_id: str, name: str) -> str:
    """`3 学校名称…` for a column head; the id alone when the name only repeats it (no "R1 R1")."""
    return item_id if not name or name.strip() == item_id else f"{item_id} {name}"


FINDING_HEADER = ["网站", "类别", "序号", "事项", "结论", "得分", "满分", "说明", "原因", "匹配栏目", "证据链接", "查找范围"]


def _matched_words(matched: list) -> str:
    """Matched columns with how they matched in plain Chinese (名称一致 …), never the matcher's 'alias 100'."""
    return "；".join(f"{m.get('path') or m.get('name') or ''}（{match_words(m)}）"
                    for m in matched or [] if isinstance(m, dict))


def write(report: Report, out_dir: Path) -> list[Path]:
    """report.xlsx: 汇总 (rank, site, total, verdict, change, section rates) + one sheet per section."""
    data, ranking, path = report.data, report.ranking, out_dir / "report.xlsx"
    wb = Workbook()
    used: set[str] = set()
    ws = wb.active
    ws.title = _sheet_title("汇总", used)
    secs = ranking.sections
    header = ["排名", "网站", "网址", "总分", "结果", "单项否决", "分数变化", "名次变化",
              *[name for _sid, name in secs], data.vocab.fail_items, "待复核", "未能检查"]
    rows = [[r.get("rank"), r["site_name"], r["site_url"], r.get("total"), r.get("verdict"), r.get("veto"),
             r.get("delta"), r.get("rank_change"), *[r.get(f"sec_{sid}") for sid, _n in secs],
             r.get("fails"), r.get("needs_review"), r.get("not_checked")] for r in records(ranking.table)]
    _write(ws, header, rows)
    order = [int(s) for s in ranking.table.site_id]
    names = {int(r["site_id"]): r["site_name"] for r in records(ranking.table)}
    rates = {int(r["site_id"]): r for r in records(ranking.table)}
    cells: dict[tuple[str, int, str], str] = {}
    labels = data.vocab.statuses  # the words of the rubric's kind
    items: dict[str, dict[str, str]] = {}
    for f in data.findings[["section_id", "site_id", "item_id", "item_name", "status", "points",
                            "max_points"]].itertuples(index=False):
        items.setdefault(f.section_id, {}).setdefault(f.item_id, f.item_name)
        label = labels.get(f.status, f.status)
        cells[(f.section_id, int(f.site_id), f.item_id)] = f"{label} {f.points:g}/{f.max_points:g}"
    for sid, name in secs:
        sheet = wb.create_sheet(_sheet_title(name, used))
        sec_items = items.get(sid, {})
        head = ["网站", "分区得分率", *[_item_label(iid, iname) for iid, iname in sec_items.items()]]
        out = [[names.get(site_id, ""), rates.get(site_id, {}).get(f"sec_{sid}"),
                *[cells.get((sid, site_id, iid)) for iid in sec_items]] for site_id in order]
        _write(sheet, head, out)
    method = wb.create_sheet(_sheet_title("评估说明", used))
    _write(method, ["项目", "内容"], [list(row) for row in method_rows(report.method)] if report.method else [])
    findings = wb.create_sheet(_sheet_title("评估结论", used))
    _write(findings, FINDING_HEADER, [
        [names.get(int(f.site_id), ""), f.section_name, f.item_id, f.item_name, labels.get(f.status, f.status),
         f.points, f.max_points, f.message, f.reason, _matched_words(f.matched_list), f.evidence_urls, f.absence]
        for f in data.findings.itertuples(index=False)])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return [path]
