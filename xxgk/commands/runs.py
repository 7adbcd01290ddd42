"""`xxgk runs list | diff | prune`: the history of audits kept in the store."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from xxgk.commands.options import db_option
from xxgk.config import db_url_from
from xxgk.history import diff_runs, list_runs, prune_runs
from xxgk.store import session_factory, session_scope

console = Console()


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:+.2f}" if value else "0"
    return str(value)


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
                          r.rubric_id or "—", str(r.sites), str(r.pages))
        console.print(table)

    @runs.command("diff")
    def diff_cmd(run_a: Annotated[int, typer.Argument(help="Earlier run.")],
                 run_b: Annotated[int, typer.Argument(help="Later run.")],
                 rubric: Annotated[str | None, typer.Option(help="Rubric id (default: the runs').")] = None,
                 db: Annotated[str | None, db_option("Store path or URL.")] = None) -> None:
        """Per site: score and rank change, new failures and fixed items from RUN_A to RUN_B."""
        with session_scope(session_factory(db_url_from(db))) as session:
            diffs = diff_runs(session, run_a, run_b, rubric)
        table = Table("site", f"score {run_a}", f"score {run_b}", "change", "rank change", "new failures",
                      "fixed")
        for d in diffs:
            table.add_row(d.name, _fmt(d.score_a if d.score_a is None else round(d.score_a, 2)),
                          _fmt(d.score_b if d.score_b is None else round(d.score_b, 2)), _fmt(d.score_change),
                          _fmt(d.rank_change),
                          "、".join(f"{i}（{before}→{after}）" for i, _n, before, after in d.new_failures) or "—",
                          "、".join(i for i, _n, _b, _a in d.fixed) or "—")
        console.print(table)

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
