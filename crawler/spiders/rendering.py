"""Rendering decisions (a mixin of `PortalSpider`): a page goes through the browser (scrapy-playwright,
Debian's Chromium) only when its adapter or the generic reader says its list or menu is filled by
script; pages share recycled browser contexts, and a browser failure falls back to the HTTP copy."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.middlewares import LAZY_PLAYWRIGHT_HANDLER, PLAYWRIGHT_HANDLER

log = logging.getLogger(__name__)
CONTEXT_PAGES = 20  # browser pages per context before it is recycled


def use_lazy_browser(settings: Any) -> None:
    """Point the download handlers at the lazy Playwright handler (Playwright starts on first use)."""
    handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
    swapped = {k: LAZY_PLAYWRIGHT_HANDLER if v == PLAYWRIGHT_HANDLER else v for k, v in handlers.items()}
    if swapped != handlers:
        settings.set("DOWNLOAD_HANDLERS", swapped, priority="spider")


class RenderingMixin:
    """Browser requests, tab and context release, and the fallback when rendering fails."""

    # (attributes provided by PortalSpider)
    browser: bool
    rendered_requested: int
    max_rendered: int
    ctx_n: int
    ctx_used: int
    ctx_open: dict[str, int]
    site_id: int

    def _render(self, url: str, depth: int, reason: str, **meta: Any) -> scrapy.Request | None:
        """The same page again through the browser (bounded pages per recycled context)."""
        if not self.browser or self.rendered_requested >= self.max_rendered:
            return None
        from scrapy_playwright.page import PageMethod

        if self.ctx_used >= CONTEXT_PAGES:
            self.ctx_n, self.ctx_used = self.ctx_n + 1, 0
        self.ctx_used += 1
        ctx = f"site{self.site_id}-{self.ctx_n}"
        self.ctx_open[ctx] = self.ctx_open.get(ctx, 0) + 1
        self.rendered_requested += 1
        meta.update(
            depth=depth,
            playwright=True,
            playwright_include_page=True,
            playwright_context=ctx,
            playwright_page_methods=[PageMethod("wait_for_load_state", "networkidle")],
            render_reason=reason,
        )
        return scrapy.Request(url, callback=self.parse_rendered, errback=self.on_render_error, meta=meta,
                              dont_filter=True)

    async def _release(self, meta: dict[str, Any]) -> None:
        page = meta.pop("playwright_page", None)
        ctx = meta.get("playwright_context")
        if page is None:
            return
        try:
            await page.close()
            if ctx:
                self.ctx_open[ctx] = self.ctx_open.get(ctx, 1) - 1
                current = f"site{self.site_id}-{self.ctx_n}"
                if self.ctx_open[ctx] <= 0 and ctx != current:
                    await page.context.close()
        except Exception as exc:  # a browser hiccup must not lose the page
            log.debug("closing browser page: %s", exc)

    async def parse_rendered(self, response: Response) -> AsyncIterator[Any]:
        """A page that came through the browser: close its tab (and a used-up context), then read it."""
        await self._release(response.meta)
        role = response.meta.get("role")
        handler = self.parse_portal if role == "portal" else self.parse_column
        if role == "portal":
            for rec in handler(response, kind=response.meta.get("kind", "portal")):
                yield rec
        else:
            for rec in handler(response):
                yield rec

    async def on_render_error(self, failure: Failure) -> AsyncIterator[Any]:
        """The browser failed: fall back to the plain HTTP copy of the page."""
        request = failure.request  # type: ignore[attr-defined]
        await self._release(request.meta)
        log.warning("browser rendering failed for %s: %s", request.url, failure.getErrorMessage())
        meta = {k: v for k, v in request.meta.items() if not k.startswith("playwright")}
        meta["rendered"] = True  # do not try the browser again
        cb = self.parse_portal if meta.get("role") == "portal" else self.parse_column
        yield scrapy.Request(request.url, callback=cb, errback=self.on_error, meta=meta, dont_filter=True)
