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
    monkeypatch.setattr(site_pages.os, "cpu_count", lambda: 2)
    assert site_pages.workers_for(len(serial)) == 2
    forked = _pages(store, tmp_path / "forked")
    assert len(serial) >= 3 and forked == serial


def test_small_runs_render_in_process() -> None:
    assert site_pages.workers_for(site_pages.PARALLEL_SITES - 1) == 0
    calls: list[int] = []
    paths = site_pages.write_pages(lambda i: calls.append(i) or site_pages.Path(f"p{i}"), 3)
    assert calls == [0, 1, 2] and [p.name for p in paths] == ["p0", "p1", "p2"]
