"""Politeness and bounded memory at national scale, on the latency world (not timings).

Many slow hosts crawled at once, in two worker processes with every site in flight: the latency
server logs each host's request arrival times and in-flight count, and no host may see more than
the crawl's politeness allows. A process that crawls many sites a few at a time must release each
finished site's spider (its state is per site), so memory follows the sites in flight, not the sites.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from storekit import add_run_with_sites

from xxgk.samples.latency import LatencyModel, LatencyServer, window_peak
from xxgk.samples.v3 import generate_set
from xxgk.settings import CrawlSettings
from xxgk.store import Crawl, Page, default_db_url, session_factory

REPO = Path(__file__).resolve().parents[2]
DELAY = 0.5


@pytest.fixture(scope="module")
def v3_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_set(tmp_path_factory.mktemp("v3"), "dev").parent


def _store(tmp_path: Path, urls: dict[str, str]) -> tuple[str, int]:
    db = default_db_url(tmp_path / "store.sqlite")
    with session_factory(db).begin() as s:
        run_id = add_run_with_sites(s, urls, label="politeness")
    return db, run_id


def _run(code: str, *args: str, timeout: float = 240) -> str:
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc.stdout


CRAWL = """
import json, sys
from crawler.runner import run_crawl
run_crawl(sys.argv[1], int(sys.argv[2]), limits=json.loads(sys.argv[3]))
"""


def test_no_host_exceeds_its_politeness_with_every_site_in_flight(v3_world: Path, tmp_path: Path) -> None:
    hosts = 12
    model = LatencyModel(scale=0.2, limited_share=0.0, stall_p=0.0)  # fast enough to press on the delay
    with LatencyServer(v3_world, hosts, model=model) as server:
        db, run_id = _store(tmp_path, server.urls)
        limits = CrawlSettings(loopback_polite=True, per_host=1, delay=DELAY, concurrency=8, workers=2,
                               sites_at_once=hosts // 2, max_seconds=10, max_offsite_checks=0, browser=False,
                               log_level="ERROR")
        _run(CRAWL, db, str(run_id), limits.model_dump_json())
    busy = {a: log for a, log in server.logs.items() if len(log.times) >= 5}
    # the hosts were crawled at once, under concurrency (a worker's first site may spend its short
    # time budget on the process's start-up)
    assert len(busy) >= hosts - 2
    for address, log in busy.items():
        times = sorted(log.times)
        assert log.peak_in_flight == 1, f"{address}: {log.peak_in_flight} requests in flight at once"
        # Scrapy spaces a host's requests by 0.5–1.5 × delay (randomised): never two closer than half
        # the delay, less a slack for arrival jitter (a loaded crawler writes a request it already
        # dequeued late, and the next one on time: 0.144 s was seen at load 4.6 on 2 cores), and
        # never more than 1/delay on average
        slack = 0.15
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) >= 0.5 * DELAY - slack, f"{address}: two requests {min(gaps):.3f} s apart"
        assert window_peak(times, 0.5 * DELAY - slack) == 1
        assert (len(times) - 1) / (times[-1] - times[0]) <= 1.1 / DELAY
    with session_factory(db)() as s:
        assert s.query(Page).count() > hosts * 5


MEMORY = """
import gc, json, sys, weakref
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from twisted.internet import reactor, task
from crawler.spiders import portal
from crawler.runner import run_crawl

alive = weakref.WeakSet()
started = [0]
original = portal.PortalSpider.__init__
def tracked(self, *a, **kw):
    original(self, *a, **kw)
    alive.add(self)
    started[0] += 1
portal.PortalSpider.__init__ = tracked
peak = [0]
def sample():
    gc.collect()
    peak[0] = max(peak[0], len(alive))
reactor.callWhenRunning(lambda: task.LoopingCall(sample).start(0.25))
run_crawl(sys.argv[1], int(sys.argv[2]), limits=json.loads(sys.argv[3]))
gc.collect()
print("MEM " + json.dumps({"started": started[0], "peak": peak[0], "left": len(alive)}))
"""


def test_a_finished_sites_spider_is_released(v3_world: Path, tmp_path: Path) -> None:
    hosts, slots = 8, 2
    with LatencyServer(v3_world, hosts, model=LatencyModel(scale=0.0, limited_share=0.0)) as server:
        db, run_id = _store(tmp_path, server.urls)
        limits = CrawlSettings(loopback_polite=True, per_host=2, delay=0, workers=1, sites_at_once=slots,
                               max_pages=40, max_offsite_checks=0, browser=False, log_level="ERROR")
        out = _run(MEMORY, db, str(run_id), limits.model_dump_json())
    mem = json.loads([x for x in out.splitlines() if x.startswith("MEM ")][-1][4:])
    assert mem["started"] == hosts
    assert mem["peak"] <= slots + 1  # the sites in flight (and one closing), never all the sites
    assert mem["left"] == 0
    with session_factory(db)() as s:
        assert s.query(Crawl).filter(Crawl.run_id == run_id, Crawl.status == "done").count() == hosts
