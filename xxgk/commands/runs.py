"""`xxgk runs list | diff | prune`: the history of audits kept in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from xxgk.commands.options import db_option, out_option
from xxgk.config import db_url_from
from xxgk.history import diff_runs, diff_warnings, list_runs, prune_runs
from xxgk.store import session_factory, session_scope
from xxgk.termtext import cell, plain

console = Console()


err_console = Console(stderr=True)
BUCKETS = {"new_failures": "new problem", "fixed": "fixed", "still_failing": "still failing",
           "newly_unchecked": "newly not checkable"}


def _fmt(value: object) -> str:
    return "—" if value is None else str(value)


def score_change(a: float | None, b: float | None) -> str:
    """`72.00 → 80.50 (+8.50)`; a missing score shows as —."""
    shown = f"{'—' if a is None else f'{a:.2f}'} → {'—' if b is None else f'{b:.2f}'}"
    return shown + (f" ({b - a:+.2f})" if a is not None and b is not None else "")


def register(app: typer.Typer) -> None:
    runs = typer.Typer(no_args_is_help=True, help="List, compare and prune stored runs.")
    app.add_typer(runs, name="runs")

    @runs.command("list")
    def list_cmd(db: Annotated[str | None, db_option("Store path or URL.")] = None) -> None:
        """Every run, newest first."""
        with session_scope(session_factory(db_url_from(db))) as session:
            rows = list_runs(session)
        table = Table("run", "started", "finished", "status", "mode", "rubric", "sites", "pages")
        for r in rows:
            table.add_row(str(r.id), f"{r.started_at:%Y-%m-%d %H:%M}",
                          f"{r.finished_at:%Y-%m-%d %H:%M}" if r.finished_at else "—", r.status, r.mode,
                          cell(r.rubric_id or "—"), str(r.sites), str(r.pages))
        console.print(table)

    @runs.command("diff")
    def diff_cmd(run_a: Annotated[int, typer.Argument(help="Earlier run.")],
                 run_b: Annotated[int, typer.Argument(help="Later run.")],
                 rubric: Annotated[str | None, typer.Option(help="Rubric id (default: the runs').")] = None,
                 db: Annotated[str | None, db_option("Store path or URL.")] = None) -> None:
        """Per site and overall: score A → B, and each item that is a new problem, fixed, still failing or newly not checkable."""
        with session_scope(session_factory(db_url_from(db))) as session:
            warnings = diff_warnings(session, run_a, run_b, rubric)
            diffs = diff_runs(session, run_a, run_b, rubric)
        for line in warnings:
            err_console.print(f"warning: {plain(line)}", markup=False, highlight=False, soft_wrap=True)
        table = Table("site", f"score {run_a} → {run_b}", "rank", *BUCKETS.values())
        for d in diffs:
            table.add_row(cell(d.name + (f" (only in run {run_a if d.only_in == 'A' else run_b})" if d.only_in else "")),
                          score_change(d.score_a, d.score_b), f"{_fmt(d.rank_a)} → {_fmt(d.rank_b)}",
                          *(str(len(getattr(d, key))) for key in BUCKETS))
        console.print(table)
        for d in diffs:
            rows = [(label, item) for key, label in BUCKETS.items() for item in getattr(d, key)]
            if rows:
                console.print(f"{plain(d.name)}: {score_change(d.score_a, d.score_b)}", markup=False, highlight=False)
            for label, (item, name, before, after) in rows:
                console.print(f"  {label}: {plain(item)} {plain(name)} ({before} → {after})", markup=False, highlight=False,
                              soft_wrap=True)
        totals = {label: sum(len(getattr(d, key)) for d in diffs) for key, label in BUCKETS.items()}
        console.print("overall: " + ", ".join(f"{n} {label}" for label, n in totals.items()))

    @runs.command("export")
    def export_cmd(run: Annotated[int, typer.Argument(help="Run to export.")],
                   out: Annotated[Path, out_option("Folder that receives the dated snapshot folder.")]
                   = Path("snapshots"),
                   rubric: Annotated[str | None, typer.Option(help="Rubric id (default: the run's).")] = None,
                   db: Annotated[str | None, db_option("Store path or URL.")] = None) -> None:
        """Write RUN as a dated snapshot folder: the report, every CSV, XLSX, JSON and snapshot.json (sha256 of each file)."""
        from xxgk.snapshot import export_run  # loads the report stack only when a snapshot is made

        folder = export_run(db_url_from(db), run, out, rubric)
        console.print(f"run {run}: snapshot written to {folder.resolve()}")

    @runs.command("prune")
    def prune_cmd(keep: Annotated[int, typer.Option(help="How many of the newest runs to keep.")],
                  force: Annotated[bool, typer.Option("--force", help="Also delete runs that reports "
                                                                      "on disk still refer to.")] = False,
                  dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would go.")] = False,
                  db: Annotated[str | None, db_option("Store path or URL.")] = None) -> None:
        """Delete old runs; runs that a report still refers to are kept and named, unless --force."""
        with session_scope(session_factory(db_url_from(db))) as session:
            result = prune_runs(session, keep, force=force, dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        console.print(f"{verb} {len(result.deleted)} run(s)"
                      + (f": {', '.join(map(str, result.deleted))}" if result.deleted else ""))
        for run_id, dirs in sorted(result.kept_for_reports.items()):
            console.print(f"kept run {run_id}: the report in {', '.join(dirs)} refers to it (use --force)")
