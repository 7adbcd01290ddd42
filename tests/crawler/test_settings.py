"""The crawler reads every per-run value from the run's CrawlSettings, with the model's defaults."""

from __future__ import annotations

import test_crawl_generic_gbk as gbk  # a module, not its names: its tests are not collected twice
from sqlalchemy import select

from crawler.parallel import worker_count
from crawler.settings import build_settings, sites_at_once
from crawler.spiders.portal import PortalSpider
from xxgk.cores import usable_cores
from xxgk.settings import RUN_CONFIG_KEY, CrawlSettings
from xxgk.store import Crawl, Run, session_factory

URL = "http://127.0.0.1:9/"


def test_the_spider_and_scrapy_use_the_models_defaults():
    spider = PortalSpider(crawl_id=1, site_id=1, start_url=URL)
    defaults = CrawlSettings()
    # the spider used to default the time limit to 3600 s while the CLI said 1800
    assert spider.max_seconds == defaults.max_seconds == 1800
    assert (spider.max_pages, spider.max_depth, spider.max_rendered) == (5000, 8, defaults.max_browser_pages)
    scrapy = build_settings()
    assert scrapy["CLOSESPIDER_TIMEOUT"] == defaults.max_seconds + 5
    assert scrapy["DOWNLOAD_TIMEOUT"] == defaults.timeout and scrapy["ROBOTSTXT_OBEY"] is True


def test_every_scrapy_value_follows_the_settings():
    crawl = CrawlSettings(max_seconds=60, timeout=7, retries=0, max_bytes=1000, warn_bytes=500, user_agent="ua/1",
                          log_level="ERROR", obey_robots=False, concurrency=3, per_host=1, delay=2.5,
                          browser=False)
    got = build_settings(crawl, loopback=False)
    assert (got["CLOSESPIDER_TIMEOUT"], got["DOWNLOAD_TIMEOUT"], got["RETRY_TIMES"]) == (65, 7, 0)
    assert (got["DOWNLOAD_MAXSIZE"], got["DOWNLOAD_WARNSIZE"], got["USER_AGENT"]) == (1000, 500, "ua/1")
    assert (got["LOG_LEVEL"], got["ROBOTSTXT_OBEY"]) == ("ERROR", False)
    assert (got["CONCURRENT_REQUESTS"], got["CONCURRENT_REQUESTS_PER_DOMAIN"], got["DOWNLOAD_DELAY"]) == (3, 1, 2.5)
    assert "DOWNLOAD_HANDLERS" not in got  # browser off: no Playwright handler


def test_spider_limits_follow_the_settings_or_a_mapping():
    crawl = CrawlSettings(max_pages=3, max_depth=1, max_seconds=9, max_list_pages=2, fetch_articles=False,
                          max_articles=4, fetch_attachments=False, max_attachments=5, max_attachment_bytes=6,
                          check_links=False, max_link_checks=7, max_offsite_checks=8, max_browser_pages=9,
                          search=False, obey_robots=False)
    spider = PortalSpider(crawl_id=1, site_id=1, start_url=URL, limits=crawl)
    assert spider.crawl_settings is crawl
    assert (spider.max_pages, spider.max_depth, spider.max_seconds, spider.max_list_pages) == (3, 1, 9, 2)
    assert (spider.fetch_articles, spider.max_articles, spider.fetch_attachments) == (False, 4, False)
    assert (spider.max_attachments, spider.max_attachment_bytes, spider.check_links) == (5, 6, False)
    assert (spider.max_link_checks, spider.max_offsite_checks, spider.max_rendered) == (7, 8, 9)
    assert spider.search is False and spider.facts["robots_ignored"] is True
    assert PortalSpider(crawl_id=1, site_id=1, start_url=URL, limits={"max_pages": 4}).max_pages == 4


def test_processes_and_slots_follow_the_settings():
    assert worker_count(10, CrawlSettings(workers=3)) == 3
    assert worker_count(2, CrawlSettings(workers=3)) == 2
    assert worker_count(100, CrawlSettings()) == min(100, usable_cores())
    assert sites_at_once(CrawlSettings(), loopback=True) == 4
    assert sites_at_once(CrawlSettings(), loopback=False) == 50
    assert sites_at_once(CrawlSettings(sites_at_once=2), loopback=True) == 2


def test_a_crawl_without_settings_uses_the_runs_stored_ones(tmp_path, static_server, crawl_in_subprocess):
    gbk._build(tmp_path / "site")
    with static_server(tmp_path / "site") as srv:
        db_url, run_id = gbk._setup(tmp_path, srv.url + "/index.html")
        with session_factory(db_url).begin() as s:  # an older run: a few keys, one no longer known
            s.get(Run, run_id).config = {RUN_CONFIG_KEY: {"max_pages": 2, "obey_robots": False, "old_knob": 1}}
        crawl_in_subprocess(db_url, run_id, limits=None)
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        assert crawl.stop_reason == "page limit" and crawl.pages == 2
        stored = s.get(Run, run_id).config[RUN_CONFIG_KEY]
    # the run now records every setting its crawl used, its own values kept
    assert stored["max_pages"] == 2 and stored["obey_robots"] is False
    assert set(CrawlSettings.model_fields) <= set(stored)


def test_unused_scrapy_parts_are_off_and_stats_only_when_they_are_logged():
    quiet = build_settings(CrawlSettings(log_level="WARNING"))
    mws = quiet["DOWNLOADER_MIDDLEWARES"]
    assert mws["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"] is None
    assert mws["crawler.middlewares.MetaRefreshMiddleware"] == 580  # Scrapy's place for it
    assert quiet["REMOTE_CONTROL_ENABLED"] is False
    for unused in ("scrapy.extensions.remote_control.RemoteControl", "scrapy.extensions.telnet.TelnetConsole"):
        assert unused not in quiet["EXTENSIONS_BASE"] and unused not in quiet.get("EXTENSIONS", {})
    assert "scrapy.extensions.throttle.AutoThrottle" in quiet["EXTENSIONS_BASE"]
    assert quiet["STATS_CLASS"].endswith("DummyStatsCollector") and quiet["DOWNLOADER_STATS"] is False
    told = build_settings(CrawlSettings(log_level="INFO"))  # Scrapy logs its stats at INFO
    assert "STATS_CLASS" not in told and "DOWNLOADER_STATS" not in told
    assert "scrapy.extensions.remote_control.RemoteControl" not in told["EXTENSIONS_BASE"]


def test_a_crawl_process_never_imports_the_remote_control_or_aiohttp(tmp_path):
    """Scrapy imports every class an extension list names, even one set to None."""
    import subprocess
    import sys

    probe = ("import sys\n"
             "from scrapy.settings import Settings\n"
             "from scrapy.utils.conf import build_component_list\n"
             "from scrapy.utils.misc import load_object\n"
             "from crawler.settings import build_settings\n"
             "from xxgk.settings import CrawlSettings\n"
             "settings = Settings(build_settings(CrawlSettings()))\n"
             "loaded = [load_object(p) for p in build_component_list(settings.get_component_priority_dict_with_base('EXTENSIONS'))]\n"
             "assert any(c.__name__ == 'AutoThrottle' for c in loaded)\n"
             "print(sorted(m for m in ('aiohttp', 'scrapy.extensions.remote_control') if m in sys.modules))\n")
    res = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "s.sqlite")], capture_output=True, text=True,
                         timeout=60)
    assert res.stdout.strip() == "[]", res.stderr[-2000:]


def test_per_response_debug_messages_are_built_only_when_debug_is_logged():
    import logging

    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.misc import load_object

    formatter = load_object(build_settings()["LOG_FORMATTER"])()
    request = Request(URL)
    response = HtmlResponse(URL, body=b"<html></html>", request=request)
    loggers = [logging.getLogger("scrapy.core.engine"), logging.getLogger("scrapy.core.scraper")]
    before = [log.level for log in loggers]
    try:
        for log in loggers:
            log.setLevel(logging.WARNING)
        assert formatter.crawled(request, response, None) is None
        assert formatter.scraped({"url": URL}, response, None) is None
        for log in loggers:
            log.setLevel(logging.DEBUG)
        assert "Crawled" in formatter.crawled(request, response, None)["msg"]
        assert "Scraped" in formatter.scraped({"url": URL}, response, None)["msg"]
    finally:
        for log, level in zip(loggers, before, strict=True):
            log.setLevel(level)
