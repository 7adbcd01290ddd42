"""PDF of the ranking page and the site pages through Chromium's print-to-PDF.

The pages are self-contained HTML, so they print offline; CJK text uses Debian's fonts
(fonts-wqy-microhei / fonts-noto-cjk), which the base template's font list names.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reports.browser import chromium
from reports.context import Report


def print_pages(pages: Iterable[tuple[Path, Path]], options: dict[str, Any] | None = None) -> list[Path]:
    """Print each (html, pdf) pair with one browser; return the PDFs written.

    `options` replace the page.pdf settings below (the 通报 prints A4 portrait with 公文 margins).
    """
    settings = options or {"format": "A4", "landscape": True, "print_background": True,
                           "margin": {"top": "12mm", "bottom": "16mm", "left": "10mm", "right": "10mm"},
                           "display_header_footer": True, "header_template": EMPTY_HEADER,
                           "footer_template": PAGE_FOOTER}
    written = []
    with chromium() as browser:
        context = browser.new_context(java_script_enabled=True, offline=True)
        page = context.new_page()
        for html, pdf in pages:
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.emulate_media(media="print")
            page.evaluate(UNLINK_LOCAL)
            page.pdf(path=str(pdf), **settings)
            written.append(pdf)
        context.close()
    return written


# Links between the report's own files would become file:// links naming the printing machine's
# folders; in the PDF they are plain text (the PDF is read on its own).
UNLINK_LOCAL = "document.querySelectorAll('a[href]').forEach(a => { if (a.href.startsWith('file:')) a.removeAttribute('href'); })"
# Chromium fills pageNumber/totalPages; no header (Chromium's default prints the file URL and title)
EMPTY_HEADER = "<span></span>"
PAGE_FOOTER = ('<div style="width:100%;text-align:center;font-size:9px;color:#555;font-family:sans-serif">'
               '第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>')


def print_report(out_dir: Path, sites: bool = True) -> list[Path]:
    """index.pdf beside index.html and, when `sites`, sites/site-N.pdf beside each site page."""
    out = Path(out_dir)
    pairs = [(out / "index.html", out / "index.pdf")]
    if sites:
        pairs += [(p, p.with_suffix(".pdf")) for p in sorted((out / "sites").glob("*.html"))]
    return print_pages(pairs)


def write(report: Report, out_dir: Path) -> list[Path]:
    """Print the HTML pages the html format wrote (it runs first: the registry orders it before pdf)."""
    return print_report(out_dir)
