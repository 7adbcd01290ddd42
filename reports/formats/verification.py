"""verification.csv: `xxgk verify-fixes`' verdict on every claimed fix, one row per claim.

The columns are a public contract (add, never rename). The verdicts come with the report
(`Report.verdicts`, rows built by `xxgk.verify.verdict_rows`); the verify run's own findings are its evidence.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reports.cells import write_csv
from reports.context import Report
from reports.formats.base import VERIFY_FIXES, Format

VERIFICATION_COLUMNS = ["line", "site", "site_name", "item_id", "item_name", "claimed", "claim_url", "verdict",
                        "before", "after", "message", "evidence_urls"]


def write(report: Report, out_dir: Path) -> list[Path]:
    """verification.csv (UTF-8 with BOM, text neutralised); an empty table when there are no verdicts."""
    frame = pd.DataFrame(report.verdicts or [], columns=VERIFICATION_COLUMNS)
    return [write_csv(frame, out_dir / "verification.csv")]


FORMAT = Format(name="verification", description="verify-fixes: confirmed / not fixed / could not check per claim",
                files=("verification.csv",), write=write, command=VERIFY_FIXES)
