"""Evidence pages read and placed a batch of sites at a time give the index and files of the run read whole;
item histories read a batch at a time give the same pages."""

from __future__ import annotations

import re
from pathlib import Path

from reports import evidence_pages, item_histories
from reports.model import load_run
from reports.render import render_report
from reports.snapshots import place
from xxgk.store import session_factory, session_scope

GENERATED = re.compile("由 xxgk 生成 .*?</p>".encode())  # the minute the report was written


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_batches_place_what_the_whole_run_places(synth, tmp_path, monkeypatch) -> None:
    store, _root = synth
    with session_scope(session_factory(store.db_url)) as s:
        whole = load_run(s, store.runs[-1]).evidence
        whole.place(tmp_path / "whole")
        whole.place_all()
        index = whole.for_site(store.site_ids[0])
        monkeypatch.setattr(evidence_pages, "BATCH_SITES", 2)
        batched = load_run(s, store.runs[-1]).evidence
        batched.place(tmp_path / "batched")
        got: dict = {}
        for site_id in store.site_ids:
            got.update(batched.for_site(site_id))
    assert len(store.site_ids) > 2 and len(batched._batches) > 1
    assert index and any(v["snapshot"] for v in index.values()) and any(v["screenshot"] for v in index.values())
    assert got == index
    assert _files(tmp_path / "batched") == _files(tmp_path / "whole")


def test_report_with_small_batches_is_the_same_folder(synth, tmp_path, monkeypatch) -> None:
    store, _root = synth

    def render(out: Path) -> dict[str, bytes]:
        with session_scope(session_factory(store.db_url)) as s:
            render_report(s, store.runs[-1], None, out, formats="html,csv")
        return {k: GENERATED.sub(b"", v) for k, v in _files(out).items()
                if k.startswith(("sites/", "snapshots/", "screenshots/"))}

    one = render(tmp_path / "one")
    monkeypatch.setattr(evidence_pages, "BATCH_SITES", 1)
    monkeypatch.setattr(item_histories, "BATCH_SITES", 1)
    assert any(k.startswith("snapshots/") for k in one)
    assert any("历次" in v.decode("utf-8") for k, v in one.items() if k.startswith("sites/"))  # histories shown
    assert render(tmp_path / "many") == one


def test_placing_again_over_the_same_link_leaves_one_file(tmp_path) -> None:
    src, dest = tmp_path / "cache.html", tmp_path / "out" / "snap.html"
    src.write_text("存档", encoding="utf-8")
    place(src, dest)
    place(src, dest)  # a re-render into the same folder: dest already is a link to src
    assert dest.read_text(encoding="utf-8") == "存档"
    assert [p.name for p in dest.parent.iterdir()] == ["snap.html"]
