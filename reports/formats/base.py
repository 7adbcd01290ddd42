"""What an output format is: a name, what it writes, and one `write(report, out_dir)` function.

Every format takes the same input, the findings model of one run (`reports.context.Report`), and
returns the files it wrote. `command` says which command offers it: `report` for the ranked report
(`xxgk audit`, `report`, `score --out`), `verify-fixes` for the per-claim table of a fix verification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reports.context import Report

REPORT = "report"
VERIFY_FIXES = "verify-fixes"

Writer = Callable[[Report, Path], list[Path]]


@dataclass(frozen=True)
class Format:
    """One output format of the registry (`reports.formats.REGISTRY`)."""

    name: str
    description: str
    files: tuple[str, ...]  # what it writes, relative to the output folder (N: one per site)
    write: Writer
    command: str = REPORT
