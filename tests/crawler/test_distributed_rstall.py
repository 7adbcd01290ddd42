"""Request mode under a stalled or stopped worker: the queue's fence and a graceful stop's release.

A worker SIGSTOPped past its lease has its leased requests run by the others; woken (SIGCONT), its late
writes are refused and the run still matches the sample world's ground truth with no duplicate rows. A
worker that gets SIGTERM gives its leases back at once: nothing stays held until the lease expires, and
the others complete the run identically. Real Redis and PostgreSQL (fixtures), real worker processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis as redislib
from test_distributed import _check_world, _log, _make_run, _stop, _worker, world  # noqa: F401

from crawler.distributed.coordinator import seed_run, wait_run
from crawler.distributed.rqueue import Child, RequestQueue
from crawler.distributed.store_ops import run_progress

server = pytest.importorskip("xxgk.samples.server")
REFUSED = "its late writes are refused"


def test_fence_refuses_a_holder_whose_lease_was_handed_on(redis_url: str) -> None:
    q = RequestQueue(redis_url, "fence1", lease_seconds=0.2, host_limit=0)
    q.commit(1, "", [], [Child("e1", "h:1", q.score(0), "", b"x")])
    stale = q.pop()
    assert stale is not None and q.holds("e1", stale.lease)
    time.sleep(0.3)
    assert q.reap() == 1 and not q.holds("e1", stale.lease)  # expired: nobody holds it
    fresh = RequestQueue(redis_url, "fence1", lease_seconds=30, host_limit=0).pop()
    assert fresh is not None and fresh.id == "e1" and q.holds("e1", fresh.lease)
    q.renew({"e1": stale.lease})  # the stale holder cannot take the lease back, nor shorten it
    q.release({"e1": stale.lease})
    assert q.holds("e1", fresh.lease) and q.r.zscore("fence1:inflight", "e1") > time.time() * 1000 + 20_000
    assert q.commit(1, "e1", [["SET", "fence1:late", "1"]], [], token=stale.lease) == -2
    assert not q.r.exists("fence1:late")  # nothing of a refused commit is applied
    assert q.commit(1, "e1", [], [], token=fresh.lease) == 0
    assert q.commit(1, "e1", [], [], token=stale.lease) == -1  # done: the late one is a duplicate


def _wait(cond, seconds: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


def test_stalled_request_worker_is_fenced(world: Path, pg_url: str, redis_url: str, tmp_path: Path) -> None:  # noqa: F811
    ns = "rs1"
    r = redislib.Redis.from_url(redis_url, decode_responses=True)
    with server.SampleServer(world, delay=0.01) as srv:
        urls, ext = dict(srv.urls), dict(srv.external_urls)
        run_id = _make_run(pg_url, world, urls, limits={})
        seed_run(redis_url, pg_url, run_id, namespace=ns)
        victim = _worker(redis_url, pg_url, ns, tmp_path, lease=3.0, idle_exit=60)
        procs: list[subprocess.Popen] = []
        try:
            assert _wait(lambda: run_progress(pg_url, run_id)[2] >= 40 and r.hlen(f"{ns}:owner") >= 2, 90)
            os.kill(victim.pid, signal.SIGSTOP)  # alive, but stalled: no lease renewal, no writes
            held = r.hgetall(f"{ns}:owner")  # only the victim runs: every holder token is its
            assert held and run_progress(pg_url, run_id)[0] < len(urls), "the worker was not stopped mid-crawl"
            procs = [_worker(redis_url, pg_url, ns, tmp_path, lease=3.0) for _ in range(2)]

            def handed_on() -> bool:
                now = r.hmget(f"{ns}:owner", list(held))
                return all(tok != held[eid] for eid, tok in zip(held, now, strict=True))

            assert _wait(handed_on, 40), "the others did not take over the stalled worker's requests"
            os.kill(victim.pid, signal.SIGCONT)  # it wakes up and finishes its (lost) requests
            wait_run(redis_url, pg_url, run_id, namespace=ns, poll=0.3, timeout=240, lease_seconds=3.0)
            time.sleep(1.5)  # let the victim's late callbacks meet the fence
        finally:
            os.kill(victim.pid, signal.SIGCONT)
            _stop([victim, *procs])
        assert r.zcard(f"{ns}:inflight") == 0 and r.hlen(f"{ns}:entries") == 0
    victim_log = _log(victim)
    refused = [line for line in victim_log.splitlines() if REFUSED in line]
    assert refused, victim_log[-3000:]
    assert all(any(f"entry {eid} " in line for eid in held) for line in refused), (refused, list(held))
    assert "Traceback" not in victim_log, victim_log[-3000:]
    _check_world(pg_url, run_id, world, urls, ext)  # every page, column and item once, as the manifest says


def test_sigterm_releases_request_leases_at_once(world: Path, pg_url: str, redis_url: str, tmp_path: Path) -> None:  # noqa: F811
    ns = "rs2"
    lease = 120.0  # far longer than the test: a lease left to expire would fail it
    r = redislib.Redis.from_url(redis_url, decode_responses=True)
    with server.SampleServer(world, delay=0.01) as srv:
        urls, ext = dict(srv.urls), dict(srv.external_urls)
        run_id = _make_run(pg_url, world, urls, limits={})
        seed_run(redis_url, pg_url, run_id, namespace=ns)
        victim = _worker(redis_url, pg_url, ns, tmp_path, lease=lease, idle_exit=60)
        procs: list[subprocess.Popen] = []
        try:
            assert _wait(lambda: run_progress(pg_url, run_id)[2] >= 40 and r.zcard(f"{ns}:inflight") >= 2, 90)
            victim.terminate()
            victim.wait(timeout=30)
            # no other worker runs yet: whatever is still in flight was left held by the stopped one
            assert r.zcard(f"{ns}:inflight") == 0 and r.hlen(f"{ns}:owner") == 0, r.zrange(f"{ns}:inflight", 0, -1)
            assert run_progress(pg_url, run_id)[0] < len(urls), "the worker was not stopped mid-crawl"
            procs = [_worker(redis_url, pg_url, ns, tmp_path, lease=lease) for _ in range(2)]
            wait_run(redis_url, pg_url, run_id, namespace=ns, poll=0.3, timeout=240, lease_seconds=lease)
        finally:
            _stop([victim, *procs])
    assert "Traceback" not in _log(victim), _log(victim)[-3000:]
    _check_world(pg_url, run_id, world, urls, ext)
