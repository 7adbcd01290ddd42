"""Without the shared folder the real-world tests are skipped with one reason line, not failed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_realworld_tests_skip_when_shared_is_absent(tmp_path: Path) -> None:
    env = {"XXGK_SHARED": str(tmp_path / "no-shared"), "PATH": "/usr/bin:/bin"}
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                          str(HERE / "test_realworld.py")], capture_output=True, text=True, timeout=300,
                         cwd=HERE.parents[2], env=env)
    assert res.returncode == 0, res.stdout[-2000:]
    assert "2 skipped" in res.stdout and "failed" not in res.stdout and "error" not in res.stdout.lower()
    reasons = [ln for ln in res.stdout.splitlines() if ln.startswith("SKIPPED")]
    assert reasons and all("real-world pages not found" in ln and "XXGK_SHARED" in ln for ln in reasons)
