"""The 通报 printed by Debian Chromium: A4 portrait, text inside the 公文 margins, "— N —" page numbers, odd pages right
and even pages left."""

from __future__ import annotations

import re

import pdfplumber
import pytest

from bench.synthetic import make_store
from reports.context import build_report
from reports.formats.bulletin import write_bulletin
from xxgk.chromium import chromium_path
from xxgk.store import session_factory, session_scope

MM = 72 / 25.4
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


@pytest.mark.skipif(chromium_path() is None, reason="Debian chromium is not installed")
def test_bulletin_pdf_is_a4_with_margins_and_page_numbers(tmp_path):
    store = make_store(f"sqlite:///{tmp_path / 's.sqlite'}", n_sites=3, n_runs=1, n_sections=2, per_section=3)
    with session_scope(session_factory(store.db_url)) as s:
        files = write_bulletin(build_report(s, store.runs[-1], None), tmp_path, pdf=True)
    assert [p.name for p in files] == ["bulletin.html", "bulletin.docx", "bulletin.pdf"]
    with pdfplumber.open(tmp_path / "bulletin.pdf") as pdf:
        assert len(pdf.pages) >= 2
        for n, page in enumerate(pdf.pages, 1):
            assert (round(page.width), round(page.height)) == (596, 843)  # A4 portrait in points
            words = page.extract_words()
            body = [w for w in words if w["bottom"] < page.height - 35 * MM + 1]
            assert body and min(w["x0"] for w in body) >= 28 * MM - 1  # left margin 28 mm
            assert max(w["x1"] for w in body) <= page.width - 26 * MM + 1  # right margin 26 mm
            assert min(w["top"] for w in body) >= 37 * MM - 1  # top margin 37 mm
            footer = page.extract_text().splitlines()[-1]
            assert footer.replace(" ", "") == f"—{n}—", footer
            number = [w for w in words if w["top"] > page.height - 35 * MM and w["text"] == str(n)]
            assert number, f"page {n}: no page number in the bottom margin"
            if n % 2:  # GB/T 9704: odd pages right, even pages left
                assert number[0]["x0"] > page.width / 2, f"page {n}: number not on the right"
            else:
                assert number[0]["x1"] < page.width / 2, f"page {n}: number not on the left"
        first = pdf.pages[0].extract_text()
        every = "".join(page.extract_text() for page in pdf.pages)
    assert "一、总体情况" in first and "的通报" in first
    assert not INVISIBLE.search(every)
