"""`xxgk evaluate RUN --file eval.yaml`: several rubrics combined into one ranking (xxgk/evaluation.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from xxgk.commands.options import DbOption, out_option
from xxgk.config import db_url_from
from xxgk.errors import UserError

console = Console()


def register(app: typer.Typer) -> None:
    @app.command("evaluate")
    def evaluate_cmd(
        run: Annotated[int, typer.Argument(help="Run id whose crawl is evaluated.")],
        file: Annotated[Path, typer.Option("--file", help="Evaluation file (YAML): parts = rubrics or rubric "
                                                          "sections with weights, and a pass mark.")],
        out: Annotated[Path, out_option("Folder for evaluation.html, evaluation.csv and evaluation.json.")]
        = Path("out"),
        db: DbOption = None,
        as_of: Annotated[str | None, typer.Option("--as-of", help="Audit date YYYY-MM-DD for rubrics scored "
                                                                 "now (kept in the run).")] = None,
        rescore: Annotated[bool, typer.Option("--rescore", help="Score every part's rubric again, even those "
                                                               "the run was already scored with.")] = False,
    ) -> None:
        """Combine rubrics over one stored run: one ranking with the part scores side by side, averages,
        pass counts, top sites and weakest items per part, and usability defects. Rubrics the run was
        not scored with are scored from the stored crawl first (no new crawl)."""
        from xxgk.evaluation import run_evaluation

        if as_of is not None:
            import datetime as dt

            try:
                as_of = dt.date.fromisoformat(as_of).isoformat()
            except ValueError:
                raise UserError(f"not a date (YYYY-MM-DD): {as_of!r}", field="--as-of") from None
        outcome = run_evaluation(db_url_from(db), run, file, out, as_of=as_of, rescore=rescore)
        for rid in outcome.scored:
            console.print(f"run {run}: scored with {rid}", markup=False, highlight=False)
        console.print(f"evaluation written to {outcome.page.resolve()}", markup=False, highlight=False)
