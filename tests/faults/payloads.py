"""The payload catalogue: hostile strings a portal can put in column names, item titles, URLs and
attachment names, the small portal that carries them, and what every output must do with them.

One table drives `test_payloads.py` (each payload × each output format) and the payload section of
docs/reliability.md, so the doc cannot drift from what is tested.
"""

from __future__ import annotations

import html as htmlmod
import re
from dataclasses import dataclass
from urllib.parse import quote

from catalogue import _page
from dyn_server import html, text_pdf
from hostile_server import Route, send

from reports.cells import XLSX_MAX  # Excel's longest cell

__all__ = ["XLSX_MAX"]


@dataclass(frozen=True)
class Payload:
    """One hostile string and the threat it stands for."""

    id: str
    text: str  # the string as the portal shows it (HTML-escaped in the page, so it is crawled as text)
    threat: str  # what it would do if an output let it through (for the doc)
    marker: str  # a part of the text that must still be readable in the outputs (shown, not lost)


LONG = "长" * 100_000
PAYLOADS: list[Payload] = [
    Payload("script", "<script>alert(1)</script>", "a script element in an HTML page", "alert(1)"),
    Payload("attr_breakout", "\"><img src=x onerror=alert(2)>", "an attribute breakout with an event handler",
            "onerror=alert(2)"),
    Payload("svg_onload", "'><svg onload=alert(3)>", "a single-quote breakout with an SVG event", "onload=alert(3)"),
    Payload("js_href", "javascript:alert(document.cookie)", "a `javascript:` link", "alert(document.cookie)"),
    Payload("formula_eq", "=1+2*3", "a spreadsheet formula (`=`)", "1+2*3"),
    Payload("formula_plus", "+1+2+cmd|' /C calc'!A0", "a formula started by `+` (DDE)", "cmd|"),
    Payload("formula_minus", "-2+3+cmd|' /C calc'!A0", "a formula started by `-` and a digit (DDE)", "-2+3+cmd"),
    Payload("formula_at", "@SUM(1+1)*cmd|' /C calc'!A0", "a formula started by `@`", "SUM(1+1)"),
    Payload("hyperlink", '=HYPERLINK("http://evil.example/","点我")', "a formula link to another site",
            "HYPERLINK"),
    Payload("rtl", "年度报告\u202egpj.exe", "a right-to-left override hiding a file extension", "gpj.exe"),
    Payload("controls", "控制\x01字符\x07与\x1b[31m转义\x1b]8;;http://evil.example/\x07链接\x1b]8;;\x07",
            "NUL-range control characters, BEL and terminal escapes (ESC [, OSC 8)", "转义"),
    Payload("markup", "[bold red]富文本[/bold red]标记", "terminal rich markup", "[bold red]"),
    Payload("long", LONG, "a 100,000-character string", "长长长长长长长长"),
]

# One column per payload: its name starts with the payload (so formula triggers are at the start), and
# so do its items' titles and attachment names.
COLUMN_PAYLOADS = PAYLOADS
UNIT_GROUP = "部门信息公开"  # a group whose children are publishing units (the 通报's rows)

# What must never be in an output's markup or cells.
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066\u2067]")  # and bidi overrides
CSV_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # a CSV is data: bidi characters stay


# Each output read back by the test (name → its files, globs under the report folder) ...
OUTPUTS: dict[str, str] = {
    "html": "index.html sites/*.html", "snapshots": "snapshots/*.html", "csv": "*.csv", "xlsx": "report.xlsx",
    "json": "report.json", "bulletin_html": "bulletin.html", "bulletin_docx": "bulletin.docx",
    "verification_csv": "verify/verification.csv", "verification_html": "verify/verification.html",
    "verification_xlsx": "verify/verification.xlsx", "verification_docx": "verify/verification.docx",
    "pdf": "index.pdf sites/*.pdf",
}
# ... and where a payload cannot appear, with why.
LONG_LINK = "the 通报 lists units (columns); a 100,000-character link is never read as a column name"
NOT_CARRIED = {("bulletin_html", "long"): LONG_LINK, ("bulletin_docx", "long"): LONG_LINK}


def render_doc() -> list[str]:
    """The payload section of docs/reliability.md: payload × output, from the tables above."""
    short = {"bulletin_html": "bulletin html", "bulletin_docx": "bulletin docx", "verification_csv": "verif. csv",
             "verification_html": "verif. html", "verification_xlsx": "verif. xlsx",
             "verification_docx": "verif. docx"}
    heads = [short.get(f, f) for f in OUTPUTS]
    lines = [
        "## Hostile content in every output",
        "",
        "Generated from `tests/faults/payloads.py`; `tests/faults/test_payloads.py` serves a portal whose column "
        "names, item titles, item URLs and attachment names carry each payload, audits it and reads every "
        "output back (lxml, csv, openpyxl, json, python-docx, pdfium). Each ✓ is asserted: the output opens, "
        "the payload is there as readable text, and nothing of it is live — no script element, event "
        "attribute or `javascript:`/`data:` link from crawled data, no formula cell or cell starting with "
        "`=`, `+`, `-`, `@`, tab or CR (a quote is put in front), no raw control character or bidi "
        "override (removed; JSON keeps the data and writes them as `\\u` escapes; a CSV, data too, keeps bidi "
        "characters and loses only the controls), no cell past Excel's "
        f"{XLSX_MAX:,} characters, no `file://`, JavaScript or launch action in a PDF. "
        "The terminal gets the same treatment (`tests/faults/test_terminal.py`).",
        "",
        "| payload | threat | " + " | ".join(heads) + " |",
        "|---|---|" + "---|" * len(heads),
    ]
    for p in PAYLOADS:
        cells = ["—" if (f, p.id) in NOT_CARRIED else "✓" for f in OUTPUTS]
        lines.append(f"| `{p.id}` | {p.threat} | " + " | ".join(cells) + " |")
    lines += ["", *(f"— {f} × `{pid}`: {why}." for (f, pid), why in NOT_CARRIED.items()), ""]
    return lines


def column_name(p: Payload) -> str:
    return f"{p.text}栏目"


def item_title(p: Payload, i: int) -> str:
    return f"{p.text}第{i}号文件"


def _col(k: int) -> str:
    return f"/c{k}/"


def portal_routes() -> dict[str, Route]:
    """Home page with a 部门信息公开 group of payload-named columns; lists, articles and attachments."""
    e = htmlmod.escape
    nav = "".join(f"<li><a href='{_col(k)}list.html'>{e(column_name(p))}</a></li>"
                  for k, p in enumerate(COLUMN_PAYLOADS))
    home = html(f"<div class='sidebar'><ul><li><a href='/g/list.html'>{UNIT_GROUP}</a><ul>{nav}</ul></li></ul></div>"
                "<p>欢迎访问示例区政府信息公开平台。</p>", "示例区政府信息公开")
    pdf = text_pdf("payload attachment")
    routes: dict[str, Route] = {"/index.html": _page(home)}
    group_rows = "".join(f"<li><a href='{_col(k)}list.html'>{e(column_name(p))}</a></li>"
                         for k, p in enumerate(COLUMN_PAYLOADS))
    routes["/g/list.html"] = _page(html(f"<div class='list'><ul>{group_rows}</ul></div>", UNIT_GROUP))
    for k, p in enumerate(COLUMN_PAYLOADS):
        base = _col(k)
        rows = "".join(
            f"<li><a href='{base}a{i}.html?t={quote(p.text[:200])}'>{e(item_title(p, i))}</a>"
            f"<span>2026-0{i + 1}-1{i}</span></li>" for i in range(3))
        rows += "<li><a href='javascript:alert(9)'>脚本链接条目</a><span>2026-03-15</span></li>"
        if k == 0:  # the long string as an item title
            rows += f"<li><a href='{base}a1.html?long=1'>{LONG}</a><span>2026-03-16</span></li>"
        routes[base + "list.html"] = _page(html(f"<div class='list'><ul>{rows}</ul></div>", e(column_name(p))))
        for i in range(3):
            title = LONG if (k, i) == (0, 1) else item_title(p, i)
            att = f"{LONG}.pdf" if (k, i) == (1, 0) else f"{p.text}附件.pdf"
            body = (f"<div class='article'><h1>{e(title)}</h1><p>发布日期：2026-0{i + 1}-1{i}</p>"
                    f"<div class='content'><p>{'正文内容' * 20}</p>"
                    f"<p><a href='/files/{k}-{i}.pdf'>{e(att)}</a></p>"
                    f"<p><a href='javascript:alert(10)'>{e(p.text)}</a></p></div></div>")
            routes[f"{base}a{i}.html"] = _page(html(body, e(title[:200])))
            routes[f"/files/{k}-{i}.pdf"] = (lambda h, m, q: send(h, 200, pdf, {"Content-Type": "application/pdf"}))
    return routes


def rubric_data() -> dict:
    """A rubric over the payload world: presence of each payload column, blank columns, monthly volume."""
    items = [{"id": f"p{k}", "name": column_name(p), "weight": 1, "checks": [{"kind": "presence"}]}
             for k, p in enumerate(COLUMN_PAYLOADS)]
    items.append({"id": "blank", "name": "空白栏目", "weight": 1, "checks": [{"kind": "blank_columns"}]})
    items.append({"id": "vol", "name": "月度发布量", "weight": 1, "checks": [{"kind": "monthly_volume", "params": {
        "measure": "quota", "months": 1, "history_months": 6, "quota": 2, "unit_source": "column",
        "include_current_month": True}}]})
    return {"id": "payloads", "title": "载荷", "source": {"title": "测试", "number": "测〔2026〕2号"},
            "applies_to": "any", "method": "weighted", "total": len(items),
            "sections": [{"id": "s", "name": "载荷", "items": items}]}
