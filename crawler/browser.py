"""One Playwright driver and Chromium per crawl process, shared by the site crawlers that render.

scrapy-playwright gives every crawler its own browser. A process now runs several site crawls at
once (`crawler.feeder`), and a Node driver plus a headless Chromium is ~1.3 GB of summed RSS, so
each rendering site paying for its own was the largest memory cost of a run. Crawlers keep their
own browser contexts (named per site) in the shared browser; the last crawler to close shuts it
down, so a process holds no browser while no site renders. Set as PLAYWRIGHT_BROWSER_PROVIDER.

Memory (measured with psutil on Debian's Chromium 156, one page rendered): by default Chromium
runs a browser process, two zygotes, a GPU process, network and storage services and two renderers
per browser context (one of them for the headless window's WebUI), ~1 GB of summed RSS, and a
renderer per page. `CRAWL_CHROMIUM_ARGS` folds the zygotes, GPU and network service into the
browser process and lets a context's pages share one renderer (~0.67 GB for one context, +0.37 GB
per further context); the crawl handler (`crawler.middlewares`) also caps the contexts open at once
in a process (`context_slots`) and closes a context as soon as it has no page left.

Across processes: a local audit's crawl workers share two `PageBudget`s (pools of lock files), so at
most `browser_pages` pages are open at once in all of them together, and at most `browser_processes`
of them run a Chromium at once (~0.4 GB of summed RSS each with Debian's headless shell, which the
crawl prefers, ~0.8 GB with the full browser; Node driver included); a process's
Chromium and driver are closed once it has had no context for `browser_idle` seconds (the next
rendered page launches them again), so a worker whose sites need no script holds no browser and
another worker's pages can have the browser slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import re
import time
from pathlib import Path
from typing import Any

from xxgk.chromium import CHROMIUM_ARGS

log = logging.getLogger(__name__)

# Playwright passes its own --enable-features list and Chromium keeps only the last one given, so
# ours repeats Playwright's before adding the in-process network service. The list is read from the
# installed driver (an upgrade that changes it then needs no edit here); these are 1.65's.
KNOWN_ENABLED_FEATURES = ["CDPScreenshotNewSurface", "SkipListAccountsWithoutGaiaCookies"]
_ENABLED_BLOCK = re.compile(r"enabledFeatures\s*=\s*\(\)\s*=>\s*\[(.*?)\]", re.S)


def playwright_enabled_features() -> list[str]:
    """The features the installed Playwright driver enables in Chromium (its `enabledFeatures`
    list, comments dropped), or the known 1.65 list when the driver bundle cannot be read."""
    try:
        import playwright

        bundle = Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"
        match = _ENABLED_BLOCK.search(bundle.read_text(encoding="utf-8", errors="replace"))
    except (ImportError, OSError):
        match = None
    if match is None:
        return list(KNOWN_ENABLED_FEATURES)
    body = re.sub(r"//[^\n]*", "", match.group(1))
    return re.findall(r'"([A-Za-z0-9]+)"', body) or list(KNOWN_ENABLED_FEATURES)


PLAYWRIGHT_ENABLED_FEATURES = playwright_enabled_features()
MEMORY_ARGS = [
    "--no-zygote",  # no zygote processes (needs --no-sandbox, which CHROMIUM_ARGS has)
    "--in-process-gpu",  # no GPU process (rendering is software-only anyway: --disable-gpu)
    "--renderer-process-limit=1",  # the pages of a context share a renderer instead of one each
    "--enable-features=" + ",".join([*PLAYWRIGHT_ENABLED_FEATURES, "NetworkServiceInProcess2"]),
]
CRAWL_CHROMIUM_ARGS = [*CHROMIUM_ARGS, *MEMORY_ARGS]
# The Node driver only relays protocol messages between the crawl and Chromium: V8 without its JIT
# and with a 1 MB young generation serves it with about 16 MB less of its ~120 MB (one rendered page,
# measured with psutil). Options the user set in NODE_OPTIONS win over these.
DRIVER_NODE_OPTIONS = ("--jitless", "--max-semi-space-size=1")


def driver_node_options(given: str | None) -> str:
    """NODE_OPTIONS for the crawl's driver: the user's, plus each of ours the user did not set."""
    mine = (given or "").split()
    named = {option.split("=", 1)[0] for option in mine}
    return " ".join([*mine, *(o for o in DRIVER_NODE_OPTIONS if o.split("=", 1)[0] not in named)])


@contextlib.contextmanager
def _driver_environment() -> Any:
    """NODE_OPTIONS set for the driver Playwright starts inside the block (it copies the environment)."""
    saved = os.environ.get("NODE_OPTIONS")
    os.environ["NODE_OPTIONS"] = driver_node_options(saved)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("NODE_OPTIONS", None)
        else:
            os.environ["NODE_OPTIONS"] = saved

SKIPPED_RESOURCES = frozenset({"image", "media", "font"})
# What a rendered page may fetch from outside the audited site: its scripts. A portal's menu is often
# written by a script that needs a library from a public CDN (jQuery and the like); aborting it would
# render the page without its menu, and the columns the menu links would be reported missing. A
# script is run, never audited; its address is still checked (no internal or private addresses).
OFFSITE_RESOURCES = frozenset({"script"})


def skip_resource(request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: a rendered page loads no images, media or fonts. The crawl reads
    the page's DOM after its scripts ran; those never change it, and each costs the renderer memory
    and the host a request beside the crawl's own (which its politeness counts)."""
    return request.resource_type in SKIPPED_RESOURCES


class _Shared:
    """The process's driver, browser and how many crawler handlers use them."""

    users = 0
    manager: Any = None
    playwright: Any = None
    browser: Any = None
    lock: asyncio.Lock | None = None
    slots: asyncio.Semaphore | None = None
    idle_s: float = 5.0  # seconds without a context before the browser is closed
    idle_timer: asyncio.TimerHandle | None = None
    creating = 0  # pages being created in the process (an idle close must not race them)
    closing: asyncio.Event | None = None  # set while an idle browser is being closed
    browsers: PageBudget | None = None  # the audit's browser-process budget (set by the handler)


def context_slots(n: int) -> asyncio.Semaphore:
    """The process-wide semaphore bounding open browser contexts (every site crawler's together):
    each context costs a renderer (~0.37 GB summed RSS), so a process never holds more than `n`."""
    if _Shared.slots is None:
        _Shared.slots = asyncio.Semaphore(max(1, n))
    return _Shared.slots


class SharedBrowserProvider:
    """scrapy-playwright browser provider handing every handler of the process the same browser."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self.started = False

    @staticmethod
    def _lock() -> asyncio.Lock:
        if _Shared.lock is None:
            _Shared.lock = asyncio.Lock()
        return _Shared.lock

    async def start(self) -> None:
        """Register a user. The Node driver (~125 MB) starts with the browser (`launch_browser`), so
        a process waiting for the audit's browser slot holds none."""
        async with self._lock():
            if not self.started:
                self.started = True
                _Shared.users += 1

    async def launch_browser(self) -> Any:
        """The shared browser, launched (again, after a crash) when needed."""
        async with self._lock():
            browser = _Shared.browser
            if browser is None or not browser.is_connected():
                slot = await _Shared.browsers.acquire() if _Shared.browsers is not None else None
                try:
                    await _start_driver()  # stopped with an idle browser
                    pw_type = getattr(_Shared.playwright, self.config.browser_type_name)
                    browser = _Shared.browser = await pw_type.launch(**self.config.launch_options)
                except BaseException:
                    if slot is not None:
                        PageBudget.release(slot)
                    raise
                if slot is not None:  # held while this Chromium runs (closed, idle or crashed)
                    browser.on("disconnected", lambda *_: PageBudget.release(slot))
                log_page_event("browser-launch")
                log.info("browser launched for this crawl process")
            return _Shared.browser

    async def launch_persistent_context(self, context_kwargs: dict) -> Any:
        async with self._lock():
            await _start_driver()
        pw_type = getattr(_Shared.playwright, self.config.browser_type_name)
        return await pw_type.launch_persistent_context(**context_kwargs)

    @staticmethod
    async def page_starting() -> None:
        """Called before a page is created: wait for an idle close in progress, and hold off new ones."""
        if _Shared.idle_timer is not None:
            _Shared.idle_timer.cancel()
            _Shared.idle_timer = None
        while _Shared.closing is not None:
            await _Shared.closing.wait()
        _Shared.creating += 1

    @staticmethod
    def page_started() -> None:
        """The page of `page_starting` exists (or failed)."""
        _Shared.creating -= 1

    @staticmethod
    def context_closed() -> None:
        """A context of the process closed: close the browser if none is left for `idle_s` seconds."""
        if _Shared.browser is None:
            return
        if _Shared.idle_timer is not None:
            _Shared.idle_timer.cancel()
        loop = asyncio.get_running_loop()
        _Shared.idle_timer = loop.call_later(_Shared.idle_s, lambda: asyncio.ensure_future(_close_idle_browser()))

    async def close(self) -> None:
        """Unregister; the last user closes the browser and stops the driver."""
        async with self._lock():
            if not self.started:
                return
            self.started = False
            _Shared.users -= 1
            if _Shared.users > 0:
                return
            browser, manager = _Shared.browser, _Shared.manager
            _Shared.browser = _Shared.playwright = _Shared.manager = None
            if _Shared.idle_timer is not None:
                _Shared.idle_timer.cancel()
                _Shared.idle_timer = None
            try:
                if browser is not None:
                    await browser.close()
                    log_page_event("browser-close")
            finally:
                if manager is not None:
                    await manager.__aexit__()


async def _start_driver() -> None:
    """Start the process's Playwright driver (a Node process) unless it runs; under the provider lock."""
    if _Shared.playwright is None:
        from playwright.async_api import PlaywrightContextManager

        _Shared.manager = PlaywrightContextManager()
        with _driver_environment():
            _Shared.playwright = await _Shared.manager.start()


async def _close_idle_browser() -> None:
    """Close the process's browser and its Playwright driver if it still has no context and no page
    is being made (the check and the `closing` mark have no await between them, so no page can slip
    in); the next page starts both again."""
    _Shared.idle_timer = None
    browser = _Shared.browser
    if browser is None or _Shared.creating or _Shared.closing is not None:
        return
    try:
        if not browser.is_connected() or browser.contexts:
            return
    except Exception:  # noqa: BLE001 - a browser gone mid-check is closed already
        return
    done = _Shared.closing = asyncio.Event()
    try:
        async with SharedBrowserProvider._lock():
            if _Shared.browser is not browser:  # the last crawler closed it meanwhile
                return
            manager = _Shared.manager
            _Shared.browser = _Shared.playwright = _Shared.manager = None
            try:
                await browser.close()
                log_page_event("browser-close")
                log.info("idle browser closed in this crawl process")
            finally:
                if manager is not None:
                    await manager.__aexit__()
    except Exception as exc:  # noqa: BLE001 - already gone
        log.debug("closing the idle browser: %s", exc)
    finally:
        _Shared.closing = None
        done.set()


class PageBudget:
    """At most `pages` browser pages open at once across every crawl worker process of an audit.

    A pool of `pages` lock files in one directory; a page holds an exclusive `flock` on one of them
    while it is open. The kernel drops a dead process's locks, so a crashed worker never keeps a
    slot, and the directory is the only thing the workers share (it comes in the crawl settings).
    A page beyond the cap waits (polling, so the crawl's event loop keeps running) until a slot
    frees: a script-filled page is never skipped for want of a slot.
    """

    POLL_S = 0.05

    def __init__(self, directory: Path, pages: int, kind: str = "page") -> None:
        self.directory = Path(directory)
        self.pages = max(1, pages)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.paths = [self.directory / f"{kind}-{i}.lock" for i in range(self.pages)]

    def try_acquire(self) -> int | None:
        """A held slot's file descriptor, or None when every slot is taken."""
        for path in self.paths:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return fd
        return None

    async def acquire(self) -> int:
        """Wait for a free slot; returns its descriptor (give it to `release`)."""
        delay = self.POLL_S
        while True:
            fd = self.try_acquire()
            if fd is not None:
                return fd
            await asyncio.sleep(delay)
            delay = min(0.5, delay * 1.5)

    @staticmethod
    def release(fd: int) -> None:
        """Give a slot back (closing the descriptor drops its lock)."""
        with contextlib.suppress(OSError):
            os.close(fd)


_budgets: dict[tuple[str, int, str], PageBudget] = {}


def page_budget(directory: str | Path, pages: int, kind: str = "page") -> PageBudget:
    """The process's `PageBudget` of `kind` ("page" or "browser") over `directory`."""
    key = (str(directory), pages, kind)
    if key not in _budgets:
        _budgets[key] = PageBudget(Path(directory), pages, kind)
    return _budgets[key]


def log_page_event(event: str) -> None:
    """Append "<event> <monotonic seconds> <pid>" to $XXGK_BROWSER_PAGE_LOG when it is set: the
    lifetime of every browser page, across processes, for tests that count pages open at once."""
    path = os.environ.get("XXGK_BROWSER_PAGE_LOG")
    if not path:
        return
    line = f"{event} {time.monotonic():.6f} {os.getpid()}\n".encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line)  # one short O_APPEND write: lines of several processes never interleave
    finally:
        os.close(fd)


def max_open_pages(lines: list[str], opened: str = "open", closed: str = "close") -> int:
    """The most things open at once in a `log_page_event` log: pages by default, or any other pair
    of events (``browser-launch`` / ``browser-close``); a close sorts before an open at the same time."""
    steps = {opened: 1, closed: -1}
    events = sorted((float(t), steps[e]) for e, t, _ in (ln.split() for ln in lines if ln.strip()) if e in steps)
    best = now = 0
    for _, step in events:
        now += step
        best = max(best, now)
    return best


class RenderGate:
    """What one rendered page may fetch while its Scrapy download runs, and when.

    Chromium fetches a page's scripts, stylesheets and XHRs itself, outside Scrapy's per-host slot,
    so with `per_host=1` the host used to see the document and its assets in flight together. The
    page's Scrapy request holds one of its host's slots for the whole render; the gate makes the page
    use that one slot as a plain request would: at most one request per host in flight at a time
    (the next waits for the previous to finish, redirects included), each taking its turn in the
    host's politeness (`pace`, a `crawler.browser_turns.HostTurns`: spacing, and on another host a
    place Scrapy's own requests of it respect). Requests outside the audited site's scope are aborted (they
    are outside the audit), except scripts (`OFFSITE_RESOURCES`); every address is checked as the
    scope middleware checks Scrapy's (the browser bypasses it); images, media and fonts are never
    loaded. A request routed once the download is over (the gate is closed) is
    aborted as well: the page's DOM was already read, and no slot covers it any more.

    Requests to *other* hosts than the page's own (a sibling `static.` host of the site, a CDN
    script) are covered by no Scrapy slot of this page: with `host_locks`, one registry shared by
    every page the crawler renders, such a host has one request in flight across all of them.
    """

    LEASE_S = 60.0  # a request whose finish event never comes frees its host after this long

    def __init__(self, page_url: str, in_scope: Any, pace: Any = None,
                 host_locks: dict[str, asyncio.Lock] | None = None) -> None:
        from crawler.distributed.hostlimit import host_of
        from crawler.scope import request_refusal, site_class

        self.page_url = page_url
        self._allowed_class = site_class(page_url)
        self._refusal = request_refusal
        self._in_scope = in_scope
        self._pace = pace
        self._locks: dict[str, asyncio.Lock] = {}
        self._own_host = host_of(page_url)
        self._host_locks = host_locks
        self._held: dict[int, tuple[asyncio.Lock, asyncio.TimerHandle, Any]] = {}  # lock, lease, pace release
        self._navigated = False
        self.closed = False
        self.sent: list[str] = []  # URLs let through, in order (for logs and tests)
        self.aborted: list[tuple[str, str]] = []  # (URL, why)

    def refusal(self, url: str, resource_type: str) -> str | None:
        """Why the page must not fetch `url`, or None."""
        if self.closed:
            return "after the render"
        if resource_type in SKIPPED_RESOURCES:
            return f"{resource_type} not loaded"
        refused = self._refusal(url, self._allowed_class)
        if refused is not None:
            return refused
        if not self._in_scope(url) and resource_type not in OFFSITE_RESOURCES:
            return "outside the audited site"
        return None

    async def enter(self, request: Any) -> bool:
        """Wait for `request`'s host to be free (and its spacing); False if it must be aborted."""
        from crawler.distributed.hostlimit import host_of

        why = self.refusal(request.url, request.resource_type)
        if why is not None:
            self.aborted.append((request.url, why))
            return False
        host = host_of(request.url)
        shared = self._host_locks is not None and host != self._own_host
        lock = (self._host_locks if shared else self._locks).setdefault(host, asyncio.Lock())  # type: ignore[union-attr]
        await lock.acquire()
        if self.closed:
            lock.release()
            self.aborted.append((request.url, "after the render"))
            return False
        loop = asyncio.get_running_loop()
        key = id(request)
        self._held[key] = (lock, loop.call_later(self.LEASE_S, self._free, key), None)
        first = not self._navigated and request.is_navigation_request()
        self._navigated = self._navigated or first
        if self._pace is not None and not first:  # the document itself was paced by Scrapy's slot
            try:
                release = await self._pace(request.url, host == self._own_host)
            except BaseException:
                self._free(key)
                raise
            held = self._held.get(key)
            if held is None:  # freed while it waited: the render ended, or the lease ran out
                if release is not None:
                    release()
                if self.closed:
                    self.aborted.append((request.url, "after the render"))
                    return False
            else:
                self._held[key] = (held[0], held[1], release)
        self.sent.append(request.url)
        return True

    def finished(self, request: Any) -> None:
        """`request` finished or failed (page event): free its host once its redirect chain ended."""
        if getattr(request, "redirected_to", None) is not None:
            return  # the next hop follows on the same connection turn
        root = request
        while getattr(root, "redirected_from", None) is not None:
            root = root.redirected_from
        self._free(id(root))

    def not_sent(self, request: Any) -> None:
        """The route handler failed to send `request`: free its host."""
        self._free(id(request))

    def _free(self, key: int) -> None:
        held = self._held.pop(key, None)
        if held is not None:
            lock, lease, release = held
            lease.cancel()
            if release is not None:
                release()
            lock.release()

    def close(self) -> None:
        """The download is over: every later request is aborted and held hosts are freed."""
        self.closed = True
        for key in list(self._held):
            self._free(key)
