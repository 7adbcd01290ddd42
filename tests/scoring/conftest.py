"""Scoring test fixtures: `kit` builds a one-crawl store (see sitekit.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# lets test modules import sitekit next to them (tests dirs have no __init__.py)
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitekit import Kit  # noqa: E402


@pytest.fixture()
def kit(tmp_path: Path) -> Kit:
    return Kit(tmp_path)
