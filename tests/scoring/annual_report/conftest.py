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


@pytest.fixture(scope="session")
def zhecheng() -> Path:
    d = shared_dir() / "realworld" / "zhecheng-2018"
    if not d.is_dir():
        pytest.fail(f"real-world reports missing: {d} (set XXGK_SHARED)")
    return d
