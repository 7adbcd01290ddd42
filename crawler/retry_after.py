"""Downloader middleware: honour `Retry-After` on 429 and 503 answers.

Scrapy's RetryMiddleware retries at once, which a rate-limiting server reads as more abuse.
Here a 429/503 that says when to come back is retried after that wait (within the request's retry
budget), on every host: a server's explicit instruction is not a sample portal's deliberate error
page. A wait longer than the cap (`XXGK_RETRY_AFTER_MAX`, seconds) is not waited for: the answer is
kept as the page's status, which the audit reads as not checked, never as missing.
"""

from __future__ import annotations

import email.utils
import logging
import time
from typing import Any

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Request, Response

log = logging.getLogger(__name__)

CODES = (429, 503)
DEFAULT_MAX_WAIT = 60.0


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP date); None if unreadable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RetryAfterMiddleware:
    """Wait as told, then retry; placed before Scrapy's RetryMiddleware sees the answer."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("XXGK_RETRY_AFTER_MAX", DEFAULT_MAX_WAIT)
        self.retry_times = crawler.settings.getint("RETRY_TIMES", 2)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in CODES or request.meta.get("dont_retry"):
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            return response
        request.meta["dont_retry"] = True  # Scrapy's own retry would not wait
        if wait > self.max_wait:
            log.warning("%s answered %s with Retry-After %.0f s, over the %.0f s cap: not retried",
                        request.url, response.status, wait, self.max_wait)
            return response
        retry = get_retry_request(request, spider=self.crawler.spider, reason=f"{response.status} Retry-After",
                                  max_retry_times=request.meta.get("max_retry_times", self.retry_times))
        if retry is None:
            return response
        retry.meta.pop("dont_retry", None)
        await sleep(wait)
        return retry


async def sleep(seconds: float) -> None:
    """Wait on the running reactor (Twisted's deferLater works with every reactor Scrapy supports)."""
    from scrapy.utils.defer import maybe_deferred_to_future
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))
