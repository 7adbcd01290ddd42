"""Distributed crawling: workers on a real Redis and PostgreSQL.

Request mode (the default): two workers pulling requests of every crawl from the shared queue
reproduce the sample world's ground truth (`world_check.compare_world`, every feature: articles,
attachments, link checks, search, browser) with no duplicate rows; a worker SIGKILLed mid-crawl has
its in-flight requests re-queued and the run still matches exactly, without duplicates; the per-host
limit holds across workers (counted inside the sample server and in Redis). Site mode (`--mode site`)
keeps its own tests: ground truth, a killed worker's site restarted, a stalled worker fenced.
Skipped only when the redis-server / PostgreSQL binaries are absent (the fixtures say which).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest
import redis as redislib
from sqlalchemy import func, select
from storekit import add_run_with_sites
from world_check import compare_world, register_world_run

from crawler.distributed.coordinator import seed_run, wait_run
from crawler.distributed.queue import JobQueue
from crawler.distributed.rqueue import RequestQueue
from crawler.distributed.store_ops import run_progress
from xxgk.store import Column, Crawl, Document, Item, Page, Run, Site, session_factory

samples = pytest.importorskip("xxgk.samples")
server = pytest.importorskip("xxgk.samples.server")

ROOT = Path(__file__).resolve().parents[2]
LIMITS = {"fetch_articles": False, "check_links": False, "browser": False, "search": False}
HOST_LIMIT = 2


class HostCounter:
    """Counts concurrent requests per sample-server port (each portal is its own host).

    A request counts from the moment the server has read it until it starts answering. Counting until
    the handler thread returns would add the thread's scheduling lag after the last byte is sent: the
    client has the whole response by then and may rightly send its next request, so under CPU load the
    count would briefly show limit + 1 with a client that never had more than `limit` in flight.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: dict[int, int] = defaultdict(int)
        self.max: dict[int, int] = defaultdict(int)
        self.total = 0

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        original = server._Handler._send
        original_response = server._Handler.send_response
        counter = self

        def _done(handler) -> None:
            port = handler.__dict__.pop("_xxgk_counted", None)
            if port is not None:
                with counter.lock:
                    counter.now[port] -= 1

        def _send(handler, head_only: bool, form: bytes = b"") -> None:
            port = handler.server.server_address[1]
            with counter.lock:
                counter.now[port] += 1
                counter.total += 1
                counter.max[port] = max(counter.max[port], counter.now[port])
            handler._xxgk_counted = port
            try:
                original(handler, head_only, form)
            finally:
                _done(handler)

        def send_response(handler, *args, **kwargs) -> None:
            _done(handler)  # the answer starts: from here the client may finish this request
            original_response(handler, *args, **kwargs)

        monkeypatch.setattr(server._Handler, "_send", _send)
        monkeypatch.setattr(server._Handler, "send_response", send_response)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dworld")
    return Path(samples.generate_world(out / "world", seed=2024, n_universities=3, n_governments=0)).parent


def _make_run(db_url: str, world_dir: Path, urls: dict[str, str], limits: dict | None = None) -> int:
    return register_world_run(db_url, world_dir, urls, "distributed", {"limits": LIMITS if limits is None else limits})


def _worker(redis_url: str, db_url: str, ns: str, store: Path, *, lease: float = 30.0, slots: int = 2,
            idle_exit: float = 2.0, mode: str = "request") -> subprocess.Popen:
    cmd = [sys.executable, "-m", "xxgk.cli", "worker", "--redis", redis_url, "--db", db_url, "--namespace", ns,
           "--slots", str(slots), "--host-limit", str(HOST_LIMIT), "--lease", str(lease),
           "--idle-exit", str(idle_exit), "--store-dir", str(store), "--host-lease", "5", "--mode", mode]
    # stderr goes to a file, never an unread pipe: a worker that logs more than a pipe holds would block on
    # its next write and stall the run it is meant to finish
    log = tempfile.NamedTemporaryFile(dir=store, prefix="worker-", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    log.close()
    proc.log_path = Path(log.name)  # type: ignore[attr-defined]
    return proc


def _log(proc: subprocess.Popen) -> str:
    """What a worker wrote to stderr (read after it stopped)."""
    return proc.log_path.read_text(encoding="utf-8", errors="replace")  # type: ignore[attr-defined]


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()


def _no_duplicates(s) -> None:
    """No row twice: items per column, pages / documents per crawl, columns per crawl and path."""
    for model, cols in ((Item, (Item.column_id, Item.url)), (Page, (Page.crawl_id, Page.url)),
                        (Document, (Document.crawl_id, Document.url)), (Column, (Column.crawl_id, Column.path))):
        dups = s.execute(select(*cols, func.count()).group_by(*cols).having(func.count() > 1)).all()
        assert not dups, f"duplicate {model.__tablename__}: {dups[:5]}"


def _check_world(db_url: str, run_id: int, world_dir: Path, urls: dict[str, str], ext: dict[str, str]) -> None:
    """Every portal exactly as its manifest says (all features), and no duplicate rows."""
    with session_factory(db_url)() as s:
        _no_duplicates(s)
        problems = compare_world(s, run_id, world_dir, urls, ext)
    assert not problems, "\n".join(problems[:30])


def _check(db_url: str, run_id: int, world_dir: Path, urls: dict[str, str]) -> None:
    """Ground truth (columns, items, pages) per portal and no duplicate rows (lists-only limits)."""
    portals = json.loads((world_dir / "world.json").read_text(encoding="utf-8"))["portals"]
    problems: list[str] = []
    with session_factory(db_url)() as s:
        _no_duplicates(s)
        for p in portals:
            manifest = json.loads((world_dir / p["manifest"]).read_text(encoding="utf-8"))
            base = urls[p["slug"]].rstrip("/")

            def _abs(url: str | None, base: str = base) -> str | None:
                return base + url if url and not url.startswith("http") else url

            crawl = s.scalars(select(Crawl).join(Site).where(Site.name == p["slug"], Crawl.run_id == run_id)).one()
            assert crawl.status == "done", (p["slug"], crawl.error)
            assert crawl.cms == p["cms"]
            assert crawl.portal_url == _abs(manifest["portal"])
            from xxgk.store import Column

            cols = {c.path: c for c in s.scalars(select(Column).where(Column.crawl_id == crawl.id))}
            want = {c["path"]: c for c in manifest["columns"]}
            if set(cols) != set(want):
                problems.append(f"{p['slug']}: columns differ {sorted(set(cols) ^ set(want))[:5]}")
            for path in set(cols) & set(want):
                got = {(i.title, i.url, i.published.isoformat() if i.published else None)
                       for i in s.scalars(select(Item).where(Item.column_id == cols[path].id))}
                exp = {(i["title"], _abs(i["url"]), i["date"]) for i in want[path]["items"]}
                if got != exp:
                    problems.append(f"{p['slug']} {path}: items missing {sorted(exp - got)[:2]} "
                                    f"extra {sorted(got - exp)[:2]}")
                if want[path]["kind"] == "list" and cols[path].list_pages != want[path]["pages"]:
                    problems.append(f"{p['slug']} {path}: list_pages {cols[path].list_pages}")
    assert not problems, "\n".join(problems[:30])


def _max_in_redis(redis_url: str, ns: str) -> dict[str, int]:
    r = redislib.Redis.from_url(redis_url, decode_responses=True)
    return {k: int(v) for k, v in r.hgetall(f"{ns}:host-max").items()}


def test_two_workers_ground_truth(world: Path, pg_url: str, redis_url: str, tmp_path: Path) -> None:
    """Request mode, every crawl feature on: two workers share the requests of every site."""
    ns = "t1"
    with server.SampleServer(world) as srv:
        urls, ext = dict(srv.urls), dict(srv.external_urls)
        run_id = _make_run(pg_url, world, urls, limits={})
        assert seed_run(redis_url, pg_url, run_id, namespace=ns) == len(urls)
        assert seed_run(redis_url, pg_url, run_id, namespace=ns) == 0  # seeding twice queues nothing
        procs = [_worker(redis_url, pg_url, ns, tmp_path) for _ in range(2)]
        try:
            wait_run(redis_url, pg_url, run_id, namespace=ns, poll=0.3, timeout=240)
        finally:
            _stop(procs)
        errs = [_log(p) for p in procs]
    _check_world(pg_url, run_id, world, urls, ext)
    assert not any("Traceback" in e for e in errs), errs
    # both workers fetched pages (each writes its own WARC file), of the same sites
    warcs = [f for f in (tmp_path / "warc" / "workers").glob("*.warc.gz") if f.stat().st_size > 0]
    assert len(warcs) == 2, warcs
    r = redislib.Redis.from_url(redis_url, decode_responses=True)
    assert r.zcard(f"{ns}:inflight") == 0 and r.hlen(f"{ns}:entries") == 0
    in_redis = _max_in_redis(redis_url, ns)
    assert in_redis and max(in_redis.values()) <= HOST_LIMIT, in_redis


def test_site_mode_two_workers_ground_truth_and_host_limit(world: Path, pg_url: str, redis_url: str,
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = HostCounter()
    counter.install(monkeypatch)
    ns = "t1s"
    with server.SampleServer(world) as srv:
        urls = dict(srv.urls)
        run_id = _make_run(pg_url, world, urls)
        assert seed_run(redis_url, pg_url, run_id, namespace=ns, mode="site") == len(urls)
        assert seed_run(redis_url, pg_url, run_id, namespace=ns, mode="site") == 0
        procs = [_worker(redis_url, pg_url, ns, tmp_path, slots=2, mode="site") for _ in range(2)]
        try:
            wait_run(redis_url, pg_url, run_id, namespace=ns, poll=0.3, timeout=120, mode="site")
        finally:
            _stop(procs)
        errs = [_log(p) for p in procs]
    _check(pg_url, run_id, world, urls)
    with session_factory(pg_url)() as s:
        assert s.scalar(select(func.count(Crawl.id)).where(Crawl.run_id == run_id)) == len(urls)
    assert counter.total > 50
    assert max(counter.max.values()) <= HOST_LIMIT, (dict(counter.max), errs)
    in_redis = _max_in_redis(redis_url, ns)
    assert in_redis and max(in_redis.values()) <= HOST_LIMIT, in_redis


def test_per_host_limit_holds_across_workers(world: Path, pg_url: str, redis_url: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workers hammer the *same* hosts: the run is seeded twice under two run ids."""
    counter = HostCounter()
    counter.install(monkeypatch)
    ns = "t2"
    with server.SampleServer(world, delay=0.02) as srv:
        urls = {k: v for k, v in list(srv.urls.items())[:2]}
        with session_factory(pg_url).begin() as s:
            ids = []
            for _ in range(2):
                ids.append(add_run_with_sites(s, urls, label="same hosts", config={"limits": LIMITS}))
        for run_id in ids:
            seed_run(redis_url, pg_url, run_id, namespace=ns)
        procs = [_worker(redis_url, pg_url, ns, tmp_path, slots=2) for _ in range(2)]
        try:
            for run_id in ids:
                wait_run(redis_url, pg_url, run_id, namespace=ns, poll=0.3, timeout=120)
        finally:
            _stop(procs)
    # without the Redis limit each worker alone would allow HOST_LIMIT per host: 2 workers → 2 × limit
    assert max(counter.max.values()) <= HOST_LIMIT, dict(counter.max)
    assert max(counter.max.values()) == HOST_LIMIT  # and the limit was actually reached
    assert max(_max_in_redis(redis_url, ns).values()) == HOST_LIMIT


def test_killed_worker_loses_nothing(world: Path, pg_url: str, redis_url: str, tmp_path: Path) -> None:
    """Request mode: a worker SIGKILLed mid-crawl holds leased requests; they come back to the queue and
    the run matches the ground truth exactly, with no duplicate rows."""
    ns = "t3"
    with server.SampleServer(world, delay=0.01) as srv:
        urls, ext = dict(srv.urls), dict(srv.external_urls)
        run_id = _make_run(pg_url, world, urls, limits={})
        seed_run(redis_url, pg_url, run_id, namespace=ns)
        victim = _worker(redis_url, pg_url, ns, tmp_path, lease=3.0, idle_exit=30)
        r = redislib.Redis.from_url(redis_url, decode_responses=True)
        deadline = time.monotonic() + 60
        while (run_progress(pg_url, run_id)[2] < 60 or r.zcard(f"{ns}:inflight") < 2) \
                and time.monotonic() < deadline:
            time.sleep(0.02)
        held = r.zcard(f"{ns}:inflight")
        done_before, _total, pages_before = run_progress(pg_url, run_id)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=10)
        assert pages_before >= 60 and done_before < len(urls), "the worker was not killed mid-crawl"
        assert held > 0 and r.zcard(f"{ns}:inflight") > 0  # in-flight requests, held under expiring leases
        procs = [_worker(redis_url, pg_url, ns, tmp_path, lease=3.0) for _ in range(2)]
        try:
            wait_run(redis_url, pg_url, run_id, namespace=ns, poll=0.3, timeout=240, lease_seconds=3.0)
        finally:
            _stop(procs)
        assert r.zcard(f"{ns}:inflight") == 0 and r.hlen(f"{ns}:entries") == 0
    _check_world(pg_url, run_id, world, urls, ext)


def test_stalled_worker_is_fenced(world: Path, pg_url: str, redis_url: str, tmp_path: Path) -> None:
    """Site mode: a worker frozen (SIGSTOP) past its lease, resumed after its sites were restarted elsewhere, writes
    nothing more and leaves those jobs alone: the run still matches the ground truth, without duplicates."""
    ns = "t5"
    with server.SampleServer(world, delay=0.01) as srv:
        urls = dict(srv.urls)
        run_id = _make_run(pg_url, world, urls)
        seed_run(redis_url, pg_url, run_id, namespace=ns, mode="site")
        victim = _worker(redis_url, pg_url, ns, tmp_path, lease=3.0, slots=4, idle_exit=60, mode="site")
        procs: list[subprocess.Popen] = []
        try:
            deadline = time.monotonic() + 60
            while run_progress(pg_url, run_id)[2] < 30 and time.monotonic() < deadline:
                time.sleep(0.05)
            os.kill(victim.pid, signal.SIGSTOP)  # alive, but stalled: no lease renewal, no writes
            with session_factory(pg_url)() as s:
                stale = {c.id: c.lease_token for c in s.scalars(select(Crawl).where(
                    Crawl.run_id == run_id, Crawl.status == "running", Crawl.lease_token.is_not(None)))}
            assert stale, "the worker was not stopped mid-crawl"
            procs = [_worker(redis_url, pg_url, ns, tmp_path, lease=3.0, slots=2, mode="site") for _ in range(2)]

            def _taken_over() -> bool:
                with session_factory(pg_url)() as s:
                    return all(s.get(Crawl, cid).lease_token != tok for cid, tok in stale.items())

            # a site whose row the victim holds (frozen inside a write) cannot be taken over until it wakes
            deadline = time.monotonic() + 20
            while not _taken_over() and time.monotonic() < deadline:
                time.sleep(0.1)
            os.kill(victim.pid, signal.SIGCONT)  # it wakes up and goes on crawling its (lost) sites
            wait_run(redis_url, pg_url, run_id, namespace=ns, poll=0.3, timeout=120, lease_seconds=3.0, mode="site")
            time.sleep(1.0)  # let the victim's spiders meet the fence and close
        finally:
            os.kill(victim.pid, signal.SIGCONT)
            _stop([victim, *procs])
        victim_log = _log(victim)
        r = redislib.Redis.from_url(redis_url, decode_responses=True)
        assert r.llen(f"{ns}:processing") == 0 and r.llen(f"{ns}:jobs") == 0
    _check(pg_url, run_id, world, urls)  # every crawl done once, matching the ground truth
    with session_factory(pg_url)() as s:
        owners = {cid: s.get(Crawl, cid).lease_token for cid in stale}
    lost = {cid for cid, tok in stale.items() if owners[cid] != tok}
    # a site is lost unless the victim froze inside its final write, which it then legitimately finished
    assert len(lost) >= len(stale) - 1 and lost, (stale, owners)
    refused = [line for line in victim_log.splitlines() if "another worker took this site over" in line]
    assert all(any(f"crawl {cid}:" in line for line in refused) for cid in lost), victim_log[-3000:]
    assert len(refused) == len(lost), victim_log[-3000:]  # one line per lost site, not one per batch
    assert "Traceback" not in victim_log, victim_log[-3000:]


def test_audit_distributed_cli(world: Path, pg_url: str, redis_url: str, tmp_path: Path) -> None:
    """`xxgk audit --distributed` seeds, waits for a worker, then scores and reports."""
    ns = "xxgk"  # the audit command's namespace
    with server.SampleServer(world) as srv:
        sites = tmp_path / "sites.csv"
        srv.write_sites_csv(sites)
        lines = sites.read_text(encoding="utf-8").splitlines()
        sites.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")  # header + 2 portals
        # the worker outlives the audit's own time-out (it is stopped below): in a fresh-clone run a
        # worker with 60 s of idle exit left, having seen no work, before the loaded audit seeded
        stale = RequestQueue(redis_url, ns)  # a Redis that outlived an earlier store: its crawls 1 and 2 are
        for crawl_id in (1, 2):              # finished in the namespace, and crawl ids restart in a new database
            stale.seed(crawl_id, 1, "1@an-earlier-store")
        while (entry := stale.pop()) is not None:
            stale.commit(json.loads(entry.raw)["crawl"], entry.id, [], [])
        proc = _worker(redis_url, pg_url, ns, tmp_path, slots=2, idle_exit=330)
        try:
            out = subprocess.run(
                [sys.executable, "-m", "xxgk.cli", "audit", str(sites), "--distributed", "--redis",
                 f"{redis_url}", "--db", pg_url, "--out", str(tmp_path / "out"), "--quiet", "--max-pages", "60",
                 "--no-screenshots"],  # screenshots are tested on their own; here they only add browser time
                cwd=ROOT, capture_output=True, text=True, timeout=300,
                env={**os.environ, "PYTHONPATH": str(ROOT)})
        except subprocess.TimeoutExpired as exc:
            _stop([proc])
            pytest.fail(f"the audit never finished: {(exc.stderr or b'')[-1500:]!r}\nworker: {_log(proc)[-2000:]}")
        finally:
            _stop([proc])
    assert out.returncode == 0, out.stderr[-2000:] + _log(proc)[-2000:]
    assert "report written" in out.stdout
    with session_factory(pg_url)() as s:
        crawls = s.scalars(select(Crawl)).all()
        assert len(crawls) == 2 and all(c.status == "done" and c.pages > 0 for c in crawls)
        assert s.scalars(select(Run)).one().status == "done"


def test_waiting_with_no_worker_says_so(world: Path, pg_url: str, redis_url: str,
                                        caplog: pytest.LogCaptureFixture) -> None:
    """Queued work that no worker takes is said once, with how to start one; the wait goes on."""
    with server.SampleServer(world) as srv:
        run_id = _make_run(pg_url, world, dict(srv.urls))
        seed_run(redis_url, pg_url, run_id, namespace="t-idle")
        with caplog.at_level(logging.WARNING, logger="crawler.distributed.coordinator"), \
                pytest.raises(TimeoutError, match="still crawling"):
            wait_run(redis_url, pg_url, run_id, namespace="t-idle", poll=0.1, timeout=2.0, idle_warn=0.5)
    said = [r.getMessage() for r in caplog.records if "no worker has taken any work" in r.getMessage()]
    assert len(said) == 1 and "xxgk worker" in said[0] and "t-idle" in said[0], said


def test_distributed_audit_needs_postgres(tmp_path: Path) -> None:
    sites = tmp_path / "sites.csv"
    sites.write_text("name,url\na,http://127.0.0.1:9/\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "xxgk.cli", "audit", str(sites), "--distributed", "--redis",
                          "redis://127.0.0.1:9/0", "--db", str(tmp_path / "x.sqlite")],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "postgresql" in out.stderr


def _other_database(pg_url: str) -> str:
    """A second empty database on the test's cluster: another store."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    base, _ = pg_url.rsplit("/", 1)
    with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://") + "/postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


@pytest.mark.parametrize("mode", ["request", "site"])
def test_a_worker_of_another_store_takes_nothing_and_says_so(world: Path, pg_url: str, redis_url: str,
                                                             tmp_path: Path, mode: str) -> None:
    """A worker whose --db is not the seeding audit's database (where crawl 1 of run 1 is another
    site's crawl) stops with a one-line --db error, and the audit's work stays queued for its workers;
    it used to crawl the entries into the wrong store, or mark them done when its store lacked them."""
    ns = f"t-foreign-{mode}"
    with server.SampleServer(world) as srv:
        urls = dict(srv.urls)
        run_id = _make_run(pg_url, world, urls)
        other = _other_database(pg_url)
        assert _make_run(other, world, urls) == run_id  # the same ids, another store
        seed_run(redis_url, pg_url, run_id, namespace=ns, mode=mode)
        jobs = JobQueue(redis_url, ns)
        queued = RequestQueue(redis_url, ns).pending() if mode == "request" else jobs.counts()
        proc = _worker(redis_url, other, ns, tmp_path, idle_exit=30, mode=mode)
        try:
            proc.wait(timeout=120)
        finally:
            _stop([proc])
    err = _log(proc)
    assert proc.returncode == 2, err[-2000:]
    assert "--db" in err and "another store" in err and "Traceback" not in err, err[-2000:]
    if mode == "request":
        assert RequestQueue(redis_url, ns).pending() == (queued[0], 0)  # given back, not done
    else:
        assert jobs.counts() == queued
    with session_factory(other)() as s:
        assert s.scalar(select(func.count(Page.id))) == 0
        assert all(c.status == "pending" for c in s.scalars(select(Crawl)))
