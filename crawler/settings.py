"""Scrapy settings for xxgk crawls: polite for real sites, fast for loopback sample portals."""

from __future__ import annotations

from typing import Any

USER_AGENT = "xxgk/0.1 (+https://github.com/xxgk/xxgk)"


def build_settings(limits: dict[str, Any] | None = None, *, loopback: bool = False) -> dict[str, Any]:
    """Settings for one CrawlerProcess; `limits` may override robots, sizes, time-outs and log level."""
    limits = limits or {}
    settings: dict[str, Any] = {
        "BOT_NAME": "xxgk",
        "USER_AGENT": limits.get("user_agent", USER_AGENT),
        "ROBOTSTXT_OBEY": bool(limits.get("obey_robots", True)),
        "DOWNLOAD_MAXSIZE": int(limits.get("max_bytes", 20 * 1024 * 1024)),
        "DOWNLOAD_WARNSIZE": int(limits.get("warn_bytes", 5 * 1024 * 1024)),
        "DOWNLOAD_TIMEOUT": float(limits.get("timeout", 30)),
        "RETRY_TIMES": int(limits.get("retries", 0 if loopback else 2)),
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": limits.get("log_level", "WARNING"),
        "LOG_ENABLED": True,
        "COOKIES_ENABLED": True,
        "ITEM_PIPELINES": {"crawler.pipelines.StorePipeline": 300},
        "HTTPERROR_ALLOWED_CODES": [],
        "REDIRECT_ENABLED": True,
        "DNS_TIMEOUT": 20,
    }
    if loopback:
        settings.update(
            CONCURRENT_REQUESTS=64,
            CONCURRENT_REQUESTS_PER_DOMAIN=32,
            DOWNLOAD_DELAY=0,
            AUTOTHROTTLE_ENABLED=False,
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
