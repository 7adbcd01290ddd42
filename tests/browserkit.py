"""Headless Debian Chromium for the browser tests: one page that records what must never happen.

`watched_page(allow)` opens a page whose console errors, uncaught exceptions and dialogs are kept in
`errors`, and whose every request outside `allow` (URL prefixes) is refused and kept in `blocked`, so
a test proves a report renders offline by asserting nothing was even attempted. `link_problems` checks
that every link of the page resolves: local files exist and `#anchors` name an element of their page.
The `browser_page` fixture (tests/conftest.py) hands tests this page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

from reports.browser import chromium


@dataclass
class WatchedPage:
    """A Playwright page with what went wrong on it."""

    page: Any
    errors: list[str] = field(default_factory=list)  # console errors, page errors, dialogs
    blocked: list[str] = field(default_factory=list)  # requests outside the allowed prefixes

    def assert_clean(self) -> None:
        """No console error, exception or dialog, and no request outside the allowed prefixes."""
        assert not self.errors, self.errors
        assert not self.blocked, f"requests outside the allowed URLs were attempted: {self.blocked}"


@contextmanager
def watched_page(allow: tuple[str, ...] = ("file://",)) -> Iterator[WatchedPage]:
    """A headless Chromium page: requests outside `allow` are aborted and recorded (see module doc)."""
    with chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        watched = WatchedPage(page)
        page.on("console", lambda m: watched.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: watched.errors.append(str(e)))
        page.on("dialog", lambda d: (watched.errors.append("dialog: " + d.message), d.dismiss()))

        def gate(route: Any) -> None:
            url = route.request.url
            if url.startswith(allow):
                route.continue_()
            else:
                watched.blocked.append(url)
                route.abort()

        context.route("**/*", gate)
        try:
            yield watched
        finally:
            context.close()


def link_problems(page: Any, *, local_only: bool = True) -> list[str]:
    """Links of the current file:// page that do not resolve: a missing file or a missing #anchor.

    http(s) links (the audited portals' pages) are left alone when `local_only`; links of other schemes
    must not be links at all (reports show them as text).
    """
    here = page.url
    problems = []
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => [a.getAttribute('href'), a.href])")
    ids_cache: dict[str, set[str]] = {}
    for raw, absolute in hrefs:
        scheme = urlsplit(absolute).scheme
        if scheme in ("http", "https") and local_only:
            continue
        if scheme != "file":
            problems.append(f"{raw}: not a file or web link")
            continue
        target, fragment = urldefrag(absolute)
        path = Path(unquote(urlsplit(target).path))
        if not path.is_file():
            problems.append(f"{raw}: {path} does not exist")
            continue
        if fragment:
            if target not in ids_cache:
                ids_cache[target] = _ids(page, target, here)
            if unquote(fragment) not in ids_cache[target]:
                problems.append(f"{raw}: no element with id {fragment!r} in {path.name}")
    return problems


def _ids(page: Any, target: str, here: str) -> set[str]:
    """Every id of the page at `target` (the current page's, or parsed from the file)."""
    if urldefrag(here)[0] == target:
        return set(page.eval_on_selector_all("[id]", "es => es.map(e => e.id)"))
    from lxml import html

    doc = html.fromstring(Path(unquote(urlsplit(target).path)).read_bytes())
    return {e.get("id") for e in doc.iter() if isinstance(e.tag, str) and e.get("id")}
