"""Scrapy components of the crawl: WARC evidence for every GET response and replay on resume, a
cheaper meta-refresh check, a log formatter that builds no message nobody logs, and the lazily
started Playwright handler.

The evidence middleware is placed next to the downloader (before redirects and decompression), so
each hop of a redirect is its own record. On a resumed crawl a URL already in the site's WARC file
is answered from the file instead of the network; the spider then re-reads it exactly as before.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefreshMiddleware
from scrapy.http import Request, Response
from scrapy.logformatter import LogFormatter
from scrapy.responsetypes import responsetypes

log = logging.getLogger(__name__)


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
        digest = hashlib.sha256(response.body).hexdigest()
        if not response.headers.get(b"Content-Encoding"):  # the spider sees this very body: reuse it
            request.meta["body_sha256"] = (response.url, len(response.body), digest)
        request.meta["warc_id"] = warc.write(
            request.url, response.status, headers, response.body, render="browser" if rendered else "http",
            sha256=digest,
        )
        if warc.last_payload is not None:  # a revisit record: the body is kept in an earlier record
            request.meta["warc_payload"] = (warc.last_payload.warc, warc.last_payload.record_id)
        return response


# Scrapy reads a refresh from the first 4096 characters of the decoded page, and only from a
# <meta> whose attributes spell "refresh". No character takes more than 4 bytes in the
# ASCII-compatible encodings pages use (UTF-8, GB18030/GBK, Big5, Latin-1) and ASCII letters are
# ASCII bytes there, so such a page has the bytes "refresh" in its first 16 KB.
_REFRESH_HEAD = 4 * 4096


class MetaRefreshMiddleware(ScrapyMetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, without decoding and scanning pages that cannot have one.

    Scrapy's middleware decodes every HTML body (guessing its encoding) and scans its text for a
    `<base>` and a refresh; most pages have neither. A page without the bytes `refresh` in its head
    is passed on untouched; any other page (and any head with NUL bytes: UTF-16 or UTF-32 text,
    whose ASCII letters are not ASCII bytes) goes through Scrapy's own check, so exactly the same
    redirects are followed.
    """

    def process_response(self, request: Request, response: Response) -> Request | Response:
        head = response.body[:_REFRESH_HEAD]
        if b"refresh" not in head.lower() and b"\x00" not in head:  # lower(): 7x a case-blind regex
            return response
        return super().process_response(request, response)


_ENGINE_LOG = logging.getLogger("scrapy.core.engine")
_SCRAPER_LOG = logging.getLogger("scrapy.core.scraper")


class QuietLogFormatter(LogFormatter):
    """Scrapy's messages, but the per-response "Crawled" and per-item "Scraped" ones (DEBUG) are only
    built when DEBUG is logged: Scrapy builds them (referer, flags, the item itself) for every
    response and item, and only the logger then drops them."""

    def crawled(self, request: Request, response: Response, spider: Any) -> Any:
        if not _ENGINE_LOG.isEnabledFor(logging.DEBUG):
            return None
        return super().crawled(request, response, spider)

    def scraped(self, item: Any, response: Any, spider: Any) -> Any:
        if not _SCRAPER_LOG.isEnabledFor(logging.DEBUG):
            return None
        return super().scraped(item, response, spider)


PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
LAZY_PLAYWRIGHT_HANDLER = "crawler.middlewares.LazyPlaywrightHandler"


def _lazy_playwright_handler() -> type:
    """scrapy-playwright's handler, but Playwright (a Node driver process per handler) starts on the
    first request that needs the browser instead of at engine start. Every crawler of a run has its
    own handlers (one per scheme), so a 60-site run used to start ~120 driver processes although
    only a few sites render anything."""
    import asyncio
    import contextlib

    from scrapy import signals
    from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

    class LazyPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
        def __init__(self, crawler: Any) -> None:
            super().__init__(crawler)
            for receiver in (self._maybe_launch_in_thread, self._engine_started):
                try:
                    crawler.signals.disconnect(receiver, signals.engine_started)
                except Exception:  # noqa: BLE001, S110 - only one of the two was connected
                    pass
            self._launched = False
            self._lazy_lock = asyncio.Lock()
            self._creating: dict[str, int] = {}  # context name -> pages being created in it
            self._idle_closing: dict[str, asyncio.Event] = {}  # context name -> set once it is closed
            self._idle_grace = crawler.settings.getfloat("XXGK_BROWSER_CONTEXT_IDLE", 1.0)
            # contexts open at once in the process, all its crawlers together (`crawler.browser`);
            # a slot is taken before the context-launch lock, never under it (see `_take_slot`)
            self._slots: asyncio.Semaphore | None = None
            self._slot_held: set[str] = set()  # context names holding a slot
            self._slot_taking: dict[str, asyncio.Event] = {}  # context name -> set once its slot is taken
            per_process = crawler.settings.getint("XXGK_BROWSER_CONTEXTS_PER_PROCESS", 0)
            if per_process:
                from crawler.browser import context_slots

                self._slots = context_slots(per_process)
                if hasattr(self, "context_semaphore"):
                    del self.context_semaphore  # the process-wide slots replace the per-crawler limit
            # pages open at once across every crawl process of the audit (`crawler.browser.PageBudget`)
            from crawler.browser import _Shared, page_budget

            _Shared.idle_s = crawler.settings.getfloat("XXGK_BROWSER_IDLE", _Shared.idle_s)
            slots_dir = crawler.settings.get("XXGK_BROWSER_SLOTS_DIR")
            pages = crawler.settings.getint("XXGK_BROWSER_PAGES", 0)
            self._budget = page_budget(slots_dir, pages) if slots_dir and pages else None
            browsers = crawler.settings.getint("XXGK_BROWSER_PROCESSES", 0)
            if slots_dir and browsers:
                _Shared.browsers = page_budget(slots_dir, browsers, "browser")
            self._page_slots: dict[int, int] = {}  # id(page) -> its budget slot, while open
            self._crawler = crawler
            self._render_gates: dict[int, Any] = {}  # id(page) -> its RenderGate, while its download runs
            self._other_host_locks: dict[str, asyncio.Lock] = {}  # hosts pages fetch beside their own

        async def _download_request(self, request: Request, spider: Any = None) -> Response:
            if not self._launched:
                async with self._lazy_lock:
                    if not self._launched:
                        await self._launch()
                        self._launched = True
            return await super()._download_request(request, spider)

        async def _download_request_with_page(self, request: Request, page: Any, spider: Any) -> Response:
            """Render with the page's own requests inside the host's politeness (`crawler.browser.RenderGate`)."""
            from crawler.browser import RenderGate
            from crawler.browser_turns import HostTurns

            scope = getattr(spider, "scope", None)
            if scope is None:
                from crawler.extract.html import Scope

                scope = Scope(request.url)
            engine = getattr(self._crawler, "engine", None)
            pace = HostTurns.of_engine(engine) if engine is not None else None
            gate = self._render_gates[id(page)] = RenderGate(request.url, scope.__contains__, pace,
                                                             self._other_host_locks)
            page.on("requestfinished", gate.finished)
            page.on("requestfailed", gate.finished)
            try:
                return await super()._download_request_with_page(request, page, spider)
            finally:
                gate.close()
                if self._render_gates.get(id(page)) is gate:
                    del self._render_gates[id(page)]
                for event in ("requestfinished", "requestfailed"):
                    with contextlib.suppress(Exception):
                        page.remove_listener(event, gate.finished)

        def _make_request_handler(self, *args: Any, **kwargs: Any) -> Any:
            """scrapy-playwright's route handler behind the page's `RenderGate`: a request is sent only
            once its host is free and spaced, and one the gate refuses is aborted."""
            send = super()._make_request_handler(*args, **kwargs)

            async def polite(route: Any, pw_request: Any) -> None:
                try:
                    gate = self._render_gates.get(id(pw_request.frame.page))
                except Exception:  # noqa: BLE001 - a service worker's request has no page
                    gate = None
                if gate is None or not await gate.enter(pw_request):
                    with contextlib.suppress(Exception):  # the page may be closing
                        await route.abort()
                    return
                try:
                    await send(route, pw_request)
                except BaseException:
                    gate.not_sent(pw_request)
                    raise

            return polite

        async def _create_page(self, request: Request, spider: Any) -> Any:
            """Count the page as being created, so an idle-context close cannot race it."""
            name = request.meta.get("playwright_context") or "default"
            self._creating[name] = self._creating.get(name, 0) + 1
            try:
                while name in self._idle_closing:  # a new context of that name once the old one is gone
                    await self._idle_closing[name].wait()
                await self._take_slot(name)
                return await self._create_budgeted_page(request, spider)
            finally:
                self._creating[name] -= 1

        async def _create_budgeted_page(self, request: Request, spider: Any) -> Any:
            """A page, once the audit-wide page budget has a slot for it; the slot is held until the
            page closes. The process's browser is (re)launched first if an idle close shut it: it
            takes the audit's browser-process slot before the page slot, so a process holding a page
            slot always has a browser and no two processes wait on each other's slots."""
            from crawler.browser import SharedBrowserProvider, log_page_event

            slot = None
            await SharedBrowserProvider.page_starting()  # no idle close of this process's browser now
            try:
                browser = getattr(self, "browser", None)
                if browser is not None and not browser.is_connected():
                    del self.browser  # closed while idle: `_maybe_launch_browser` gets a new one
                await self._maybe_launch_browser()
                slot = await self._budget.acquire() if self._budget is not None else None
                page = await super()._create_page(request, spider)
            except BaseException:
                if slot is not None:
                    self._budget.release(slot)
                raise
            finally:
                SharedBrowserProvider.page_started()
            log_page_event("open")
            key = id(page)
            if slot is not None:
                self._page_slots[key] = slot

            def on_close(_: Any = None) -> None:
                held = self._page_slots.pop(key, None)
                if held is not None or slot is None:
                    log_page_event("close")
                if held is not None:
                    self._budget.release(held)

            page.once("close", on_close)
            return page

        async def _take_slot(self, name: str) -> None:
            """Hold one of the process's context slots for context `name` (until it closes).

            Waiting here, outside scrapy-playwright's context-launch lock, lets this crawler's
            requests for its already open context go on meanwhile: they are what lets that context
            finish and close (the spider closes a used-up context when its last page is done), so
            waiting under the lock, as scrapy-playwright's own context semaphore does, deadlocked.
            """
            if self._slots is None:
                return
            while name not in self._slot_held and name not in self.context_wrappers:
                taking = self._slot_taking.get(name)
                if taking is not None:  # another request for this context is already waiting
                    await taking.wait()
                    continue
                taking = self._slot_taking[name] = asyncio.Event()
                try:
                    await self._slots.acquire()
                    self._slot_held.add(name)
                finally:
                    del self._slot_taking[name]
                    taking.set()

        def _make_close_browser_context_callback(self, name: str, persistent: bool, remote: bool,
                                                 spider: Any = None) -> Any:
            """Also give the context's process-wide slot back."""
            forget = super()._make_close_browser_context_callback(name, persistent, remote, spider)

            def on_context_close() -> None:
                from crawler.browser import SharedBrowserProvider

                forget()
                SharedBrowserProvider.context_closed()
                if name in self._slot_held and self._slots is not None:
                    self._slot_held.discard(name)
                    self._slots.release()

            return on_context_close

        def _make_close_page_callback(self, context_name: str) -> Any:
            """Also close the page's context once it has stayed without pages for a moment: an
            open context keeps a Chromium renderer (~0.37 GB summed RSS) and a context slot."""
            release = super()._make_close_page_callback(context_name)

            def on_page_close() -> None:
                release()
                wrapper = self.context_wrappers.get(context_name)
                if wrapper is not None and not getattr(self, "_closing", False):
                    asyncio.get_running_loop().call_later(
                        self._idle_grace, lambda: asyncio.ensure_future(self._close_if_idle(context_name, wrapper))
                    )

            return on_page_close

        async def _close_if_idle(self, name: str, wrapper: Any) -> None:
            """Close the context if it still has no page and none is being made (the check and the
            `_idle_closing` mark have no await between them, so no request can slip in)."""
            if (self.context_wrappers.get(name) is not wrapper or self._creating.get(name) or name in self._idle_closing
                    or wrapper.context.pages or getattr(self, "_closing", False)):
                return
            done = self._idle_closing[name] = asyncio.Event()
            try:
                await wrapper.context.close()  # its close callback frees the wrapper and the slot
            except Exception as exc:  # noqa: BLE001 - already closed with the browser
                log.debug("closing idle browser context %s: %s", name, exc)
            finally:
                del self._idle_closing[name]
                done.set()

        async def _close(self) -> None:
            """Close this crawler's contexts; the browser itself may be shared with other crawlers of
            the process (`crawler.browser`), so only its provider closes it."""
            from crawler.browser import SharedBrowserProvider

            provider = getattr(self, "browser_provider", None)
            if not isinstance(provider, SharedBrowserProvider):
                return await super()._close()
            self._closing = True
            contexts = [ctx.context.close() for ctx in self.context_wrappers.values()]
            await asyncio.gather(*contexts, return_exceptions=True)
            self.context_wrappers.clear()
            self._free_orphan_slots()
            self._free_page_slots()
            if hasattr(self, "browser"):
                del self.browser
            await provider.close()

        async def _browser_disconnected_callback(self) -> None:
            if not getattr(self, "_closing", False) and hasattr(self, "browser"):
                await super()._browser_disconnected_callback()
            self._free_orphan_slots()
            self._free_page_slots()

        def _free_page_slots(self) -> None:
            """Give back the budget slots of pages gone without a close event (shutdown, crash)."""
            from crawler.browser import log_page_event

            for key in list(self._page_slots):
                log_page_event("close")
                self._budget.release(self._page_slots.pop(key))

        def _free_orphan_slots(self) -> None:
            """Give back the slots of contexts gone without a close event (browser crash, shutdown)."""
            for name in [n for n in self._slot_held if n not in self.context_wrappers]:
                self._slot_held.discard(name)
                if self._slots is not None:
                    self._slots.release()

    return LazyPlaywrightHandler


def __getattr__(name: str) -> Any:  # the handler class is built on first use (imports Playwright)
    if name == "LazyPlaywrightHandler":
        cls = _lazy_playwright_handler()
        globals()[name] = cls
        return cls
    raise AttributeError(name)
