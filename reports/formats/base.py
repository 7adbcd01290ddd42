"""What an output format is: a name, what it writes, and its module's `write(report, out_dir)`.

Every format takes the same input, the findings model of one run (`reports.context.Report`), and
returns the files it wrote. `command` says which command offers it: `report` for the ranked report
(`xxgk audit`, `report`, `score --out`), `verify-fixes` for the per-claim table of a fix verification,
`evaluate` for a combined evaluation.

A format's writer is `write` in the module of this package named after it, and the registry holds only
the name: the module, and the renderers it needs (pandas, openpyxl, python-docx, jinja2), loads when
the format first writes. `xxgk audit` checks its
`--formats` and `--lang` before it crawls, in the process that crawls; importing every writer there
made each audit's crawl carry about 70 MB it never used.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xxgk.errors import UserError

if TYPE_CHECKING:
    from reports.context import Report

REPORT = "report"
VERIFY_FIXES = "verify-fixes"
EVALUATE = "evaluate"
LANGS = ("en", "zh")  # `--lang`: the language of the report's headers (csv, xlsx) and words


def check_lang(lang: str) -> None:
    """A `--lang` value the formats write, else one line naming the known ones."""
    if lang not in LANGS:
        raise UserError(f"unknown language {lang!r} (use {' or '.join(LANGS)})", field="--lang")


@dataclass(frozen=True)
class Format:
    """One output format of the registry (`reports.formats.REGISTRY`)."""

    name: str
    description: str
    files: tuple[str, ...]  # what it writes, relative to the output folder (N: one per site)
    command: str = REPORT

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        """Write the format's files for `report` into `out_dir` (loading its module on first use)."""
        return importlib.import_module(f"reports.formats.{self.name}").write(report, out_dir)
