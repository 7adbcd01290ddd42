"""The crawl lifecycle: how a crawl's end becomes its status, stop reason and error, and which crawls
may be resumed or restarted. Both record writers finish a crawl row through these rules."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from xxgk.store import CRAWL_DONE, CRAWL_FAILED, CRAWL_PENDING, CRAWL_RUNNING, Crawl
from xxgk.store.lifecycle import (
    can_restart,
    can_resume,
    elected_cms,
    fail_unfinished,
    start_crawl,
    verdict,
)


@pytest.mark.parametrize(("failed", "stop", "close", "expected"), [
    (None, None, "finished", ("done", "finished", None)),
    (None, None, "closespider_timeout", ("done", "time limit", None)),
    (None, None, "closespider_pagecount", ("done", "page limit", None)),
    (None, "article limit", "finished", ("done", "article limit", None)),  # the spider's own limit wins
    (None, None, "shutdown", ("failed", "interrupted", "interrupted")),  # Ctrl-C: failed, so resumable
    ("connection refused", None, "finished", ("failed", "connection refused", "connection refused")),
    ("DNS lookup failed", "page limit", "finished", ("failed", "DNS lookup failed", "DNS lookup failed")),
    (None, None, "lease_lost", ("done", "lease_lost", None)),
])
def test_verdict(failed, stop, close, expected):
    assert verdict(failed, stop, close) == expected


def test_elected_cms_prefers_an_adapter_over_generic_and_the_portal_guess():
    assert elected_cms(Counter({"generic": 9, "hanweb": 2, "trs": 2}), "vsb") == "hanweb"  # tie: first seen
    assert elected_cms({"generic": 3}, "vsb") == "vsb"
    assert elected_cms({"generic": 3}, None) == "generic"
    assert elected_cms({}, None) is None


@pytest.mark.parametrize(("status", "stop", "resume", "restart"), [
    (CRAWL_PENDING, None, True, True),
    (CRAWL_RUNNING, None, True, True),
    (CRAWL_DONE, "finished", False, False),
    (CRAWL_FAILED, "interrupted", True, True),
    (CRAWL_FAILED, "error", True, False),  # died inside Scrapy: resumed locally, not re-run by a late job
    (CRAWL_FAILED, "connection refused", False, False),  # the site was down: nothing to resume
])
def test_which_crawls_are_resumed_or_restarted(status, stop, resume, restart):
    assert can_resume(status, stop) is resume
    assert can_restart(Crawl(status=status, stop_reason=stop)) is restart


def test_start_keeps_the_start_time_of_a_resumed_crawl():
    then = dt.datetime(2026, 1, 1, 8, 0)
    resumed = Crawl(status=CRAWL_FAILED, stop_reason="interrupted", started_at=then, error="interrupted")
    start_crawl(resumed, "/w/site-1.warc.gz")
    assert (resumed.status, resumed.started_at, resumed.error, resumed.warc_path) == (
        CRAWL_RUNNING, then, None, "/w/site-1.warc.gz")
    fresh = Crawl(status=CRAWL_PENDING, started_at=then)
    start_crawl(fresh, None)
    assert fresh.status == CRAWL_RUNNING and fresh.started_at > then


def test_fail_unfinished_leaves_a_finished_crawl_alone():
    done = Crawl(status=CRAWL_DONE, stop_reason="finished")
    assert not fail_unfinished(done, "the crawler stopped")
    assert (done.status, done.error, done.stop_reason) == (CRAWL_DONE, None, "finished")
    running = Crawl(status=CRAWL_RUNNING)
    assert fail_unfinished(running, "the crawler stopped before finishing this site")
    assert (running.status, running.error, running.stop_reason) == (
        CRAWL_FAILED, "the crawler stopped before finishing this site", "error")
    assert running.finished_at is not None
