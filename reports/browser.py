"""Headless Debian Chromium through Playwright (never Playwright's own browser download): for PDFs, tests and benches."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from xxgk.chromium import CHROMIUM_ARGS, chromium_path
from xxgk.errors import UserError

__all__ = ["chromium", "chromium_path"]


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched headless Chromium (Playwright sync API); closed on exit."""
    path = chromium_path()
    if path is None:
        raise UserError("Chromium not found (install Debian's chromium, e.g. `make chromium`)", field="pdf")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
