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
import statistics
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

from crawler.settings import LOOPBACK_PER_HOST, LOOPBACK_REQUESTS, sites_at_once  # noqa: E402
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
import json, os, subprocess, sys, time
from urllib.parse import urlsplit

urls, seconds, processes = json.loads(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
if processes > 1:  # as many processes as xxgk's workers, each crawling its share of the portals
    parts = [urls[i::processes] for i in range(processes)]
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, __file__, json.dumps(part), str(seconds), "1"],
                              stdout=subprocess.PIPE, text=True) for part in parts if part]
    pages = 0
    for proc in procs:
        out, _ = proc.communicate()
        pages += json.loads([x for x in out.splitlines() if x.startswith("RESULT ")][-1][7:])["pages"]
    print("RESULT " + json.dumps({"seconds": time.perf_counter() - t0, "pages": pages}))
    sys.exit(0)

import scrapy
from scrapy.crawler import CrawlerProcess

class Bare(scrapy.Spider):
    name = "bare"
    custom_settings = {}

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.first = {}  # host:port -> when its first page came back (the per-site time budget)
        self.pages = 0

    async def start(self):
        for url in urls:
            yield scrapy.Request(url, callback=self.parse, meta={"download_slot": urlsplit(url).netloc})

    def parse(self, response):
        host = urlsplit(response.url).netloc
        started = self.first.setdefault(host, time.monotonic())
        if not isinstance(response, scrapy.http.TextResponse):
            return
        if response.status == 200 and b"html" in (response.headers.get(b"Content-Type") or b""):
            self.pages += 1  # what xxgk's count is: stored HTML pages
        if time.monotonic() - started > seconds:  # the site's budget from its own start, like xxgk's
            return
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if urlsplit(url).netloc == host and url.startswith("http"):
                # Scrapy's per-domain limit keys on the host name without the port, so every
                # 127.0.0.1 portal would share one slot; one slot per portal, as xxgk's crawlers have
                yield scrapy.Request(url, callback=self.parse, meta={"download_slot": host})


stats = {}
process = CrawlerProcess({"LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS": %(requests)d,
                          "CONCURRENT_REQUESTS_PER_DOMAIN": %(per_host)d,
                          "DOWNLOAD_DELAY": 0, "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False,
                          "RETRY_TIMES": 0, "COOKIES_ENABLED": True,
                          # the xxgk spider's CONCURRENT_ITEMS (crawler/spiders/portal.py), so neither side
                          # pays Scrapy's default 100 asyncio tasks per callback output
                          "CONCURRENT_ITEMS": 8})
crawler = process.create_crawler(Bare)


process.crawl(crawler)
t0 = time.perf_counter()
process.start()
secs = time.perf_counter() - t0
print("RESULT " + json.dumps({"seconds": secs, "pages": crawler.spider.pages}))
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


def _spread(values: list[float], fmt: str = "{:.1f}") -> str:
    """min / median / max of a measure over the rounds."""
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def _xxgk_round(work: Path, r: int, urls: dict[str, str], limits: CrawlSettings, trace: list | None) -> dict:
    """One xxgk crawl into a fresh store (a re-audit would write revisit records and cost less)."""
    db = default_db_url(work / f"store-{r}.sqlite")
    factory = session_factory(db)
    with factory.begin() as s:
        run_id = add_run_with_sites(s, urls, label="bench")
    result, mem = _run_child([sys.executable, "-c", XXGK_CHILD, db, str(run_id), limits.model_dump_json()], trace)
    with factory() as s:
        html = s.scalar(select(func.count(Page.id)).where(Page.status == 200, Page.content_type.like("%html%"))) or 0
        pages = s.scalar(select(func.count(Page.id))) or 0
        browser = s.scalar(select(func.count(Page.id)).where(Page.render == "browser")) or 0
    return {**result, "pages": html, "all_pages": pages, "browser": browser, "mem": mem}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=120.0, help="time budget of each site")
    ap.add_argument("--pages", type=int, default=30_000, help="size of the generated world")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds of both crawlers (min/median/max)")
    ap.add_argument("--no-doc", action="store_true", help="do not update docs/benchmarks.md")
    ap.add_argument("--trace", type=Path, help="write the xxgk crawl's memory samples (JSON) to this file")
    args = ap.parse_args()
    processes = os.cpu_count() or 1
    sites = sites_at_once(CrawlSettings(), loopback=True)
    bare_code = BARE_CHILD % {"requests": LOOPBACK_REQUESTS,
                              "per_host": min(LOOPBACK_PER_HOST, LOOPBACK_REQUESTS // sites)}
    xs: list[dict] = []
    bs: list[dict] = []
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
        script = work / "bare_spider.py"  # a file: Scrapy reads callbacks' source code
        script.write_text(bare_code, encoding="utf-8")
        with SampleServer(world_dir) as server:
            urls = dict(server.urls)
            limits = CrawlSettings(max_seconds=args.seconds, max_pages=1_000_000, max_articles=1_000_000,
                                   max_list_pages=100_000, max_depth=50, log_level="ERROR", workers=processes)
            trace: list | None = [] if args.trace else None
            for r in range(args.rounds):  # interleaved, alternating which goes first
                order = ("xxgk", "bare") if r % 2 == 0 else ("bare", "xxgk")
                for who in order:
                    if who == "xxgk":
                        xs.append(_xxgk_round(work, r, urls, limits, trace if r == 0 else None))
                    else:
                        result, mem = _run_child([sys.executable, str(script), json.dumps(list(urls.values())),
                                                  str(args.seconds), str(processes)])
                        bs.append({**result, "mem": mem})
                print(f"round {r + 1}: xxgk {xs[-1]['pages']} pages in {xs[-1]['seconds']:.1f} s, "
                      f"bare {bs[-1]['pages']} in {bs[-1]['seconds']:.1f} s", flush=True)
            if args.trace:
                args.trace.write_text(json.dumps({"samples": trace, "at_peak": xs[0]["mem"].at_peak}),
                                      encoding="utf-8")
    x_rate = [x["pages"] / x["seconds"] for x in xs]
    b_rate = [b["pages"] / b["seconds"] for b in bs]
    x_cpu = [1000 * x["cpu"] / max(x["pages"], 1) for x in xs]
    b_cpu = [1000 * b["cpu"] / max(b["pages"], 1) for b in bs]
    xmem = max((x["mem"] for x in xs), key=lambda m: m.peak["total"])
    bmem = max((b["mem"] for b in bs), key=lambda m: m.peak["total"])
    rows = [
        ("world", f"{world_name}: {len(urls)} portals, {world_pages} HTML pages (generated in {gen_secs:.0f} s)"),
        ("machine", f"{os.cpu_count()} cores (the loopback server shares them); "
                    f"1-min load {os.getloadavg()[0]:.1f} at the end"),
        ("rounds", f"{args.rounds}, interleaved (xxgk first in odd rounds, bare first in even ones); "
                   "figures are min / median / max"),
        ("processes and requests in flight", f"both {processes} processes × {LOOPBACK_REQUESTS} requests, "
                                             f"{LOOPBACK_REQUESTS // sites} per portal"),
        ("stop rule", f"both: a site stops {args.seconds:.0f} s after its own start, or when nothing of it is left"),
        ("xxgk: stored HTML pages (status 200)", _spread([x["pages"] for x in xs], "{:.0f}")),
        ("xxgk: seconds", _spread([x["seconds"] for x in xs])),
        ("xxgk: HTML pages/s", _spread(x_rate)),
        ("bare Scrapy: HTML pages (status 200)", _spread([b["pages"] for b in bs], "{:.0f}")),
        ("bare Scrapy: seconds", _spread([b["seconds"] for b in bs])),
        ("bare Scrapy: HTML pages/s", _spread(b_rate)),
        ("ratio xxgk / bare, pages/s (medians)", f"{statistics.median(x_rate) / statistics.median(b_rate):.2f}"),
        ("CPU-ms per HTML page, whole process tree (user + system)",
         f"xxgk {_spread(x_cpu)}, bare {_spread(b_cpu)}"),
        ("peak RSS of the xxgk crawl: Python processes, summed",
         f"{_mb(xmem.peak['python'])} MB ({xmem.max_processes['python']} processes: "
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
        ("peak RSS of the bare spider (its processes, summed)", f"{_mb(bmem.peak['total'])} MB"),
        ("browser-rendered pages (xxgk, per round)", _spread([x["browser"] for x in xs], "{:.0f}")),
    ]
    ratio = statistics.median(x_rate) / statistics.median(b_rate)
    verdict = (f"Pages/s ratio {ratio:.2f} (medians): the ≥ 1.0 target is {'met' if ratio >= 1.0 else '**not met**'}; "
               f"CPU per page, bare / xxgk (medians): {statistics.median(b_cpu) / statistics.median(x_cpu):.2f}.")
    width = max(len(k) for k, _ in rows)
    print("\n".join(f"{k:<{width}}  {v}" for k, v in rows))
    print(verdict)
    if not args.no_doc:
        _write_doc(rows, verdict)


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f}"


def _write_doc(rows: list[tuple[str, str]], verdict: str) -> None:
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
        "- **bare spider**: the same number of processes as xxgk's workers, each crawling its share of the\n"
        "  portals with the same requests in flight per process and per portal (each portal its own Scrapy\n"
        "  download slot: Scrapy keys its per-domain limit on the host name without the port, so on\n"
        "  127.0.0.1 a plain `CONCURRENT_REQUESTS_PER_DOMAIN=32` is 32 for all portals together), stopping a\n"
        "  site by xxgk's rule (its budget from its own start, or nothing left), and counting what xxgk\n"
        "  counts: HTML pages answered 200. The rounds interleave the two crawlers; each xxgk round writes a\n"
        "  fresh store (a re-audit writes WARC revisit records and would cost less).\n"
        "- **Memory**: the sum of the RSS of every process of each crawl's tree, sampled every 0.5 s with\n"
        "  psutil (not `ru_maxrss` of one process), split into the crawler's Python processes (coordinator\n"
        "  and workers) and the browser (Playwright's Node driver and Chromium, one per worker that renders,\n"
        "  shared by its sites, closed when none needs it), and the whole tree. A sum of RSS counts shared\n"
        "  pages once per process (Chromium's processes share most of their code), so it overstates rather\n"
        "  than understates; the PSS row splits each shared page between its sharers. A sample can miss a\n"
        "  peak shorter than 0.5 s.\n\n"
        f"| measure | value |\n|---|---|\n{table}\n\n{verdict}\n\n"
        "Readings of this table on 2026-12-07: 0.73, then 0.87 after the extraction and Scrapy-level\n"
        "passes below (quiet machine), then 1.06 with Scrapy's stats off again (they had to stay on until\n"
        "spider callbacks settled, see `crawler/spiders/settled.py`); that last run shared the machine with\n"
        "another session's work (load 3.0), which slowed both crawlers, and xxgk's first round (run first,\n"
        "102.5 s against 82.9 and 87.9) is still its slow one: not explained yet.\n\n"
        "Before 2026-12-07 this table compared xxgk's 2 processes and 128 requests in flight with a\n"
        "1-process baseline limited to 32 requests in all (the per-hostname slot); its \"1.56×\" measured that\n"
        "difference, not the crawler. Per page, xxgk does the crawl of the bare spider plus extraction,\n"
        "store rows and WARC evidence, and its CPU row includes Chromium's.\n\n"
        "Where the time goes: the sites that need Chromium (one page in ~1,000 here) cost ~0.3–0.6 CPU-s\n"
        "per rendered page, about 50 ordinary pages each, plus the browser's start; they make the run's\n"
        "last stretch when they come last in the site list. Otherwise the per-page work beyond the bare\n"
        "spider's is the lxml parse, adapter fingerprints, list and article reading, link bookkeeping,\n"
        "the WARC record and the store rows (py-spy, 2026-11-26).\n\n"
        "**Extraction CPU (2026-12-07).** py-spy put two thirds of a crawl process's CPU in the spider's\n"
        "callbacks, and most of it in walking the same page tree again and again: the 17 body selectors of\n"
        "an article each walked the whole tree, five of the seven heading XPaths too, every list row and\n"
        "pager node made a parsel selector and compiled a fresh XPath, lxml.html's element-class lookup\n"
        "called Python for every element touched, and a candidate that turned out to be a column was\n"
        "parsed, fingerprinted and read twice. Each reader now walks the page once (or runs a compiled\n"
        "XPath), with results held equal to the old readers' on real and generated pages\n"
        "(`tests/crawler/test_extract_fastpaths.py`) and the held-out verdicts unchanged. Per page, on 800\n"
        "sample and v3 pages (one process, by hand): reading an article 1.79 → 0.94 ms, a list page\n"
        "3.93 → 1.94 ms; a one-process crawl of a 3,000-page sample world (browser off) 6.6 → 5.2–5.4\n"
        "CPU-ms per page, measured alternately with the old code on the same machine.\n\n"
        '**Scrapy-level and evidence CPU (2026-12-07, second pass).** Beyond extraction, py-spy put ~4 % of\n'
        "a crawl worker in the WARC writer and evidence middleware, ~3 % in Scrapy's meta-refresh middleware,\n"
        'and more in Scrapy parts the crawl does not use. Changed, with outputs held equal (tests/crawler,\n'
        'tests/faults, the sample audits and the held-out verdicts): each WARC record is one gzip member made\n'
        "by ISA-L (`isal`) at level 1 and written at once, instead of warcio's zlib at level 9 in four writes\n"
        '(0.145 → 0.085 ms per record on 3,000 sample pages; files ~6 % larger; `tests/crawler/test_evidence.py`\n'
        "reads them back with warcio, digests checked); the meta-refresh check skips Scrapy's encoding guess,\n"
        '`<base>` search and scan for pages without the bytes `refresh` in their first 16 KB (0.038 → 0.004 ms\n'
        'per page beyond the decode the spider does anyway; `tests/crawler/test_meta_refresh.py` holds it to\n'
        "Scrapy's answer on real and generated pages); below INFO (the default is WARNING) no Scrapy stats\n"
        "are collected, as only Scrapy's INFO dump reads them (stats-collector calls in a one-process\n"
        "3,000-page crawl 90,668 → 15,543, DownloaderStats gone); Scrapy 2.19's RemoteControl extension,\n"
        'which started a localhost code-execution HTTP server per site crawler and imported aiohttp\n'
        '(~0.2 s per process), is off, with the telnet console, MetaCopyDetectionMiddleware (a development\n'
        "lint over every yielded request) and HTTP auth; the scope middleware caches each host's address\n"
        'class; Scrapy\'s DEBUG "Crawled"/"Scraped" messages are built only when DEBUG is logged. Together:\n'
        'Python function calls of that one-process crawl (browser off, cProfile) 26.9 M → 24.3 M (−10 %),\n'
        'and its CPU-ms per page, base and new run alternately five times on a shared machine, 5.75 / 6.57 /\n'
        "7.31 → 5.53 / 5.76 / 6.59 (min / median / max; the spread is the machine's other load, and the\n"
        "6.59 round ran with only the WARC and meta-refresh changes). Kept on\n"
        "purpose: cookies (no test needs them, but real portals' sessions and anti-bot cookies do), Referer\n"
        '(anti-hotlinking attachment servers), depth (it sets the depth the spider reads), URL length,\n'
        'proxies, robots.txt, retries and redirects.\n\n'
        '**Spider link walk (2026-12-07).** The link readers of a candidate or column page (candidate\n'
        "links, menu blocks, link lists for sibling parents, 更多 targets) share one walk over the page's body\n"
        'links with their absolute URLs and one dated-row judgement per link, where each walked every link\n'
        'again; text XPaths return plain strings. Outputs held equal (`tests/crawler/test_extract_fastpaths.py`,\n'
        'held-out and heldout2 verdicts unchanged); the link readers 1.45–1.93 → 1.06–1.34 ms per page where\n'
        'they run (89 of ~3,000 pages of a generated world, more on portals with much discovery). On the\n'
        'quiet machine after both passes (the table above, 63 portals): pages/s ratio 0.87 and CPU per page\n'
        "6.4 against the bare spider's 5.8 (medians; xxgk's best round 5.5), so the target is still not met;\n"
        "xxgk's rounds spread 86–108 s against the bare spider's 85–90 s (not explained yet).\n\n"
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
