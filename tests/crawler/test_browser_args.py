"""The crawl's Chromium flags keep Playwright's own --enable-features (Chromium honours only the last
such flag), read from the installed driver so a Playwright upgrade cannot silently drop them."""

from __future__ import annotations

from pathlib import Path

import playwright

from crawler.browser import _ENABLED_BLOCK, CRAWL_CHROMIUM_ARGS, playwright_enabled_features


def test_installed_driver_list_is_found_and_kept() -> None:
    bundle = Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"
    block = _ENABLED_BLOCK.search(bundle.read_text(encoding="utf-8", errors="replace"))
    assert block is not None, f"Playwright's enabledFeatures list moved in {bundle}: update crawler/browser.py"
    features = playwright_enabled_features()
    assert features and all(f'"{f}"' in block.group(1) for f in features)
    flags = [a for a in CRAWL_CHROMIUM_ARGS if a.startswith("--enable-features=")]
    assert len(flags) == 1
    enabled = flags[0].split("=", 1)[1].split(",")
    assert set(features) <= set(enabled) and "NetworkServiceInProcess2" in enabled
