"""Findings read a batch of sites at a time, and the ranking's sums read from the store, equal what the
whole findings frame gives: same records per site, same findings.csv bytes, same ranking."""

from __future__ import annotations

import pandas as pd
import pytest

from reports import finding_rows
from reports.cells import write_csv, write_csv_batches
from reports.finding_sums import frame_sums, store_sums
from reports.model import FINDING_COLUMNS, load_run
from reports.ranking import rank_sites
from xxgk.store import session_factory, session_scope


@pytest.fixture
def run(synth):
    store, _root = synth
    with session_scope(session_factory(store.db_url)) as s:
        yield s, load_run(s, store.runs[-1])


def test_store_sums_equal_the_frames_sums(run) -> None:
    _s, data = run
    whole = data.findings
    assert len(whole) > 0
    ours, theirs = data.finding_sums, frame_sums(whole)
    assert ours.tally == theirs.tally and ours.sections == theirs.sections
    assert ours.check_kinds == theirs.check_kinds and ours.statuses() == whole.status.value_counts().to_dict()
    assert [(i.item_id, i.item_name, i.section_name) for i in ours.items] == \
        [(i.item_id, i.item_name, i.section_name) for i in theirs.items]
    # the items in the order they first appear, as a groupby over the frame lists them
    assert [i.item_id for i in ours.items] == list(dict.fromkeys(whole.item_id))
    for mine, other in zip(ours.items, theirs.items, strict=True):
        assert [r[:2] for r in sorted(mine.rows)] == [r[:2] for r in sorted(other.rows)]
        assert [r[2:] for r in sorted(mine.rows)] == [pytest.approx(r[2:]) for r in sorted(other.rows)]
    assert ours.section_items == {sid: grp.item_id.nunique() for sid, grp in whole.groupby("section_id")}


def test_ranking_from_store_sums_equals_ranking_from_the_frame(run) -> None:
    _s, data = run
    from_store = rank_sites(data.sites, data.scores, data.finding_sums, pass_mark=data.pass_mark)
    from_frame = rank_sites(data.sites, data.scores, data.findings, pass_mark=data.pass_mark)
    pd.testing.assert_frame_equal(from_store.table, from_frame.table)
    pd.testing.assert_frame_equal(from_store.items, from_frame.items)
    pd.testing.assert_frame_equal(from_store.categories, from_frame.categories)
    assert from_store.sections == from_frame.sections and from_store.summary == from_frame.summary
    # and the item rates are the rule's, recomputed from the frame by hand
    first = from_frame.items.iloc[0]
    own = data.findings[data.findings.item_id == first.item_id]
    judged = own[own.status.isin(["pass", "partial", "fail"])]
    assert first.sites == len(judged) and first.fails == int((own.status == "fail").sum())


def test_sums_of_a_run_without_findings_are_empty(run) -> None:
    s, data = run
    empty = store_sums(s, int(data.run.id), "no-such-rubric")
    assert empty.empty and empty.items == [] and empty.statuses() == {}


def test_batched_findings_csv_is_the_whole_frames_csv(run, tmp_path, monkeypatch) -> None:
    _s, data = run
    whole = write_csv(data.findings[FINDING_COLUMNS], tmp_path / "whole.csv")
    monkeypatch.setattr(finding_rows, "BATCH_SITES", 1)
    batches = [b[FINDING_COLUMNS] for b in data.finding_reader.batches(1)]
    assert len(batches) == len(data.finding_reader.site_ids()) > 1
    batched = write_csv_batches(iter(batches), FINDING_COLUMNS, tmp_path / "batched.csv")
    assert batched.read_bytes() == whole.read_bytes()
    header = write_csv_batches(iter([]), FINDING_COLUMNS, tmp_path / "none.csv")
    assert header.read_bytes() == write_csv(pd.DataFrame(columns=FINDING_COLUMNS), tmp_path / "e.csv").read_bytes()


def test_a_site_page_holds_one_batch_of_findings(run, monkeypatch) -> None:
    _s, data = run
    monkeypatch.setattr(finding_rows, "BATCH_SITES", 1)
    reader = data.finding_reader
    expected = {int(sid): grp.to_dict("records") for sid, grp in data.findings.groupby("site_id")}
    for sid, records in expected.items():
        assert reader.for_site(sid) == records
        assert list(reader._held[1]) == [sid]  # the previous batch was let go
    assert reader.for_site(10**9) == []


def test_checks_of_one_kind_are_read_alone(run) -> None:
    _s, data = run
    kind = data.findings.check_kind.iloc[0]
    picked = data.finding_reader.with_check_kind(kind)
    assert len(picked) == int(data.findings.check_kind.astype(str).str.contains(kind, regex=False).sum()) > 0
    assert data.finding_reader.with_check_kind("no_such_check%").empty  # a LIKE wildcard is matched literally


def test_a_store_other_processes_cannot_open_is_read_whole_before_forking(run) -> None:
    _s, data = run
    reader = data.finding_reader
    reader._url = None  # as for an in-memory SQLite: a forked worker could not connect to it
    reader.prepare_fork()
    sid = reader.site_ids()[-1]
    assert reader._whole is not None and reader.for_site(sid) == \
        data.findings[data.findings.site_id == sid].to_dict("records")
    assert reader._held is None  # nothing read per batch


def test_streamed_report_json_is_one_dumps_of_the_whole_document(synth, tmp_path, monkeypatch) -> None:
    import json

    from reports.formats import json as json_format
    from reports.ranking import records
    from reports.render import render_report

    store, _root = synth
    monkeypatch.setattr(finding_rows, "BATCH_SITES", 1)  # one batch a site: every join between batches is tried
    with session_scope(session_factory(store.db_url)) as s:
        render_report(s, store.runs[-1], None, tmp_path, formats="html,csv,json")
        whole = load_run(s, store.runs[-1]).findings
    text = (tmp_path / "report.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert json_format.dumps(doc) == text
    expected = records(whole[[*FINDING_COLUMNS, "evidence_list", "matched_list", "details"]].rename(
        columns={"evidence_list": "evidence", "matched_list": "matched_items"}))
    assert len(doc["findings"]) == len(expected) > 1
    assert doc["findings"] == json.loads(json_format.dumps(expected))


def test_findings_csv_joined_from_the_pages_parts_is_the_csv_read_whole(run, tmp_path, monkeypatch) -> None:
    _s, data = run
    monkeypatch.setattr(finding_rows, "BATCH_SITES", 1)
    reader = data.finding_reader
    read = write_csv_batches((b[FINDING_COLUMNS] for b in reader.batches(1)), FINDING_COLUMNS, tmp_path / "read.csv")
    parts = reader.start_csv_parts()
    ids = reader.site_ids()
    for sid in ids[::2]:  # the pages read every other batch; the join reads the rest itself
        reader.for_site(sid)
    assert len(list(parts.folder.glob("*.csv"))) == len(ids[::2]) < reader.batch_count()
    joined = parts.join(reader.batch_count(), FINDING_COLUMNS, reader.batch, tmp_path / "joined.csv")
    assert joined.read_bytes() == read.read_bytes() and read.read_bytes().count(b"\n") == 1 + len(data.findings)
    reader.close_csv_parts()
    assert not parts.folder.exists() and reader.csv_parts is None
