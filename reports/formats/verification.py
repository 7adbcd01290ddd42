"""verify-fixes' verdict on every claimed fix, one row per claim: verification.csv (the public contract:
add columns, never rename), and the same table for the agency to file as verification.html,
verification.xlsx and verification.docx, in Chinese, with the date checked.

The verdicts come with the report (`Report.verdicts`, rows built by `xxgk.verify.verdict_rows`); the
verify run's own findings are its evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from reports.cells import docx_text, sheet_cell, write_csv
from reports.context import Report
from reports.templating import STATUS_LABELS, environment

VERIFICATION_COLUMNS = ["line", "site", "site_name", "item_id", "item_name", "claimed", "claim_url", "verdict",
                        "before", "after", "message", "evidence_urls", "checked_at"]
VERDICT_LABELS = {"confirmed": "已整改", "not_fixed": "未整改", "could_not_check": "无法核实"}
CLAIMED_LABELS = {"pass": "已整改", "partial": "部分整改"}
HEADERS = {"line": "行", "site_name": "网站", "item_id": "事项编号", "item_name": "事项", "claimed": "声称",
           "claim_url": "整改链接", "verdict": "核查结论", "before": "整改前", "after": "复查结果",
           "message": "说明", "evidence_urls": "证据链接", "checked_at": "核查日期"}


def table(report: Report) -> pd.DataFrame:
    """The verdict rows, each with the date the fix was checked (the verify run's start)."""
    frame = pd.DataFrame(report.verdicts or [], columns=VERIFICATION_COLUMNS)
    frame["checked_at"] = checked_at(report)
    return frame


def checked_at(report: Report) -> str:
    started = getattr(report.run, "started_at", None)
    return (started or dt.datetime.now(dt.UTC)).date().isoformat()


def write(report: Report, out_dir: Path) -> list[Path]:
    """verification.csv (UTF-8 with BOM, text neutralised), .html, .xlsx and .docx of the same rows."""
    frame = table(report)
    return [write_csv(frame, out_dir / "verification.csv"), write_html(report, frame, out_dir),
            write_xlsx(frame, out_dir / "verification.xlsx", report.data.vocab.statuses),
            write_docx(report, frame, out_dir / "verification.docx")]


def _counts(frame: pd.DataFrame) -> dict[str, int]:
    return {k: int((frame.verdict == k).sum()) for k in VERDICT_LABELS}


def write_html(report: Report, frame: pd.DataFrame, out_dir: Path) -> Path:
    path = out_dir / "verification.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    html = environment().get_template("verification.html.j2").render(
        **report.page_globals(), rows=frame.fillna("").to_dict("records"), labels=VERDICT_LABELS,
        claimed_labels=CLAIMED_LABELS, counts=_counts(frame), checked_at=checked_at(report),
        baseline_run=(report.run.config or {}).get("baseline_run"))
    path.write_text(html, encoding="utf-8")
    return path


def _rows(frame: pd.DataFrame, statuses: Mapping[str, str]) -> list[list[str]]:
    """The printable rows: Chinese labels for verdicts, and the rubric kind's words for statuses."""
    out = []
    for r in frame.fillna("").to_dict("records"):
        out.append([str(r["line"]), r["site_name"], r["item_id"], r["item_name"],
                    CLAIMED_LABELS.get(r["claimed"], r["claimed"]), r["claim_url"],
                    VERDICT_LABELS.get(r["verdict"], r["verdict"]), statuses.get(r["before"], r["before"]),
                    statuses.get(r["after"], r["after"]), r["message"], r["evidence_urls"], r["checked_at"]])
    return out


def write_xlsx(frame: pd.DataFrame, path: Path, statuses: Mapping[str, str] | None = None) -> Path:
    """One sheet 整改核查: Chinese headers, widths, a filter and a frozen header row; text never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "整改核查"
    heads = list(HEADERS.values())
    ws.append(heads)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in _rows(frame, statuses or STATUS_LABELS):
        ws.append([sheet_cell(v) for v in row])
        for cell in ws[ws.max_row]:
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEFGHIJKL", (5, 22, 9, 30, 9, 30, 10, 10, 10, 50, 40, 11), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_docx(report: Report, frame: pd.DataFrame, path: Path) -> Path:
    """An A4 Word document: the counts and the per-claim table, for the agency's file."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading("整改情况核查结果", level=1)
    counts = _counts(frame)
    doc.add_paragraph(docx_text(f"核查日期 {checked_at(report)}；对照基线运行 "
                                f"{(report.run.config or {}).get('baseline_run', '—')}，复查运行 {report.run.id}。"
                                + "；".join(f"{label} {counts[k]} 项" for k, label in VERDICT_LABELS.items()) + "。"))
    keep = [0, 1, 3, 4, 6, 7, 8, 9]  # 行 网站 事项 声称 核查结论 整改前 复查结果 说明
    heads = [list(HEADERS.values())[i] for i in keep]
    grid = doc.add_table(rows=1, cols=len(heads))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, heads, strict=True):
        cell.text = text
    for row in _rows(frame, report.data.vocab.statuses):
        cells = grid.add_row().cells
        for cell, i in zip(cells, keep, strict=True):
            cell.text = docx_text(str(row[i]))
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path
