"""Render an evaluation through the formats registry (the `evaluation` format: HTML, CSV, JSON).

Formats take a `Report`; an evaluation's report is the run's report for its first part's rubric (run,
notes, generated time for the page frame) carrying the combined result in `evaluation`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from sqlalchemy.orm import Session

from reports.context import Report, build_report
from reports.evaluation import EvaluationResult, evaluate
from reports.evaluation_file import Evaluation
from reports.render import write_report

EVALUATION_FORMATS = ("evaluation",)


@dataclass
class EvaluationReport(Report):
    """A run's report with an evaluation's combined result (what the evaluation format renders)."""

    evaluation: EvaluationResult | None = None


def build_evaluation_report(session: Session, run_id: int, evaluation: Evaluation) -> EvaluationReport:
    """The report of `run_id` carrying the evaluation of its stored findings."""
    result = evaluate(session, run_id, evaluation)
    base = build_report(session, run_id, evaluation.parts[0].rubric)
    return EvaluationReport(**{f.name: getattr(base, f.name) for f in fields(Report)}, evaluation=result)


def render_evaluation(session: Session, run_id: int, evaluation: Evaluation, out_dir: Path | str) -> list[Path]:
    """Write evaluation.html, evaluation.csv and evaluation.json into `out_dir`; return the files."""
    report = build_evaluation_report(session, run_id, evaluation)
    return write_report(report, out_dir, EVALUATION_FORMATS).files
