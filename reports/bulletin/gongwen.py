"""The 通报 as a Word document in 公文 layout (GB/T 9704-2012), with python-docx.

A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; red 发文机关标志 and 发文字号 over a red
separator line; 标题 in 小标宋 二号; body 仿宋_GB2312 三号 at a fixed 28.9 pt line (22 lines a page),
first-level headings 黑体, second-level 楷体; signature and 成文日期 right, 右空四字; page numbers
"— N —" in 宋体 四号, odd pages right and even pages left, 空一字. Each 附件 starts a new page. No Word
heading styles (they are blue and numbered); every run names its font, so nothing falls back to
the template's theme fonts.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reports.bulletin.document import Bulletin
from reports.bulletin.fonts import DOCX as FONTS
from reports.bulletin.text import plain

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
SANHAO, ERHAO, SIHAO, XIAOSI = Pt(16), Pt(22), Pt(14), Pt(12)  # 三号, 二号, 四号, 小四
TEXT_WIDTH_MM = 210 - 28 - 26  # the 版心, 156 mm
LINE = Pt(28.9)  # 22 lines in the 225 mm 版心
RED = RGBColor(0xE6, 0x00, 0x12)
BLACK = RGBColor(0, 0, 0)
PAGE_NUMBER_FONT = "宋体"


def _fonts(rpr_owner, name: str, size: Pt | None = None, bold: bool = False, color: RGBColor = BLACK) -> None:  # type: ignore[no-untyped-def]
    """Set one run's (or style's) font for Latin and East Asian text, overriding the theme fonts."""
    font = rpr_owner.font
    font.name = name
    font.bold = bold
    font.color.rgb = color
    if size is not None:
        font.size = size
    rpr = rpr_owner.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


class Writer:
    """Adds 公文 paragraphs to one document."""

    def __init__(self) -> None:
        self.doc = Document()
        self._page_setup()
        normal = self.doc.styles["Normal"]
        _fonts(normal, FONTS["body"], SANHAO)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
        fmt.space_before = fmt.space_after = Pt(0)

    def _page_setup(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
        section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
        section.footer_distance, section.header_distance = Mm(21), Mm(15)
        self.doc.settings.odd_and_even_pages_header_footer = True
        _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
        _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)

    def para(self, text: str = "", *, font: str = "body", size: Pt = SANHAO, bold: bool = False,
             align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = False, color: RGBColor = BLACK,
             right_chars: float = 0, page_break: bool = False):  # type: ignore[no-untyped-def]
        p = self.doc.add_paragraph()
        if page_break:
            p.add_run().add_break(WD_BREAK.PAGE)
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size.pt * 2)
        if right_chars:
            p.paragraph_format.right_indent = Pt(size.pt * right_chars)
        if text:
            _fonts(p.add_run(plain(text)), FONTS[font], size, bold, color)
        return p

    def table(self, head: list[str], rows: list[list[str]], widths: tuple[int, ...] = ()) -> None:
        t = self.doc.add_table(rows=1, cols=len(head))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(t.rows[0].cells, head, strict=True):
            self._cell(cell, text, "heading")
        _repeat_header(t.rows[0])
        for row in rows:
            for cell, text in zip(t.add_row().cells, row, strict=True):
                self._cell(cell, text, "body")
        if len(widths) == len(head):
            t.autofit = False
            for column, share in zip(t.columns, widths, strict=True):
                for cell in column.cells:
                    cell.width = Mm(TEXT_WIDTH_MM * share / 100)

    def _cell(self, cell, text: str, font: str) -> None:  # type: ignore[no-untyped-def]
        p = cell.paragraphs[0]
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.paragraph_format.first_line_indent = Pt(0)
        _fonts(p.add_run(plain(text)), FONTS[font], XIAOSI)


def _page_number(p, align: WD_ALIGN_PARAGRAPH) -> None:  # type: ignore[no-untyped-def]
    """"— N —" with a PAGE field, 空一字 from the side it sits on."""
    p.alignment = align
    fmt = p.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = SIHAO
    else:
        fmt.left_indent = SIHAO
    _fonts(p.add_run("— "), PAGE_NUMBER_FONT, SIHAO)
    run = p.add_run()
    _fonts(run, PAGE_NUMBER_FONT, SIHAO)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
    _fonts(p.add_run(" —"), PAGE_NUMBER_FONT, SIHAO)


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    """The table's first row repeats on every page it runs over."""
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _red_line(p) -> None:  # type: ignore[no-untyped-def]
    """The red 分隔线 under the 发文字号: a bottom border as wide as the 版心."""
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", "6"), ("w:color", "E60012")):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)


def write_docx(b: Bulletin, path: Path) -> Path:
    """Write the bulletin to `path` (.docx)."""
    w = Writer()
    sender = plain(b.issuer.sender)
    mark = Pt(b.mark_size)  # 发文机关标志, on one line
    w.para()
    w.para(sender, font="title", size=mark, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED).paragraph_format \
        .line_spacing = Pt(mark.pt * 1.3)
    w.para()
    _red_line(w.para(b.issuer.number, align=WD_ALIGN_PARAGRAPH.CENTER))
    w.para()
    w.para(b.title, font="title", size=ERHAO, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.line_spacing = Pt(36)
    w.para()
    w.para(f"{b.issuer.addressee}：")
    for part in b.parts:
        w.para(part.heading, font="heading", indent=True)
        for i, text in enumerate(part.paragraphs):
            w.para(text, font="subheading" if i in part.subheadings else "body", indent=True)
    w.para()
    for i, a in enumerate(b.attachments, 1):  # 附件说明: the later lines align under the first number
        p = w.para(f"附件：{i}. {a.title}" if i == 1 else f"{i}. {a.title}", indent=True)
        if i > 1:
            p.paragraph_format.first_line_indent = Pt(SANHAO.pt * 5)
    w.para()
    w.para()
    gap = max(0.0, (len(b.date_text) - len(sender)) / 2)
    w.para(sender, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4 + gap)
    w.para(b.date_text, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)
    for i, a in enumerate(b.attachments, 1):
        w.para(f"附件{i}", font="heading", page_break=True)
        w.para()
        w.para(a.title, font="title", size=ERHAO, align=WD_ALIGN_PARAGRAPH.CENTER)
        w.para()
        for table in a.tables:
            if table.caption:
                w.para(table.caption, font="heading", size=SIHAO)
            w.table(table.head, table.rows, table.widths)
            w.para()
    props = w.doc.core_properties
    props.title, props.author, props.last_modified_by, props.comments = plain(b.title), sender, sender, ""
    props.subject, props.keywords, props.category = plain(b.issuer.number), "", ""
    path.parent.mkdir(parents=True, exist_ok=True)
    w.doc.save(str(path))
    return path

