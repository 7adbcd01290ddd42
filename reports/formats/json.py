"""JSON export of a run's ranking, scores and findings (report.json).

`<`, `>`, `&`, the line separators and bidi overrides are written as \\u escapes, so the file can be embedded in an
HTML page without any crawled string closing a <script> element.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reports.context import Report
from reports.model import FINDING_COLUMNS, SCORE_COLUMNS
from reports.ranking import records

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
# bidi overrides (a name that shows "exe.pdf" for "fdp.exe") stay in the data but never raw in the file
_ESCAPES |= {ch: f"\\u{ord(ch):04x}" for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067"}


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


_TAIL = '"findings": []\n}'


def _finding_batches(report: Report) -> Iterator[list[dict]]:
    """The findings as JSON records, a batch of sites at a time (reports.finding_rows)."""
    for frame in report.data.finding_reader.batches():
        yield records(frame[[*FINDING_COLUMNS, "evidence_list", "matched_list", "details"]].rename(
            columns={"evidence_list": "evidence", "matched_list": "matched_items"}))


def write(report: Report, out_dir: Path) -> list[Path]:
    """report.json: run, the rubric as scored, summary, conclusions, ranking, scores and findings (with details).

    The findings, last, are written a batch of sites at a time: each one's text is what `dumps` gives it
    nested two levels deep (indent 1), so the file is the same bytes as one `dumps` of the whole document."""
    data, ranking = report.data, report.ranking
    run = data.run
    doc = {
        "run": {"id": run.id, "mode": run.mode, "status": run.status, "started_at": run.started_at,
                "finished_at": run.finished_at, "rubric_id": data.rubric_id, "rubric_hash": run.rubric_hash},
        "baseline_run": report.baseline,
        "pass_mark": data.pass_mark,
        "rubric": {"id": data.rubric_id, "title": data.rubric.title, "method": data.method,
                   "pass_mark": data.pass_mark, "source": data.rubric.source, "sections": data.rubric.sections,
                   "kind": data.vocab.kind, "status_words": data.vocab.statuses},
        "notes": [n.log for n in report.notes],
        "method": report.method,
        "summary": ranking.summary,
        "conclusions": report.narrative.sentences,
        "categories": records(ranking.categories) if ranking.categories is not None else [],
        "ranking": records(ranking.table),
        "scores": records(data.scores[SCORE_COLUMNS]),
        "findings": [],
    }
    head = dumps(doc)
    assert head.endswith(_TAIL), "findings is the document's last key"
    path = out_dir / "report.json"
    with path.open("w", encoding="utf-8") as out:
        out.write(head[:-len(_TAIL)] + '"findings": [')
        first = True
        for batch in _finding_batches(report):
            for finding in batch:
                out.write(("\n  " if first else ",\n  ") + dumps(finding).replace("\n", "\n  "))
                first = False
        out.write("]\n}" if first else "\n ]\n}")
    return [path]
