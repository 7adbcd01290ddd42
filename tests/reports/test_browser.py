"""The ranking and a site page in headless Debian Chromium; PDFs printed and their text escaped."""

from __future__ import annotations

import pytest

from bench.synthetic import HOSTILE_SHORT
from reports.browser import chromium, chromium_path
from reports.formats.pdf import print_report

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium_path() is None, reason="Debian chromium is not installed")]


def _column(page, table_id, index):
    return page.eval_on_selector_all(f"#{table_id} tbody tr",
                                     f"rows => rows.map(r => r.cells[{index}].textContent.trim())")


def test_ranking_and_site_page_in_chromium(rendered, tmp_path):
    store, out, _ = rendered
    errors: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: errors.append("dialog: " + d.message))
        page.goto((out / "index.html").as_uri())
        assert page.title().startswith("信息公开评估排名")
        ranks = _column(page, "ranking", 0)
        # click 网站 (column 2): rows re-sort by name; click 总分 twice: ascending then descending
        page.click("#ranking thead th:nth-child(4)")
        totals_asc = [float(t) for t in _column(page, "ranking", 3) if t != "未能评分"]
        assert totals_asc == sorted(totals_asc) and _column(page, "ranking", 0) != ranks
        page.click("#ranking thead th:nth-child(4)")
        totals_desc = [float(t) for t in _column(page, "ranking", 3) if t != "未能评分"]
        assert totals_desc == sorted(totals_desc, reverse=True)
        page.screenshot(path=str(tmp_path / "ranking.png"), full_page=True)
        # follow the link to the hostile site's page
        page.click(f'a[href="sites/site-{store.hostile_site}.html"]')
        page.wait_for_load_state("load")
        assert page.url.endswith(f"sites/site-{store.hostile_site}.html")
        assert HOSTILE_SHORT in page.inner_text("h1")  # shown as text, never run
        assert page.title() != "pwned"
        page.screenshot(path=str(tmp_path / "site.png"), full_page=True)
        page.click("a.snapshot")
        page.wait_for_load_state("load")
        assert "存档副本" in page.inner_text("body") and page.title() != "pwned"
    assert (tmp_path / "ranking.png").stat().st_size > 1000 and (tmp_path / "site.png").exists()
    assert not errors, errors


def test_pdf_text_shows_hostile_strings_as_text(rendered, tmp_path):

    store, out, _ = rendered
    pdfs = print_report(out, sites=False)
    site_html = out / "sites" / f"site-{store.hostile_site}.html"
    from reports.formats.pdf import print_pages

    pdfs += print_pages([(site_html, tmp_path / "site.pdf")])
    for pdf in pdfs:
        text = _pdf_text(pdf)
        assert "<script>alert" in text.replace("\n", ""), pdf  # printed literally, as text
    assert "信息公开评估排名" in _pdf_text(pdfs[0])


def _pdf_text(path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages)
