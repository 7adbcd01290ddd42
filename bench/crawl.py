"""Crawl benchmark: the xxgk crawler against a bare Scrapy spider on the same sample world, same run.

Generates the large sample world (`xxgk.samples.bench.generate_bench_world`, ~30,000 pages; the
default world when that is not available), serves it on 127.0.0.1, then runs — each in its own
process, with the same time budget per site — (1) an xxgk crawl of every portal
(`crawler.runner.run_crawl`: worker processes, articles, attachments, link checks, WARC evidence and
the store included) and (2) a bare Scrapy spider that only follows links on the same server. Reports
pages/s of both, their ratio, the peak memory of each as the SUM of the RSS of its whole process
tree (sampled every 0.5 s: coordinator, crawl workers, Playwright driver and Chromium), split into
the crawler's Python processes and the browser's, and the count of browser-rendered pages, and
writes the figures to the crawl section of docs/benchmarks.md.

    .venv/bin/python bench/crawl.py [--seconds 120] [--pages 30000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from tests.crawler.storekit import add_run_with_sites  # noqa: E402
from xxgk.samples.server import SampleServer  # noqa: E402
from xxgk.settings import CrawlSettings  # noqa: E402
from xxgk.store import Page, default_db_url, session_factory  # noqa: E402

XXGK_CHILD = """
import json, sys, time
from crawler.runner import run_crawl
db, run_id, limits = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
t0 = time.perf_counter()
run_crawl(db, run_id, limits=limits)
print("RESULT " + json.dumps({"seconds": time.perf_counter() - t0}))
"""

BARE_CHILD = """
import json, sys, time
from urllib.parse import urlsplit
import scrapy
from scrapy.crawler import CrawlerProcess

urls, seconds = json.loads(sys.argv[1]), float(sys.argv[2])

class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for u in urls:
            yield scrapy.Request(u)
    def parse(self, response):
        if not isinstance(response, scrapy.http.TextResponse):
            return
        host = urlsplit(response.url).netloc
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if urlsplit(url).netloc == host and url.startswith("http"):
                yield scrapy.Request(url, callback=self.parse)

stats = {}
process = CrawlerProcess({"LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS": 64, "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
                          "DOWNLOAD_DELAY": 0, "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False,
                          "CLOSESPIDER_TIMEOUT": seconds, "RETRY_TIMES": 0, "COOKIES_ENABLED": True,
                          # the xxgk spider's CONCURRENT_ITEMS (crawler/spiders/portal.py), so neither side
                          # pays Scrapy's default 100 asyncio tasks per callback output
                          "CONCURRENT_ITEMS": 8})
crawler = process.create_crawler(Bare)
process.crawl(crawler)
t0 = time.perf_counter()
process.start()
secs = time.perf_counter() - t0
pages = crawler.stats.get_value("downloader/response_count", 0)
print("RESULT " + json.dumps({"seconds": secs, "pages": pages}))
"""


class TreeMemory:
    """Samples the summed RSS of a process and all its descendants every `every` seconds.

    Python processes (the crawl coordinator and its workers) and the rest (Playwright's Node driver,
    Chromium) are summed separately; peaks are kept per group and for the whole tree. A sum of RSS
    counts pages shared between processes once per process, so it over- rather than under-states.
    """

    def __init__(self, pid: int, every: float = 0.5, trace: list | None = None) -> None:
        self.root = psutil.Process(pid)
        self.every = every
        self.peak = {"python": 0, "browser": 0, "total": 0}
        self.peak_pss = {"python": 0, "browser": 0, "total": 0}
        self.max_processes = {"python": 0, "browser": 0}
        self.largest: tuple[int, str] = (0, "")  # peak RSS of any one process (GNU time's "maximum resident set size")
        self.at_peak: list[tuple[str, int, int]] = []  # (name, rss, pss) of each process at the total RSS peak
        self.trace = trace  # when a list: one (seconds, Python RSS MB, browser RSS MB, browser processes, Playwright drivers) per sample
        self.t0 = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)

    def sample(self) -> None:
        sums = {"python": 0, "browser": 0}
        pss = {"python": 0, "browser": 0}
        counts = {"python": 0, "browser": 0}
        seen: list[tuple[str, int, int]] = []
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        for proc in procs:
            try:
                info = proc.memory_full_info()  # rss and pss (smaps_rollup)
                name = proc.name()
                group = "python" if "python" in name.lower() else "browser"
            except psutil.Error:
                continue
            sums[group] += info.rss
            pss[group] += getattr(info, "pss", info.rss)
            counts[group] += 1
            seen.append((name, info.rss, getattr(info, "pss", info.rss)))
            self.largest = max(self.largest, (info.rss, name))
        for group in ("python", "browser"):
            self.peak[group] = max(self.peak[group], sums[group])
            self.peak_pss[group] = max(self.peak_pss[group], pss[group])
            self.max_processes[group] = max(self.max_processes[group], counts[group])
        if sums["python"] + sums["browser"] > self.peak["total"]:
            self.peak["total"] = sums["python"] + sums["browser"]
            self.at_peak = seen
        self.peak_pss["total"] = max(self.peak_pss["total"], pss["python"] + pss["browser"])
        if self.trace is not None:
            self.trace.append((round(time.perf_counter() - self.t0, 1), sums["python"] >> 20, sums["browser"] >> 20,
                               counts["browser"], sum(1 for name, _, _ in seen if "node" in name.lower())))


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_child(cmd: list[str], trace: list | None = None) -> tuple[dict, TreeMemory]:
    """Run a benchmark child, sampling its process tree's memory; its RESULT line (plus the CPU
    seconds of its whole tree, every process reaped by its parent) and the sampler."""
    cpu0 = _cpu_of_children()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeMemory(proc.pid, trace=trace) as mem:
        out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(err[-3000:])
    line = [x for x in out.splitlines() if x.startswith("RESULT ")][-1]
    return {**json.loads(line[len("RESULT ") :]), "cpu": _cpu_of_children() - cpu0}, mem


def _world(work: Path, pages: int) -> tuple[Path, str]:
    try:
        from xxgk.samples.bench import generate_bench_world

        generate_bench_world(work / "world", pages=pages)
        return work / "world", f"large sample world (`generate_bench_world(pages={pages})`)"
    except ImportError:
        from xxgk.samples import generate_world

        generate_world(work / "world", seed=2024)
        return work / "world", "default sample world (seed 2024)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=120.0, help="time budget of each crawl")
    ap.add_argument("--pages", type=int, default=30_000, help="size of the generated world")
    ap.add_argument("--no-doc", action="store_true", help="do not update docs/benchmarks.md")
    ap.add_argument("--trace", type=Path, help="write the xxgk crawl's memory samples (JSON) to this file")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        world_dir, world_name = _world(work, args.pages)
        gen_secs = time.perf_counter() - t0
        try:
            from xxgk.samples.bench import count_pages

            world_pages = count_pages(world_dir)
        except ImportError:
            world_pages = sum(1 for _ in world_dir.rglob("*.htm*"))
        db = default_db_url(work / "store.sqlite")
        with SampleServer(world_dir) as server:
            urls = dict(server.urls)
            factory = session_factory(db)
            with factory.begin() as s:
                run_id = add_run_with_sites(s, urls, label="bench")
            limits = CrawlSettings(max_seconds=args.seconds, max_pages=1_000_000, max_articles=1_000_000,
                                   max_list_pages=100_000, max_depth=50, log_level="ERROR")
            trace: list | None = [] if args.trace else None
            xxgk, xmem = _run_child([sys.executable, "-c", XXGK_CHILD, db, str(run_id), limits.model_dump_json()], trace)
            if args.trace:
                args.trace.write_text(json.dumps({"samples": trace, "at_peak": xmem.at_peak}), encoding="utf-8")
            script = work / "bare_spider.py"  # a file: Scrapy reads callbacks' source code
            script.write_text(BARE_CHILD, encoding="utf-8")
            bare, bmem = _run_child([sys.executable, str(script), json.dumps(list(urls.values())), str(args.seconds)])
        with factory() as s:
            pages = s.scalar(select(func.count(Page.id))) or 0
            browser = s.scalar(select(func.count(Page.id)).where(Page.render == "browser")) or 0
    x_rate = pages / xxgk["seconds"]
    b_rate = bare["pages"] / bare["seconds"]
    rows = [
        ("world", f"{world_name}: {len(urls)} portals, {world_pages} HTML pages (generated in {gen_secs:.0f} s)"),
        ("machine", f"{os.cpu_count()} cores (the loopback server shares them)"),
        ("time budget", f"{args.seconds:.0f} s per site for xxgk, {args.seconds:.0f} s in all for the bare spider"),
        ("xxgk crawl: pages stored", f"{pages} in {xxgk['seconds']:.1f} s"),
        ("xxgk crawl: pages/s", f"{x_rate:.1f}"),
        ("bare Scrapy (follow same-server links): pages", f"{bare['pages']} in {bare['seconds']:.1f} s"),
        ("bare Scrapy: pages/s", f"{b_rate:.1f}"),
        ("ratio xxgk / bare", f"{x_rate / b_rate:.2f} (target ≥ 0.85)"),
        ("CPU time per page, whole process tree (user + system)",
         f"xxgk {1000 * xxgk['cpu'] / max(pages, 1):.1f} ms ({xxgk['cpu']:.0f} s), "
         f"bare {1000 * bare['cpu'] / max(bare['pages'], 1):.1f} ms ({bare['cpu']:.0f} s)"),
        ("peak RSS of the xxgk crawl: Python processes, summed",
         f"{_mb(xmem.peak['python'])} MB (target ≤ 600 MB; {xmem.max_processes['python']} processes: "
         "coordinator, crawl workers, multiprocessing's resource tracker)"),
        ("peak RSS of the xxgk crawl: browser processes, summed",
         f"{_mb(xmem.peak['browser'])} MB (Playwright driver + Chromium, "
         f"up to {xmem.max_processes['browser']} processes)"),
        ("peak RSS of the whole xxgk process tree, summed", f"{_mb(xmem.peak['total'])} MB (target ≤ 600 MB)"),
        ("peak RSS of the largest single xxgk process (what `/usr/bin/time -v` reports)",
         f"{_mb(xmem.largest[0])} MB ({xmem.largest[1]})"),
        ("peak PSS of the xxgk crawl: Python / browser / whole tree, summed",
         f"{_mb(xmem.peak_pss['python'])} / {_mb(xmem.peak_pss['browser'])} / {_mb(xmem.peak_pss['total'])} MB "
         "(shared pages split between the processes sharing them)"),
        ("peak RSS of the bare spider (one process)", f"{_mb(bmem.peak['total'])} MB"),
        ("browser-rendered pages", f"{browser}"),
    ]
    width = max(len(k) for k, _ in rows)
    print("\n".join(f"{k:<{width}}  {v}" for k, v in rows))
    if not args.no_doc:
        _write_doc(rows)


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f}"


def _write_doc(rows: list[tuple[str, str]]) -> None:
    """Replace the crawl section of docs/benchmarks.md (other sections are kept)."""
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    section = (
        f"## Crawl (`make bench` → `bench/crawl.py`), {dt.date.today().isoformat()}\n\n"
        "Same run, same loopback server: the xxgk crawler (columns, lists, articles, attachments, link\n"
        "checks, robots.txt, WARC evidence, batched store writes) against a bare Scrapy spider that only\n"
        "follows links on the same server. The sample server runs in the benchmark's own process and\n"
        "shares the machine's cores with both crawlers.\n\n"
        "- **xxgk**: `run_crawl` starts one crawl worker process per core (`crawler/parallel.py`), each its\n"
        "  own Scrapy process running 4 site crawls at a time and taking the next site from a shared list\n"
        "  as one finishes (`crawler/feeder.py`); on loopback the 4 crawls share the process's 64 requests\n"
        "  in flight (16 each). All workers write the one SQLite store (WAL, short batched transactions).\n"
        "  Each site has the time budget from its own start, so the run lasts until every site is done\n"
        "  (or out of budget); pages/s is pages stored over the whole run, process start-up included.\n"
        "- **bare spider**: one process, one crawler for all portals, the loopback settings (64 requests,\n"
        "  32 per host, no delay, `CONCURRENT_ITEMS=8`), stopped by `CLOSESPIDER_TIMEOUT` at the budget.\n"
        "- **Memory**: the sum of the RSS of every process of each crawl's tree, sampled every 0.5 s with\n"
        "  psutil (not `ru_maxrss` of one process), split into the crawler's Python processes (coordinator\n"
        "  and workers) and the browser (Playwright's Node driver and Chromium, one per worker that renders,\n"
        "  shared by its sites, closed when none needs it), and the whole tree. A sum of RSS counts shared\n"
        "  pages once per process (Chromium's processes share most of their code), so it overstates rather\n"
        "  than understates; the PSS row splits each shared page between its sharers. A sample can miss a\n"
        "  peak shorter than 0.5 s.\n\n"
        f"| measure | value |\n|---|---|\n{table}\n\n"
        "xxgk's ratio above 1 comes from using every core: per page it still spends more CPU than the\n"
        "bare spider (the CPU row; xxgk's includes Chromium), and the bare spider is one process by design.\n\n"
        "Where the time goes: the sites that need Chromium (one page in ~1,000 here) cost ~0.3–0.6 CPU-s\n"
        "per rendered page, about 50 ordinary pages each, plus the browser's start; they make the run's\n"
        "last stretch when they come last in the site list. Otherwise the per-page work beyond the bare\n"
        "spider's is the lxml parse, adapter fingerprints, list and article reading, link bookkeeping,\n"
        "the WARC record and the store rows (py-spy, 2026-11-26).\n\n"
        "**Browser memory and the 600 MB target.** No single process comes near it (the largest-process\n"
        "row: what `/usr/bin/time -v` reports as maximum resident set size), and the crawler's Python\n"
        "processes meet it summed; the whole tree summed does not\n"
        "while a page renders, and cannot with Playwright and Debian's Chromium 156 (measured with psutil,\n"
        "one page rendered): Playwright's Node driver alone is ~125 MB RSS (~120 MB PSS), and Chromium\n"
        "with one browser context at least 4 processes and ~660 MB RSS (~370 MB PSS, ~230 MB of it the\n"
        "browser process), the same when driven over CDP without Node; with the two crawl workers alive\n"
        "(~400 MB RSS, ~365 MB PSS) that is over 600 MB by either measure. What the crawl does to keep it\n"
        "down (`crawler/browser.py`, `crawler/middlewares.py`): no zygotes, GPU process or network-service\n"
        "process (`--no-zygote --in-process-gpu`, `NetworkServiceInProcess2`), the pages of a context in\n"
        "one renderer (`--renderer-process-limit=1`), one open context per crawl process for all its sites\n"
        "(each costs two renderers, ~370 MB RSS: the page's and the headless window's), and a context closed\n"
        "1 s after its last page. Before these, the same benchmark peaked at 2,098–2,171 MB of browser RSS\n"
        "(19–21 processes) and 2,489–2,576 MB for the whole tree. The rendering sites come near the end of\n"
        "the run, and the peak depends on whether both workers render at the same moment (each has its own\n"
        "driver and Chromium): in two runs of 2026-11-26 with these settings, 1,007 MB of browser RSS\n"
        "(6 processes, 1,416 MB whole tree) where they took turns, 1,595 MB (10 processes, 2,026 MB) where\n"
        "they overlapped.\n"
    )
    start = text.find("## Crawl")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("\n" + text[end + 1 :] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
