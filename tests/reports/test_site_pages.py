"""Site pages rendered in forked workers are the same files, byte for byte, as pages rendered in-process."""

from __future__ import annotations

import re

import pytest

from reports import site_pages
from reports.render import render_report
from xxgk.store import session_factory, session_scope

GENERATED = re.compile(r"由 xxgk 生成 .*?</p>")  # the minute the report was written


def _pages(store, out) -> dict[str, str]:
    with session_scope(session_factory(store.db_url)) as s:
        render_report(s, store.runs[-1], None, out, formats="html,csv")
    return {p.name: GENERATED.sub("", p.read_text(encoding="utf-8")) for p in sorted((out / "sites").glob("*.html"))}


def test_forked_site_pages_equal_in_process_pages(synth, tmp_path, monkeypatch) -> None:
    if "fork" not in site_pages.multiprocessing.get_all_start_methods():
        pytest.skip("no fork start method on this platform")
    store, _root = synth
    monkeypatch.setattr(site_pages, "PARALLEL_SITES", 10**9)
    serial = _pages(store, tmp_path / "serial")
    monkeypatch.setattr(site_pages, "PARALLEL_SITES", 1)
    monkeypatch.setattr(site_pages, "usable_cores", lambda: 2)
    assert site_pages.workers_for(len(serial)) == 2
    forked = _pages(store, tmp_path / "forked")
    assert len(serial) >= 3 and forked == serial


def test_small_runs_render_in_process() -> None:
    assert site_pages.workers_for(site_pages.PARALLEL_SITES - 1) == 0
    calls: list[int] = []
    paths = site_pages.write_pages(lambda i: calls.append(i) or site_pages.Path(f"p{i}"), 3)
    assert calls == [0, 1, 2] and [p.name for p in paths] == ["p0", "p1", "p2"]


def _with_crawl_rows(db_url: str) -> None:
    """Columns and items on every crawl of the store: nulls, a hostile title, a formula-looking name."""
    from sqlalchemy import select

    from xxgk.store import Column, Crawl, Item

    with session_scope(session_factory(db_url)) as s:
        for k, crawl in enumerate(s.scalars(select(Crawl).order_by(Crawl.id))):
            top = Column(crawl_id=crawl.id, name="基本信息", path="基本信息", declared_count=None if k % 2 else 7)
            s.add(top)
            s.flush()
            child = Column(crawl_id=crawl.id, parent_id=top.id, name="=学校章程", path="基本信息/=学校章程",
                           url=f"http://s{k}.test/zc", item_count=2)
            s.add(child)
            s.flush()
            for j in range(2):
                s.add(Item(column_id=child.id, crawl_id=crawl.id, title=f'<script>alert("{j}")</script>章程',
                           url=f"http://s{k}.test/zc/{j}"))


def _folder(db_url: str, run_id: int, out, lang: str = "en") -> dict[str, bytes]:
    with session_scope(session_factory(db_url)) as s:
        render_report(s, run_id, None, out, formats="html,csv", lang=lang, bulletin=False)  # a docx holds its zip time
    return {str(p.relative_to(out)): GENERATED.sub("", p.read_text(encoding="utf-8")).encode()
            if p.suffix == ".html" else p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_crawl_csvs_written_by_their_own_process_are_the_same_bytes(tmp_path, monkeypatch, lang) -> None:
    if "fork" not in site_pages.multiprocessing.get_all_start_methods():
        pytest.skip("no fork start method on this platform")
    from bench.synthetic import make_store
    from reports import crawl_csv

    store = make_store(f"sqlite:///{tmp_path / 's.sqlite'}", n_sites=5, n_runs=1, evidence_dir=tmp_path / "ev")
    _with_crawl_rows(store.db_url)
    started: list[object] = []
    real_start = crawl_csv.start
    monkeypatch.setattr(crawl_csv, "start", lambda *a: started.append(real_start(*a)) or started[-1])
    monkeypatch.setattr(site_pages, "PARALLEL_SITES", 10**9)
    serial = _folder(store.db_url, store.runs[-1], tmp_path / "serial", lang)
    assert started == [None]
    monkeypatch.setattr(site_pages, "PARALLEL_SITES", 1)
    monkeypatch.setattr(site_pages, "usable_cores", lambda: 2)
    forked = _folder(store.db_url, store.runs[-1], tmp_path / "forked", lang)
    assert started[-1] is not None and started[-1].process.exitcode == 0
    assert b"alert" in serial["items.csv"] and serial["columns.csv"].count(b"\n") == 1 + 2 * 5
    assert forked == serial


def test_a_failed_report_leaves_no_crawl_csvs(tmp_path, monkeypatch) -> None:
    from bench.synthetic import make_store
    from reports import render

    store = make_store(f"sqlite:///{tmp_path / 's.sqlite'}", n_sites=3, n_runs=1, evidence_dir=tmp_path / "ev")
    _with_crawl_rows(store.db_url)
    monkeypatch.setattr(site_pages, "PARALLEL_SITES", 1)
    monkeypatch.setattr(site_pages, "usable_cores", lambda: 2)

    def broken(*_a, **_k):
        raise RuntimeError("model failed")

    monkeypatch.setattr(render, "build_report", broken)
    with pytest.raises(RuntimeError), session_scope(session_factory(store.db_url)) as s:
        render_report(s, store.runs[-1], None, tmp_path / "out", formats="html,csv")
    assert not [p for p in (tmp_path / "out").glob("*.csv")]


def test_a_report_leaves_no_findings_parts_behind(synth, tmp_path, monkeypatch) -> None:
    import tempfile

    store, _root = synth
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    _pages(store, tmp_path / "out")
    assert (tmp_path / "out" / "findings.csv").stat().st_size > 0 and not list((tmp_path / "tmp").iterdir())
