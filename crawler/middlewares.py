"""Downloader middleware: WARC evidence for every GET response, and replay on resume.

Placed next to the downloader (before redirects and decompression), so each hop of a redirect
is its own record. On a resumed crawl a URL already in the site's WARC file is answered from
the file instead of the network; the spider then re-reads it exactly as before.
"""

from __future__ import annotations

from typing import Any

from scrapy.http import Request, Response
from scrapy.responsetypes import responsetypes


class EvidenceMiddleware:
    """Write responses to the spider's `WarcLog`; serve recorded ones when resuming."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> EvidenceMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> Response | None:
        spider = self.crawler.spider
        warc = getattr(spider, "warc", None)
        if warc is None or not getattr(spider, "resuming", False) or request.method != "GET":
            return None
        if warc.index.get(request.url, -1) < 0:
            return None
        rec = warc.read(request.url)
        if rec is None:
            return None
        headers = {}
        for k, v in rec.headers:
            headers.setdefault(k, []).append(v)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=rec.body)
        request.meta["warc_id"] = rec.record_id
        request.meta["rendered"] = rec.render == "browser"
        spider.replayed += 1
        return cls(url=request.url, status=rec.status, headers=headers, body=rec.body, request=request,
                   flags=["replay"])

    def process_response(self, request: Request, response: Response) -> Response:
        spider = self.crawler.spider
        warc = getattr(spider, "warc", None)
        if warc is None or "replay" in response.flags or request.method != "GET":
            return response
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, vs in response.headers.items()
            for v in vs
        ]
        rendered = bool(request.meta.get("playwright"))
        request.meta["warc_id"] = warc.write(
            request.url, response.status, headers, response.body, render="browser" if rendered else "http"
        )
        return response
