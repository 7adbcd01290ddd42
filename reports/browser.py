"""Headless Debian Chromium through Playwright (never Playwright's own browser download): for PDFs, tests and benches."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from xxgk.errors import UserError

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    """The Chromium executable: $XXGK_CHROMIUM, else Debian's /usr/bin/chromium, else one on PATH."""
    for cand in (os.environ.get("XXGK_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                 shutil.which("chromium-browser")):
        if cand and os.path.exists(cand):
            return cand
    return None


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
