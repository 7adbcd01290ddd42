"""A spider callback that raises: the page is recorded as unread instead of vanishing.

Scrapy logs an exception raised while a callback reads a response and drops the page, so whatever it
held — its columns, items, an article's facts — is silently lost, and later checks would call that
content missing. This spider middleware hands the exception to the spider's `record_unread`, whose
records (the page with its error, its column's status, the crawl's count of unread pages) go on to the
store like any other. Spiders without that method keep Scrapy's behaviour.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

log = logging.getLogger(__name__)


class CallbackErrorMiddleware:
    """Spider middleware: `process_spider_exception` → the spider's `record_unread` records."""

    def process_spider_exception(self, response: Response, exception: Exception, spider: Any) -> Iterable[Any] | None:
        handler = getattr(spider, "record_unread", None)
        if handler is None or isinstance(exception, HttpError):  # an HTTP error status is the errback's
            return None
        log.error("reading %s failed; the page is recorded as unread", response.url, exc_info=exception)
        return list(handler(response, exception))


__all__ = ["CallbackErrorMiddleware"]
