"""Without the shared folder the real-world annual-report tests are skipped with one reason line, not failed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_realworld_tests_skip_when_shared_is_absent(tmp_path: Path) -> None:
    env = {"XXGK_SHARED": str(tmp_path / "no-shared"), "PATH": "/usr/bin:/bin"}
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(HERE / "test_realworld.py"), str(HERE / "test_real_copies.py")],
                         capture_output=True, text=True, timeout=300, cwd=HERE.parents[2], env=env)
    assert res.returncode == 0, res.stdout[-2000:]
    assert "4 skipped" in res.stdout and "failed" not in res.stdout and "error" not in res.stdout.lower()
    assert sum("real-page tests skipped" in ln and "XXGK_SHARED" in ln for ln in res.stdout.splitlines()) == 1
