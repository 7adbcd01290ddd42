"""Fix rows: one per root cause, with the deadline of the site's own kind."""

from __future__ import annotations

from reports.fixes import annual_report_deadline, fix_hint
from reports.site import group_fixes


def _view(item_id: str, fix: str, status: str = "fail", lost: float = 2.0, veto: bool = False) -> dict:
    return {"item_id": item_id, "item_name": f"事项{item_id}", "fix": fix, "fix_status": status, "lost": lost,
            "veto": veto}


def test_the_same_action_is_one_row_and_questions_stay_apart() -> None:
    rows = group_fixes([_view("P1", "发布年报"), _view("P2", "发布年报", lost=3.0), _view("3", "设立“事项3”栏目"),
                        _view("V1", "人工核查", "needs_review"), _view("V2", "人工核查", "needs_review"),
                        _view("V3", "恢复访问", veto=True), _view("V4", "恢复访问", veto=True)])
    assert [[i for i, _n in r["items"]] for r in rows] == [["P1", "P2"], ["3"], ["V1"], ["V2"], ["V3"], ["V4"]]
    assert rows[0]["lost"] == 5.0


def test_annual_report_fix_cites_the_sites_own_deadline() -> None:
    assert annual_report_deadline("government", "柘城县人民政府") == ("3月31日前", "年度")
    assert annual_report_deadline("government", "柘城县教育体育局") == ("1月31日前", "年度")
    assert annual_report_deadline("university", "某大学") == ("10月31日前", "学年")
    unsure, _ = annual_report_deadline("government", "示例门户")
    assert "1月31日前" in unsure and "3月31日前" in unsure and "10月31日" not in unsure
    county = fix_hint("annual_report", "fail", "年报", site_kind="government", site_name="柘城县人民政府")
    assert "按时（3月31日前）" in county and "高校" not in county and "10月31日" not in county
    uni = fix_hint("annual_report", "fail", "年报", site_kind="university", site_name="某大学")
    assert "10月31日前" in uni and "学年" in uni and "1月31日" not in uni
