"""The ranking, a site page and an evaluation page in headless Debian Chromium (tables sort, every link
resolves, no console error, nothing requested but local files); PDFs printed and their text escaped."""

from __future__ import annotations

import pytest

from bench.synthetic import HOSTILE_SHORT, RUBRIC_ID
from reports.browser import chromium_path
from reports.formats.pdf import print_report
from tests.browserkit import link_problems

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium_path() is None, reason="Debian chromium is not installed")]


def _column(page, table_id, index):
    return page.eval_on_selector_all(f"#{table_id} tbody tr",
                                     f"rows => rows.map(r => r.cells[{index}].textContent.trim())")


def _click_sort(page, table_id, index, numeric=True):
    """Click a column header; return the column's sort values (data-v, else the text) top to bottom,
    only the numbers when `numeric` (blank cells sort last and are left out)."""
    page.click(f"#{table_id} thead th:nth-child({index + 1})")
    cells = page.eval_on_selector_all(
        f"#{table_id} tbody tr",
        f"rows => rows.map(r => r.cells[{index}].dataset.v ?? r.cells[{index}].textContent.trim())")
    return [float(c) for c in cells if _number(c)] if numeric else cells


def _number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_ranking_and_site_page_in_chromium(rendered, tmp_path, browser_page):
    store, out, _ = rendered
    watched = browser_page()  # only file:// may load: the pages must render offline
    page = watched.page
    page.goto((out / "index.html").as_uri())
    assert page.title().startswith("信息公开评估排名")
    ranks = _column(page, "ranking", 0)
    totals_asc = _click_sort(page, "ranking", 3)  # 总分: ascending, then descending
    assert totals_asc == sorted(totals_asc) and len(set(totals_asc)) >= 3 and _column(page, "ranking", 0) != ranks
    totals_desc = _click_sort(page, "ranking", 3)
    assert totals_desc == sorted(totals_desc, reverse=True)
    names_asc = _click_sort(page, "ranking", 2, numeric=False)  # 网站, by name in 中文 order
    assert names_asc == page.evaluate("ns => ns.slice().sort((a, b) => a.localeCompare(b, 'zh'))", names_asc)
    assert link_problems(page) == []
    page.screenshot(path=str(tmp_path / "ranking.png"), full_page=True)
    # follow the link to the hostile site's page
    page.click(f'a[href="sites/site-{store.hostile_site}.html"]')
    page.wait_for_load_state("load")
    assert page.url.endswith(f"sites/site-{store.hostile_site}.html")
    assert HOSTILE_SHORT in page.inner_text("h1")  # shown as text, never run
    assert page.title() != "pwned"
    assert link_problems(page) == []
    page.screenshot(path=str(tmp_path / "site.png"), full_page=True)
    page.click("a.snapshot")
    page.wait_for_load_state("load")
    assert "存档副本" in page.inner_text("body") and page.title() != "pwned"
    assert (tmp_path / "ranking.png").stat().st_size > 1000 and (tmp_path / "site.png").exists()
    watched.assert_clean()


def test_the_offline_check_sees_a_request_to_the_network(tmp_path, browser_page):
    """The gate that proves "renders offline" is itself able to fail."""
    (tmp_path / "p.html").write_text('<link rel="stylesheet" href="http://cdn.example.invalid/x.css"><p>x',
                                     encoding="utf-8")
    watched = browser_page()
    watched.page.goto((tmp_path / "p.html").as_uri())
    assert watched.blocked == ["http://cdn.example.invalid/x.css"]


def test_evaluation_page_sorts_links_and_renders_offline(synth, tmp_path, browser_page):
    from reports.evaluation_file import Evaluation, Part
    from reports.evaluation_render import render_evaluation
    from xxgk.store import session_factory, session_scope

    store, _root = synth
    evaluation = Evaluation(id="synthetic", title="综合评估", parts=[
        Part(id="a", name="类别一", rubric=RUBRIC_ID, section="1", weight=2),
        Part(id="b", name="类别二", rubric=RUBRIC_ID, section="2")])
    with session_scope(session_factory(store.db_url)) as s:
        render_evaluation(s, store.runs[-1], evaluation, tmp_path / "ev")
    watched = browser_page()
    page = watched.page
    page.goto((tmp_path / "ev" / "evaluation.html").as_uri())
    assert page.title().startswith("综合评估")
    part_asc = _click_sort(page, "ranking", 4)  # 类别一: ascending, then descending
    assert part_asc == sorted(part_asc) and len(set(part_asc)) >= 2
    part_desc = _click_sort(page, "ranking", 4)
    assert part_desc == sorted(part_desc, reverse=True)
    total_asc = _click_sort(page, "ranking", 2)
    assert total_asc == sorted(total_asc) and len(total_asc) >= 3
    assert HOSTILE_SHORT in page.inner_text("#ranking") and page.title() != "pwned"
    assert link_problems(page) == []
    jump = page.get_attribute("#ranking tbody tr:first-child td:last-child a", "href")  # to its usability row
    page.click("#ranking tbody tr:first-child td:last-child a")
    assert jump.startswith("#u-") and page.url.endswith(jump) and page.locator(jump).count() == 1
    watched.assert_clean()


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


def test_pdf_pages_are_numbered_and_embed_no_local_paths(rendered, tmp_path):
    import pdfplumber

    from reports.formats.pdf import print_pages

    _store, out, _ = rendered
    (pdf,) = print_pages([(out / "index.html", tmp_path / "index.pdf")])
    with pdfplumber.open(pdf) as doc:
        n = len(doc.pages)
        footers = [(page.extract_text() or "").replace(" ", "") for page in doc.pages]
    assert all(f"第{i}页/共{n}页" in text for i, text in enumerate(footers, start=1))
    assert b"file://" not in pdf.read_bytes()  # no local path of the machine that printed it
