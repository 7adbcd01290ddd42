"""Per-site crawl state: the memory one site's store pipeline holds as its crawl lists more items.

The national bench gives each site 40 s (about 37 pages at 1 request/s), so it measures the memory of
sites in flight but not of deep ones. A weekly national crawl goes ~2,000 pages deep, and list pages
carry ~20 items each, so a site can list tens of thousands of items while it is in flight. This
feeds one `crawler.pipelines.StorePipeline` the records of N listed items (20 a list page, every
second one with its article page), writes them through its batches into a SQLite store, and reports
the process's RSS growth per item, each N in a fresh process.

    .venv/bin/python bench/site_state.py [--items 2000,20000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import datetime as dt, gc, json, sys, types
from crawler import records
from crawler.extract.types import ListItem
from crawler.pipelines import StorePipeline
from xxgk.store import Crawl, Run, Site, session_factory

def rss_mb():
    status = open("/proc/self/status").read().split("VmRSS:")[1]
    return int(status.split()[0]) / 1024

url, n = sys.argv[1], int(sys.argv[2])
with session_factory(url).begin() as s:
    site, run = Site(url="http://a.test/", name="a"), Run(rubric_id="r", status="running")
    s.add_all([site, run])
    s.flush()
    crawl = Crawl(run_id=run.id, site_id=site.id, status="running")
    s.add(crawl)
    s.flush()
    ids = crawl.id, site.id
spider = types.SimpleNamespace(crawl_id=ids[0], site_id=ids[1], resuming=False, warc=None, failed=False,
                               stop_reason=None)
pipe = StorePipeline(url)
pipe.open_spider(spider)
pipe.process_item(records.ColumnRecord(key="k", name="通知公告", url="http://a.test/tzgg/", parent_key=None,
                                       path="通知公告", depth=1), spider)
gc.collect()
before = rss_mb()
for page in range(n // 20):
    listed = [ListItem(title=f"关于印发某某市2026年度政府信息公开工作要点的通知（{page}-{i}）",
                       url=f"http://a.test/tzgg/202611/t20261130_{page}_{i}.html", date=dt.date(2026, 11, 30))
              for i in range(20)]
    pipe.process_item(records.ListRecord(column_key="k", page_url=f"http://a.test/tzgg/index_{page}.html",
                                         items=listed), spider)
    for it in listed[::2]:
        pipe.process_item(records.ArticleRecord(url=it.url, title=it.title, date=it.date, unit="办公室",
                                                meta={"发文字号": f"〔2026〕{page}号"}, body_chars=1200), spider)
pipe.flush()
gc.collect()
print(json.dumps({"items": n, "held_mb": rss_mb() - before}))
"""


def measure(n: int, folder: Path) -> dict:
    """One site's pipeline fed `n` items, in its own process (so RSS growth is this run's)."""
    db = folder / f"state-{n}.sqlite"
    res = subprocess.run([sys.executable, "-c", CHILD, f"sqlite:///{db}", str(n)], cwd=ROOT,
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"error: the pipeline run of {n} items failed: {res.stderr.strip().splitlines()[-1:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", default="2000,20000", help="comma-separated item counts of one site")
    args = ap.parse_args()
    counts = [int(x) for x in args.items.split(",") if x.strip()]
    print("| items listed by one site | RSS held by its pipeline | per item |")
    print("|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="xxgk-site-state-") as tmp:
        for n in counts:
            r = measure(n, Path(tmp))
            print(f"| {n:,} | {r['held_mb']:.1f} MB | {r['held_mb'] * 2**20 / n:,.0f} B |")


if __name__ == "__main__":
    main()
