"""Where Chromium is and how it is launched headless: one answer for the crawler, the evidence
screenshots and the PDF reports (never Playwright's own browser download).

A leaf module (standard library only), so `crawler/` and `reports/` both import it without a cycle.
"""

from __future__ import annotations

import os
import shutil

DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """The Chromium executable: $XXGK_CHROMIUM, else Debian's /usr/bin/chromium, else a
    `chromium` / `chromium-browser` on PATH; None when there is none."""
    for cand in (os.environ.get("XXGK_CHROMIUM"), DEBIAN_CHROMIUM, shutil.which("chromium"),
                 shutil.which("chromium-browser")):
        if cand and os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    return None
