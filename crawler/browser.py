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
"""

from __future__ import annotations

import asyncio
import logging
import re
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

class _Shared:
    """The process's driver, browser and how many crawler handlers use them."""

    users = 0
    manager: Any = None
    playwright: Any = None
    browser: Any = None
    lock: asyncio.Lock | None = None
    slots: asyncio.Semaphore | None = None


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
        """Register a user; start the Node driver if this is the first."""
        from playwright.async_api import PlaywrightContextManager

        async with self._lock():
            if not self.started:
                self.started = True
                _Shared.users += 1
            if _Shared.playwright is None:
                _Shared.manager = PlaywrightContextManager()
                _Shared.playwright = await _Shared.manager.start()

    async def launch_browser(self) -> Any:
        """The shared browser, launched (again, after a crash) when needed."""
        async with self._lock():
            browser = _Shared.browser
            if browser is None or not browser.is_connected():
                pw_type = getattr(_Shared.playwright, self.config.browser_type_name)
                _Shared.browser = await pw_type.launch(**self.config.launch_options)
                log.info("browser launched for this crawl process")
            return _Shared.browser

    async def launch_persistent_context(self, context_kwargs: dict) -> Any:
        pw_type = getattr(_Shared.playwright, self.config.browser_type_name)
        return await pw_type.launch_persistent_context(**context_kwargs)

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
            try:
                if browser is not None:
                    await browser.close()
            finally:
                if manager is not None:
                    await manager.__aexit__()
