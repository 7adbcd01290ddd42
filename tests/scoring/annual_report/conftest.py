"""Shared fixtures: the generated sample reports (once per session) and the real-world folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xxgk.samples.annual_reports import generate_annual_reports


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("annual-reports")
    truth = json.loads(generate_annual_reports(out).read_text(encoding="utf-8"))
    return out, truth["reports"]


@pytest.fixture(scope="session")
def zhecheng(realworld: Path) -> Path:
    """The 柘城 real pages (skipped, like every real-page test, when shared/ is absent)."""
    return realworld / "zhecheng-2018"


@pytest.fixture(scope="session")
def shared(realworld: Path) -> Path:
    """The shared folder holding the real pages (skipped with them when absent)."""
    return realworld.parent
