"""Scrapy settings for xxgk crawls: polite for real sites, fast for loopback sample portals.

Built from a run's typed `CrawlSettings` (`xxgk.settings`); the per-run values and their defaults live there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scrapy.settings.default_settings import EXTENSIONS_BASE as SCRAPY_EXTENSIONS

from crawler.browser import CRAWL_CHROMIUM_ARGS
from xxgk.chromium import render_chromium_path
from xxgk.settings import USER_AGENT, CrawlSettings

__all__ = ["USER_AGENT", "browser_enabled", "build_settings", "sites_at_once"]

# Scrapy parts every response, request or item went through that the crawl does not use (measured
# in a one-process crawl, docs/benchmarks.md). Scrapy's meta-refresh check is replaced by one that
# looks for the bytes "refresh" before decoding and scanning the page (`crawler.middlewares`);
# HTTP auth is never set on a request; MetaCopyDetectionMiddleware is a development-time lint over
# every yielded request's meta. Scope, robots.txt, redirects, retries, Retry-After, compression, size
# caps, cookies, the proxy variables, Referer, depth and URL-length checks all stay.
UNUSED_DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
}
UNUSED_SPIDER_MIDDLEWARES = {"scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None}
# Scrapy 2.19 starts, per crawler (one per site), a localhost HTTP server that runs Python code sent
# to it (for its MCP tooling) and writes its token to a file in the user's profile; the telnet
# console is the older form. Neither is loaded, nor even imported: they are left out of the base
# list, because a class named in EXTENSIONS (even as None) is imported for Scrapy to resolve it, and
# the remote control's module imports aiohttp (about 10 MB of every crawl process).
UNUSED_EXTENSIONS = ("scrapy.extensions.remote_control.RemoteControl", "scrapy.extensions.telnet.TelnetConsole")
EXTENSIONS_BASE = {k: v for k, v in SCRAPY_EXTENSIONS.items() if k not in UNUSED_EXTENSIONS}


def _stats_settings(log_level: str) -> dict[str, Any]:
    """Stats collection. Scrapy's stats are read only by its end-of-crawl dump, logged at INFO;
    nothing in xxgk reads them. Below INFO (the default is WARNING) nobody sees them, so none are
    collected: the collector runs on every request, response and item (header sizes of each
    response, scheduler counts, items scraped)."""
    if log_level.upper() in ("DEBUG", "INFO"):
        return {}
    return {"STATS_CLASS": "scrapy.statscollectors.DummyStatsCollector", "DOWNLOADER_STATS": False,
            "EXTENSIONS": {"scrapy.extensions.corestats.CoreStats": None,
                           "scrapy.extensions.logstats.LogStats": None}}


def browser_enabled(crawl: CrawlSettings) -> bool:
    """Rendering is on unless the run's `browser` setting is off, and needs an installed Chromium."""
    return crawl.browser and render_chromium_path() is not None


LOOPBACK_REQUESTS = 64  # requests in flight per process on loopback (the bare spider of bench/crawl.py too)
LOOPBACK_PER_HOST = 32
REMOTE_SITES_AT_ONCE = 50  # real sites crawled at once per process (2 workers: 100 in flight)


def sites_at_once(crawl: CrawlSettings, *, loopback: bool = False) -> int:
    """Site crawls one process runs at once (the `sites_at_once` setting). Loopback portals are
    CPU-bound, so a few at a time keep the process busy; real portals wait on their per-host delay,
    so many run side by side: at 1 request/s a site gives 0.3–0.8 pages/s, and a weekly national
    cycle (58 pages/s) needs ~75–200 sites in flight, each ~0.6 MB (bench/national.py)."""
    return crawl.sites_at_once or (4 if loopback else REMOTE_SITES_AT_ONCE)


def build_settings(crawl: CrawlSettings | Mapping[str, Any] | None = None, *, loopback: bool = False,
                   sites: int = 1) -> dict[str, Any]:
    """Scrapy settings for one CrawlerProcess from the run's crawl settings (a mapping is parsed;
    None: the defaults).

    `sites` is how many crawlers the process runs at once: on loopback they share the process's
    64 requests in flight instead of each taking 64 (the local server runs a thread per connection).
    """
    crawl = CrawlSettings.coerce(crawl)
    settings: dict[str, Any] = {
        "BOT_NAME": "xxgk",
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "ROBOTSTXT_USER_AGENT": "xxgk",
        "DOWNLOAD_MAXSIZE": crawl.max_bytes,
        "DOWNLOAD_WARNSIZE": crawl.warn_bytes,
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        # Transient failures (time-outs, refused or dropped connections) are retried everywhere: one
        # lost list page silently drops a column's items. HTTP error codes are retried only on real
        # sites (a 503 there is often load); a loopback sample portal's error pages are meant.
        "RETRY_TIMES": crawl.retries,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "EXTENSIONS_BASE": dict(EXTENSIONS_BASE),  # without those two (see UNUSED_EXTENSIONS)
        "LOG_FORMATTER": "crawler.middlewares.QuietLogFormatter",
        "LOG_LEVEL": crawl.log_level,
        "LOG_ENABLED": True,
        "COOKIES_ENABLED": True,
        "ITEM_PIPELINES": {"crawler.pipelines.StorePipeline": 300},
        # scope (50: before robots.txt is fetched for a new host) judges every request and redirect hop
        # before it is sent; Crawl-delay (110) waits once robots.txt (100) is read; Retry-After (560)
        # answers before Scrapy's own retry
        "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.EvidenceMiddleware": 950, "crawler.scope.ScopeMiddleware": 50,
                                   "crawler.crawl_delay.CrawlDelayMiddleware": 110,
                                   "crawler.retry_after.RetryAfterMiddleware": 560,
                                   "crawler.middlewares.MetaRefreshMiddleware": 580,
                                   **UNUSED_DOWNLOADER_MIDDLEWARES},
        # a callback that raises records its page as unread (900: nearest the spider, asked first)
        "SPIDER_MIDDLEWARES": {"crawler.callback_errors.CallbackErrorMiddleware": 900, **UNUSED_SPIDER_MIDDLEWARES},
        "XXGK_RETRY_AFTER_MAX": crawl.max_retry_after,
        "XXGK_MAX_CRAWL_DELAY": crawl.max_crawl_delay,
        "HTTPERROR_ALLOWED_CODES": [],
        "REDIRECT_ENABLED": True,
        "DNS_TIMEOUT": 20,
        "DNS_RESOLVER": "crawler.scope.GuardedResolver",  # no host name may resolve to a metadata address
        # hard per-site time limit (the spider also stops scheduling at max_seconds)
        "CLOSESPIDER_TIMEOUT": crawl.max_seconds + 5,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        # Scrapy's development-time lint parses each callback's source to warn about generators
        # with `return value`; its cache holds 128 bound methods, fewer than a process's crawlers
        # × callbacks, so it re-parsed big callbacks for every response.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        **_stats_settings(crawl.log_level),
    }
    if browser_enabled(crawl):
        handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
        settings.update(
            DOWNLOAD_HANDLERS={"http": handler, "https": handler},
            PLAYWRIGHT_BROWSER_TYPE="chromium",
            PLAYWRIGHT_BROWSER_PROVIDER="crawler.browser.SharedBrowserProvider",
            PLAYWRIGHT_LAUNCH_OPTIONS={"executable_path": render_chromium_path(), "args": CRAWL_CHROMIUM_ARGS, "headless": True},
            PLAYWRIGHT_MAX_CONTEXTS=crawl.browser_contexts,
            # contexts open at once in a crawl process, all its site crawlers together: each holds a
            # Chromium renderer, and an idle one is closed after XXGK_BROWSER_CONTEXT_IDLE seconds
            XXGK_BROWSER_CONTEXTS_PER_PROCESS=crawl.browser_contexts_per_process,
            XXGK_BROWSER_CONTEXT_IDLE=crawl.browser_context_idle,
            PLAYWRIGHT_MAX_PAGES_PER_CONTEXT=crawl.browser_pages_per_context,
            # pages open at once in the whole audit (lock files under XXGK_BROWSER_SLOTS_DIR, which
            # `crawler.feeder` sets per run) and the idle time after which a process's browser closes
            PLAYWRIGHT_ABORT_REQUEST="crawler.browser.skip_resource",
            XXGK_BROWSER_PAGES=crawl.browser_pages,
            XXGK_BROWSER_PROCESSES=crawl.browser_processes,
            XXGK_BROWSER_IDLE=crawl.browser_idle,
            PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT=crawl.timeout * 1000,
        )
    if loopback:
        per_crawler = max(4, LOOPBACK_REQUESTS // max(1, sites))
        settings.update(
            CONCURRENT_REQUESTS=per_crawler,
            CONCURRENT_REQUESTS_PER_DOMAIN=min(LOOPBACK_PER_HOST, per_crawler),
            DOWNLOAD_DELAY=0,
            AUTOTHROTTLE_ENABLED=False,
            RETRY_HTTP_CODES=[],
        )
    else:
        settings.update(
            CONCURRENT_REQUESTS=crawl.concurrency,
            CONCURRENT_REQUESTS_PER_DOMAIN=crawl.per_host,
            DOWNLOAD_DELAY=crawl.delay,
            AUTOTHROTTLE_ENABLED=True,
            AUTOTHROTTLE_START_DELAY=1.0,
            AUTOTHROTTLE_MAX_DELAY=30.0,
            AUTOTHROTTLE_TARGET_CONCURRENCY=1.0,
        )
    return settings
