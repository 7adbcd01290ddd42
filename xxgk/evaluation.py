"""`xxgk evaluate`: combine the rubrics of an evaluation file over one stored run and render it.

Each part's rubric must have findings in the run; a rubric the run was never scored with is scored
now from the stored crawl (no new crawl), so `xxgk evaluate RUN --file eval.yaml` works right after
`xxgk audit` with any one of the rubrics. `rescore` scores every part's rubric again (after a rubric
file changed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from xxgk import pipeline
from xxgk.errors import UserError
from xxgk.store import Finding, Run, session_factory, session_scope


@dataclass
class EvaluationOutcome:
    """What `run_evaluation` did: the files written and the rubrics it had to score."""

    page: Path
    files: list[Path] = field(default_factory=list)
    scored: list[str] = field(default_factory=list)


def run_evaluation(db_url: str, run_id: int, file: Path, out: Path, *, as_of: str | None = None,
                   rescore: bool = False) -> EvaluationOutcome:
    """Load `file`, score the run with each part's rubric it lacks, write evaluation.html/.csv/.json."""
    from reports.evaluation_file import load_evaluation
    from reports.evaluation_render import render_evaluation

    evaluation, rubrics = load_evaluation(file)  # every file:line error before any work
    factory = session_factory(db_url)
    with session_scope(factory) as session:
        if session.get(Run, run_id) is None:
            raise UserError(f"no run {run_id} in the store ({db_url})", field="RUN")
        have = set(session.scalars(select(Finding.rubric_id).where(Finding.run_id == run_id).distinct()))
    scored = [rid for rid in rubrics if rescore or rid not in have]
    for rid in scored:
        pipeline.score(db_url, run_id, rubrics[rid], as_of=as_of)
    with session_scope(factory) as session:
        files = render_evaluation(session, run_id, evaluation, out)
    return EvaluationOutcome(page=out / "evaluation.html", files=files, scored=scored)
