"""A site whose crawl was cut short (Ctrl-C, SIGTERM, a killed worker) is never ranked, least of all as zero.

Scored with every bundled rubric, a cut-short crawl gives no `fail` (not even "site unreachable", the
inspection's single veto), and the ranking leaves the site unranked beside a site that was read.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from storekit import add_run_with_sites

from reports.context import build_report
from scoring.engine import score_run
from scoring.rubric import load_rubric
from xxgk.store import CRAWL_FAILED, FAIL, Crawl, Finding, session_factory
from xxgk.store.lifecycle import INTERRUPTED, fail_unfinished

RUBRICS = sorted((Path(__file__).resolve().parents[2] / "rubrics").glob("*.yaml"))
SITES = {"中断大学": "http://127.0.0.1:9/", "宕机大学": "http://127.0.0.1:10/"}


@pytest.mark.parametrize("stop", [INTERRUPTED, "error"])
@pytest.mark.parametrize("rubric_path", RUBRICS, ids=lambda p: p.stem)
def test_cut_short_site_is_not_ranked(tmp_path: Path, rubric_path: Path, stop: str) -> None:
    rubric = load_rubric(rubric_path)
    factory = session_factory(f"sqlite:///{tmp_path / 's.sqlite'}")
    with factory.begin() as s:
        run_id = add_run_with_sites(s, SITES, config={"mode": "ranking"})
        cut, down = s.query(Crawl).order_by(Crawl.id).all()
        assert fail_unfinished(cut, "interrupted while this site was crawled", stop)
        # the control: a site that could not be read at all is a real finding
        down.status, down.stop_reason, down.error = CRAWL_FAILED, "connection refused", "connection refused"
        cut_site = cut.site_id
    with factory.begin() as s:
        score_run(s, run_id, rubric)
    with factory() as s:
        fails = s.query(Finding).filter(Finding.run_id == run_id, Finding.site_id == cut_site,
                                        Finding.status == FAIL).all()
        assert not fails, [(f.item_id, f.message) for f in fails]
        statuses = {f.status for f in s.query(Finding).filter(Finding.run_id == run_id, Finding.site_id == cut_site)}
        assert statuses <= {"not_checked", "needs_review"}, statuses
        table = build_report(s, run_id, rubric.id).ranking.table.set_index("site_id")
    row = table.loc[cut_site]
    assert pd.isna(row["total"]) and pd.isna(row["rank"]) and pd.isna(row["verdict"]), row.to_dict()
