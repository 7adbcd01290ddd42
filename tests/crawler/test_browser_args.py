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


def test_the_drivers_node_options_keep_the_users_and_add_the_memory_ones() -> None:
    from crawler.browser import driver_node_options

    assert driver_node_options(None) == "--jitless --max-semi-space-size=1"
    assert driver_node_options("--max-semi-space-size=4 --trace-warnings") == (
        "--max-semi-space-size=4 --trace-warnings --jitless")  # the user's value of a flag wins


def test_the_crawls_driver_runs_with_them_and_the_environment_is_left_as_it_was(monkeypatch) -> None:
    import asyncio
    import os

    import psutil

    from crawler import browser

    monkeypatch.setenv("NODE_OPTIONS", "--trace-warnings")

    async def started() -> str:
        await browser._start_driver()
        try:
            node = [c for c in psutil.Process().children(recursive=True) if "node" in c.name()]
            assert node, "no Node driver process"
            return " ".join(p for c in node for p in _node_options(c.pid))
        finally:
            manager = browser._Shared.manager
            browser._Shared.playwright = browser._Shared.manager = None
            await manager.__aexit__()

    seen = asyncio.run(started())
    assert seen.split() == ["--trace-warnings", "--jitless", "--max-semi-space-size=1"]
    assert os.environ["NODE_OPTIONS"] == "--trace-warnings"


def _node_options(pid: int) -> list[str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return [v.decode().split("=", 1)[1] for v in raw if v.startswith(b"NODE_OPTIONS=")]
