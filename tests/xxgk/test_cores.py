"""Pools are sized by the cores the process may run on (its affinity mask), not the machine's count."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from xxgk.cores import usable_cores


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs Linux CPU affinity")
def test_a_process_pinned_to_one_core_counts_one() -> None:
    one = min(os.sched_getaffinity(0))
    code = f"import os; os.sched_setaffinity(0, {{{one}}}); from xxgk.cores import usable_cores; print(usable_cores())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "1"
    assert usable_cores() == len(os.sched_getaffinity(0))
