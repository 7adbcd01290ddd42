"""Store pipeline CPU on a real crawl's records: one crawl of the sample world recorded, then replayed.

A live crawl's CPU moves with the machine's load by more than the store pipeline costs, so this
records the records one crawl of the sample world (6 universities, 3 governments, the hostile portal;
links checked, no browser) hands `crawler.pipelines.StorePipeline`, with what each site's spider
reports at its end, and replays them into a copy of the store as it was before the crawl, flushing
every N records. Each replay runs in its own process; the figure is its CPU time (the best of
`--rounds`), the end of each site (links, interning) included.

    .venv/bin/python bench/store_replay.py [--every 30,100] [--rounds 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RECORD = """
import pickle, shutil, sqlite3, sys
from pathlib import Path
sys.path.insert(0, "tests/crawler")
from world_check import register_world_run
from crawler import pipelines
from crawler.runner import run_crawl
from xxgk import samples
from xxgk.samples import server
from xxgk.store import default_db_url

out = Path(sys.argv[1])
world = Path(samples.generate_world(out / "world", seed=2024, n_universities=6, n_governments=3, include_hostile=True))
world_dir = world.parent if world.is_file() else world
db = default_db_url(out / "store.sqlite")
stream, ends = {}, {}
process_item, spider_closed = pipelines.StorePipeline.process_item, pipelines.StorePipeline.spider_closed

def recording_process_item(self, item, spider=None):
    stream.setdefault(self.spider.crawl_id, []).append(pickle.dumps(item))
    return process_item(self, item, spider)

def recording_spider_closed(self, spider, reason="finished"):
    ends[spider.crawl_id] = {"links": spider.link_rows(), "facts": spider.site_facts(), "failed": spider.failed,
                             "stop_reason": spider.stop_reason, "reason": reason, "site_id": spider.site_id}
    return spider_closed(self, spider, reason)

pipelines.StorePipeline.process_item = recording_process_item
pipelines.StorePipeline.spider_closed = recording_spider_closed
with server.SampleServer(world_dir) as srv:
    run_id = register_world_run(db, world_dir, dict(srv.urls), "samples")
    con = sqlite3.connect(out / "store.sqlite")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    shutil.copy(out / "store.sqlite", out / "before.sqlite")
    run_crawl(db, run_id, limits={"check_links": True, "workers": 1, "browser": False})
(out / "records.pickle").write_bytes(pickle.dumps({"stream": stream, "ends": ends}))
"""

REPLAY = """
import pickle, shutil, sys, time, types
from pathlib import Path
from crawler import pipelines

folder, every = Path(sys.argv[1]), int(sys.argv[2])
rec = pickle.loads((folder / "records.pickle").read_bytes())
run = folder / f"replay-{every}"
shutil.rmtree(run, ignore_errors=True)
run.mkdir()
shutil.copy(folder / "before.sqlite", run / "store.sqlite")
url = f"sqlite:///{run / 'store.sqlite'}"
pipelines.BATCH, pipelines.FLUSH_SECONDS = 10**9, 1e9  # flushes only every `every` records
records = 0
start = time.process_time()
for crawl_id in sorted(rec["stream"]):
    end = rec["ends"][crawl_id]
    spider = types.SimpleNamespace(crawl_id=crawl_id, site_id=end["site_id"], progress=None, resuming=False, warc=None,
                                   failed=end["failed"], stop_reason=end["stop_reason"],
                                   link_rows=lambda end=end: end["links"], site_facts=lambda end=end: end["facts"])
    pipe = pipelines.StorePipeline(url, types.SimpleNamespace(spider=spider))
    pipe.open_spider(spider)
    for n, raw in enumerate(rec["stream"][crawl_id], 1):
        pipe.process_item(pickle.loads(raw), spider)
        if n % every == 0:
            pipe.flush()
    records += len(rec["stream"][crawl_id])
    pipe.close_spider(spider)
    pipe.spider_closed(spider, end["reason"])
print(records, time.process_time() - start)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", default="30,100", help="comma-separated flush intervals, in records")
    ap.add_argument("--rounds", type=int, default=5, help="replays of each interval (the best counts)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="xxgk-store-replay-") as tmp:
        subprocess.run([sys.executable, "-c", RECORD, tmp], cwd=ROOT, check=True, capture_output=True)
        print(f"| flush every | records | pipeline CPU (best of {args.rounds}) |")
        print("|---|---|---|")
        for every in (int(x) for x in args.every.split(",") if x.strip()):
            best, records = None, 0
            for _ in range(args.rounds):
                out = subprocess.run([sys.executable, "-c", REPLAY, tmp, str(every)], cwd=ROOT, check=True,
                                     capture_output=True, text=True).stdout.split()
                records, cpu = int(out[0]), float(out[1])
                best = cpu if best is None else min(best, cpu)
            print(f"| {every} records | {records:,} | {best:.2f} s |")


if __name__ == "__main__":
    main()
