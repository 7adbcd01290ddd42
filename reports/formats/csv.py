"""CSV exports beside the HTML report: columns.csv, items.csv, findings.csv and scores.csv.

Their column names are a public contract (people script against them): add, never rename. The lists
are `reports.model.*_COLUMNS`; a new column is one name there plus its value in `load_run`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reports.cells import write_csv
from reports.context import Report
from reports.formats.base import Format
from reports.model import COLUMN_COLUMNS, FINDING_COLUMNS, ITEM_COLUMNS, SCORE_COLUMNS


def write(report: Report, out_dir: Path) -> list[Path]:
    """The four CSVs (UTF-8 with BOM for Excel); scores.csv also has each site's rank."""
    data = report.data
    frames = {
        "columns.csv": data.columns[COLUMN_COLUMNS],
        "items.csv": data.items[ITEM_COLUMNS],
        "findings.csv": data.findings[FINDING_COLUMNS],
        "scores.csv": _scores_with_rank(data.scores[SCORE_COLUMNS], report.ranking.table),
    }
    return [write_csv(frame, out_dir / name) for name, frame in frames.items()]


def _scores_with_rank(scores: pd.DataFrame, ranking_table: pd.DataFrame | None) -> pd.DataFrame:
    if ranking_table is None or ranking_table.empty or "rank" not in ranking_table:
        return scores.assign(rank=pd.NA)
    ranks = dict(zip(ranking_table.site_id, ranking_table["rank"], strict=True))
    return scores.assign(rank=scores.site_id.map(ranks))


FORMAT = Format(name="csv", description="findings, scores (with rank), columns and items as CSV tables",
                files=("columns.csv", "items.csv", "findings.csv", "scores.csv"), write=write)
