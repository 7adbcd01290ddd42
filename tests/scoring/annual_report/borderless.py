"""Borderless PDF annual reports for tests, the way Word/WPS print tables whose borders are hidden.

The blocks and ground truth are the sample world's (`xxgk.samples.annual_reports.content`); only the
rendering differs: no ruling line at all, values centred in their columns, and with `wrap` narrow
label columns so long labels (e.g. 「（二）部分公开（区分处理的……）」) wrap over several lines.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import random
from typing import Any

from xxgk.samples.annual_reports.content import gov_blocks
from xxgk.samples.annual_reports.layout import Block, positions
from xxgk.samples.annual_reports.render import cjk_font


def _render(blocks: list[Block], *, wrap: bool) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "XXGKCJK" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("XXGKCJK", str(cjk_font()), subfontIndex=0))
    body = ParagraphStyle("b", fontName="XXGKCJK", fontSize=10.5, leading=16, wordWrap="CJK")
    head = ParagraphStyle("h", parent=body, fontSize=12, leading=20, spaceBefore=6)
    title = ParagraphStyle("t", parent=body, fontSize=15, leading=22, alignment=1)
    label = ParagraphStyle("l", fontName="XXGKCJK", fontSize=7, leading=9, wordWrap="CJK")
    value = ParagraphStyle("v", parent=label, alignment=1)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=36, rightMargin=36, topMargin=40, bottomMargin=40,
                            title="annual report", invariant=1)
    story: list = []
    for b in blocks:
        if b.kind == "title":
            story.append(Paragraph(html.escape(b.text), title))
        elif b.kind in ("meta", "p"):
            story.append(Paragraph(html.escape(b.text), body))
        elif b.kind == "h":
            story.append(Paragraph(html.escape(b.text), head))
        else:
            cells, h, w = positions(b.rows)
            data = [["" for _ in range(w)] for _ in range(h)]
            style = [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
            for r, c, cl in cells:
                numeric = cl.text.strip().lstrip("-").replace(".", "", 1).isdigit()
                data[r][c] = Paragraph(html.escape(cl.text), value if numeric else label) if cl.text else ""
                if cl.rs > 1 or cl.cs > 1:
                    style.append(("SPAN", (c, r), (c + cl.cs - 1, r + cl.rs - 1)))
            rel = list(b.widths or [1] * w)
            if wrap and w >= 8:  # the label columns narrow: long labels wrap over lines
                rel = [x * 0.55 if i < w - 7 else x for i, x in enumerate(rel)]
            widths = [doc.width * x / sum(rel) for x in rel]
            story += [Table(data, colWidths=widths, style=TableStyle(style)), Spacer(1, 6)]
    doc.build(story)
    return buf.getvalue()


def borderless_report(unit: str, year: int, *, kind: str = "department", errors: tuple[str, ...] = (),
                      blanks: float = 0.0, wrap: bool = False, seed: int = 7) -> tuple[bytes, dict[str, Any]]:
    """A borderless PDF report and its truth (`truth["tables"]` as the sample builder gives it)."""
    rng = random.Random(seed)
    blocks, truth = gov_blocks(unit, year, kind, rng, list(errors), dt.date(year + 1, 1, 20), None, blanks,
                               split_labels=True)
    return _render(blocks, wrap=wrap), truth
