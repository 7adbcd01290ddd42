"""Evaluations on a hand-built store whose every figure is worked out by hand in the comments."""

from __future__ import annotations

import csv
import json

import pytest

from reports.evaluation import evaluate
from reports.evaluation_file import Evaluation, Part, Usability
from reports.evaluation_render import render_evaluation
from xxgk.store import Column, Crawl, Finding, Link, Page, RubricSnapshot, Run, Score, Site, session_factory


def _finding(s, run, site, rubric, section, item, status, points, max_points):
    s.add(Finding(run_id=run.id, site_id=site.id, rubric_id=rubric, section_id=section, section_name=f"节{section}",
                  item_id=item, item_name=f"事项{item}", check_kind="presence", status=status,
                  credit=points / max_points if max_points else 0, points=points, max_points=max_points))


def _snapshot(s, run, rubric, method="weighted"):
    s.add(RubricSnapshot(run_id=run.id, rubric_id=rubric, content_sha256="0" * 64, method=method, pass_mark=60,
                         snapshot={"title": f"细则{rubric}", "source": f"文件{rubric}",
                                   "sections": [{"id": "s1", "name": "节s1"}, {"id": "s2", "name": "节s2"}]}))


@pytest.fixture()
def store(tmp_path):
    """Five sites, rubric ra (one section) and rubric rb (sections s1, s2).

    A: ra 10 pass, 20 fail, 30 needs_review → 10/30 = 33.33; rb.s1 5 pass + 5 partial(2.5) → 75.0
    B: ra all not_checked → no score; rb.s1 100
    C: ra all needs_review → no score; rb.s1 40
    D: ra 60/60 = 100; rb vetoed → 0
    E: ra 30 pass of 60 judged (10 pass, 20 pass, 30 fail) → 50; rb.s1 80; its crawl failed
    """
    url = f"sqlite:///{tmp_path / 'e.sqlite'}"
    s = session_factory(url)()
    run = Run(config={"as_of": "2026-11-01"}, rubric_id="ra")
    s.add(run)
    s.flush()
    sites = {}
    for name in "ABCDE":
        site = Site(url=f"http://{name.lower()}.test/", name=f"{name}大学", key=name)
        s.add(site)
        s.flush()
        crawl = Crawl(run_id=run.id, site_id=site.id, status="failed" if name == "E" else "done",
                      start_url=site.url, error="connection refused" if name == "E" else None)
        s.add(crawl)
        s.flush()
        sites[name] = (site, crawl)
    _snapshot(s, run, "ra")
    _snapshot(s, run, "rb", method="veto+deduction")
    a, b, c, d, e = (sites[n][0] for n in "ABCDE")
    for site, statuses in ((a, ("pass", "fail", "needs_review")), (b, ("not_checked",) * 3),
                           (c, ("needs_review",) * 3), (d, ("pass",) * 3), (e, ("pass", "pass", "fail"))):
        for item, weight, status in zip(("1", "2", "3"), (10, 20, 30), statuses, strict=True):
            _finding(s, run, site, "ra", "s1", item, status, weight if status == "pass" else 0, weight)
    _finding(s, run, a, "rb", "s1", "b1", "pass", 5, 5)
    _finding(s, run, a, "rb", "s1", "b2", "partial", 2.5, 5)
    _finding(s, run, b, "rb", "s1", "b1", "pass", 5, 5)
    _finding(s, run, b, "rb", "s1", "b2", "pass", 5, 5)
    _finding(s, run, c, "rb", "s1", "b1", "pass", 2, 5)
    _finding(s, run, c, "rb", "s1", "b2", "pass", 2, 5)
    _finding(s, run, d, "rb", "s1", "b1", "fail", 0, 5)
    _finding(s, run, d, "rb", "s1", "b2", "not_checked", 0, 5)
    _finding(s, run, e, "rb", "s1", "b1", "pass", 4, 5)
    _finding(s, run, e, "rb", "s1", "b2", "pass", 4, 5)
    for site in (a, b, c, d, e):
        _finding(s, run, site, "rb", "s2", "b9", "pass", 1, 1)
        s.add(Score(run_id=run.id, site_id=site.id, rubric_id="rb", section_id="total", section_name="总分",
                    points=0, max_points=11, eligible_points=11, percent=None if site is d else 50.0,
                    veto="首页不可访问" if site is d else None))
    s.commit()
    return s, run.id, {n: sites[n][0].id for n in sites}, {n: sites[n][1] for n in sites}


EVAL = Evaluation(id="t", title="测试评估", pass_mark=60, top=1, lowest_items=2, parts=[
    Part(id="pa", name="部分甲", rubric="ra", weight=2), Part(id="pb", name="部分乙", rubric="rb", section="s1", weight=1)])


def test_parts_leave_unjudged_items_out_and_never_show_them_as_zero(store):
    s, run_id, ids, _ = store
    result = evaluate(s, run_id, EVAL)
    rows = {r["site_name"][0]: r for r in result.rows}
    assert rows["A"]["parts"]["pa"] == {"score": 33.33, "state": "scored", "judged": 2, "review": 1, "unchecked": 0,
                                        "veto": None}
    assert rows["A"]["parts"]["pb"]["score"] == 75.0
    assert rows["A"]["total"] == round((2 * 10 / 30 * 100 + 75.0) / 3, 2) == 47.22
    assert rows["B"]["parts"]["pa"]["score"] is None and rows["B"]["parts"]["pa"]["state"] == "not_checked"
    assert rows["C"]["parts"]["pa"]["score"] is None and rows["C"]["parts"]["pa"]["state"] == "needs_review"
    assert rows["B"]["total"] == 100.0 and not rows["B"]["complete"]  # from the one part it has
    assert rows["B"]["verdict"] == "未能评分" and rows["C"]["verdict"] == "待复核"
    assert rows["B"]["rank"] is None and rows["C"]["rank"] is None  # an unknown part never earns a place
    assert rows["D"]["parts"]["pb"] == {"score": 0.0, "state": "vetoed", "judged": 1, "review": 0, "unchecked": 1,
                                        "veto": "首页不可访问"}
    assert rows["D"]["total"] == round((2 * 100 + 0) / 3, 2) == 66.67 and rows["D"]["verdict"] == "及格"
    assert rows["E"]["total"] == round((2 * 50 + 80) / 3, 2) == 60.0 and rows["E"]["verdict"] == "及格"
    assert rows["A"]["verdict"] == "不及格"
    # ranked first (D 66.67, E 60, A 47.22), then the incomplete ones
    assert [r["site_name"][0] for r in result.rows] == ["D", "E", "A", "B", "C"]
    assert [r["rank"] for r in result.rows] == [1, 2, 3, None, None]


def test_summaries_tops_and_lowest_items(store):
    s, run_id, _ids, _ = store
    result = evaluate(s, run_id, EVAL)
    assert result.summary == {"sites": 5, "scored": 3, "average": round((66.67 + 60 + 47.22) / 3, 2), "max": 66.67,
                              "min": 47.22, "passed": 2, "incomplete": 2, "pass_mark": 60, "pass_word": "及格"}
    pa = result.part_summaries["pa"]
    assert (pa["scored"], pa["average"], pa["passed"], pa["needs_review"], pa["not_checked"]) == (
        3, round((33.33 + 100 + 50) / 3, 2), 1, 1, 1)
    pb = result.part_summaries["pb"]
    assert (pb["scored"], pb["passed"], pb["vetoed"]) == (5, 3, 1)  # 75, 100, 40, 0, 80
    assert [t["site_name"] for t in result.top["pa"]] == ["D大学"]
    assert [t["site_name"] for t in result.top["pb"]] == ["B大学"]
    # ra item 3: A review, B unchecked, C review, D 30/30, E 0/30 → 30/60 = 50%; item 2: 20+20 of 60 → 66.67%
    assert [(i["item_id"], i["rate"], i["judged"], i["needs_review"]) for i in result.lowest["pa"]] == [
        ("3", 50.0, 2, 2), ("2", 66.67, 3, 1)]
    assert result.method["parts"][1]["section_name"] == "节s1" and result.method["as_of"] == "2026-11-01"


def test_outputs_write_unscored_parts_as_blank_with_their_state(store, tmp_path):
    s, run_id, ids, _ = store
    files = render_evaluation(s, run_id, EVAL, tmp_path / "out")
    assert sorted(f.name for f in files) == ["evaluation.csv", "evaluation.html", "evaluation.json"]
    with open(tmp_path / "out" / "evaluation.csv", encoding="utf-8-sig") as fh:
        rows = {r["site_name"]: r for r in csv.DictReader(fh)}
    assert rows["B大学"]["part_pa"] == "" and rows["B大学"]["part_pa_state"] == "not_checked"
    assert rows["C大学"]["part_pa"] == "" and rows["C大学"]["part_pa_state"] == "needs_review"
    assert rows["B大学"]["rank"] == "" and rows["D大学"]["rank"] == "1"
    assert rows["A大学"]["part_pa"] == "33.33" and rows["A大学"]["total"] == "47.22"
    assert rows["E大学"]["usability_search"] == ""  # its crawl failed: not checked, not "0 defects"
    doc = json.loads((tmp_path / "out" / "evaluation.json").read_text(encoding="utf-8"))
    assert doc["summary"]["passed"] == 2 and doc["ranking"][3]["parts"]["pa"]["score"] is None
    html = (tmp_path / "out" / "evaluation.html").read_text(encoding="utf-8")
    assert "未能检查" in html and "待复核" in html and "评估时点" in html


def test_usability_defects_come_from_the_crawl_records(store):
    s, run_id, ids, crawls = store
    a = crawls["A"]
    home, portal = "http://a.test/", "http://a.test/xxgk/"
    s.add_all([
        Page(crawl_id=a.id, url=home, status=200, depth=0), Page(crawl_id=a.id, url=portal, status=200, depth=1),
        # first reached through a landing page (depth 3) but linked from the portal too: 2 clicks
        Page(crawl_id=a.id, url=portal + "near/", status=200, depth=3),
        Page(crawl_id=a.id, url=portal + "l1/", status=200, depth=2),
        Page(crawl_id=a.id, url=portal + "l1/l2/", status=200, depth=3),
        Page(crawl_id=a.id, url=portal + "l1/l2/deep/", status=200, depth=4),
        Page(crawl_id=a.id, url=portal + "secret/", status=200, depth=2, restricted="IP地址范围未授权"),
        Link(crawl_id=a.id, from_url=portal, to_url=portal + "near/", kind="ok"),
        Link(crawl_id=a.id, from_url=portal, to_url=portal + "dead/", kind="broken", status=404),
        Link(crawl_id=a.id, from_url=portal, to_url="http://other.test/", kind="ok", offsite=True),
    ])
    for name, url, status, detail in (("近", "near/", "ok", None), ("深", "l1/l2/deep/", "ok", None),
                                      ("坏", "dead/", "ok", None), ("错", "err/", "error", "HTTP 500"),
                                      ("登录", "login/", "restricted", "redirected to login")):
        s.add(Column(crawl_id=a.id, name=name, path=f"目录/{name}", url=portal + url, status=status,
                     status_detail=detail))
    a.facts = {"search": {"form_url": home + "search", "query": "招生章程", "found": False}}
    crawls["B"].facts = {"search": {"form_url": None}}
    crawls["C"].facts = {"search": {"form_url": "http://c.test/s", "found": None}}  # could not read results
    crawls["D"].facts = {"search": {"form_url": "http://d.test/s", "query": "x", "found": True}}
    s.commit()
    found = evaluate(s, run_id, EVAL.model_copy(update={"usability": Usability(max_clicks=2)})).usability
    ua = found[ids["A"]]
    assert [d["name"] for d in ua.defects["broken_columns"]] == ["目录/坏", "目录/错"]
    assert [d["name"] for d in ua.defects["deep_columns"]] == ["目录/深"] and ua.defects["deep_columns"][0]["clicks"] == 4
    assert sorted(d["url"] for d in ua.defects["restricted"]) == [portal + "login/", portal + "secret/"]
    assert ua.search == "no_result" and "招生章程" in ua.defects["search"][0]["reason"]
    assert found[ids["B"]].search == "missing" and found[ids["B"]].count("search") == 1
    assert found[ids["C"]].search == "unknown" and found[ids["C"]].count("search") == 0  # unknown is no defect
    assert found[ids["D"]].search == "ok" and found[ids["D"]].total == 0
    assert not found[ids["E"]].checked and found[ids["E"]].reason == "connection refused"
