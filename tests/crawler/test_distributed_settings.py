"""Distributed workers read a run's stored CrawlSettings, however old, as the local crawl does."""

from __future__ import annotations

import logging

from crawler.distributed.queue import Job
from crawler.distributed.rqueue import RequestQueue
from crawler.distributed.rscheduler import Dispatcher
from crawler.distributed.worker import Worker, WorkerOptions
from xxgk.settings import RUN_CONFIG_KEY, CrawlSettings
from xxgk.store import Crawl, Run, Site, session_factory

URL = "http://127.0.0.1:9/"
OLD = {"max_pages": 3, "max_seconds": 40, "obey_robots": False, "timeout": 4, "retired_knob": True}


def _run(db_url: str) -> tuple[int, int]:
    with session_factory(db_url).begin() as s:
        run = Run(label="settings", config={"mode": "ranking", RUN_CONFIG_KEY: OLD})
        site = Site(url=URL, name="x")
        s.add_all([run, site])
        s.flush()
        crawl = Crawl(run_id=run.id, site_id=site.id)
        s.add(crawl)
        s.flush()
        return run.id, crawl.id


def test_site_mode_worker_builds_scrapy_settings_from_the_stored_ones(tmp_path, caplog):
    db_url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    run_id, crawl_id = _run(db_url)
    worker = Worker("redis://127.0.0.1:9/0", db_url, WorkerOptions())
    with caplog.at_level(logging.WARNING, logger="xxgk.settings"):
        crawl = worker._run_settings(run_id)
    assert isinstance(crawl, CrawlSettings)
    assert (crawl.max_pages, crawl.max_seconds, crawl.obey_robots, crawl.timeout) == (3, 40, False, 4)
    assert crawl.max_depth == CrawlSettings().max_depth  # missing from the old run: today's default
    assert "ignoring unknown setting 'retired_knob'" in caplog.text
    got = worker.settings_for(Job(crawl_id, run_id, 1, URL), crawl)
    assert (got["CLOSESPIDER_TIMEOUT"], got["DOWNLOAD_TIMEOUT"], got["ROBOTSTXT_OBEY"]) == (45, 4, False)


def test_request_mode_context_carries_the_stored_settings(tmp_path, redis_url):
    db_url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    run_id, crawl_id = _run(db_url)
    dispatcher = Dispatcher(RequestQueue(redis_url, "settings"), session_factory(db_url))
    ctx = dispatcher.context(crawl_id, run_id)
    assert ctx is not None and ctx.crawl == CrawlSettings.from_stored(OLD)
    assert (ctx.spider.max_pages, ctx.spider.max_seconds) == (3, 40)
    assert ctx.spider.facts["robots_ignored"] is True
