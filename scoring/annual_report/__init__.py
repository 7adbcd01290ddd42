"""Annual reports (政府信息公开工作年度报告 / 高校信息公开年度报告): find, read and check.

- `find`: titles, years, units; the unit's own report per year among a crawl's items.
- `parse`: HTML / PDF / DOCX (best-effort .doc) → `ParsedReport` (headings, official tables).
- `tables`, `grid`: rowspan/colspan-expanded grids read as tables 二/三/四 and the 清单事项公开情况表.
- `sections`: numbered headings found anywhere in the text (inline, full-/half-width numbers).
- `kind`: the issuing body's kind (县/区/市人民政府, 局/委/办, 乡/镇/街道) for the deadline.
- `rules`: R1–R5; `checks`: deadline, sections/parts, format, tables, sums, item table, links.
Page metadata (title, date, unit) comes from `xxgk.pagemeta`, the reader the crawler uses too.
"""

from scoring.annual_report.checks import check_report, deadline_for, overall
from scoring.annual_report.find import (
    FoundReport,
    best_by_year,
    find_reports,
    is_annual_report_title,
    report_unit,
    report_year,
)
from scoring.annual_report.kind import KindGuess, infer_kind
from scoring.annual_report.parse import ParsedReport, UnreadableReport, parse_report
from scoring.annual_report.rules import RuleResult

__all__ = ["FoundReport", "KindGuess", "ParsedReport", "RuleResult", "UnreadableReport", "best_by_year", "check_report",
           "deadline_for", "find_reports", "infer_kind", "is_annual_report_title", "overall", "parse_report",
           "report_unit", "report_year"]
