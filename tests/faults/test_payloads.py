"""Hostile content through every output: a portal on 127.0.0.1 whose column names, item titles, URLs and
attachment names carry the payloads of `payloads.py` is crawled, scored and rendered in every format
(html, csv, xlsx, json, bulletin, verification, pdf) with its evidence snapshots.

For each payload × format: the output opens (lxml, csv, openpyxl, json, python-docx, pdfplumber), the
payload is still readable there as text, and nothing it carries survives live — no script element, event
attribute or `javascript:` link from crawled data, no cell that starts a formula, no raw control character.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from catalogue import LIMITS
from fault_audit import guarded_crawl
from hostile_server import HostileServer
from payloads import (
    CSV_CONTROL,
    FORMULA_START,
    NOT_CARRIED,
    OUTPUTS,
    PAYLOADS,
    PLAIN_NUMBER,
    RAW_CONTROL,
    XLSX_MAX,
    Payload,
    column_name,
    portal_routes,
    rubric_data,
)

SITE_NAME = "示例区<script>alert(0)</script>"
LIVE_SCHEMES = ("javascript:", "vbscript:", "data:")


@dataclass
class Output:
    """What one format wrote, read back: the strings a reader sees, and what is live or broken in it."""

    files: list[Path]
    strings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "file: what" — each one a payload that got through


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The payload portal crawled, scored and rendered in every format; the output folder."""
    from storekit import add_run_with_sites

    from reports.browser import chromium_path
    from reports.render import render_formats, render_report
    from scoring.engine import score_run
    from scoring.rubric import parse_rubric
    from xxgk.store import default_db_url, session_factory, session_scope

    tmp = tmp_path_factory.mktemp("payloads")
    with HostileServer(portal_routes()) as srv:
        db_url = default_db_url(tmp / "store.sqlite")
        with session_factory(db_url).begin() as s:
            run_id = add_run_with_sites(s, {SITE_NAME: srv.url + "/index.html"}, label="payloads")
        guarded_crawl(db_url, run_id, {**LIMITS, "fetch_articles": True}, tmp / "connects.log")
    rubric = parse_rubric(rubric_data(), {}, "<payloads>")
    with session_factory(db_url).begin() as s:
        score_run(s, run_id, rubric)
    out = tmp / "out"
    formats = "html,csv,xlsx,json,bulletin" + (",pdf" if chromium_path() else "")
    with session_scope(session_factory(db_url)) as s:
        render_report(s, run_id, "payloads", out, formats=formats, bulletin=True)
        render_formats(s, run_id, "payloads", out / "verify", ["verification"], verdicts=_verdicts())
    return out


def _verdicts() -> list[dict]:
    """verify-fixes rows whose every text field is a payload (names, claim URL, message)."""
    rows = []
    for n, p in enumerate(PAYLOADS):
        rows.append({"line": n + 2, "site": SITE_NAME, "site_name": SITE_NAME, "item_id": f"p{n}",
                     "item_name": column_name(p), "claimed": "pass", "claim_url": p.text, "verdict": "not_fixed",
                     "before": "fail", "after": "fail", "message": p.text, "evidence_urls": "javascript:alert(5)"})
    return rows


# ---------------------------------------------------------------- readers, one per format


def _controls(name: str, text: str, problems: list[str], pattern: re.Pattern[str] = RAW_CONTROL) -> None:
    for hit in {m.group() for m in pattern.finditer(text)}:
        problems.append(f"{name}: raw control character {hit!r}")


def _read_html(files: list[Path]) -> Output:
    from lxml import html as lxml_html

    out = Output(files)
    for path in files:
        text = path.read_text(encoding="utf-8")
        _controls(path.name, text, out.problems)
        doc = lxml_html.document_fromstring(text)
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            if el.tag == "script" and ("alert" in (el.text or "") or el.get("src")):
                out.problems.append(f"{path.name}: script element {(el.text or el.get('src'))[:80]!r}")
            for attr, value in el.attrib.items():
                if attr.lower().startswith("on"):
                    out.problems.append(f"{path.name}: event attribute {attr}={value[:80]!r} on <{el.tag}>")
                squeezed = "".join(ch for ch in value if ch > " ").lower()
                if attr.lower() in ("href", "src", "action", "formaction", "xlink:href", "srcdoc") and \
                        squeezed.startswith(LIVE_SCHEMES):
                    out.problems.append(f"{path.name}: {attr}={value[:80]!r} on <{el.tag}>")
                out.strings.append(value)
        out.strings.append(doc.text_content())
    return out


def _cell(name: str, where: str, value: str, out: Output, controls: re.Pattern[str] = RAW_CONTROL) -> None:
    out.strings.append(value)
    if FORMULA_START.match(value) and not PLAIN_NUMBER.match(value):
        out.problems.append(f"{name} {where}: starts a formula: {value[:80]!r}")
    _controls(f"{name} {where}", value, out.problems, controls)


def _read_csv(files: list[Path]) -> Output:
    out = Output(files)
    for path in files:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for r, row in enumerate(csv.reader(fh), start=1):
                for c, value in enumerate(row):
                    _cell(path.name, f"row {r} col {c + 1}", value, out, CSV_CONTROL)
    return out


def _read_xlsx(files: list[Path]) -> Output:
    from openpyxl import load_workbook

    out = Output(files)
    for path in files:
        for ws in load_workbook(path).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    where = f"{ws.title}!{cell.coordinate}"
                    if cell.data_type == "f":
                        out.problems.append(f"{path.name} {where}: formula cell {str(cell.value)[:80]!r}")
                    if isinstance(cell.value, str):
                        _cell(path.name, where, cell.value, out)
                        if len(cell.value) > XLSX_MAX:
                            out.problems.append(f"{path.name} {where}: {len(cell.value)} characters (Excel holds "
                                                f"{XLSX_MAX})")
    return out


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _read_json(files: list[Path]) -> Output:
    out = Output(files)
    for path in files:
        text = path.read_text(encoding="utf-8")
        _controls(path.name, text, out.problems)
        if "<" in text:  # escaped as \u003c, so the file is safe to inline in a page
            out.problems.append(f"{path.name}: a raw '<'")
        out.strings += list(_strings(json.loads(text)))
    return out


def _read_docx(files: list[Path]) -> Output:
    from docx import Document

    out = Output(files)
    for path in files:
        doc = Document(str(path))
        texts = [p.text for p in doc.paragraphs]
        texts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
        for t in texts:
            _controls(path.name, t, out.problems)
        out.strings += texts
    return out


def _read_pdf(files: list[Path]) -> Output:
    """Text by pdfium (pdfplumber's own backend: seconds, not minutes, for a 500-page site PDF); link
    targets and active entries from the file's objects (Chromium writes them uncompressed)."""
    import pypdfium2

    out = Output(files)
    for path in files:
        raw = path.read_bytes()
        for live in (b"/JavaScript", b"/JS ", b"/Launch", b"file://"):
            if live in raw:
                out.problems.append(f"{path.name}: contains {live.decode()}")
        for uri in re.findall(rb"/URI\s*\(((?:[^()\\]|\\.)*)\)", raw):
            if not uri.lower().startswith((b"http://", b"https://")):
                out.problems.append(f"{path.name}: link to {uri[:80]!r}")
        doc = pypdfium2.PdfDocument(str(path))
        try:
            out.strings += [doc[i].get_textpage().get_text_range().replace("\r\n", "") for i in range(len(doc))]
        finally:
            doc.close()
    return out


def _files(out: Path, *patterns: str) -> list[Path]:
    return sorted(p for pattern in patterns for p in out.glob(pattern))


READERS: dict[str, Callable[[list[Path]], Output]] = {
    "html": _read_html, "snapshots": _read_html, "csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json,
    "bulletin_html": _read_html, "bulletin_docx": _read_docx, "verification_csv": _read_csv,
    "verification_html": _read_html, "verification_xlsx": _read_xlsx, "verification_docx": _read_docx,
    "pdf": _read_pdf,
}
FORMATS = list(OUTPUTS)


def test_every_output_has_a_reader() -> None:
    assert set(READERS) == set(OUTPUTS)


@cache
def _output(out: Path, fmt: str) -> Output:
    return READERS[fmt](_files(out, *OUTPUTS[fmt].split()))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_output_opens_and_nothing_is_live(rendered: Path, fmt: str) -> None:
    if fmt == "pdf":
        from reports.browser import chromium_path

        if not chromium_path():
            pytest.skip("no Chromium: the pdf format is not written")
    got = _output(rendered, fmt)
    assert got.files, f"{fmt}: no file written"
    assert not got.problems, "\n".join(got.problems[:20])


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.id for p in PAYLOADS])
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_payload_is_shown_as_text(rendered: Path, fmt: str, payload: Payload) -> None:
    """The payload reached the output (so the inertness above was tested on it), as readable text."""
    if (fmt, payload.id) in NOT_CARRIED:
        pytest.skip(NOT_CARRIED[fmt, payload.id])
    if fmt == "pdf":
        from reports.browser import chromium_path

        if not chromium_path():
            pytest.skip("no Chromium: the pdf format is not written")
    got = _output(rendered, fmt)
    assert any(payload.marker in s for s in got.strings), f"{payload.id} not found in {fmt}"
    assert not [p for p in got.problems if payload.marker in p], [p for p in got.problems if payload.marker in p]
