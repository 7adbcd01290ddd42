"""`xxgk evaluate`'s outputs: evaluation.html (the combined ranking with every part side by side),
evaluation.csv (one row per site; column names are a contract: add, never rename) and
evaluation.json (everything, for machines).

A part without a score is written as an empty cell with its state (needs_review / not_checked) beside
it, never as 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from reports.cells import write_csv
from reports.context import Report
from reports.evaluation import STATE_LABELS, EvaluationResult
from reports.evaluation_usability import KINDS
from reports.formats.json import dumps
from reports.templating import environment

BASE_COLUMNS = ["rank", "site_id", "site_name", "site_url", "total", "verdict", "parts_scored", "parts"]
USABILITY_COLUMNS = [f"usability_{k}" for k in KINDS]


def _result(report: Report) -> EvaluationResult:
    result = getattr(report, "evaluation", None)
    if result is None:
        raise ValueError("the evaluation format renders an evaluation report (reports.evaluation_render)")
    return result


def table(result: EvaluationResult) -> pd.DataFrame:
    """evaluation.csv's rows: rank, site, total, verdict, per part score and state, usability counts."""
    part_cols = [c for p in result.parts for c in (f"part_{p.id}", f"part_{p.id}_state")]
    rows = []
    for r in result.rows:
        u = result.usability.get(r["site_id"])
        row: dict[str, Any] = {"rank": r["rank"], "site_id": r["site_id"], "site_name": r["site_name"],
                               "site_url": r["site_url"], "total": r["total"], "verdict": r["verdict"],
                               "parts_scored": r["parts_scored"], "parts": len(result.parts)}
        for p in result.parts:
            row[f"part_{p.id}"] = r["parts"][p.id]["score"]
            row[f"part_{p.id}_state"] = r["parts"][p.id]["state"]
        for k in KINDS:
            row[f"usability_{k}"] = u.count(k) if u is not None and u.checked else None
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*BASE_COLUMNS, *part_cols, *USABILITY_COLUMNS])
    frame["rank"] = frame["rank"].astype("Int64")
    return frame


def write(report: Report, out_dir: Path) -> list[Path]:
    """evaluation.html, evaluation.csv and evaluation.json."""
    result = _result(report)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = write_csv(table(result), out_dir / "evaluation.csv")
    json_path = out_dir / "evaluation.json"
    json_path.write_text(dumps(document(result)), encoding="utf-8")
    html_path = out_dir / "evaluation.html"
    html_path.write_text(page(report, result), encoding="utf-8")
    return [html_path, csv_path, json_path]


def document(result: EvaluationResult) -> dict[str, Any]:
    """evaluation.json: the evaluation as read, the method box, summaries, ranking, tops, items, defects."""
    return {
        "evaluation": result.evaluation.model_dump(), "run_id": result.run_id, "method": result.method,
        "notes": result.notes, "summary": result.summary, "parts": result.part_summaries,
        "ranking": [{k: v for k, v in r.items()} | {"usability": (u.as_dict() if (u := result.usability.get(
            r["site_id"])) else None)} for r in result.rows],
        "top": result.top, "lowest_items": result.lowest, "usability": result.usability_summary,
    }


def page(report: Report, result: EvaluationResult) -> str:
    """The evaluation page HTML (self-contained; crawled text escaped by the environment)."""
    names = {r["site_id"]: r["site_name"] for r in result.rows}
    defects = [(r, result.usability[r["site_id"]]) for r in result.rows if r["site_id"] in result.usability]
    return environment().get_template("evaluation.html.j2").render(
        run=report.run, rubric_id=result.evaluation.id, generated=report.generated, formats=report.formats,
        notes=result.notes, assertions=None, method=None, ev=result.evaluation, result=result,
        states=STATE_LABELS, kinds=KINDS, names=names, defects=defects)
