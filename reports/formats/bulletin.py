"""The monthly bulletin (月度通报) of a run's monthly-volume findings: bulletin.html and bulletin.docx.

Offices circulate a 通报 as Word, so the same text goes into a python-docx document. The tables come
from `reports.bulletin.collect` (one per site); `xxgk report` writes this format when the run has
monthly-volume findings, or always with `--bulletin`.
"""

from __future__ import annotations

from pathlib import Path

from reports.bulletin import SiteBulletin, sentences
from reports.cells import docx_text
from reports.context import Report
from reports.formats.base import Format
from reports.templating import environment


def write(report: Report, out_dir: Path) -> list[Path]:
    """bulletin.html (autoescaped template) and bulletin.docx."""
    html = out_dir / "bulletin.html"
    html.write_text(environment().get_template("bulletin.html.j2").render(
        **report.page_globals(), bulletins=report.bulletins, sentences=sentences), encoding="utf-8")
    docx = write_docx(report.bulletins, out_dir / "bulletin.docx", run_id=int(report.run.id))
    return [html, docx]


_t = docx_text


def write_docx(bulletins: list[SiteBulletin], path: Path, run_id: int | None = None) -> Path:
    """The 通报 as a Word document: per site, findings in prose and the per-unit count table."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    doc.add_heading("政府信息公开月度发布情况通报", level=1)
    if run_id is not None:
        doc.add_paragraph(f"（xxgk 运行 #{run_id} 自动生成）")
    if not bulletins:
        doc.add_paragraph("本次评估没有月度发布量数据。")
    for b in bulletins:
        doc.add_heading(_t(f"{b.site_name}（{b.latest_month}）"), level=2)
        for line in sentences(b):
            doc.add_paragraph(_t(line))
        table = doc.add_table(rows=1, cols=len(b.months) + 3)
        table.style = "Table Grid"
        head = ["单位", *b.months, "合计", "连续空白月"]
        for cell, text in zip(table.rows[0].cells, head, strict=True):
            cell.text = _t(text)
        for u in b.units:
            cells = table.add_row().cells
            values = [u.unit, *[str(n) for n in u.counts], str(u.total), str(u.consecutive_blank)]
            for cell, text in zip(cells, values, strict=True):
                cell.text = _t(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


FORMAT = Format(name="bulletin", description="monthly 通报 of the monthly-volume check, as HTML and Word",
                files=("bulletin.html", "bulletin.docx"), write=write)
