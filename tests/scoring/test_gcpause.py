"""The cyclic collector is off while a batch is judged, and back as it was afterwards."""

from __future__ import annotations

import gc

import scoring.engine as engine
from scoring.gcpause import collector_paused
from scoring.rubric import find_rubric, load_rubric
from tests.storekit import charter_run
from xxgk.store import session_factory


def test_paused_block_restores_the_collector_state() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "an inner pause must not switch the collector back on"
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled(), "a collector that was off stays off"
    finally:
        gc.enable()


def test_collector_is_restored_when_the_block_raises() -> None:
    try:
        with collector_paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_checks_run_with_the_collector_paused(tmp_path, monkeypatch) -> None:
    seen: list[bool] = []
    judge = engine.judge_crawl

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(gc.isenabled())
        return judge(*args, **kwargs)

    monkeypatch.setattr(engine, "judge_crawl", spy)
    session = session_factory(f"sqlite:///{tmp_path / 'g.db'}")()
    try:
        run_id = charter_run(session, 3)
        engine.score_run(session, run_id, load_rubric(find_rubric("moe-university-checklist-2014")))
    finally:
        session.close()
    assert seen == [False, False, False]
    assert gc.isenabled()
