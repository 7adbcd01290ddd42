"""Distributed crawl benchmark: pages/s for 1, 2 and 4 workers over the sample world, in one run.

Serves the default sample world (12 universities + 6 government portals) with a per-request
delay that imitates a remote site (`SampleServer(..., delay=...)`), starts a throwaway Redis and
PostgreSQL (`xxgk.localservices`), and for each worker count: a fresh database, a run with one
crawl per portal, N idle `xxgk worker` processes, then seeds the queue and times until every
crawl is done (worker start-up is not timed). Each worker crawls `--slots` sites at once and
every host gets at most `--host-limit` concurrent requests across all workers, as a polite
crawl of real portals would. Writes the "Distributed crawl" section of docs/benchmarks.md.

    .venv/bin/python bench/distributed.py [--delay 0.25] [--workers 1,2,4] [--mode request|site] [--no-doc]

Request mode (the default): each worker runs requests of any site from the shared request queue with
`--slots × --host-limit` requests in flight, the same capacity a site-mode worker has with `--slots`
sites of `--host-limit` requests each.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from crawler.distributed.coordinator import seed_run, wait_run  # noqa: E402
from tests.crawler.storekit import add_run_with_sites  # noqa: E402
from xxgk.localservices import postgres, redis  # noqa: E402
from xxgk.samples import generate_world  # noqa: E402
from xxgk.samples.server import SampleServer  # noqa: E402
from xxgk.settings import RUN_CONFIG_KEY, CrawlSettings  # noqa: E402
from xxgk.store import Crawl, Page, session_factory  # noqa: E402

START, END = "<!-- distributed-bench:start -->", "<!-- distributed-bench:end -->"
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
    args = ap.parse_args()
    counts = [int(x) for x in args.workers.split(",")]
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
