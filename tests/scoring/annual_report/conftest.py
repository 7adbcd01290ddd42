"""Shared fixtures: the generated sample reports (once per session) and the real-world folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from xxgk.samples.annual_reports import generate_annual_reports

REPO = Path(__file__).resolve().parents[3]


def shared_dir() -> Path:
    """`$XXGK_SHARED` or `<repo>/../shared`."""
    return Path(os.environ.get("XXGK_SHARED") or REPO.parent / "shared")


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("annual-reports")
    truth = json.loads(generate_annual_reports(out).read_text(encoding="utf-8"))
    return out, truth["reports"]


def realworld_or_skip(sub: str = "") -> Path:
    """A folder of ../shared/realworld read in place; the test is skipped (one reason line) when it is absent."""
    d = shared_dir() / "realworld" / sub if sub else shared_dir() / "realworld"
    if not d.is_dir():
        pytest.skip(f"real-world pages not found: {d} (set XXGK_SHARED to the shared folder)")
    return d


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared folder, when its real-world pages are there (else skip)."""
    realworld_or_skip()
    return shared_dir()


@pytest.fixture(scope="session")
def zhecheng() -> Path:
    return realworld_or_skip("zhecheng-2018")
