"""`xxgk schedule add | list | remove | run-due | daemon`: recurring audits kept in the store."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from xxgk.commands.options import db_option, out_option
from xxgk.config import DEFAULT_RUBRIC, db_url_from
from xxgk.schedule import add_schedule, local_time, remove_schedule, run_due, seconds_until_next
from xxgk.store import Schedule, session_factory, session_scope
from xxgk.termtext import plain

console = Console()
DbOption = Annotated[str | None, db_option("Store path or URL (shared by all daemons).")]


def register(app: typer.Typer) -> None:
    sched = typer.Typer(no_args_is_help=True, help="Recurring audits (cron expressions, stored in the database).")
    app.add_typer(sched, name="schedule")

    @sched.command("add")
    def add_cmd(name: Annotated[str, typer.Argument(help="Schedule name.")],
                cron: Annotated[str, typer.Option(help='Crontab expression, e.g. "0 2 1 * *".')],
                sites: Annotated[Path, typer.Option(help="Site list (CSV, XLSX or YAML).")],
                rubric: Annotated[str, typer.Option(help="Rubric id or YAML file.")] = DEFAULT_RUBRIC,
                out: Annotated[Path, out_option("Reports go to OUT/<UTC timestamp>/.")] = Path("out"),
                mode: Annotated[str, typer.Option(help="ranking or self-check.")] = "ranking",
                tz: Annotated[str, typer.Option(help="Time zone of the cron expression and of the times "
                                                     "shown.")] = "UTC",
                assert_file: Annotated[Path | None, typer.Option(
                    "--assert", help="Assertion file judged after every run (a violation marks the run "
                                     "and sends the notifications).")] = None,
                formats: Annotated[str | None, typer.Option(
                    "--formats", help="Report outputs of every run, as for xxgk audit.")] = None,
                db: DbOption = None) -> None:
        """Add a schedule; the site list, rubric, assertions and cron expression are checked now."""
        with session_scope(session_factory(db_url_from(db))) as session:
            row = add_schedule(session, name, cron, sites, rubric, out, mode=mode, tz=tz, assertions=assert_file,
                               formats=formats)
            console.print(f"schedule {row.name}: next run {local_time(row.next_run_at, tz)}")

    @sched.command("list")
    def list_cmd(db: DbOption = None) -> None:
        """Every schedule with its next and last run."""
        with session_scope(session_factory(db_url_from(db))) as session:
            rows = list(session.scalars(select(Schedule).order_by(Schedule.name)))
            table = Table("name", "cron", "rubric", "next run", "last run", "status", "running")
            for r in rows:
                tz = r.options.get("tz", "UTC")
                table.add_row(r.name, r.cron, r.rubric, local_time(r.next_run_at, tz),
                              str(r.last_run_id or "—"), r.last_status or "—", r.lease_owner or "")
        console.print(table)

    @sched.command("remove")
    def remove_cmd(name: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
        """Remove a schedule (its runs stay in the store)."""
        with session_scope(session_factory(db_url_from(db))) as session:
            remove_schedule(session, name)
        console.print(f"removed schedule {name}")

    @sched.command("run-due")
    def run_due_cmd(db: DbOption = None) -> None:
        """Run every schedule that is due now (for cron or a systemd timer), then exit."""
        db_url = db_url_from(db)
        failed = _report(run_due(session_factory(db_url), db_url))
        if failed:
            raise typer.Exit(1)

    @sched.command("daemon")
    def daemon_cmd(poll: Annotated[int, typer.Option(help="Longest sleep between checks, seconds.")] = 60,
                   db: DbOption = None) -> None:
        """Run schedules as they fall due until stopped (SIGTERM or Ctrl-C)."""
        db_url = db_url_from(db)
        factory = session_factory(db_url)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        console.print(f"schedule daemon started ({db_url})")
        try:
            while not stop.is_set():
                _report(run_due(factory, db_url))
                wait = seconds_until_next(factory)
                stop.wait(poll if wait is None else min(poll, max(1.0, wait)))
        except KeyboardInterrupt:
            pass
        console.print("schedule daemon stopped")


def _report(results: list) -> int:
    failed = 0
    for r in results:
        if r.status == "done":
            console.print(f"{r.name}: run {r.run_id} done")
        elif r.status == "skipped":
            console.print(f"{r.name}: already running elsewhere, skipped")
        elif r.status == "violations":
            failed += 1
            console.print(f"{r.name}: run {r.run_id} broke its assertions: {plain(r.error)}", markup=False)
        else:
            failed += 1
            console.print(f"{r.name}: failed: {plain(r.error)}", markup=False)
    return failed
