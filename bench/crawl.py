"""Crawl benchmark: the xxgk crawler against a bare Scrapy spider on the same sample world, same run.

Generates the large sample world (`xxgk.samples.bench.generate_bench_world`, ~30,000 pages; the
default world when that is not available), serves it on 127.0.0.1, then runs — each in its own
process, with the same time budget — (1) an xxgk crawl of every portal (`crawler.runner.run_crawl`,
articles, attachments, link checks, WARC evidence and the store included) and (2) a bare Scrapy
spider that only follows links on the same server. Reports pages/s of both, their ratio, the peak
RSS of the xxgk crawl process (its children included) and the count of browser-rendered pages,
and writes the figures to the crawl section of docs/benchmarks.md.

    .venv/bin/python bench/crawl.py [--seconds 120] [--pages 30000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from xxgk.samples.server import SampleServer  # noqa: E402
from xxgk.store import Crawl, Page, Run, Site, default_db_url, session_factory  # noqa: E402

XXGK_CHILD = """
import json, resource, sys, time
from crawler.runner import run_crawl
db, run_id, limits = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
t0 = time.perf_counter()
run_crawl(db, run_id, limits=limits)
secs = time.perf_counter() - t0
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print("RESULT " + json.dumps({"seconds": secs, "peak_kb": peak}))
"""

BARE_CHILD = """
import json, resource, sys, time
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
print("RESULT " + json.dumps({"seconds": secs, "pages": pages,
                              "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _result(proc: subprocess.CompletedProcess[str]) -> dict:
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT ") :])


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
                run = Run(label="bench")
                s.add(run)
                s.flush()
                for slug, url in urls.items():
                    site = Site(url=url, name=slug)
                    s.add(site)
                    s.flush()
                    s.add(Crawl(run_id=run.id, site_id=site.id))
                run_id = run.id
            limits = {"max_seconds": args.seconds, "max_pages": 1_000_000, "max_articles": 1_000_000,
                      "max_list_pages": 100_000, "max_depth": 50, "log_level": "ERROR"}
            xxgk = _result(subprocess.run([sys.executable, "-c", XXGK_CHILD, db, str(run_id), json.dumps(limits)],
                                          cwd=ROOT, capture_output=True, text=True))
            script = work / "bare_spider.py"  # a file: Scrapy reads callbacks' source code
            script.write_text(BARE_CHILD, encoding="utf-8")
            bare = _result(subprocess.run([sys.executable, str(script), json.dumps(list(urls.values())),
                                           str(args.seconds)], cwd=ROOT, capture_output=True, text=True))
        with factory() as s:
            pages = s.scalar(select(func.count(Page.id))) or 0
            browser = s.scalar(select(func.count(Page.id)).where(Page.render == "browser")) or 0
    x_rate = pages / xxgk["seconds"]
    b_rate = bare["pages"] / bare["seconds"]
    rows = [
        ("world", f"{world_name}: {len(urls)} portals, {world_pages} HTML pages (generated in {gen_secs:.0f} s)"),
        ("time budget per crawl", f"{args.seconds:.0f} s"),
        ("xxgk crawl: pages stored", f"{pages} in {xxgk['seconds']:.1f} s"),
        ("xxgk crawl: pages/s", f"{x_rate:.1f}"),
        ("bare Scrapy (follow same-server links): pages", f"{bare['pages']} in {bare['seconds']:.1f} s"),
        ("bare Scrapy: pages/s", f"{b_rate:.1f}"),
        ("ratio xxgk / bare", f"{x_rate / b_rate:.2f} (target ≥ 0.85)"),
        ("peak RSS of the xxgk crawl process (incl. children)", f"{xxgk['peak_kb'] / 1024:.0f} MB (target ≤ 600 MB)"),
        ("peak RSS of the bare spider", f"{bare['peak_kb'] / 1024:.0f} MB"),
        ("browser-rendered pages", f"{browser}"),
    ]
    width = max(len(k) for k, _ in rows)
    print("\n".join(f"{k:<{width}}  {v}" for k, v in rows))
    if not args.no_doc:
        _write_doc(rows)


def _write_doc(rows: list[tuple[str, str]]) -> None:
    """Replace the crawl section of docs/benchmarks.md (other sections are kept)."""
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    section = (
        f"## Crawl (`make bench` → `bench/crawl.py`), {dt.date.today().isoformat()}\n\n"
        "Same run, same loopback server, same time budget: the xxgk crawler (columns, lists, articles,\n"
        "attachments, link checks, WARC, batched store writes) against a bare Scrapy spider that only\n"
        "follows links on the same server. The project's machine has 2 cores (the loopback server shares them).\n"
        "Both use the loopback settings class (64 requests, 32 per host, no delay) and `CONCURRENT_ITEMS=8`;\n"
        "xxgk runs one Scrapy crawler per portal in one process, the bare spider one crawler for all of them.\n\n"
        f"| measure | value |\n|---|---|\n{table}\n\n"
        "Where the xxgk time goes beyond the bare spider's (cProfile, 7-portal world, per response/article;\n"
        "2026-11-26): an lxml parse of every page, adapter fingerprinting, link bookkeeping (~0.6 ms),\n"
        "article reading (title, metadata block, body, attachments ~1.3 ms, was ~3.8 ms), the WARC record\n"
        "(~0.5 ms) and store records (~0.2 ms each). The remaining gap to 0.85 is this per-page work (one\n"
        "page per ~5 ms of wall time for the bare spider, ~9.5 ms for xxgk); the xxgk time also includes\n"
        "starting one crawler per portal and reading the responses already downloaded when the budget ends.\n"
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
