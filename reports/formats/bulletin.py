"""The 通报 of a run, for every rubric kind: bulletin.html, bulletin.docx and, with pdf, bulletin.pdf.

Offices circulate a 通报 as Word and as a printed PDF, so the one content model
(`reports.bulletin.document.build`) is laid out twice: python-docx in GB/T 9704 layout
(`reports.bulletin.gongwen`) and an autoescaped HTML page that Chromium prints on A4 with the same
margins and "— N —" page numbers. `xxgk report --bulletin` (or `--formats bulletin`) writes it; a
monthly-volume run writes it by default.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reports.bulletin import fonts
from reports.bulletin.document import Bulletin, build
from reports.bulletin.gongwen import write_docx
from reports.context import Report
from reports.templating import environment

# Chromium's print margins are the 公文 margins. The page number sits in the bottom margin as GB/T 9704
# wants it: "— N —", odd pages right and even pages left, one character in from the edge of the text.
# It is drawn by the page's own `@page :right` / `@page :left` margin boxes (bulletin.html.j2), which
# Chromium prints; its header/footer templates cannot tell odd pages from even.
PDF_OPTIONS = {
    "format": "A4", "landscape": False, "print_background": True, "prefer_css_page_size": False,
    "margin": {"top": "37mm", "bottom": "35mm", "left": "28mm", "right": "26mm"},
    "display_header_footer": False,
}


def write(report: Report, out_dir: Path) -> list[Path]:
    """bulletin.html and bulletin.docx; bulletin.pdf too when the render writes pdf."""
    return write_bulletin(report, out_dir, pdf="pdf" in report.formats)


def write_bulletin(report: Report, out_dir: Path, *, pdf: bool = False, today: dt.date | None = None) -> list[Path]:
    """The 通报 files of one report into `out_dir`: html, docx and, when `pdf`, the printed PDF.

    Dated `today` (default: the day it is written) unless the sender file gives the date."""
    bulletin = build(report, report.bulletin_sender, today=today)
    html = write_html(bulletin, out_dir / "bulletin.html", docx="bulletin.docx")
    written = [html, write_docx(bulletin, out_dir / "bulletin.docx")]
    if pdf:
        written.append(write_pdf(html, out_dir / "bulletin.pdf"))
    return written


def write_html(bulletin: Bulletin, path: Path, docx: str | None = None) -> Path:
    """The 通报 page (autoescaped); its fonts put the installed 公文 font of each role first."""
    stacks = {role: fonts.css_stack(role) for role in fonts.PREFERRED}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(environment().get_template("bulletin.html.j2").render(b=bulletin, fonts=stacks, docx=docx),
                    encoding="utf-8")
    return path


def write_pdf(html: Path, pdf: Path) -> Path:
    """Print the 通报 page to A4 through Debian Chromium (reports.formats.pdf's printer)."""
    from reports.formats.pdf import print_pages

    print_pages([(html, pdf)], options=PDF_OPTIONS)
    return pdf
