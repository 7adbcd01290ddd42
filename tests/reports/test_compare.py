"""Which run is the baseline: the most recent earlier finished run of the same rubric and site list."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bench.synthetic import make_store
from reports.compare import changes, previous_run
from xxgk.store import Crawl, Run, Site, session_factory, session_scope


def test_previous_run_rules(tmp_path):
    store = make_store(f"sqlite:///{tmp_path / 's.sqlite'}", n_sites=3, n_runs=3, hostile=False, veto=False,
                       volume=False)
    r1, r2, r3 = store.runs
    factory = session_factory(store.db_url)
    with session_scope(factory) as s:
        assert previous_run(s, r3, "synthetic-v1") == r2
        assert previous_run(s, r1, "synthetic-v1") is None
        assert previous_run(s, r3, "other-rubric") is None
        s.get(Run, r2).status = "failed"  # unfinished runs are skipped
    with session_scope(factory) as s:
        assert previous_run(s, r3, "synthetic-v1") == r1
        # a different site list is not comparable
        extra = Site(url="http://127.0.0.1:9999/", name="另一所")
        s.add(extra)
        s.flush()
        s.add(Crawl(run_id=r1, site_id=extra.id, status="done"))
    with session_scope(factory) as s:
        assert previous_run(s, r3, "synthetic-v1") is None
        s.get(Run, r2).started_at = dt.datetime(2030, 1, 1)  # a later run is never a baseline
        s.get(Run, r2).status = "done"
    with session_scope(factory) as s:
        assert previous_run(s, r3, "synthetic-v1") is None


def test_changes_by_url():
    cur = pd.DataFrame({"site_url": ["a", "b", "c"], "total": [90.0, 80.0, None], "rank": [1, 2, None]})
    base = pd.DataFrame({"site_url": ["b", "a"], "total": [95.0, 70.0], "rank": [1, 2]})
    out = changes(cur, base)
    assert list(out.delta[:2]) == [20.0, -15.0] and list(out.rank_change[:2]) == [1, -1]
    assert pd.isna(out.delta[2]) and pd.isna(out.prev_total[2])
    assert changes(cur, None).delta.isna().all()


def test_vetoed_site_without_total_ranks_last_and_is_not_unscored():
    from reports.narrative import write
    from reports.ranking import rank_sites

    sites = pd.DataFrame({"site_id": [1, 2, 3], "site_name": ["甲", "乙", "丙"], "site_url": ["a", "b", "c"],
                          "crawl_status": ["done", "done", "failed"]})
    scores = pd.DataFrame({"site_id": [1, 2, 3], "section_id": ["total"] * 3, "section_name": ["总分"] * 3,
                           "points": [50.0, 0.0, 0.0], "max_points": [100.0] * 3, "eligible_points": [100.0, 0, 0],
                           "percent": [50.0, None, None], "veto": [None, "站点无法访问", None]})
    findings = pd.DataFrame(columns=["site_id", "section_id", "section_name", "item_id", "item_name", "status",
                                     "points", "max_points"])
    r = rank_sites(sites, scores, findings, pass_mark=60)
    rows = r.table.set_index("site_name")
    assert rows.loc["甲", "rank"] == 1 and rows.loc["乙", "rank"] == 2 and pd.isna(rows.loc["丙", "rank"])
    assert rows.loc["乙", "verdict"] == "不合格" and rows.loc["甲", "verdict"] == "不及格"
    assert r.summary["unscored"] == 1 and r.summary["vetoed"] == 1 and r.summary["passed"] == 0
    text = "".join(write(r).sentences)
    assert "1个网站因触发单项否决被判为不合格（不再评分" in text and "排名前三的是\u2068甲\u2069" in text
