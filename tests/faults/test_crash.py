"""Crash safety: `xxgk audit` killed or stopped at any moment, then `--resume`, ends exactly as an
uninterrupted audit: the same item rows, the same pages, no duplicate row, the same findings.

- kill -9 of the audit at seeded points in time (fractions of the uninterrupted audit's own duration, so
  a loaded machine moves the points with it): in the crawl, in scoring, in the report;
- Ctrl-C (SIGINT) and SIGTERM: the audit exits 130 and says how to resume; the run is `interrupted`,
  never `done`, and nothing is published as if it were complete;
- one crawl worker process SIGKILLed: the audit exits 130, the run is `interrupted`, `--resume` finishes it;
- request mode (`xxgk audit --distributed` with `xxgk worker`s on a real Redis and PostgreSQL): a worker
  SIGKILLed at seeded points; the others take its leased requests over.

`make test` runs a few points (FAST); `make faults` all of them (marked `faults_full`).
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from crashkit import (
    Outcome,
    audit_cmd,
    children,
    crawling,
    differences,
    kill_at,
    outcome,
    resume_cmd,
    run,
    run_state,
    start,
    wait_until,
)

from xxgk.samples import generate_world
from xxgk.samples.server import SampleServer

# seeds of the kill points; each gives one point in (0.05, 0.9) of the uninterrupted audit's duration
KILL_SEEDS = [101, 202, 303, 404, 505, 606, 707, 808, 909, 1111, 1212, 1313, 1414, 1515, 1616, 1717, 1818,
              1919, 2020, 2121, 2222, 2323]
FAST = (101, 404)
WORKER_KILL_SEEDS = [7, 8, 9, 10]  # request mode


@dataclass
class World:
    sites: Path
    settings: Path
    seconds: float  # the uninterrupted audit's wall time
    baseline: Outcome


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("crash")
    generate_world(tmp / "world", seed=2024, n_universities=2, n_governments=0)
    settings = tmp / "crawl.toml"
    settings.write_text("workers = 2\n", encoding="utf-8")  # two crawl worker processes, even on one core
    with SampleServer(tmp / "world", delay=0.01) as server:
        sites = server.write_sites_csv(tmp / "sites.csv")
        db = f"sqlite:///{tmp / 'full.sqlite'}"
        began = time.monotonic()
        full = run(audit_cmd(sites, tmp / "full", db, "--settings", str(settings)))
        seconds = time.monotonic() - began
        assert full.returncode == 0, full.stderr[-3000:]
        baseline = outcome(db, tmp / "full")
        assert len(baseline.items) > 300 and not baseline.duplicates
        yield World(sites, settings, seconds, baseline)


def _audit(world: World, tmp: Path, name: str) -> tuple[subprocess.Popen, str, Path]:
    db = f"sqlite:///{tmp / (name + '.sqlite')}"
    proc = start(audit_cmd(world.sites, tmp / name, db, "--settings", str(world.settings)), tmp / f"{name}.log")
    return proc, db, tmp / name


def _resume_to_the_end(db: str, tmp: Path, killed_out: Path) -> Outcome:
    done = run(resume_cmd(1, tmp / "resumed", db))
    if done.returncode == 2 and "already complete" in done.stderr:  # killed after the run was marked done
        return outcome(db, killed_out)
    assert done.returncode == 0, done.stderr[-3000:]
    assert run_state(db)[0] == "done"
    return outcome(db, tmp / "resumed")


def _point(seed: int, seconds: float) -> float:
    return random.Random(seed).uniform(0.05, 0.9) * seconds


def _seed_param(seed: int) -> object:
    return pytest.param(seed, id=f"seed{seed}", marks=[] if seed in FAST else [pytest.mark.faults_full])


@pytest.mark.parametrize("seed", [_seed_param(s) for s in KILL_SEEDS])
def test_kill_9_then_resume_is_identical(world: World, tmp_path: Path, seed: int) -> None:
    proc, db, out = _audit(world, tmp_path, "killed")
    killed = kill_at(proc, _point(seed, world.seconds))
    if not killed:  # this machine ran the audit faster than the baseline: it simply finished
        assert proc.returncode == 0
        got = outcome(db, out)
    else:
        status, _crawls = run_state(db)
        assert status in (None, "running", "done"), status  # kill -9 leaves no chance to write more
        got = _resume_to_the_end(db, tmp_path, out) if status is not None else None
        if got is None:  # killed before the run was created: an audit from scratch is the resume
            rerun = run(audit_cmd(world.sites, out, db, "--settings", str(world.settings)))
            assert rerun.returncode == 0, rerun.stderr[-3000:]
            got = outcome(db, out)
    if seed in FAST:
        assert killed, "the audit ended before its kill point; slow the sample server down"
    problems = differences(got, world.baseline)
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_leaves_an_interrupted_run_that_resumes_identically(world: World, tmp_path: Path, sig: int) -> None:
    proc, db, out = _audit(world, tmp_path, "stopped")
    assert wait_until(lambda: crawling(db) or proc.poll() is not None, 120) and proc.poll() is None
    assert kill_at(proc, 0.5, sig), "the audit ended before the signal"  # half a second into the crawl
    log = (tmp_path / "stopped.log").read_text(encoding="utf-8", errors="replace")
    assert proc.returncode == 130, log[-3000:]
    assert "xxgk audit --resume 1" in log and "Traceback" not in log, log[-3000:]
    status, crawls = run_state(db)
    assert status == "interrupted", (status, crawls)
    assert any(c != ("done", "finished") for c in crawls), crawls  # it was stopped mid-crawl
    assert not (out / "index.html").exists()  # nothing is published as if the run were complete
    problems = differences(_resume_to_the_end(db, tmp_path, out), world.baseline)
    assert not problems, "\n".join(problems[:40])


@pytest.mark.faults_full
def test_resume_interrupted_again_then_resumed_is_identical(world: World, tmp_path: Path) -> None:
    proc, db, out = _audit(world, tmp_path, "twice")
    assert kill_at(proc, 0.3 * world.seconds, signal.SIGINT)
    second = start(resume_cmd(1, tmp_path / "r1", db), tmp_path / "r1.log")
    kill_at(second, 0.3 * world.seconds, signal.SIGKILL)
    problems = differences(_resume_to_the_end(db, tmp_path, tmp_path / "r1"), world.baseline)
    assert not problems, "\n".join(problems[:40])


def test_killed_crawl_worker_leaves_an_interrupted_run(world: World, tmp_path: Path) -> None:
    proc, db, out = _audit(world, tmp_path, "worker")
    assert wait_until(lambda: crawling(db) or proc.poll() is not None, 120) and proc.poll() is None
    wait_until(lambda: len(children(proc.pid)) == 2, 10)
    found = children(proc.pid)
    assert proc.poll() is None and len(found) == 2, (proc.poll(), found)
    victim = found[0]
    subprocess.run(["kill", "-9", str(victim)], check=True)
    proc.wait(timeout=600)
    log = (tmp_path / "worker.log").read_text(encoding="utf-8", errors="replace")
    assert proc.returncode == 130, log[-3000:]
    assert "xxgk audit --resume 1" in log and "Traceback" not in log, log[-3000:]
    status, crawls = run_state(db)
    assert status == "interrupted" and ("failed", "error") in crawls, (status, crawls)
    assert not (out / "index.html").exists()
    problems = differences(_resume_to_the_end(db, tmp_path, out), world.baseline)
    assert not problems, "\n".join(problems[:40])


# ---- request mode ------------------------------------------------------------------------------------

def _worker(redis_url: str, db_url: str, store: Path, log: Path) -> subprocess.Popen:
    cmd = ["-m", "xxgk", "worker", "--redis", redis_url, "--db", db_url, "--slots", "2", "--lease", "3",
           "--idle-exit", "60", "--store-dir", str(store), "--host-lease", "5"]
    return start([sys.executable, *cmd], log)


@pytest.mark.parametrize("seed", [pytest.param(s, id=f"seed{s}", marks=[] if i == 0 else [pytest.mark.faults_full])
                                  for i, s in enumerate(WORKER_KILL_SEEDS)])
def test_request_mode_killed_worker_is_identical(world: World, tmp_path: Path, pg_url: str, redis_url: str,
                                                 seed: int) -> None:
    import redis as redislib

    r = redislib.Redis.from_url(redis_url)
    for key in r.scan_iter("xxgk:*"):  # the audit's namespace; crawl ids restart in each new database
        r.delete(key)
    workers = [_worker(redis_url, pg_url, tmp_path / "store", tmp_path / f"w{i}.log") for i in range(2)]
    audit = start(audit_cmd(world.sites, tmp_path / "out", pg_url, "--distributed", "--redis", redis_url),
                  tmp_path / "audit.log")
    try:
        kill_at(workers[0], 2.0 + _point(seed, world.seconds) / 2)  # it dies holding leased requests
        workers.append(_worker(redis_url, pg_url, tmp_path / "store", tmp_path / "w2.log"))
        audit.wait(timeout=600)
    finally:
        for w in workers:
            if w.poll() is None:
                w.terminate()
                w.wait(timeout=30)
        if audit.poll() is None:
            audit.kill()
    log = (tmp_path / "audit.log").read_text(encoding="utf-8", errors="replace")
    assert audit.returncode == 0, log[-3000:]
    assert workers[0].returncode == -signal.SIGKILL, "the worker was not killed mid-run"
    problems = differences(outcome(pg_url, tmp_path / "out"), world.baseline)
    assert not problems, "\n".join(problems[:40])


def test_the_harness_sees_a_difference(world: World) -> None:
    """The comparison is not vacuous: a lost item, a duplicate and a changed finding are all reported."""
    base = world.baseline
    key = next(iter(base.findings))
    broken = Outcome(base.items[1:] + base.items[:1] * 2, base.pages, {**base.findings, key: ("fail", "0")},
                     ["items (1, 'x')"])
    problems = differences(broken, base)
    assert any("duplicate row" in p for p in problems) and any(str(key) in p for p in problems)
    assert any("item rows" in p for p in problems)


def test_every_crash_row_of_the_catalogue_names_a_test() -> None:
    """docs/reliability.md's crash rows (tests/faults/catalogue.py CRASHES) point at tests that exist."""
    from catalogue import CRASHES

    assert len({c.id for c in CRASHES}) == len(CRASHES)
    for case in CRASHES:
        path, name = case.test.split("::")
        source = (Path(__file__).resolve().parents[2] / path).read_text(encoding="utf-8")
        assert f"def {name}(" in source, case
