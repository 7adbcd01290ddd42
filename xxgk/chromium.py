"""Where Chromium is and how it is launched headless: one answer for the crawler, the evidence
screenshots and the PDF reports (never Playwright's own browser download).

A leaf module (standard library only), so `crawler/` and `reports/` both import it without a cycle.
"""

from __future__ import annotations

import os
import shutil

DEBIAN_CHROMIUM = "/usr/bin/chromium"
# Debian's chromium-headless-shell: the same Blink and V8 build without the browser UI. The crawl
# renders pages with it when it is installed: one page costs ~380 MB of summed RSS (Node driver
# included) against ~800 MB for the full browser, which starts a WebUI renderer and more services.
# The binary itself, not /usr/bin's wrapper script (a shell that would stay as the browser's parent).
DEBIAN_HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _executable(path: str | None) -> bool:
    return bool(path) and os.path.isfile(path) and os.access(path, os.X_OK)


def chromium_path() -> str | None:
    """The Chromium executable: $XXGK_CHROMIUM, else Debian's /usr/bin/chromium, else a
    `chromium` / `chromium-browser` on PATH; None when there is none."""
    for cand in (os.environ.get("XXGK_CHROMIUM"), DEBIAN_CHROMIUM, shutil.which("chromium"),
                 shutil.which("chromium-browser")):
        if _executable(cand):
            return cand
    return None


def render_chromium_path() -> str | None:
    """The Chromium the crawler renders pages with: $XXGK_CHROMIUM, else Debian's headless shell
    (half the memory of the full browser for the same engine), else `chromium_path()`. Screenshots
    and PDF reports keep the full browser (`chromium_path`)."""
    if not _executable(os.environ.get("XXGK_CHROMIUM")) and _executable(DEBIAN_HEADLESS_SHELL):
        return DEBIAN_HEADLESS_SHELL
    return chromium_path()
