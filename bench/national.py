"""National-scale benchmark: N slow hosts of the latency world, crawled politely, and what 17.5k sites would take.

Serves the latency world (`xxgk.samples.latency`: the v3 dev portals on N distinct loopback hosts,
log-normal latency with a slow tail and stalls, some hosts rate-limited with 429; every k-th host a
JavaScript portal whose menu a script writes, so the crawl renders it in Chromium) in its own process,
then for each N, with the browser off and on, audits every host at 1 request/s/host (`per_host=1`, `delay=1`, AutoThrottle), a fixed
number of sites in flight at once (the next starting as one ends), each for a fixed time, and measures:

- sustained pages/s (stored HTML pages, the slope between 20% and 90% of the crawl) and per host;
- CPU-ms per stored page of the crawl's whole process tree (crawl + extract + store + WARC);
- peak RSS (and PSS) of the crawl's whole process tree (Python, Playwright driver and Chromium
  processes), against N, with and without the browser, and the browser pages rendered;
- store bytes (SQLite + WAL) and evidence bytes (WARC) per page and per item;
- politeness as the server saw it: the most requests of one host in flight at once and in any 1 s;
- the time to score and report the largest N;
- the server alone: requests/s it serves with no latency, and its CPU per request.

From those it extrapolates the national cycle (17,500 sites × 2,000 pages), printing the formula
with the numbers, and writes the national section of docs/benchmarks.md.

    .venv/bin/python bench/national.py [--sites 100,200,400] [--browser-sites 100,200,400] [--js-every 10]
        [--browser-pages 2] [--in-flight 100] [--seconds 40] [--no-doc]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.crawl import TreeMemory  # noqa: E402
from xxgk.settings import CrawlSettings  # noqa: E402
from xxgk.store import Item, Page, Run, default_db_url, session_factory  # noqa: E402

NATIONAL_SITES = 17_500
PAGES_PER_SITE = 2_000
WEEK_S = 7 * 24 * 3600
RUBRIC = "moe-university-checklist-2014"

# The crawl runs in the `xxgk audit` process, so the child first imports what that process holds when
# its crawl starts (the command line, its format checks and the rubric), then crawls the bench's run.
CRAWL_CHILD = """
import json, sys, time
import xxgk.cli
from reports.formats import report_formats
from xxgk.config import DEFAULT_RUBRIC
from xxgk.pipeline import load_rubric_ref
report_formats("html,csv,xlsx,json")
load_rubric_ref(DEFAULT_RUBRIC)
from crawler.runner import run_crawl
db, run_id, limits = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
t0 = time.perf_counter()
run_crawl(db, run_id, limits=limits)
print("RESULT " + json.dumps({"seconds": time.perf_counter() - t0}))
"""


class LatencyProcess:
    """The latency server in its own process (so it shares no interpreter with what it serves)."""

    def __init__(self, world: Path, hosts: int, log: Path, scale: float = 1.0, js_dir: Path | None = None,
                 js_every: int = 0) -> None:
        self.log = log
        js = ["--js-dir", str(js_dir), "--js-every", str(js_every)] if js_dir is not None and js_every else []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "xxgk.samples.latency", "--dir", str(world), "--hosts", str(hosts),
             "--scale", str(scale), "--log", str(log), *js],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("READY "):
            raise SystemExit(f"latency server did not start: {line!r}")
        ready = json.loads(line[len("READY "):])
        self.urls: dict[str, str] = ready["urls"]
        self.kinds: dict[str, str] = ready["kinds"]
        self.js: list[str] = ready.get("js", [])

    def cpu(self) -> float:
        times = psutil.Process(self.proc.pid).cpu_times()
        return times.user + times.system

    def stop(self) -> dict:
        self.proc.stdin.close()
        self.proc.wait(60)
        return json.loads(self.log.read_text(encoding="utf-8"))


def server_alone(world: Path, work: Path, hosts: int = 200, seconds: float = 8.0, conc: int = 64) -> dict:
    """Requests/s the latency server serves with no latency, loaded by an aiohttp client here."""
    import aiohttp

    server = LatencyProcess(world, hosts, work / "alone.json", scale=0.0)
    urls = list(server.urls.values())
    cpu0 = server.cpu()

    async def load() -> int:
        count = 0
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=conc)) as s:
            t0 = time.perf_counter()

            async def one(k: int) -> None:
                nonlocal count
                while time.perf_counter() - t0 < seconds:
                    async with s.get(urls[k % len(urls)]) as r:
                        await r.read()
                        count += 1
                    k += 7
            await asyncio.gather(*(one(k) for k in range(conc)))
        return count

    t0 = time.perf_counter()
    count = asyncio.run(load())
    wall = time.perf_counter() - t0
    cpu = server.cpu() - cpu0
    server.stop()
    return {"rps": count / wall, "cpu_ms": 1000 * cpu / max(count, 1), "hosts": hosts}


def _create_run(db: str, urls: dict[str, str], kinds: dict[str, str]) -> int:
    from xxgk.siteid import site_key
    from xxgk.store import site_for
    from xxgk.store.lifecycle import add_pending_crawl

    with session_factory(db).begin() as s:
        run = Run(label="national", rubric_id=RUBRIC, config={})
        s.add(run)
        s.flush()
        for name, url in urls.items():
            site = site_for(s, site_key(name, url), url, name)
            site.kind = kinds.get(name, "university")
            add_pending_crawl(s, run.id, site.id, url)
        return run.id


def _dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def run_sampled(cmd: list[str], pages: Callable[[], int]) -> tuple[subprocess.Popen, str, str, list, float, TreeMemory]:
    """Run a crawl process to its end, sampling every 5 s (seconds, `pages()`, CPU seconds of its
    tree) for `_slope`, and its tree's memory: (process, stdout, stderr, curve, CPU seconds, memory)."""
    curve: list[tuple[float, int, float]] = []
    stop = threading.Event()
    cpu0 = _children_cpu()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def poll() -> None:
        t0 = time.perf_counter()
        while not stop.wait(5):
            curve.append((time.perf_counter() - t0, pages(), _tree_cpu(proc.pid)))

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    with TreeMemory(proc.pid) as mem:
        out, err = proc.communicate()
    stop.set()
    poller.join()
    return proc, out, err, curve, _children_cpu() - cpu0, mem


def crawl_n(world: Path, work: Path, n: int, seconds: float, browser: bool, in_flight: int,
            js_dir: Path | None = None, js_every: int = 0, browser_pages: int = 2, workers: int = 0) -> dict:
    """One national crawl of `n` latency hosts (every `js_every`-th a JS portal), `in_flight` of them
    at once (0: all), each for `seconds` from its own start; every measure of it."""
    case = work / f"n{n}-{'b' if browser else 'nb'}"
    case.mkdir()
    server = LatencyProcess(world, n, case / "server.json", js_dir=js_dir, js_every=js_every)
    db = default_db_url(case / "store.sqlite")
    run_id = _create_run(db, server.urls, server.kinds)
    workers = workers or os.cpu_count() or 2
    limits = CrawlSettings(loopback_polite=True, per_host=1, delay=1.0, concurrency=4, sites_at_once=math.ceil((in_flight or n) / workers),
                           workers=workers, max_seconds=seconds, max_pages=100_000, browser=browser,
                           browser_pages=browser_pages, log_level="ERROR")
    factory = session_factory(db)

    def stored() -> int:
        with factory() as s:
            return s.scalar(select(func.count(Page.id))) or 0

    srv_cpu0 = server.cpu()
    proc, out, err, curve, cpu, mem = run_sampled(
        [sys.executable, "-c", CRAWL_CHILD, db, str(run_id), limits.model_dump_json()], stored)
    srv_cpu = server.cpu() - srv_cpu0
    seen = server.stop()
    if proc.returncode != 0:
        raise SystemExit(err[-3000:])
    result = json.loads([x for x in out.splitlines() if x.startswith("RESULT ")][-1][len("RESULT "):])
    with factory() as s:
        pages = s.scalar(select(func.count(Page.id)).where(Page.content_type.like("text/html%"))) or 0
        fetched = s.scalar(select(func.count(Page.id))) or 0
        items = s.scalar(select(func.count(Item.id))) or 0
        rendered = s.scalar(select(func.count(Page.id)).where(Page.render == "browser")) or 0
    store_bytes = sum(p.stat().st_size for p in case.glob("store.sqlite*"))
    warc_bytes = _dir_bytes(case / "warc")
    logs = seen["logs"].values()
    limited = {a for a, p in seen["profiles"].items() if p["rate"]}
    from xxgk.samples.latency import window_peak

    return {
        "n": n, "browser": browser, "seconds": result["seconds"], "pages": pages, "fetched": fetched,
        "items": items, "rendered": rendered, "sustained": _slope(curve)[0], "cpu_ms": _slope(curve)[1], "in_flight": min(n, in_flight or n), "workers": workers,
        "cpu_ms_all": 1000 * cpu / max(fetched, 1),
        "rss": mem.peak["total"], "rss_python": mem.peak["python"], "rss_browser": mem.peak["browser"],
        "pss": mem.peak_pss["total"], "browser_procs": mem.max_processes["browser"], "js_sites": len(server.js),
        "browser_pages": browser_pages,
        "store_bytes": store_bytes, "warc_bytes": warc_bytes,
        "peak_in_flight": max((e["peak_in_flight"] for e in logs), default=0),
        "peak_per_s": max((window_peak(e["times"], 1.0) for e in logs), default=0),
        "hosts_seen": sum(1 for e in logs if e["times"]),
        "got_429": sum(e["statuses"].count(429) for a, e in seen["logs"].items()),
        "limited_hosts": len(limited), "server_cpu_ms": 1000 * srv_cpu / max(seen["served"], 1),
        "db": db, "run_id": run_id, "case": str(case),
    }


def bare_n(world: Path, work: Path, n: int, seconds: float, in_flight: int, js_dir: Path | None = None,
           js_every: int = 0, round_: int = 0) -> dict:
    """The bare-Scrapy baseline on the same `n` latency hosts (same seeds, same JS hosts), same politeness."""
    from bench.bare_national import bare_command

    case = work / f"n{n}-bare{round_}"
    case.mkdir()
    server = LatencyProcess(world, n, case / "server.json", js_dir=js_dir, js_every=js_every)
    try:
        cmd, count_file = bare_command(case, list(server.urls.values()), seconds, min(n, in_flight or n))
        proc, out, err, curve, cpu, mem = run_sampled(cmd, lambda: int(count_file.read_text(encoding="utf-8") or 0))
    finally:
        server.stop()
    if proc.returncode != 0:
        raise SystemExit(f"error: the bare-Scrapy baseline failed: {err.strip().splitlines()[-1:]}")
    result = json.loads([x for x in out.splitlines() if x.startswith("RESULT ")][-1][len("RESULT "):])
    sustained, cpu_ms = _slope(curve)
    return {"seconds": result["seconds"], "pages": result["pages"], "sustained": sustained, "cpu_ms": cpu_ms,
            "cpu_ms_all": 1000 * cpu / max(result["pages"], 1), "rss": mem.peak["total"]}


def _spread(values: list[float]) -> str:
    """One figure, or min / median / max of several rounds."""
    v = sorted(values)
    return f"{v[0]:.1f}" if len(v) == 1 else f"{v[0]:.1f} / {statistics.median(v):.1f} / {v[-1]:.1f}"


def baseline_lines(cases: list[dict]) -> list[str]:
    """Bare Scrapy beside xxgk, per N crawled with the browser off: pages/s and CPU-ms per page."""
    out = []
    for c in cases:
        bare = c.get("bare") or []
        if c["browser"] or not bare:
            continue
        steady = sorted(b["cpu_ms"] for b in bare)
        whole = sorted(b["cpu_ms_all"] for b in bare)
        rate = sorted(b["sustained"] for b in bare)
        out.append(f"N={c['n']}: bare Scrapy {_spread(rate)} pages/s, {_spread(steady)} CPU-ms/page steady "
                   f"({_spread(whole)} whole run; {len(bare)} round(s), min / median / max); xxgk {c['sustained']:.1f} "
                   f"pages/s, {c['cpu_ms']:.1f} ({c['cpu_ms_all']:.1f}) CPU-ms/page"
                   + (f", {c['cpu_ms'] / statistics.median(steady):.2f}× bare Scrapy's steady CPU per page."
                      if statistics.median(steady) > 0 else "."))
    if out:
        best = min(min(b["cpu_ms"] for b in c["bare"]) for c in cases if c.get("bare") and not c["browser"])
        worst = max(c["cpu_ms"] for c in cases if c.get("bare") and not c["browser"])
        out.append(f"xxgk ≤ 5 ms CPU per page: {'met' if worst <= 5 else '**not met**'} ({worst:.1f} ms at worst); "
                   f"bare Scrapy's own floor on this machine is {best:.1f} ms "
                   f"({'below' if best < 5 else 'above'} the 5 ms target).")
    return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its live descendants."""
    total = 0.0
    try:
        procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return 0.0
    for proc in procs:
        try:
            t = proc.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            continue
    return total


def _slope(curve: list[tuple[float, int, float]]) -> tuple[float, float]:
    """Sustained pages/s and CPU-ms per page while sites crawl: between 20% and 90% of the time to
    the last stored page (process start-up and the last sites' closing left out)."""
    last = next((t for t, pages, _ in reversed(curve) if pages < curve[-1][1]), None) if curve else None
    end = last if last else (curve[-1][0] if curve else 0.0)
    inside = [c for c in curve if 0.2 * end <= c[0] <= 0.9 * end]
    if len(inside) < 2:
        inside = curve
    if len(inside) < 2:
        return 0.0, 0.0
    (t0, p0, c0), (t1, p1, c1) = inside[0], inside[-1]
    pages = p1 - p0
    return (pages / (t1 - t0) if t1 > t0 else 0.0), (1000 * (c1 - c0) / pages if pages else 0.0)


def score_and_report(case: dict, work: Path) -> dict:
    """Seconds to score the crawl with the university checklist and to render html/csv/json."""
    from xxgk import pipeline

    rubric, _ = pipeline.load_rubric_ref(RUBRIC)
    t0 = time.perf_counter()
    pipeline.score(case["db"], case["run_id"], rubric)
    t1 = time.perf_counter()
    pipeline.report(case["db"], case["run_id"], rubric.id, work / "report", formats="html,csv,json")
    return {"score_s": t1 - t0, "report_s": time.perf_counter() - t1}


def extrapolate(cases: list[dict], plain: list[dict] | None = None) -> list[str]:
    """The national cycle from the measured figures: the formula, then the numbers.

    Two bounds: politeness (hosts in flight × pages/s each host gives at 1 req/s) and CPU (cores ×
    1000 / CPU-ms per page). The per-host rate is the best one measured (the case least starved of
    CPU); the CPU cost the median over the cases; memory the fit of peak RSS against N.
    """
    pages = NATIONAL_SITES * PAGES_PER_SITE
    need = pages / WEEK_S
    best = max(cases, key=lambda c: c["sustained"] / _flight(c))
    r = best["sustained"] / _flight(best)
    hosts = need / r if r else float("inf")
    cpu_ms = statistics.median(c["cpu_ms"] for c in cases)
    cores = os.cpu_count() or 2
    cores_needed = need * cpu_ms / 1000
    fit = plain or cases  # the memory fit: the runs that differ only in N
    flight = {c.get("in_flight", c["n"]) for c in fit}
    single = len(flight) == 1
    small = min(fit, key=lambda c: (c.get("in_flight", c["n"]), c["n"]))
    big = max(fit, key=lambda c: (c.get("in_flight", c["n"]), c["n"]))
    kept = 0
    if not single:  # bytes per site in flight, from runs with different numbers in flight
        k0, k1 = small.get("in_flight", small["n"]), big.get("in_flight", big["n"])
        slope = max(0.0, (big["rss"] - small["rss"]) / (k1 - k0))
        base = small["rss"] - slope * k0
        memory = (f"RSS per site in flight    m = ({_mb(big['rss'])} − {_mb(small['rss'])} MB) / ({k1} − {k0}) = "
                  f"{slope / 2**20:.2f} MB, base b = {_mb(base)} MB")
    else:  # one number in flight: the whole tree over it bounds the cost per site
        k = kept = flight.pop()
        base, slope = max(c["rss"] for c in fit), max(c["rss"] for c in fit) / k
        memory = (f"RSS per site in flight    m ≤ {_mb(max(c['rss'] for c in fit))} MB / {k} = {slope / 2**20:.2f} MB "
                  f"(N from {min(c['n'] for c in fit)} to {max(c['n'] for c in fit)} at {k} in flight)")
    fastest = max(cases, key=lambda c: c["sustained"])
    days = pages / fastest["sustained"] / 86400 if fastest["sustained"] else float("inf")
    store = big["store_bytes"] / max(big["fetched"], 1)
    warc = big["warc_bytes"] / max(big["fetched"], 1)
    return [
        f"pages of the cycle        P = {NATIONAL_SITES:,} sites × {PAGES_PER_SITE:,} pages = {pages / 1e6:.0f} M",
        f"weekly rate needed        R = P / 604,800 s = {need:.1f} pages/s",
        f"pages/s per host          r = {best['sustained']:.1f} pages/s / {_flight(best)} hosts in flight = {r:.2f} (best case measured)",
        f"hosts in flight needed    H = R / r = {hosts:.0f}",
        f"CPU per page              c = {cpu_ms:.1f} ms (median of the cases)",
        f"cores needed              K = R × c / 1000 = {cores_needed:.2f} cores busy all week "
        f"(this machine: {cores} cores, shared)",
        memory,
        (f"RSS at H sites in flight  ≤ {_mb(base)} MB (H ≤ the {kept} measured in flight)" if single and hosts <= kept
         else f"RSS at H sites in flight  {_mb(base if not single else 0)} + {slope / 2**20:.2f} × {hosts:.0f} = "
              f"{_mb((base if not single else 0) + slope * hosts)} MB"),
        f"measured here             {fastest['sustained']:.1f} pages/s at N={fastest['n']}: the cycle would take "
        f"{days:.1f} days on this machine as loaded",
        f"storage per cycle         P × {store:.0f} B = {store * pages / 1e9:.0f} GB store, "
        f"P × {warc:.0f} B = {warc * pages / 1e9:.0f} GB WARC (first audit; a re-audit of unchanged pages "
        "writes revisit records instead of bodies)",
    ]


def _flight(case: dict) -> int:
    """Sites the case crawled at once."""
    return case.get("in_flight") or case["n"]


def _mb(n: float) -> str:
    return f"{n / 2**20:.0f}"


def table(cases: list[dict]) -> list[str]:
    head = ("| N sites | JS sites | in flight | browser | crawl s | HTML pages | rendered pages | sustained pages/s | "
            "per host in flight | CPU-ms/page steady (whole run) | "
            "peak RSS tree MB (Python + browser) | peak PSS tree MB | store B/page | WARC B/page | store+WARC B/item | "
            "max in flight/host | max req in 1 s/host | 429s |")
    rows = [head, "|" + "---|" * 18]
    for c in cases:
        rows.append(
            f"| {c['n']} | {c.get('js_sites', 0)} | {c.get('in_flight', c['n'])} | "
            f"{'on (' + str(c.get('browser_pages', '?')) + ' pages)' if c['browser'] else 'off'} | "
            f"{c['seconds']:.0f} | {c['pages']} | {c['rendered']} | "
            f"{c['sustained']:.1f} | {c['sustained'] / _flight(c):.2f} | {c['cpu_ms']:.1f} ({c['cpu_ms_all']:.1f}) | "
            f"{_mb(c['rss'])} ({_mb(c['rss_python'])} + {_mb(c['rss_browser'])}) | {_mb(c.get('pss', 0))} | "
            f"{c['store_bytes'] / max(c['pages'], 1):.0f} | {c['warc_bytes'] / max(c['pages'], 1):.0f} | "
            f"{(c['store_bytes'] + c['warc_bytes']) / max(c['items'], 1):.0f} | {c['peak_in_flight']} | "
            f"{c['peak_per_s']} | {c['got_429']} |")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", default="100,200,400", help="comma-separated N to crawl")
    ap.add_argument("--seconds", type=float, default=40.0, help="time budget of each site")
    ap.add_argument("--in-flight", type=int, default=100, help="sites crawled at once, all workers (0: every site)")
    ap.add_argument("--browser-sites", default="100,200,400",
                    help="comma-separated N to crawl again with the browser on ('': none)")
    ap.add_argument("--js-every", type=int, default=10, help="every k-th host is a JS portal (0: none)")
    ap.add_argument("--browser-pages", type=int, default=2, help="the audit's browser page budget")
    ap.add_argument("--workers", type=int, default=1, help=("crawl worker processes (0: one per core); one "
                    "keeps 100 latency-bound sites in flight at half a core, a second only adds its own memory"))
    ap.add_argument("--baseline-rounds", type=int, default=1,
                    help="bare-Scrapy baseline crawls before each browser-off xxgk crawl (0: none)")
    ap.add_argument("--no-doc", action="store_true", help="do not update docs/benchmarks.md")
    ap.add_argument("--json", type=Path, help="also write every measure (JSON) to this file")
    ap.add_argument("--from-json", type=Path, help="print and document the measures of an earlier --json run")
    args = ap.parse_args()
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        _finish(saved["cases"], saved["alone"], saved["timing"], args)
        return
    sizes = [int(x) for x in args.sites.split(",") if x.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        from xxgk.samples.latency import js_world
        from xxgk.samples.v3 import generate_set

        world = generate_set(work / "world", "dev").parent
        js_dir = js_world(work / "js-world")
        js = {"js_dir": js_dir, "js_every": args.js_every, "browser_pages": args.browser_pages,
              "workers": args.workers}
        alone = server_alone(world, work)
        print(f"latency server alone: {alone['rps']:.0f} requests/s, {alone['cpu_ms']:.2f} CPU-ms/request")
        cases = []
        for n in sizes:
            bare = [bare_n(world, work, n, args.seconds, args.in_flight, js_dir, args.js_every, r)
                    for r in range(args.baseline_rounds)]
            cases.append(crawl_n(world, work, n, args.seconds, browser=False, in_flight=args.in_flight, **js))
            cases[-1]["bare"] = bare
            print(table(cases)[-1], flush=True)
        for n in [int(x) for x in args.browser_sites.split(",") if x.strip()]:
            cases.append(crawl_n(world, work, n, args.seconds, browser=True, in_flight=args.in_flight, **js))
            print(table(cases)[-1], flush=True)
        timing = score_and_report(max(cases, key=lambda c: c["n"]), work)
        timing.update(load=os.getloadavg()[0], seconds=args.seconds, in_flight=args.in_flight,
                      js_every=args.js_every, browser_pages=args.browser_pages,
                      workers=args.workers or os.cpu_count() or 2)
    if args.json:
        args.json.write_text(json.dumps({"cases": cases, "alone": alone, "timing": timing}, indent=1),
                             encoding="utf-8")
    _finish(cases, alone, timing, args)


def _finish(cases: list[dict], alone: dict, timing: dict, args: argparse.Namespace) -> None:
    """Print the table and the extrapolation, and write the doc section."""
    plain = [c for c in cases if not c["browser"]] or cases
    lines = table(cases)
    formula = extrapolate(cases, plain)
    load = timing.get("load", os.getloadavg()[0])
    print("\n".join(lines))
    print(f"score {timing['score_s']:.1f} s, report {timing['report_s']:.1f} s ({max(plain, key=lambda c: c['n'])['n']} sites)")
    print("\n".join(formula))
    print("\n".join(baseline_lines(cases)))
    if not args.no_doc:
        _write_doc(lines, formula, alone, {**timing, "cases": cases}, plain, timing.get("seconds", args.seconds), load)


def _flatness(label: str, cases: list[dict]) -> str:
    """One doc line: how much the peak whole-tree RSS varies over N, and whether ≤ 600 MB holds."""
    if not cases:
        return ""
    rss = [c["rss"] for c in cases]
    flat = (max(rss) - min(rss)) / min(rss) if min(rss) else 0.0
    verdict = "met" if flat <= 0.10 and max(rss) <= 600 * 2**20 else "**not met**"
    return (f"Peak RSS of the crawl's process tree, {label}: {_mb(min(rss))}–{_mb(max(rss))} MB from "
            f"N={min(c['n'] for c in cases)} to N={max(c['n'] for c in cases)}, varying by {100 * flat:.1f}% "
            f"(target ≤ 600 MB and flat within 10%: {verdict}).\n")


def _write_doc(lines: list[str], formula: list[str], alone: dict, timing: dict, plain: list[dict],
               seconds: float, load: float) -> None:
    """Replace the national section of docs/benchmarks.md (between its markers)."""
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text(encoding="utf-8")
    big = max(plain, key=lambda c: c["n"])
    rendering = [c for c in timing.get("cases", []) if c["browser"]]
    baseline = baseline_lines(timing.get("cases", []))
    body = (
        f"## National scale (`bench/national.py`), {dt.date.today().isoformat()}\n"
        "<!-- national-bench:start -->\n\n"
        "The latency world (`xxgk/samples/latency.py`): the 8 v3 dev portals served as N distinct loopback\n"
        "hosts (127.1.X.Y, one port), one asyncio process; per host a log-normal median latency (median of\n"
        "medians 0.35 s, σ 0.8, 0.05–6 s), per-request jitter, 0.2% stalls of 8 s, and 10% of the hosts\n"
        "rate-limited (token bucket 2 req/s, burst 3, 429 with Retry-After). Every "
        f"{timing.get('js_every', 10)}th host serves instead the\n"
        "sample world's Empire-CMS government portal, whose town columns are linked only from a menu a script\n"
        "writes: the crawl must render its 信息公开 page in Chromium (browser on) to find them. The crawl: "
        f"{timing.get('workers') or os.cpu_count()} worker process(es),\n"
        f"{timing.get('in_flight') or 'every'} site(s) in flight at once (the next starts as one ends), `per_host=1`, "
        f"`delay=1` (AutoThrottle on), {seconds:.0f} s per site; browser on: `browser_pages="
        f"{timing.get('browser_pages', 2)}` (pages open at once in the audit), `browser_processes=1`, "
        "`browser_idle=5`. The machine\n"
        f"has {os.cpu_count()} cores shared with other sessions (1-min load {load:.1f} at the end).\n\n"
        f"Latency server alone (no latency, 64 connections over {alone['hosts']} hosts): "
        f"**{alone['rps']:.0f} requests/s**, {alone['cpu_ms']:.2f} CPU-ms per request, so at the\n"
        f"largest N it spent {big['server_cpu_ms']:.2f} CPU-ms per request served and is not the bottleneck.\n\n"
        + "\n".join(lines) + "\n\n"
        + _flatness("browser off", plain) + _flatness("browser on", rendering)
        + ("\nBare Scrapy beside xxgk (`bench/bare_national.py`: a link follower on the same hosts, at the "
           "same politeness, counting HTML pages; it extracts, stores and archives nothing):\n\n"
           + "".join(f"- {x}\n" for x in baseline) if baseline else "")
        + "\n"
        + f"Score {timing['score_s']:.1f} s and report {timing['report_s']:.1f} s "
        f"for the {big['n']} sites of the largest N.\n\n"
        "Extrapolation to the national cycle (printed by the bench):\n\n```\n" + "\n".join(formula) + "\n```\n"
        "<!-- national-bench:end -->\n"
    )
    start = text.find("## National scale")
    if start >= 0:
        end = text.find("<!-- national-bench:end -->", start)
        end = text.find("\n", end) + 1
        text = text[:start] + body + text[end:]
    else:
        text = text.rstrip("\n") + "\n\n" + body
    doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
