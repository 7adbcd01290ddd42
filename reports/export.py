"""CSV exports beside the HTML report. Column names are a public contract: add, never rename."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from reports.model import COLUMN_COLUMNS, FINDING_COLUMNS, ITEM_COLUMNS, SCORE_COLUMNS, RunData

_FORMULA = re.compile(r"^[=+@\t\r]|^-(?![\d.])")


def neutralise(value: object) -> object:
    """Stop spreadsheet formula injection from crawled text: prefix a quote to =, +, @, - starts."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def write_csvs(data: RunData, out_dir: Path, ranking_table: pd.DataFrame | None = None) -> dict[str, Path]:
    """Write columns.csv, items.csv, findings.csv and scores.csv (UTF-8 with BOM for Excel)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = {
        "columns.csv": data.columns[COLUMN_COLUMNS],
        "items.csv": data.items[ITEM_COLUMNS],
        "findings.csv": data.findings[FINDING_COLUMNS],
        "scores.csv": _scores_with_rank(data.scores[SCORE_COLUMNS], ranking_table),
    }
    paths = {}
    for name, frame in frames.items():
        path = out_dir / name
        _safe(frame).to_csv(path, index=False, encoding="utf-8-sig")
        paths[name] = path
    return paths


def _scores_with_rank(scores: pd.DataFrame, ranking_table: pd.DataFrame | None) -> pd.DataFrame:
    if ranking_table is None or ranking_table.empty or "rank" not in ranking_table:
        return scores.assign(rank=pd.NA)
    ranks = dict(zip(ranking_table.site_id, ranking_table["rank"], strict=True))
    return scores.assign(rank=scores.site_id.map(ranks))
