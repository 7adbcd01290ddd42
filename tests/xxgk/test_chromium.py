"""One Chromium lookup for the crawler, the evidence screenshots and the PDF reports."""

from __future__ import annotations

import pytest

import reports.browser
from crawler.settings import browser_enabled, build_settings
from xxgk import chromium
from xxgk.errors import UserError
from xxgk.settings import CrawlSettings


def _executable(path):
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_env_then_debian_then_path(tmp_path, monkeypatch):
    own = _executable(tmp_path / "my-chromium")
    monkeypatch.setenv("XXGK_CHROMIUM", str(own))
    assert chromium.chromium_path() == str(own)
    (tmp_path / "not-executable").write_text("", encoding="utf-8")
    monkeypatch.setenv("XXGK_CHROMIUM", str(tmp_path / "not-executable"))
    monkeypatch.setattr(chromium, "DEBIAN_CHROMIUM", str(tmp_path / "absent"))
    bindir = tmp_path / "bin"
    bindir.mkdir()
    on_path = _executable(bindir / "chromium")
    monkeypatch.setenv("PATH", str(bindir))
    assert chromium.chromium_path() == str(on_path)


def test_without_chromium_the_crawl_renders_nothing_and_pdf_is_a_user_error(tmp_path, monkeypatch):
    monkeypatch.delenv("XXGK_CHROMIUM", raising=False)
    monkeypatch.setattr(chromium, "DEBIAN_CHROMIUM", str(tmp_path / "absent"))
    monkeypatch.setattr(chromium, "DEBIAN_HEADLESS_SHELL", str(tmp_path / "absent-shell"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert chromium.chromium_path() is None
    assert chromium.render_chromium_path() is None
    assert not browser_enabled(CrawlSettings())
    assert "DOWNLOAD_HANDLERS" not in build_settings(CrawlSettings())
    with pytest.raises(UserError, match="Chromium not found"), reports.browser.chromium():
        pass


def test_the_crawler_launches_the_same_chromium(tmp_path, monkeypatch):
    own = _executable(tmp_path / "my-chromium")
    monkeypatch.setenv("XXGK_CHROMIUM", str(own))
    got = build_settings(CrawlSettings())
    assert got["PLAYWRIGHT_LAUNCH_OPTIONS"]["executable_path"] == str(own)
    assert reports.browser.chromium_path is chromium.chromium_path


def test_the_crawl_renders_with_the_headless_shell_when_debian_has_it(tmp_path, monkeypatch):
    """The shell is the same engine at half the memory; screenshots and PDFs keep the full browser,
    and without the shell the crawl falls back to it."""
    monkeypatch.delenv("XXGK_CHROMIUM", raising=False)
    full = _executable(tmp_path / "chromium")
    shell = _executable(tmp_path / "chromium-headless-shell")
    monkeypatch.setattr(chromium, "DEBIAN_CHROMIUM", str(full))
    monkeypatch.setattr(chromium, "DEBIAN_HEADLESS_SHELL", str(shell))
    assert chromium.render_chromium_path() == str(shell)
    assert build_settings(CrawlSettings())["PLAYWRIGHT_LAUNCH_OPTIONS"]["executable_path"] == str(shell)
    assert chromium.chromium_path() == str(full)
    shell.unlink()
    assert chromium.render_chromium_path() == str(full)
    own = _executable(tmp_path / "my-chromium")
    monkeypatch.setenv("XXGK_CHROMIUM", str(own))
    assert chromium.render_chromium_path() == str(own)
