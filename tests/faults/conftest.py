"""Fixtures of the fault suite: the hostile portal crawled once per tier (fast / full).

Tests marked `faults_full` (the slow faults) run only with XXGK_FAULTS_FULL=1 (`make faults`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crawler"))  # storekit: runs with pending crawls

from catalogue import FAULTS  # noqa: E402
from fault_audit import Audit, run_audit  # noqa: E402

FULL = os.environ.get("XXGK_FAULTS_FULL") == "1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "faults_full: slow fault-suite cases, run by `make faults`")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if FULL:
        return
    skip = pytest.mark.skip(reason="slow fault case: run `make faults` (XXGK_FAULTS_FULL=1)")
    for item in items:
        if "faults_full" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def fast_audit(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return run_audit(tmp_path_factory.mktemp("faults-fast"), [f for f in FAULTS if not f.full])


@pytest.fixture(scope="session")
def full_audit(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    healthy = [f for f in FAULTS if f.id == "healthy"]
    return run_audit(tmp_path_factory.mktemp("faults-full"), healthy + [f for f in FAULTS if f.full], slow=True)
