"""JSON export of a run's ranking, scores and findings (report.json).

`<`, `>`, `&` and the line separators are written as \\u escapes, so the file can be embedded in an
HTML page without any crawled string closing a <script> element.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from reports.model import FINDING_COLUMNS, SCORE_COLUMNS, RunData
from reports.narrative import Narrative
from reports.ranking import Ranking, records

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def dumps(obj: Any) -> str:
    """JSON text with HTML-significant characters escaped."""
    text = json.dumps(obj, ensure_ascii=False, default=_default, indent=1)
    for ch, esc in _ESCAPES.items():
        text = text.replace(ch, esc)
    return text


def write_json(data: RunData, ranking: Ranking, narrative: Narrative, baseline: int | None, path: Path) -> Path:
    """Write report.json: run, summary, conclusions, ranking, scores and findings (with details)."""
    findings = data.findings[[*FINDING_COLUMNS, "evidence_list", "matched_list", "details"]].rename(
        columns={"evidence_list": "evidence", "matched_list": "matched_items"})
    run = data.run
    doc = {
        "run": {"id": run.id, "mode": run.mode, "status": run.status, "started_at": run.started_at,
                "finished_at": run.finished_at, "rubric_id": data.rubric_id, "rubric_hash": run.rubric_hash},
        "baseline_run": baseline,
        "pass_mark": data.pass_mark,
        "summary": ranking.summary,
        "conclusions": narrative.sentences,
        "categories": records(ranking.categories) if ranking.categories is not None else [],
        "ranking": records(ranking.table),
        "scores": records(data.scores[SCORE_COLUMNS]),
        "findings": records(findings),
    }
    path.write_text(dumps(doc), encoding="utf-8")
    return path
