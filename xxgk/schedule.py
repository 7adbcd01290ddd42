"""Scheduled audits: crontab expressions stored in the database, run by `run-due` or a daemon.

Cron expressions are parsed by APScheduler's CronTrigger; the schedule rows live in the store, and
a lease taken with one atomic UPDATE guarantees a schedule never runs twice at once, however many
daemons (or cron-driven `run-due` calls) share the database.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from xxgk.errors import UserError
from xxgk.store import Schedule, session_scope, utcnow

log = logging.getLogger(__name__)
LEASE_SECONDS = 300
Runner = Callable[[Schedule, str], int]  # (schedule, db_url) → run id


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"unknown time zone {tz!r}", field="--tz") from None


def parse_cron(expr: str, tz: str = "UTC") -> CronTrigger:
    """A five-field crontab expression as a trigger; UserError naming the field when invalid."""
    try:
        return CronTrigger.from_crontab(expr, timezone=_zone(tz))
    except ValueError as exc:
        raise UserError(f"invalid cron expression {expr!r}: {exc}", field="--cron") from None


def next_fire(expr: str, after: dt.datetime, tz: str = "UTC") -> dt.datetime:
    """The first time after `after` (naive UTC) the expression fires, as naive UTC."""
    trigger = parse_cron(expr, tz)
    aware = after.replace(tzinfo=dt.UTC)
    fire = trigger.get_next_fire_time(None, aware)
    if fire is None:
        raise UserError(f"cron expression {expr!r} never fires", field="--cron")
    return fire.astimezone(dt.UTC).replace(tzinfo=None)


def add_schedule(session: Session, name: str, cron: str, sites: Path, rubric: str, out_dir: Path, *,
                 mode: str = "ranking", tz: str = "UTC", now: dt.datetime | None = None,
                 assertions: Path | None = None, formats: str | None = None) -> Schedule:
    """Validate everything an audit will need now, not at 2 a.m. next month, then store the schedule.

    `assertions` (a file judged after every run, see xxgk/assertions.py) and `formats` (report outputs)
    are passed to each audit."""
    from xxgk.assertions import load_assertions
    from xxgk.pipeline import load_rubric_ref
    from xxgk.sites import load_sites

    if not re.fullmatch(r"[\w.-]{1,100}", name):
        raise UserError(f"schedule name {name!r} must be letters, digits, '.', '_' or '-'", field="NAME")
    if session.scalar(select(Schedule).where(Schedule.name == name)) is not None:
        raise UserError(f"a schedule named {name!r} already exists", field="NAME")
    if mode not in ("ranking", "self-check"):
        raise UserError(f"unknown mode {mode!r} (use ranking or self-check)", field="--mode")
    load_sites(sites)
    rubric_obj, rubric_path = load_rubric_ref(rubric)
    options: dict[str, str] = {"tz": tz}
    if assertions is not None:
        load_assertions(assertions)
        options["assert"] = str(Path(assertions).resolve())
    if formats:
        options["formats"] = formats
    now = now or utcnow()
    sched = Schedule(name=name, cron=cron, sites_path=str(Path(sites).resolve()), rubric=str(rubric),
                     out_dir=str(Path(out_dir).resolve()), mode=mode, options=options,
                     next_run_at=next_fire(cron, now, tz))
    session.add(sched)
    session.flush()
    return sched


def remove_schedule(session: Session, name: str) -> None:
    sched = session.scalar(select(Schedule).where(Schedule.name == name))
    if sched is None:
        raise UserError(f"no schedule named {name!r}", field="NAME")
    session.delete(sched)


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(factory: sessionmaker[Session], sched_id: int, owner: str, now: dt.datetime,
            lease_seconds: int = LEASE_SECONDS) -> bool:
    """Take the schedule's lease if it is due and nobody holds a live lease: one atomic UPDATE."""
    with session_scope(factory) as session:
        result = session.execute(
            update(Schedule)
            .where(Schedule.id == sched_id, Schedule.enabled.is_(True), Schedule.next_run_at <= now,
                   or_(Schedule.lease_until.is_(None), Schedule.lease_until < now))
            .values(lease_owner=owner, lease_until=now + dt.timedelta(seconds=lease_seconds),
                    last_started_at=now)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1


def _renew(factory: sessionmaker[Session], sched_id: int, owner: str, lease_seconds: int) -> None:
    with session_scope(factory) as session:
        session.execute(update(Schedule).where(Schedule.id == sched_id, Schedule.lease_owner == owner)
                        .values(lease_until=utcnow() + dt.timedelta(seconds=lease_seconds))
                        .execution_options(synchronize_session=False))


class AssertionsFailed(Exception):
    """The audit ran and was reported, but broke the schedule's assertions."""

    def __init__(self, run_id: int, lines: list[str]) -> None:
        self.run_id, self.lines = run_id, lines
        super().__init__("; ".join(lines[:5]) + (f" (and {len(lines) - 5} more)" if len(lines) > 5 else ""))


def audit_command(sched: Schedule, db_url: str, out: Path) -> list[str]:
    """The `xxgk audit` command line a schedule runs, with its stored options."""
    cmd = [sys.executable, "-m", "xxgk", "audit", sched.sites_path, "--rubric", sched.rubric, "--out", str(out),
           "--db", db_url, "--mode", sched.mode, "--quiet"]
    options = sched.options or {}
    if options.get("assert"):
        cmd += ["--assert", options["assert"]]
    if options.get("formats"):
        cmd += ["--formats", options["formats"]]
    return cmd


def subprocess_runner(sched: Schedule, db_url: str) -> int:
    """Run the audit in a fresh process (Scrapy's reactor starts once per process); return its run id.

    Exit 1 after a written report is the assertions' verdict: raised as AssertionsFailed with its lines."""
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    out = Path(sched.out_dir) / stamp
    res = subprocess.run(audit_command(sched, db_url, out), capture_output=True, text=True)
    match = re.search(r"run (\d+): report written", res.stdout)
    if res.returncode == 1 and match:
        lines = [ln.removeprefix("assertion failed: ") for ln in res.stderr.splitlines()
                 if ln.startswith("assertion failed: ")]
        raise AssertionsFailed(int(match.group(1)), lines)
    if res.returncode != 0 or not match:
        last = (res.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"audit exited {res.returncode}: {last}")
    return int(match.group(1))


@dataclass
class DueResult:
    name: str
    status: str  # done | violations (ran, broke its assertions) | failed | skipped (another runner holds it)
    run_id: int | None = None
    error: str | None = None


def run_due(factory: sessionmaker[Session], db_url: str, *, now: dt.datetime | None = None,
            owner: str | None = None, runner: Runner = subprocess_runner,
            lease_seconds: int = LEASE_SECONDS) -> list[DueResult]:
    """Run every due schedule that this caller wins the lease for; the others are skipped."""
    now = now or utcnow()
    owner = owner or default_owner()
    with session_scope(factory) as session:
        due = list(session.scalars(select(Schedule).where(Schedule.enabled.is_(True), Schedule.next_run_at <= now)
                                   .order_by(Schedule.next_run_at, Schedule.id)))
    results = []
    for sched in due:
        if not acquire(factory, sched.id, owner, now, lease_seconds):
            results.append(DueResult(sched.name, "skipped"))
            continue
        stop = threading.Event()
        beat = threading.Thread(target=_heartbeat, args=(factory, sched.id, owner, lease_seconds, stop), daemon=True)
        beat.start()
        run_id, error, status = None, None, "done"
        try:
            run_id = runner(sched, db_url)
        except AssertionsFailed as exc:
            run_id, error, status = exc.run_id, str(exc), "violations"
            log.warning("schedule %s: run %s broke its assertions: %s", sched.name, exc.run_id, exc)
        except Exception as exc:  # a failed audit is recorded, and the next schedule still runs
            error, status = str(exc), "failed"
            log.warning("schedule %s failed: %s", sched.name, exc)
        finally:
            stop.set()
            beat.join()
        with session_scope(factory) as session:
            row = session.get(Schedule, sched.id)
            if row is not None:
                finished = utcnow()
                row.last_finished_at, row.last_run_id = finished, run_id
                row.last_status, row.last_error = status, error
                row.next_run_at = next_fire(row.cron, max(finished, now), row.options.get("tz", "UTC"))
                row.lease_owner, row.lease_until = None, None
        results.append(DueResult(sched.name, status, run_id, error))
    return results


def _heartbeat(factory: sessionmaker[Session], sched_id: int, owner: str, lease_seconds: int,
               stop: threading.Event) -> None:
    while not stop.wait(max(1.0, lease_seconds / 3)):
        try:
            _renew(factory, sched_id, owner, lease_seconds)
        except Exception as exc:  # keep the audit running; the lease may lapse
            log.warning("could not renew the lease of schedule %s: %s", sched_id, exc)


def local_time(when: dt.datetime | None, tz: str) -> str:
    """A stored UTC time shown in the schedule's zone, e.g. `2026-12-07 02:00 Asia/Shanghai`."""
    if when is None:
        return "—"
    return f"{when.replace(tzinfo=dt.UTC).astimezone(_zone(tz)):%Y-%m-%d %H:%M} {tz}"


def seconds_until_next(factory: sessionmaker[Session], now: dt.datetime | None = None) -> float | None:
    """How long a daemon may sleep before the next schedule is due (None: nothing scheduled)."""
    now = now or utcnow()
    with session_scope(factory) as session:
        nxt = session.scalar(select(Schedule.next_run_at).where(Schedule.enabled.is_(True))
                             .order_by(Schedule.next_run_at).limit(1))
    return None if nxt is None else max(0.0, (nxt - now).total_seconds())
