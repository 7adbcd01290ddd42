"""The reliable request queue of request-level distributed crawls, on a real Redis.

Each entry is popped under a lease and committed exactly once; a dead worker's entries are reaped
back to their host queue; children are de-duplicated per crawl by fingerprint; the outstanding counter
queues the crawl's stage tasks (link checks, search, finalise) one after another, then nothing; the
pop skips hosts that this worker saturates or whose cross-worker slots are all taken.
"""

from __future__ import annotations

import json
import time

import redis as redislib

from crawler.distributed.rqueue import LAST_STAGE, STAGE_HOST, Child, RequestQueue


def _child(q: RequestQueue, host: str, fp: str, priority: int = 0) -> Child:
    return Child(q.new_id(), host, q.score(priority), fp, f"req {fp}".encode())


def test_commit_exactly_once_and_stages(redis_url: str) -> None:
    q = RequestQueue(redis_url, "rq1", lease_seconds=30)
    assert q.seed(7, 1) and not q.seed(7, 1)  # a crawl is seeded once
    start = q.pop()
    assert start is not None and json.loads(start.raw) == {"crawl": 7, "run": 1, "stage": 0}
    assert start.host == STAGE_HOST
    kids = [_child(q, "a:1", "fp1"), _child(q, "a:1", "fp2"), _child(q, "a:1", "fp1")]
    assert q.commit(7, start.id, [["HSET", "rq1:c:7:m", "x", "1"]], kids) == 2  # fp1 twice: queued once
    assert q.commit(7, start.id, [["HSET", "rq1:c:7:m", "x", "2"]], []) == -1  # a duplicate commit does nothing
    assert q.r.hget("rq1:c:7:m", "x") == b"1"
    a, b = q.pop(), q.pop()
    assert {a.raw, b.raw} == {b"req fp1", b"req fp2"} and q.pop() is None
    q.commit(7, a.id, [], [_child(q, "a:1", "fp2")])  # already queued once: filtered
    q.commit(7, b.id, [], [])
    stages = []
    for _ in range(LAST_STAGE):  # the crawl went quiet: its stages come one by one
        st = q.pop()
        assert st is not None and st.host == STAGE_HOST
        stages.append(json.loads(st.raw)["stage"])
        q.commit(7, st.id, [], [])
    assert stages == [1, 2, 3]
    assert q.pop() is None and q.pending() == (0, 0)
    assert int(q.r.hget("rq1:c:7:n", "outstanding")) == 0


def test_dead_worker_entries_are_reaped(redis_url: str) -> None:
    q = RequestQueue(redis_url, "rq2", lease_seconds=0.2)
    q.seed(1, 1)
    start = q.pop()
    q.commit(1, start.id, [], [_child(q, "h:1", "x")])
    held = q.pop()
    assert held is not None and q.pop() is None
    time.sleep(0.3)  # its worker died: no renewal
    assert q.reap() == 1
    again = q.pop()
    assert again is not None and again.id == held.id and again.attempt == 2
    q.renew([again.id])
    assert q.reap() == 0  # a renewed lease is kept
    # the first holder wakes up and commits: exactly once, and the re-delivered copy's commit is refused
    assert q.commit(1, held.id, [], []) == 0
    assert q.commit(1, again.id, [], []) == -1


def test_pop_respects_busy_and_saturated_hosts(redis_url: str) -> None:
    q = RequestQueue(redis_url, "rq3", lease_seconds=30, host_limit=1)
    q.seed(1, 1)
    start = q.pop()
    q.commit(1, start.id, [], [_child(q, "busy:1", "b"), _child(q, "full:1", "f"), _child(q, "free:1", "c")])
    r = redislib.Redis.from_url(redis_url)
    r.zadd("rq3:host:full:1", {"other-worker": time.time() + 30})  # another worker holds the only slot
    got = q.pop(busy_hosts={"busy:1"})
    assert got is not None and got.host == "free:1"
    assert q.pop(busy_hosts={"busy:1"}) is None
    r.delete("rq3:host:full:1")
    assert q.pop(busy_hosts={"busy:1"}).host == "full:1"
    assert q.pop().host == "busy:1"


def test_release_gives_entries_back(redis_url: str) -> None:
    q = RequestQueue(redis_url, "rq4", lease_seconds=30)
    q.seed(3, 1)
    start = q.pop()
    q.release([start.id])
    again = q.pop()
    assert again is not None and again.id == start.id


def test_another_stores_crawl_key_is_never_taken_for_this_one(redis_url: str) -> None:
    """Crawl ids restart in each new database: crawl 1 of a new store, seeded into a namespace that still
    holds crawl 1 of an old store's finished audit, is queued (the stale keys are dropped); when the
    seeder found live work in the namespace, seeding refuses with NamespaceInUse instead of leaving the
    audit waiting."""
    import pytest

    from crawler.distributed.queue import NamespaceInUse

    q = RequestQueue(redis_url, "rq-stores", lease_seconds=30)
    assert q.seed(1, 1, "1@2026-01-01T00:00:00")
    start = q.pop()
    q.commit(1, start.id, [], [_child(q, "a:1", "fp-old")])  # the old store's dupefilter knows fp-old
    with pytest.raises(NamespaceInUse, match="rq-stores"):  # the seeder found the namespace busy
        q.seed(1, 1, "1@2026-02-02T00:00:00", replace_stale=False)
    old = q.pop()
    q.commit(1, old.id, [], [])
    while (st := q.pop()) is not None:  # the old audit runs to its end
        q.commit(1, st.id, [], [])
    assert q.pending() == (0, 0)
    assert not q.seed(1, 1, "1@2026-01-01T00:00:00")  # the same run seeds once
    assert q.seed(1, 1, "1@2026-02-02T00:00:00")  # a new store's crawl 1
    start = q.pop()
    assert start is not None and json.loads(start.raw) == {"crawl": 1, "run": 1, "stage": 0}
    assert q.commit(1, start.id, [], [_child(q, "a:1", "fp-old")]) == 1  # not filtered by the old crawl
