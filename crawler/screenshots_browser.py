"""Take PNG screenshots of pages in Debian's Chromium (Playwright), guarded by the site's scope.

One browser for a whole batch, one fresh context per site. Every request of a context passes a
route guard: internal addresses of another class than the site's own are refused (as in
`crawler.scope`), and a top-level navigation (a redirect, a script moving the page) that leaves the
site's scope is aborted, so a screenshot never shows another site's page as this site's evidence.
Each shot is bounded: navigation and capture time-out, page height and PNG size. Failures are
returned with their reason, never raised.

Playwright's sync API refuses to run where an asyncio loop is running (the crawler's reactor may
have left one in this thread), so the batch runs in a fresh thread.
"""

from __future__ import annotations

import hashlib
import logging
import struct
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.browser import CRAWL_CHROMIUM_ARGS
from crawler.scope import request_refusal
from xxgk.chromium import chromium_path

log = logging.getLogger(__name__)

VIEWPORT = {"width": 1280, "height": 900}
MAX_HEIGHT = 8000  # px: a longer page is cut here (a full 20,000 px list page is no better evidence)
MAX_PNG_BYTES = 8 * 1024 * 1024
MAX_REDIRECTS = 10
# navigation errors after which the host's other pages are not tried (it does not answer)
UNREACHABLE = ("ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET", "ERR_CONNECTION_REFUSED",
               "ERR_NAME_NOT_RESOLVED", "ERR_CONNECTION_TIMED_OUT", "ERR_ADDRESS_UNREACHABLE", "Timeout")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass
class Shot:
    """One page to capture: its URL, where the PNG goes, and the site's scope test."""

    url: str
    dest: Path
    in_scope: Callable[[str], bool]
    allowed_class: str | None = None  # the audited site's own address class (loopback for samples)


@dataclass
class ShotResult:
    """What became of one shot: `ok` with the PNG's facts, or `failed` with the reason."""

    url: str
    status: str
    reason: str | None = None
    path: Path | None = None
    width: int | None = None
    height: int | None = None
    size: int | None = None
    sha256: str | None = None


@dataclass
class _Guard:
    """The route guard of one shot; `left_scope` keeps where the page tried to go.

    Chromium follows a redirect without routing its next hop, so a top-level navigation's
    redirect chain is walked here first (`route.fetch` without redirects), each hop judged; the
    browser is then sent straight to the last hop, which passed."""

    shot: Shot
    timeout: float = 30.0
    left_scope: list[str] = field(default_factory=list)
    error: str | None = None  # why fetching the page (or a redirect hop) failed

    def __call__(self, route: Any) -> None:
        req = route.request
        url = req.url
        if urlsplit(url).scheme not in ("http", "https"):
            route.continue_()
            return
        if request_refusal(url, self.shot.allowed_class) is not None:
            route.abort("blockedbyclient")
            return
        if not (req.is_navigation_request() and req.frame.parent_frame is None):
            route.continue_()
            return
        hop, response = url, None
        for _ in range(MAX_REDIRECTS + 1):
            if not self.shot.in_scope(hop) or request_refusal(hop, self.shot.allowed_class) is not None:
                self.left_scope.append(hop)
                route.abort("blockedbyclient")
                return
            try:
                response = route.fetch(url=hop, max_redirects=0, timeout=self.timeout * 1000)
            except Exception as exc:  # refused, unresolved, timed out: the page's failure, not the batch's
                self.error = _short(exc)
                route.abort("failed")
                return
            location = response.headers.get("location")
            if response.status not in (301, 302, 303, 307, 308) or not location:
                break
            hop = urljoin(hop, location)
        else:
            route.abort("failed")
            return
        if hop == url:
            route.fulfill(response=response)
        else:  # the browser goes to the judged last hop (and fetches it once more itself)
            route.fulfill(status=302, headers={"Location": hop}, body="")


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk; None when the bytes are no PNG."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def take_batch(sites: list[list[Shot]], *, timeout: float = 30.0, user_agent: str | None = None) -> list[ShotResult]:
    """Capture every shot (one list per site): one result per shot, in order; never raises. Runs in a
    fresh thread (see the module doc)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="xxgk-screenshots") as pool:
        return pool.submit(_take_batch, sites, timeout, user_agent).result()


def _take_batch(sites: list[list[Shot]], timeout: float, user_agent: str | None) -> list[ShotResult]:
    shots = [s for site in sites for s in site]
    executable = chromium_path()
    if executable is None:
        return [ShotResult(s.url, "failed", "no Chromium installed (Debian's chromium)") for s in shots]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [ShotResult(s.url, "failed", "Playwright is not installed") for s in shots]
    results: list[ShotResult] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=CRAWL_CHROMIUM_ARGS, headless=True)
            try:
                for site in sites:
                    results += _take_site(browser, site, timeout, user_agent)
            finally:
                browser.close()
    except Exception as exc:  # the browser itself failed: every shot not yet taken fails with why
        log.warning("screenshots: the browser failed: %s", exc)
        results += [ShotResult(s.url, "failed", f"browser failed: {_short(exc)}") for s in shots[len(results):]]
    return results


def _take_site(browser: Any, shots: list[Shot], timeout: float, user_agent: str | None) -> list[ShotResult]:
    """One site's shots in one fresh context and one page (a new page costs a renderer start, most
    of a shot's time); a host that does not answer is not tried again."""
    out: list[ShotResult] = []
    dead: dict[str, str] = {}
    context = browser.new_context(viewport=VIEWPORT, user_agent=user_agent, accept_downloads=False,
                                  service_workers="block")
    guard = _Guard(shots[0], timeout) if shots else None
    page = None
    try:
        for shot in shots:
            host = urlsplit(shot.url).netloc
            if host in dead:
                out.append(ShotResult(shot.url, "failed", f"not tried: {host} did not answer ({dead[host]})"))
                continue
            if page is None or page.is_closed():
                page = context.new_page()
                page.route("**/*", guard)
            guard.shot, guard.left_scope, guard.error = shot, [], None
            result = _take_one(page, guard, timeout)
            if result.status != "ok" and any(m in (result.reason or "") for m in UNREACHABLE):
                dead[host] = result.reason or ""
                page.close()  # a page stuck loading is not reused
            out.append(result)
    finally:
        context.close()
    return out


def _take_one(page: Any, guard: _Guard, timeout: float) -> ShotResult:
    shot = guard.shot
    try:
        try:
            page.goto(shot.url, timeout=timeout * 1000, wait_until="load")
        except Exception as exc:
            if guard.left_scope:
                return ShotResult(shot.url, "failed", f"left the site's scope for {guard.left_scope[0]}")
            return ShotResult(shot.url, "failed", f"could not load the page: {guard.error or _short(exc)}")
        if guard.left_scope:  # a script moved the page off-site after it loaded
            return ShotResult(shot.url, "failed", f"left the site's scope for {guard.left_scope[0]}")
        height = page.evaluate("() => Math.max(document.documentElement ? document.documentElement.scrollHeight"
                               " : 0, document.body ? document.body.scrollHeight : 0)") or VIEWPORT["height"]
        clip = None
        if height > MAX_HEIGHT:
            clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": MAX_HEIGHT}
        data = page.screenshot(full_page=True, clip=clip, timeout=timeout * 1000, type="png")
    except Exception as exc:
        return ShotResult(shot.url, "failed", f"screenshot failed: {_short(exc)}")
    return _save(shot, data)


def _save(shot: Shot, data: bytes) -> ShotResult:
    dims = png_size(data)
    if dims is None:
        return ShotResult(shot.url, "failed", "the browser returned no PNG")
    if len(data) > MAX_PNG_BYTES:
        return ShotResult(shot.url, "failed", f"screenshot larger than {MAX_PNG_BYTES} bytes ({len(data)})")
    shot.dest.parent.mkdir(parents=True, exist_ok=True)
    shot.dest.write_bytes(data)
    return ShotResult(shot.url, "ok", path=shot.dest, width=dims[0], height=dims[1], size=len(data),
                      sha256=hashlib.sha256(data).hexdigest())


def _short(exc: BaseException) -> str:
    """The first line of an error, cut to 200 characters (Playwright appends call logs)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
