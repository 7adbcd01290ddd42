"""Sample annual reports with ground truth (HTML, PDF with embedded CJK text, DOCX, scanned PDF).

- `build_report(unit_name, year, fmt, kind, errors=[]) -> (bytes, truth)`: one report for one unit (a
  portal generator calls this for its 年报 column).
- `generate_annual_reports(out_dir, seed=2024) -> Path`: the bundled set and `truth.json`.
"""

from xxgk.samples.annual_reports.build import SAMPLE_SET, build_report, generate_annual_reports
from xxgk.samples.annual_reports.values import ERRORS

__all__ = ["ERRORS", "SAMPLE_SET", "build_report", "generate_annual_reports"]
