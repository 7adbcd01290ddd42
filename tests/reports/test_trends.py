"""History on the report pages: each site's total over the runs, each item's statuses, and the items
that changed since the baseline, named one by one."""

from __future__ import annotations

import re

from sqlalchemy import select

from reports.trends import change_kind
from xxgk.store import Finding, Score, session_factory, session_scope


def _statuses(db_url, run_id):
    with session_scope(session_factory(db_url)) as s:
        return {(f.site_id, f.item_id): f.status for f in s.scalars(select(Finding).where(Finding.run_id == run_id))}


def test_change_kinds():
    assert change_kind("pass", "fail") == "new_problem" and change_kind("needs_review", "partial") == "new_problem"
    assert change_kind("fail", "pass") == "fixed" and change_kind("partial", "pass") == "fixed"
    assert change_kind("fail", "partial") == "still_failing"
    assert change_kind("pass", "not_checked") == "newly_unchecked" and change_kind("fail", "needs_review") == "newly_unchecked"
    assert change_kind("pass", "pass") is None and change_kind(None, "fail") is None
    assert change_kind("not_checked", "needs_review") is None


def test_pages_show_trends_and_named_changes(rendered):
    store, out, result = rendered
    before, after = _statuses(store.db_url, store.runs[-2]), _statuses(store.db_url, store.runs[-1])
    truth: dict[int, dict[str, list[str]]] = {}
    for key, status in after.items():
        kind = change_kind(before.get(key), status)
        if kind:
            truth.setdefault(key[0], {}).setdefault(kind, []).append(key[1])
    assert truth.get(store.improved_site, {}).get("fixed"), "the synthetic world fixes one site's failures"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('<svg class="spark"') == len(store.site_ids)  # two runs: every scored site has a line
    totals = {k: sum(len(v.get(k, [])) for v in truth.values())
              for k in ("new_problem", "fixed", "still_failing", "newly_unchecked")}
    line = re.search(r'<p class="small" id="changes">(.*?)</p>', index).group(1)
    assert line.startswith(f"与运行 #{store.runs[-2]} 相比：新发现问题 {totals['new_problem']} 项；已整改 "
                           f"{totals['fixed']} 项；仍未整改 {totals['still_failing']} 项；新近未能检查 "
                           f"{totals['newly_unchecked']} 项")
    page = (out / "sites" / f"site-{store.improved_site}.html").read_text(encoding="utf-8")
    fixed = re.search(r'<p id="changes-fixed"><b>已整改</b>（(\d+)）：(.*?)</p>', page)
    assert int(fixed.group(1)) == len(truth[store.improved_site]["fixed"])
    assert re.findall(r'href="#item-([^"]+)"', fixed.group(2)) == truth[store.improved_site]["fixed"]
    with session_scope(session_factory(store.db_url)) as s:
        pct = [s.scalar(select(Score.percent).where(Score.run_id == r, Score.site_id == store.improved_site,
                                                     Score.section_id == "total")) for r in store.runs]
    trend_row = re.search(r'<table id="trend".*?<td>总分</td>(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]+)</td>', trend_row) == [f"{p:.2f}" for p in pct]
    assert page.count('<td class="history">') > 0  # each item's statuses over the runs
