"""Run history: diffs name fixed items and new failures; pruning never silently orphans a report."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from xxgk.errors import UserError
from xxgk.history import diff_runs, diff_warnings, list_runs, prune_runs, ranks
from xxgk.store import (
    Column,
    Crawl,
    Finding,
    Item,
    Page,
    ReportRecord,
    Run,
    Score,
    Site,
    session_factory,
    session_scope,
)


def _run(s, sites, statuses, totals):
    run = Run(rubric_id="r", status="done")
    s.add(run)
    s.flush()
    for site in sites:
        crawl = Crawl(run_id=run.id, site_id=site.id, status="done", pages=3)
        s.add(crawl)
        s.flush()
        col = Column(crawl_id=crawl.id, name="c", path="c", url="http://x/c")
        s.add(col)
        s.flush()
        s.add(Item(column_id=col.id, crawl_id=crawl.id, title="t", url="http://x/1"))
        s.add(Page(crawl_id=crawl.id, url="http://x/c", status=200))
        for item_id, status in statuses[site.name].items():
            s.add(Finding(run_id=run.id, site_id=site.id, rubric_id="r", section_id="1", section_name="s",
                          item_id=item_id, item_name=f"事项{item_id}", check_kind="presence", status=status,
                          credit=1.0 if status == "pass" else 0.0, points=2.0 if status == "pass" else 0.0,
                          max_points=2.0))
        total = totals[site.name]
        s.add(Score(run_id=run.id, site_id=site.id, rubric_id="r", section_id="total", section_name="总分",
                    points=total or 0, max_points=100, eligible_points=100 if total is not None else 0,
                    percent=total))
    s.flush()
    return run.id


@pytest.fixture()
def store(tmp_path):
    factory = session_factory(f"sqlite:///{tmp_path / 'h.sqlite'}")
    with session_scope(factory) as s:
        a, b, c = (Site(url=f"http://{n}/", name=n) for n in ("甲", "乙", "丙"))
        s.add_all([a, b, c])
        s.flush()
        r1 = _run(s, [a, b, c], {"甲": {"1": "pass", "2": "fail"}, "乙": {"1": "pass", "2": "pass"},
                                 "丙": {"1": "fail", "2": "fail"}}, {"甲": 80.0, "乙": 90.0, "丙": None})
        r2 = _run(s, [a, b, c], {"甲": {"1": "pass", "2": "pass"}, "乙": {"1": "fail", "2": "pass"},
                                 "丙": {"1": "pass", "2": "fail"}}, {"甲": 95.0, "乙": 85.0, "丙": 50.0})
    return factory, r1, r2, tmp_path


def test_ranks_share_ties_and_skip_unscored():
    assert ranks({1: 90.0, 2: 80.0, 3: 90.0, 4: None}) == {1: 1, 2: 3, 3: 1}


def test_diff_names_fixes_new_failures_score_and_rank(store):
    factory, r1, r2, _ = store
    with session_scope(factory) as s:
        diffs = {d.name: d for d in diff_runs(s, r1, r2)}
    jia, yi, bing = diffs["甲"], diffs["乙"], diffs["丙"]
    assert (jia.score_change, jia.rank_a, jia.rank_b, jia.rank_change) == (15.0, 2, 1, 1)
    assert jia.fixed == [("2", "事项2", "fail", "pass")] and jia.new_failures == []
    assert yi.new_failures == [("1", "事项1", "pass", "fail")] and yi.rank_change == -1
    assert (bing.score_a, bing.score_change, bing.rank_a, bing.rank_b) == (None, None, None, 3)
    assert bing.fixed == [("1", "事项1", "fail", "pass")]


def test_diff_unknown_run_is_user_error(store):
    factory, r1, _r2, _ = store
    with session_scope(factory) as s, pytest.raises(UserError, match="no run 99"):
        diff_runs(s, r1, 99)


def test_prune_keeps_runs_that_reports_refer_to(store):
    factory, r1, r2, tmp_path = store
    report_dir = tmp_path / "published"
    report_dir.mkdir()
    with session_scope(factory) as s:
        s.add(ReportRecord(run_id=r2, baseline_run_id=r1, out_dir=str(report_dir)))
    with session_scope(factory) as s:
        result = prune_runs(s, keep=1)
    assert result.deleted == [] and result.kept_for_reports == {r1: [str(report_dir)]}
    report_dir.rmdir()  # the report is gone: nothing refers to run 1 any more
    with session_scope(factory) as s:
        assert prune_runs(s, keep=1, dry_run=True).deleted == [r1]
        assert [r.id for r in list_runs(s)] == [r2, r1]
    with session_scope(factory) as s:
        assert prune_runs(s, keep=1).deleted == [r1]
    with session_scope(factory) as s:
        assert [r.id for r in list_runs(s)] == [r2]
        assert s.scalar(select(func.count(Finding.id)).where(Finding.run_id == r1)) == 0
        assert s.scalar(select(func.count(Crawl.id))) == 3
        assert s.scalar(select(func.count(Item.id))) == 3 and s.scalar(select(func.count(Page.id))) == 3


def test_prune_force_deletes_referenced_runs(store):
    factory, r1, r2, tmp_path = store
    with session_scope(factory) as s:
        s.add(ReportRecord(run_id=r1, out_dir=str(tmp_path)))
    with session_scope(factory) as s:
        result = prune_runs(s, keep=1, force=True)
    assert result.deleted == [r1] and result.kept_for_reports == {}


def test_runs_commands(store):
    import subprocess
    import sys

    factory, r1, r2, tmp_path = store
    db = str(tmp_path / "h.sqlite")

    def xxgk(*args):
        return subprocess.run([sys.executable, "-m", "xxgk", *args, "--db", db], capture_output=True, text=True,
                              timeout=60, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})

    listed = xxgk("runs", "list")
    assert listed.returncode == 0 and f"│ {r2} " in listed.stdout and f"│ {r1} " in listed.stdout
    diff = xxgk("runs", "diff", str(r1), str(r2))
    assert diff.returncode == 0
    jia_line = next(line for line in diff.stdout.splitlines() if "甲" in line)
    assert "80.00 → 95.00 (+15.00)" in jia_line and jia_line.split("│")[5].strip() == "1"  # one item fixed
    assert "乙: 90.00 → 85.00 (-5.00)\n  new problem: 1 事项1 (pass → fail)" in diff.stdout
    bad = xxgk("runs", "diff", str(r1), "99")
    assert bad.returncode == 2 and bad.stderr.strip() == "error: RUN: no run 99 in the store"
    pruned = xxgk("runs", "prune", "--keep", "1", "--dry-run")
    assert pruned.returncode == 0 and f"would delete 1 run(s): {r1}" in pruned.stdout


def test_diff_names_every_change_kind(tmp_path):
    """Each item lands in exactly one list: new problem, fixed, still failing, newly not checkable."""
    factory = session_factory(f"sqlite:///{tmp_path / 'k.sqlite'}")
    with session_scope(factory) as s:
        site = Site(url="http://甲/", name="甲")
        s.add(site)
        s.flush()
        before = {"1": "pass", "2": "fail", "3": "partial", "4": "pass", "5": "fail", "6": "not_checked",
                  "7": "partial"}
        after = {"1": "fail", "2": "pass", "3": "fail", "4": "needs_review", "5": "not_checked", "6": "fail",
                 "7": "pass"}
        r1 = _run(s, [site], {"甲": before}, {"甲": 60.0})
        r2 = _run(s, [site], {"甲": after}, {"甲": 62.0})
    with session_scope(factory) as s:
        (d,) = diff_runs(s, r1, r2)
    ids = lambda rows: [r[0] for r in rows]  # noqa: E731
    assert ids(d.new_failures) == ["1", "6"]
    assert ids(d.fixed) == ["2", "7"]
    assert ids(d.still_failing) == ["3"]
    assert ids(d.newly_unchecked) == ["4", "5"]


def test_diff_warns_on_different_site_lists_and_rubric_files(tmp_path):
    factory = session_factory(f"sqlite:///{tmp_path / 'w.sqlite'}")
    with session_scope(factory) as s:
        a, b, c = (Site(url=f"http://{n}/", name=n) for n in ("甲", "乙", "丙"))
        s.add_all([a, b, c])
        s.flush()
        r1 = _run(s, [a, b], {"甲": {"1": "pass"}, "乙": {"1": "pass"}}, {"甲": 80.0, "乙": 70.0})
        r2 = _run(s, [a, c], {"甲": {"1": "pass"}, "丙": {"1": "fail"}}, {"甲": 80.0, "丙": 10.0})
        s.get(Run, r1).rubric_hash, s.get(Run, r2).rubric_hash = "a" * 64, "b" * 64
    with session_scope(factory) as s:
        assert diff_warnings(s, r1, r2) == [
            f"the site lists differ: only run {r1} has 乙", f"the site lists differ: only run {r2} has 丙",
            "the rubric file changed between the runs (sha256 aaaaaaaaaaaa → bbbbbbbbbbbb)"]
        only = {d.name: d.only_in for d in diff_runs(s, r1, r2)}
    assert only == {"甲": None, "乙": "A", "丙": "B"}


def test_runs_diff_prints_named_items_and_scores_a_to_b(store):
    factory, r1, r2, tmp_path = store
    res = subprocess.run([sys.executable, "-m", "xxgk", "runs", "diff", str(r1), str(r2), "--db",
                          str(tmp_path / "h.sqlite")], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "COLUMNS": "200"})
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "甲: 80.00 → 95.00 (+15.00)" in out and "+80" not in out
    assert "  fixed: 2 事项2 (fail → pass)" in out
    assert "  new problem: 1 事项1 (pass → fail)" in out
    assert "  still failing: 2 事项2 (fail → fail)" in out  # 丙
    assert "丙: — → 50.00" in out
    assert out.strip().splitlines()[-1] == "overall: 1 new problem, 2 fixed, 1 still failing, 0 newly not checkable"
