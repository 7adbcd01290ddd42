"""Scrapy settings for xxgk crawls: polite for real sites, fast for loopback sample portals."""

from __future__ import annotations

import os
from typing import Any

from crawler.browser import CRAWL_CHROMIUM_ARGS
from crawler.evidence import CHROMIUM

USER_AGENT = "xxgk/0.1 (+https://github.com/xxgk/xxgk)"


def browser_enabled(limits: dict[str, Any] | None = None) -> bool:
    """Rendering is on unless `limits["browser"]` is False, and needs Debian's Chromium."""
    return bool((limits or {}).get("browser", True)) and os.access(CHROMIUM, os.X_OK)


LOOPBACK_REQUESTS = 64  # requests in flight per process on loopback (the bare spider of bench/crawl.py too)
LOOPBACK_PER_HOST = 32


def sites_at_once(limits: dict[str, Any] | None = None, *, loopback: bool = False) -> int:
    """Site crawls one process runs at once (`limits["sites_at_once"]`). Loopback portals are
    CPU-bound, so a few at a time keep the process busy; real portals wait on their per-host delay,
    so many run side by side."""
    default = 4 if loopback else 16
    return max(1, int((limits or {}).get("sites_at_once") or default))


def build_settings(
    limits: dict[str, Any] | None = None, *, loopback: bool = False, sites: int = 1
) -> dict[str, Any]:
    """Settings for one CrawlerProcess; `limits` may override robots, sizes, time-outs and log level.

    `sites` is how many crawlers the process runs at once: on loopback they share the process's
    64 requests in flight instead of each taking 64 (the local server runs a thread per connection).
    """
    limits = limits or {}
    settings: dict[str, Any] = {
        "BOT_NAME": "xxgk",
        "USER_AGENT": limits.get("user_agent", USER_AGENT),
        "ROBOTSTXT_OBEY": bool(limits.get("obey_robots", True)),
        "ROBOTSTXT_USER_AGENT": "xxgk",
        "DOWNLOAD_MAXSIZE": int(limits.get("max_bytes", 20 * 1024 * 1024)),
        "DOWNLOAD_WARNSIZE": int(limits.get("warn_bytes", 5 * 1024 * 1024)),
        "DOWNLOAD_TIMEOUT": float(limits.get("timeout", 30)),
        # Transient failures (time-outs, refused or dropped connections) are retried everywhere: one
        # lost list page silently drops a column's items. HTTP error codes are retried only on real
        # sites (a 503 there is often load); a loopback sample portal's error pages are meant.
        "RETRY_TIMES": int(limits.get("retries", 2)),
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": limits.get("log_level", "WARNING"),
        "LOG_ENABLED": True,
        "COOKIES_ENABLED": True,
        "ITEM_PIPELINES": {"crawler.pipelines.StorePipeline": 300},
        # scope (50: before robots.txt is fetched for a new host) judges every request and redirect hop
        # before it is sent; Crawl-delay (110) waits once robots.txt (100) is read; Retry-After (560)
        # answers before Scrapy's own retry
        "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.EvidenceMiddleware": 950, "crawler.scope.ScopeMiddleware": 50,
                                   "crawler.crawl_delay.CrawlDelayMiddleware": 110,
                                   "crawler.retry_after.RetryAfterMiddleware": 560},
        "XXGK_RETRY_AFTER_MAX": float(limits.get("max_retry_after", 60)),
        "XXGK_MAX_CRAWL_DELAY": float(limits.get("max_crawl_delay", 30)),
        "HTTPERROR_ALLOWED_CODES": [],
        "REDIRECT_ENABLED": True,
        "DNS_TIMEOUT": 20,
        "DNS_RESOLVER": "crawler.scope.GuardedResolver",  # no host name may resolve to a metadata address
        # hard per-site time limit (the spider also stops scheduling at max_seconds)
        "CLOSESPIDER_TIMEOUT": float(limits.get("max_seconds", 3600)) + 5,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        # Scrapy's development-time lint parses each callback's source to warn about generators
        # with `return value`; its cache holds 128 bound methods, fewer than a process's crawlers
        # × callbacks, so it re-parsed big callbacks for every response.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
    }
    if browser_enabled(limits):
        handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
        settings.update(
            DOWNLOAD_HANDLERS={"http": handler, "https": handler},
            PLAYWRIGHT_BROWSER_TYPE="chromium",
            PLAYWRIGHT_BROWSER_PROVIDER="crawler.browser.SharedBrowserProvider",
            PLAYWRIGHT_LAUNCH_OPTIONS={"executable_path": CHROMIUM, "args": CRAWL_CHROMIUM_ARGS, "headless": True},
            PLAYWRIGHT_MAX_CONTEXTS=int(limits.get("browser_contexts", 2)),
            # contexts open at once in a crawl process, all its site crawlers together: each holds a
            # Chromium renderer, and an idle one is closed after XXGK_BROWSER_CONTEXT_IDLE seconds
            XXGK_BROWSER_CONTEXTS_PER_PROCESS=int(limits.get("browser_contexts_per_process", 1)),
            XXGK_BROWSER_CONTEXT_IDLE=float(limits.get("browser_context_idle", 1.0)),
            PLAYWRIGHT_MAX_PAGES_PER_CONTEXT=int(limits.get("browser_pages_per_context", 4)),
            PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT=float(limits.get("timeout", 30)) * 1000,
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
            CONCURRENT_REQUESTS=int(limits.get("concurrency", 16)),
            CONCURRENT_REQUESTS_PER_DOMAIN=int(limits.get("per_host", 2)),
            DOWNLOAD_DELAY=float(limits.get("delay", 0.5)),
            AUTOTHROTTLE_ENABLED=True,
            AUTOTHROTTLE_START_DELAY=1.0,
            AUTOTHROTTLE_MAX_DELAY=30.0,
            AUTOTHROTTLE_TARGET_CONCURRENCY=1.0,
        )
    return settings
