"""Distributed crawl benchmark: pages/s for 1, 2 and 4 workers over the sample world, in one run.

Serves the default sample world (12 universities + 6 government portals) with a per-request
delay that imitates a remote site (`SampleServer(..., delay=...)`), starts a throwaway Redis and
PostgreSQL (`xxgk.localservices`), and for each worker count: a fresh database, a run with one
crawl per portal, N idle `xxgk worker` processes, then seeds the queue and times until every
crawl is done (worker start-up is not timed). Each worker crawls `--slots` sites at once and
every host gets at most `--host-limit` concurrent requests across all workers, as a polite
crawl of real portals would. Writes the "Distributed crawl" section of docs/benchmarks.md.

    .venv/bin/python bench/distributed.py [--delay 0.25] [--workers 1,2,4] [--mode request|site] [--no-doc]
    .venv/bin/python bench/distributed.py --world latency [--hosts 300] [--seconds 60] [--workers 1,2,4]

Request mode (the default): each worker runs requests of any site from the shared request queue with
`--slots × --host-limit` requests in flight, the same capacity a site-mode worker has with `--slots`
sites of `--host-limit` requests each.

`--world latency` measures worker scaling at equal politeness instead: request-mode workers over the
latency world (`xxgk.samples.latency`, `--hosts` distinct slow loopback hosts in their own process),
every host at 1 request/s across all workers (`--host-limit 1 --delay 1`), each worker with far more
requests in flight than its CPU can parse (`--concurrency`), so each worker is CPU-bound and the hosts
are not the limit. Each pass is time-boxed (the world is larger than a pass): pages stored per second
over `--seconds` after a warm-up, CPU-ms per page of the workers and of the whole tree (workers, Redis,
PostgreSQL, the latency server), the load average, and the server's own politeness log (most requests
of one host in any 1 s, 429s). From the CPU cost it derives the machines the national cycle needs.
Writes the "Distributed crawl at equal politeness" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.cpucap import CapError, CpuGroups  # noqa: E402
from crawler.distributed.coordinator import seed_run, wait_run  # noqa: E402
from tests.crawler.storekit import add_run_with_sites  # noqa: E402
from xxgk.localservices import postgres, redis  # noqa: E402
from xxgk.samples import generate_world  # noqa: E402
from xxgk.samples.server import SampleServer  # noqa: E402
from xxgk.settings import RUN_CONFIG_KEY, CrawlSettings  # noqa: E402
from xxgk.store import Crawl, Page, session_factory  # noqa: E402

START, END = "<!-- distributed-bench:start -->", "<!-- distributed-bench:end -->"
LSTART, LEND = "<!-- distributed-latency-bench:start -->", "<!-- distributed-latency-bench:end -->"
NATIONAL_PAGES = 17_500 * 2_000  # the national cycle (bench/national.py): sites × pages
WEEK_S = 7 * 24 * 3600
# Lists, pagers and column trees (the distributed part); articles, attachments, link checks and the
# browser would make a 1-worker run longer than the 10-minute budget at a remote-like delay.
LIMITS = CrawlSettings(fetch_articles=False, fetch_attachments=False, check_links=False, browser=False,
                       search=False)


def new_database(server_url: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name


def make_run(db_url: str, urls: dict[str, str]) -> int:
    with session_factory(db_url).begin() as s:
        return add_run_with_sites(s, urls, label="bench distributed", config={RUN_CONFIG_KEY: LIMITS.model_dump()})


def measure(n: int, db_url: str, redis_url: str, urls: dict[str, str], args: argparse.Namespace,
            store: Path) -> dict[str, float]:
    """Crawl the world with n workers (a new run in the shared store); pages, seconds, pages/s."""
    run_id = make_run(db_url, urls)
    ns = f"bench{n}"
    cmd = [sys.executable, "-m", "xxgk.cli", "worker", "--redis", redis_url, "--db", db_url, "--namespace", ns,
           "--slots", str(args.slots), "--host-limit", str(args.host_limit), "--idle-exit", "3",
           "--store-dir", str(store), "--mode", args.mode]
    if args.mode == "request":
        cmd += ["--concurrency", str(args.slots * args.host_limit)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(n)]
    time.sleep(4.0)  # let the workers import and start polling; start-up is not what we measure
    try:
        t0 = time.perf_counter()
        seed_run(redis_url, db_url, run_id, namespace=ns, mode=args.mode)
        wait_run(redis_url, db_url, run_id, namespace=ns, poll=0.1, timeout=args.timeout, mode=args.mode)
        secs = time.perf_counter() - t0
    finally:
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
    with session_factory(db_url)() as s:
        pages = s.scalar(select(func.count(Page.id)).join(Crawl).where(Crawl.run_id == run_id)) or 0
        done = s.scalar(select(func.count(Crawl.id)).where(Crawl.run_id == run_id, Crawl.status == "done")) or 0
        spans = [(c.finished_at - c.started_at).total_seconds()
                 for c in s.scalars(select(Crawl).where(Crawl.run_id == run_id)) if c.started_at and c.finished_at]
    return {"workers": n, "pages": pages, "seconds": secs, "pages_per_s": pages / secs, "sites_done": done,
            "longest_site_s": max(spans, default=0.0)}


# ---- worker scaling at equal politeness (the latency world) ---------------------------------------

def _tree_cpu(roles: dict[int, str], database: str) -> dict[str, float]:
    """CPU seconds by role: this process's children (worker, redis, server, other) and the PostgreSQL
    backends serving `database` (pg_ctl daemonises the server: its backends are nobody's children here)."""
    import psutil

    out: dict[str, float] = {}
    procs = {p.pid: p for p in psutil.Process().children(recursive=True)}
    for p in psutil.process_iter(["cmdline"]):
        if p.info["cmdline"] and f" {database} " in " ".join(p.info["cmdline"]) + " ":
            procs[p.pid] = p
    for proc in procs.values():
        try:
            t = proc.cpu_times()
            cmd = " ".join(proc.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        role = roles.get(proc.pid) or ("redis" if "redis-server" in cmd else "postgres" if "postgres" in cmd
                                       else "other")
        out[role] = out.get(role, 0.0) + t.user + t.system
    return out


def _run_pages(db_url: str, run_id: int) -> int:
    with session_factory(db_url)() as s:
        return s.scalar(select(func.count(Page.id)).join(Crawl).where(Crawl.run_id == run_id)) or 0


def _wait_pages(db_url: str, run_id: int, pages: int, timeout: float) -> None:
    """Return once the run has stored `pages` pages (SystemExit after `timeout` seconds)."""
    end = time.monotonic() + timeout
    while _run_pages(db_url, run_id) < pages:
        if time.monotonic() > end:
            raise SystemExit(f"error: the run stored fewer than {pages} pages in {timeout:.0f} s")
        time.sleep(0.25)


def _service_pids(db_url: str, redis_url: str) -> list[int]:
    """The PostgreSQL server (postmaster and backends) and the Redis server behind the two URLs."""
    import psutil

    pg_port, rd_port = db_url.rsplit(":", 1)[1].split("/", 1)[0], redis_url.rsplit(":", 1)[1].split("/", 1)[0]
    out = []
    for p in psutil.process_iter(["cmdline"]):
        cmd = " ".join(p.info["cmdline"] or [])
        if ("postgres" in cmd and f"-p {pg_port} " in cmd + " ") or ("redis-server" in cmd and f"--port {rd_port}" in cmd):
            out.append(p.pid)
            try:
                out += [c.pid for c in p.children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
    return out


def measure_latency(n: int, world: Path, db_url: str, redis_url: str, args: argparse.Namespace,
                    store: Path, caps: CpuGroups | None = None) -> dict:
    """n request-mode workers over a fresh latency server for a time-boxed pass; every measure of it.
    With `caps`, each worker runs in its own group of `--worker-cpu` cores (`bench.cpucap`)."""
    from bench.national import LatencyProcess
    from xxgk.samples.latency import window_peak

    store.mkdir(parents=True, exist_ok=True)
    server = LatencyProcess(world, args.hosts, store / "server.json")
    run_id = make_run(db_url, server.urls)
    ns = f"lat{n}"
    cmd = [sys.executable, "-m", "xxgk.cli", "worker", "--redis", redis_url, "--db", db_url, "--namespace", ns,
           "--host-limit", "1", "--delay", "1", "--concurrency", str(args.concurrency), "--store-dir", str(store),
           "--mode", "request"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(n)]
    roles = {p.pid: "worker" for p in procs} | {server.proc.pid: "server"}
    if caps is not None:
        for pid in [server.proc.pid, *_service_pids(db_url, redis_url)]:
            caps.place("services", pid)
        for i, p in enumerate(procs):
            caps.group(f"w{i}", args.worker_cpu)
            caps.place(f"w{i}", p.pid)
    time.sleep(4.0)  # imports and first poll: start-up is not what we measure
    try:
        seed_run(redis_url, db_url, run_id, namespace=ns, mode="request")
        if args.window_pages:  # the same stretch of the crawl in every pass, whatever its speed
            _wait_pages(db_url, run_id, args.skip_pages, args.timeout)
        else:
            time.sleep(args.warmup)  # every site started, queues filled
        database = db_url.rsplit("/", 1)[1]
        throttle0 = [caps.throttled(f"w{i}") for i in range(n)] if caps is not None else []
        pages0, cpu0, t0 = _run_pages(db_url, run_id), _tree_cpu(roles, database), time.perf_counter()
        if args.window_pages:
            _wait_pages(db_url, run_id, pages0 + args.window_pages, args.timeout)
        else:
            time.sleep(args.seconds)
        pages1, cpu1, t1 = _run_pages(db_url, run_id), _tree_cpu(roles, database), time.perf_counter()
        throttle1 = [caps.throttled(f"w{i}") for i in range(n)] if caps is not None else []
        load = os.getloadavg()
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
        report = server.stop()
    pages, secs = pages1 - pages0, t1 - t0
    cpu = {k: cpu1.get(k, 0.0) - cpu0.get(k, 0.0) for k in set(cpu0) | set(cpu1)}
    logs = report["logs"].values()
    gaps = sorted((b[0] - a[0], a[1], b[1], a[2], b[2]) for e in logs
                  for a, b in pairwise(sorted(zip(e["times"], e["paths"], e["fresh"], strict=True))))
    periods = sum(b[0] - a[0] for a, b in zip(throttle0, throttle1, strict=True))
    held = sum(b[1] - a[1] for a, b in zip(throttle0, throttle1, strict=True))
    return {"workers": n, "worker_cpu_cap": args.worker_cpu or None,
            "throttled": held / periods if periods else None,
            "hosts": args.hosts, "pages": pages, "seconds": secs, "pages_per_s": pages / secs,
            "worker_cpu_ms": 1000 * cpu.get("worker", 0.0) / max(pages, 1),
            "total_cpu_ms": 1000 * sum(cpu.values()) / max(pages, 1),
            "cpu_ms_by_role": {k: round(1000 * v / max(pages, 1), 2) for k, v in sorted(cpu.items())},
            "cpu_busy": sum(cpu.values()) / secs, "load1": load[0],
            "peak_per_s": max((window_peak(e["times"], 1.0) for e in logs), default=0),
            "peak_in_flight": max((e["peak_in_flight"] for e in logs), default=0),
            "min_gap_s": gaps[0][0] if gaps else 0.0,
            "gaps_under_half_s": sum(1 for g in gaps if g[0] < 0.5),
            "closest_pairs": [[round(g[0], 3), *g[1:]] for g in gaps[:8]],
            "close_after_fresh": sum(1 for g in gaps if g[0] < 0.5 and g[3]),
            "n429": sum(e["statuses"].count(429) for e in logs)}


def machines_needed(results: list[dict], cores_per_machine: int, utilisation: float = 0.7) -> list[str]:
    """The national cycle's machines from the measured CPU per page (the formula, then the numbers)."""
    import math
    import statistics

    rate = NATIONAL_PAGES / WEEK_S
    c = statistics.median(r["total_cpu_ms"] for r in results)
    w = statistics.median(r["worker_cpu_ms"] for r in results)
    cores = rate * c / 1000
    machines = math.ceil(cores / (cores_per_machine * utilisation))
    return [
        f"weekly rate needed     R = 35 M pages / 604,800 s = {rate:.1f} pages/s",
        f"CPU per page           c = {c:.1f} ms whole tree (workers {w:.1f} ms; median of the passes)",
        f"cores busy all week    K = R × c / 1000 = {cores:.2f}",
        f"machines               M = ⌈K / ({cores_per_machine} cores × {utilisation:.0%} busy)⌉ = {machines}",
        f"hosts in flight        ≥ R / 1 req/s = {math.ceil(rate)} (each host at most 1 page/s)",
    ]


@contextmanager
def caps_for(args: argparse.Namespace) -> Iterator[CpuGroups | None]:
    """The benchmark's CPU groups when `--worker-cpu` asks for caps (a one-line error if none can be made)."""
    if not args.worker_cpu:
        yield None
        return
    try:
        groups = CpuGroups("distributed")
    except CapError as exc:
        raise SystemExit(f"error: --worker-cpu: {exc}") from None
    with groups:
        groups.group("services", None)
        yield groups


def main_latency(args: argparse.Namespace, counts: list[int]) -> None:
    """Worker scaling at equal politeness over the latency world (or the measures of an earlier --json run)."""
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        write_latency_doc(saved["results"], saved["formula"], args, saved.get("total", 0.0))
        return
    t_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="xxgk-dlbench-") as tmp:
        from xxgk.samples.v3 import generate_set

        world = generate_set(Path(tmp) / "world", "dev").parent
        with postgres() as pg, redis() as rd, caps_for(args) as caps:
            db_url = new_database(pg)
            results = []
            for n in counts:
                res = measure_latency(n, world, db_url, rd, args, Path(tmp) / f"store{n}", caps)
                print(json.dumps(res), flush=True)
                results.append(res)
    base = results[0]["pages_per_s"]
    for r in results:
        r["speedup"] = r["pages_per_s"] / base
    total = time.perf_counter() - t_all
    for r in results:
        print(f"{r['workers']} workers: {r['pages']} pages in {r['seconds']:.0f} s = {r['pages_per_s']:.1f} pages/s "
              f"({r['speedup']:.2f}×), {r['worker_cpu_ms']:.1f} worker CPU-ms/page, {r['total_cpu_ms']:.1f} "
              f"all, {r['cpu_busy']:.2f} cores busy, load {r['load1']:.1f}, host peak {r['peak_per_s']}/s, "
              f"closest arrivals {r['min_gap_s']:.3f} s"
              + (f", held at cap {r['throttled']:.0%}" if r.get("throttled") is not None else ""))
    formula = machines_needed(results, args.cores)
    print("\n".join(formula))
    print(f"whole benchmark: {total:.0f} s")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "formula": formula, "total": total}, indent=1),
                             encoding="utf-8")
    if not args.no_doc:
        write_latency_doc(results, formula, args, total)


def write_latency_doc(results: list[dict], formula: list[str], args: argparse.Namespace, total: float) -> None:
    """Replace (or append) the "Distributed crawl at equal politeness" section of docs/benchmarks.md."""
    capped = bool(args.worker_cpu)
    rows = "\n".join(
        f"| {r['workers']} | {r['pages']} | {r['pages_per_s']:.1f} | {r['speedup']:.2f}× | {r['worker_cpu_ms']:.1f} | "
        f"{r['total_cpu_ms']:.1f} | {r['cpu_busy']:.2f} | "
        + (f"{r['throttled']:.0%} | " if capped and r.get("throttled") is not None else "— | " if capped else "")
        + f"{r['load1']:.1f} | {r['peak_per_s']} | {r['min_gap_s']:.3f} | {r['n429']} |"
        for r in results)
    cap_text = (
        f"Each worker is capped at **{args.worker_cpu:g} cores** in its own cgroup (`bench/cpucap.py`, CPU quota) "
        f"with a high CPU weight, and Redis, PostgreSQL and the latency server share an uncapped high-weight group: "
        f"each worker is a machine of {args.worker_cpu:g} cores, {max(r['workers'] for r in results) * args.worker_cpu:g} cores "
        f"at the most workers, below this machine's {os.cpu_count()}; \"held at cap\" is the share of the workers' "
        f"CPU periods in which the quota stopped them (CPU-bound). " if capped else "")
    head = ("| workers | pages | pages/s | speed-up | worker CPU-ms/page | all CPU-ms/page | cores busy | "
            + ("held at cap | " if capped else "") + "load (1 min) | host peak /s | closest arrivals, s | 429s |\n|"
            + "---|" * (12 if capped else 11) + "\n")
    section = (
        f"## Distributed crawl at equal politeness (`bench/distributed.py --world latency`), "
        f"{dt.date.today().isoformat()}\n{LSTART}\n\n"
        f"Request-mode `xxgk worker` processes over the latency world ({args.hosts} distinct slow loopback "
        f"hosts), every host at most 1 request in flight and 1 request start per second across all workers "
        f"(`--host-limit 1 --delay 1`), each worker with {args.concurrency} requests in flight, so the hosts "
        f"could give up to {args.hosts} pages/s and each worker is bound by its own CPU. Lists and pagers only. "
        + (f"Each pass: a new run; the clock runs from its {args.skip_pages}th stored page to "
           f"{args.window_pages} pages later, the same stretch of the crawl at every worker count (a time box "
           f"would measure heavier portal pages at one worker and lighter list pages at four). "
           if args.window_pages else
           f"Each pass: a new run, {args.warmup:.0f} s warm-up, then pages stored over {args.seconds:.0f} s. ")
        + f"CPU-ms per page from /proc of the workers and of the whole tree (workers, Redis, PostgreSQL, "
        f"latency server); \"cores busy\" is that tree's CPU seconds per second. "
        f"Host peak: the most requests one host saw in any 1 s, and the closest two arrivals at one host "
        f"(server log). The machine has "
        f"{os.cpu_count()} cores shared with other work. {cap_text}Whole benchmark: {total:.0f} s.\n\n"
        f"{head}{rows}\n\n```\n" + "\n".join(formula) + f"\n```\n{LEND}")
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text(encoding="utf-8")
    if LSTART in text and LEND in text:
        text = re.sub(r"(?:## Distributed crawl at equal politeness[^\n]*\n)?" + re.escape(LSTART) + r".*?"
                      + re.escape(LEND), lambda _m: section, text, flags=re.S)
    else:
        text = text.replace(END, END + "\n\n" + section, 1) if END in text else text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--delay", type=float, default=0.25, help="seconds every response waits (remote latency)")
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--slots", type=int, default=1, help="sites each worker crawls at once")
    ap.add_argument("--host-limit", type=int, default=2, help="concurrent requests per host, all workers")
    ap.add_argument("--timeout", type=float, default=400)
    ap.add_argument("--mode", default="request", choices=("request", "site"),
                    help="request: workers share every site's requests; site: one worker per site crawl")
    ap.add_argument("--no-doc", action="store_true", help="do not update docs/benchmarks.md")
    ap.add_argument("--world", default="sample", choices=("sample", "latency"),
                    help="sample: the default world, timed to the end; latency: equal politeness, time-boxed")
    ap.add_argument("--hosts", type=int, default=300, help="latency world: distinct hosts")
    ap.add_argument("--seconds", type=float, default=60.0, help="latency world: measured seconds per pass")
    ap.add_argument("--warmup", type=float, default=15.0, help="latency world: seconds before measuring")
    ap.add_argument("--concurrency", type=int, default=64, help="latency world: requests in flight per worker")
    ap.add_argument("--cores", type=int, default=4, help="latency world: cores per machine for the estimate")
    ap.add_argument("--json", type=Path, help="latency world: also write the measures (JSON) here")
    ap.add_argument("--from-json", type=Path,
                    help="latency world: document the measures of an earlier --json run (the options must be that run's)")
    ap.add_argument("--window-pages", type=int, default=0,
                    help="latency world: measure over this many stored pages instead of --seconds (0: time box)")
    ap.add_argument("--skip-pages", type=int, default=300,
                    help="latency world, with --window-pages: pages stored before the window starts")
    ap.add_argument("--worker-cpu", type=float, default=0.0,
                    help="latency world: cap each worker at this many cores (a cgroup each; 0: no cap), so "
                         "every worker is CPU-bound as on its own machine while the shared services are not")
    args = ap.parse_args()
    counts = [int(x) for x in args.workers.split(",")]
    if args.world == "latency":
        main_latency(args, counts)
        return
    t_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="xxgk-dbench-") as tmp:
        world = Path(tmp) / "world"
        generate_world(world, seed=2024)
        with postgres() as pg, redis() as rd, SampleServer(world, delay=args.delay) as srv:
            urls = dict(srv.urls)
            db_url = new_database(pg)  # one store, one new run per worker count (as monthly re-audits)
            results = []
            for n in counts:
                res = measure(n, db_url, rd, urls, args, Path(tmp) / f"store{n}")
                print(json.dumps(res), flush=True)
                results.append(res)
    base = results[0]["pages_per_s"]
    for r in results:
        r["speedup"] = r["pages_per_s"] / base
    total = time.perf_counter() - t_all
    for r in results:
        print(f"{r['workers']} workers: {r['pages']} pages in {r['seconds']:.1f} s = {r['pages_per_s']:.1f} "
              f"pages/s ({r['speedup']:.2f}×)")
    print(f"whole benchmark: {total:.0f} s")
    if not args.no_doc:
        write_doc(results, args, len(urls), total)


def _mode_text(args: argparse.Namespace) -> str:
    if args.mode == "request":
        return (f"Request mode: every worker runs requests of any site from the shared request queue, "
                f"{args.slots * args.host_limit} in flight per worker (the capacity of {args.slots} site(s) × "
                f"{args.host_limit} requests in site mode).")
    return f"Site mode: each worker crawls {args.slots} site(s) at once."


def _seed_text(args: argparse.Namespace) -> str:
    if args.mode == "request":
        return ("from the second pass sites are ranked largest first (pages of the site's last crawl), and a "
                "large site's requests spread over all workers. ")
    return "from the second pass the queue is seeded longest site first (duration of the site's last crawl). "


def write_doc(results: list[dict], args: argparse.Namespace, n_sites: int, total: float) -> None:
    """Replace (or append) the Distributed crawl section of docs/benchmarks.md, keeping the others."""
    targets = {2: "≥ 1.8×", 4: "≥ 3.2×"}
    rows = "\n".join(
        f"| {r['workers']} | {r['pages']} | {r['sites_done']}/{n_sites} | {r['seconds']:.1f} | "
        f"{r['longest_site_s']:.1f} | {r['pages_per_s']:.1f} | {r['speedup']:.2f}× | "
        f"{targets.get(r['workers'], '')} |" for r in results)
    load = os.getloadavg()[0]
    section = (
        f"## Distributed crawl (`bench/distributed.py`), {dt.date.today().isoformat()}\n{START}\n\n"
        f"`xxgk worker` processes on one Redis queue and one PostgreSQL store (both throwaway, on loopback), "
        f"over the default sample world ({n_sites} portals) served with a **{args.delay:.2f} s delay per "
        f"response** (a remote site's latency). {_mode_text(args)} Every host "
        f"gets at most {args.host_limit} concurrent requests across all workers (Redis host semaphore). "
        f"Limits: column trees, lists and pagers (no articles, attachments, link checks or browser), so the "
        f"1-worker pass fits the 10-minute budget. Timed from seeding the queue to the last crawl done "
        f"(worker start-up excluded). All passes share one store, each a new run, as monthly re-audits do: "
        f"{_seed_text(args)}"
        f"The machine has {os.cpu_count()} cores; 1-min load average at the end "
        f"{load:.1f}. Whole benchmark: {total:.0f} s.\n\n"
        "| workers | pages | sites done | seconds | longest site, s | pages/s | speed-up | target |\n"
        "|---|---|---|---|---|---|---|---|\n"
        f"{rows}\n{END}")
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    # the marker follows the heading: bench/crawl.py replaces "## Crawl" up to the next heading
    if START in text and END in text:
        text = re.sub(r"(?:## Distributed crawl[^\n]*\n)?" + re.escape(START) + r".*?" + re.escape(END),
                      lambda _m: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
