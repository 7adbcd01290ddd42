"""Schedules: cron parsing, validation up front, due runs, and never two runs of one schedule at once."""

import datetime as dt
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import func, select

from xxgk.errors import UserError
from xxgk.schedule import add_schedule, next_fire, run_due
from xxgk.store import Run, Schedule, session_factory, session_scope

NOW = dt.datetime(2026, 11, 26, 15, 0)


def test_next_fire_in_utc_and_in_a_zone():
    assert next_fire("0 2 1 * *", NOW) == dt.datetime(2026, 12, 1, 2, 0)
    assert next_fire("0 2 1 * *", NOW, "Asia/Shanghai") == dt.datetime(2026, 11, 30, 18, 0)


@pytest.fixture()
def sites(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("name,url\n甲大学,http://127.0.0.1:9/\n", encoding="utf-8")
    return path


@pytest.fixture()
def factory(tmp_path):
    return session_factory(f"sqlite:///{tmp_path / 's.sqlite'}")


@pytest.mark.parametrize("kwargs, message", [
    ({"cron": "61 * * * *"}, "--cron: invalid cron expression '61 * * * *'"),
    ({"name": "bad name!"}, "NAME: schedule name 'bad name!' must be"),
    ({"rubric": "no-such-rubric"}, "no-such-rubric"),
    ({"mode": "weekly"}, "--mode: unknown mode 'weekly'"),
])
def test_add_validates_before_storing(factory, sites, tmp_path, kwargs, message):
    args = {"name": "monthly", "cron": "0 2 1 * *", "sites": sites, "rubric": "moe-university-checklist-2014",
            "out_dir": tmp_path / "out"} | kwargs
    mode = args.pop("mode", "ranking")
    with session_scope(factory) as s, pytest.raises(UserError, match=None) as err:
        add_schedule(s, mode=mode, now=NOW, **args)
    assert message in str(err.value)
    with session_scope(factory) as s:
        assert s.scalar(select(func.count(Schedule.id))) == 0


def test_bad_site_list_names_file_and_line(factory, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,url\n甲,nope\n", encoding="utf-8")
    with session_scope(factory) as s, pytest.raises(UserError, match=r"bad\.csv:2: url"):
        add_schedule(s, "m", "0 2 1 * *", bad, "moe-university-checklist-2014", tmp_path, now=NOW)


def test_due_schedule_runs_once_and_moves_on(factory, sites, tmp_path):
    with session_scope(factory) as s:
        add_schedule(s, "monthly", "0 2 1 * *", sites, "moe-university-checklist-2014", tmp_path, now=NOW)
    calls = []

    def runner(sched, db_url):
        calls.append(sched.name)
        return 7

    assert run_due(factory, "db", now=NOW, runner=runner) == []  # not due until 1 December
    later = dt.datetime(2026, 12, 1, 2, 30)
    [res] = run_due(factory, "db", now=later, runner=runner)
    assert (res.name, res.status, res.run_id) == ("monthly", "done", 7) and calls == ["monthly"]
    with session_scope(factory) as s:
        row = s.scalar(select(Schedule))
        assert row.next_run_at == dt.datetime(2027, 1, 1, 2, 0) and row.lease_owner is None
        assert (row.last_status, row.last_run_id) == ("done", 7)
    assert run_due(factory, "db", now=later, runner=runner) == []


def test_failed_audit_is_recorded_and_rescheduled(factory, sites, tmp_path):
    with session_scope(factory) as s:
        add_schedule(s, "m", "0 2 1 * *", sites, "moe-university-checklist-2014", tmp_path, now=NOW)

    def runner(sched, db_url):
        raise RuntimeError("audit exited 2: error: boom")

    [res] = run_due(factory, "db", now=dt.datetime(2026, 12, 2), runner=runner)
    assert res.status == "failed" and "boom" in res.error
    with session_scope(factory) as s:
        row = s.scalar(select(Schedule))
        assert row.last_status == "failed" and row.next_run_at == dt.datetime(2027, 1, 1, 2, 0)


def _race(factory, sites, tmp_path):
    with session_scope(factory) as s:
        add_schedule(s, "m", "0 2 1 * *", sites, "moe-university-checklist-2014", tmp_path, now=NOW)
    started = []
    gate = threading.Barrier(2)

    def runner(sched, db_url):
        started.append(sched.name)
        time.sleep(0.5)
        return 1

    results = []

    def daemon():
        gate.wait()
        results.extend(run_due(factory, "db", now=dt.datetime(2026, 12, 1, 3), runner=runner))

    threads = [threading.Thread(target=daemon) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return started, sorted(r.status for r in results)


def test_two_daemons_never_run_one_schedule_twice_sqlite(factory, sites, tmp_path):
    started, statuses = _race(factory, sites, tmp_path)
    assert started == ["m"] and statuses in (["done", "skipped"], ["done"])


def test_two_daemons_never_run_one_schedule_twice_postgres(pg_url, sites, tmp_path):
    started, statuses = _race(session_factory(pg_url), sites, tmp_path)
    assert started == ["m"] and statuses in (["done", "skipped"], ["done"])


def test_run_due_cli_runs_a_real_audit_once(tmp_path):
    from xxgk.samples import generate_world
    from xxgk.samples.server import SampleServer

    generate_world(tmp_path / "world", seed=2024, n_governments=0)
    db = tmp_path / "db.sqlite"
    with SampleServer(tmp_path / "world") as server:
        slug, url = next(iter(server.urls.items()))
        sites = tmp_path / "sites.csv"
        sites.write_text(f"name,url\n{slug},{url}\n", encoding="utf-8")
        add = subprocess.run([sys.executable, "-m", "xxgk", "schedule", "add", "nightly", "--cron", "0 2 * * *",
                              "--sites", str(sites), "--out", str(tmp_path / "out"), "--db", str(db)],
                             capture_output=True, text=True, timeout=60)
        assert add.returncode == 0, add.stderr
        factory = session_factory(f"sqlite:///{db}")
        with session_scope(factory) as s:
            s.scalar(select(Schedule)).next_run_at = dt.datetime(2000, 1, 1)
        procs = [subprocess.Popen([sys.executable, "-m", "xxgk", "schedule", "run-due", "--db", str(db)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    joined = "".join(o for o, _e in outs)
    assert joined.count("done") == 1, outs
    with session_scope(factory) as s:
        assert s.scalar(select(func.count(Run.id))) == 1
        row = s.scalar(select(Schedule))
        assert row.last_status == "done" and row.next_run_at > dt.datetime(2026, 1, 1)
    reports = list((tmp_path / "out").glob("*/index.html"))
    assert len(reports) == 1


def test_times_show_in_the_schedules_zone():
    from xxgk.schedule import local_time

    assert local_time(dt.datetime(2026, 11, 30, 18, 0), "Asia/Shanghai") == "2026-12-01 02:00 Asia/Shanghai"
    assert local_time(None, "UTC") == "—"
