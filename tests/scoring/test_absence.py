"""A fail says where the tool looked: columns and pages searched, nearest candidates, coverage."""

from __future__ import annotations

from sitekit import Kit, tiny_rubric

from scoring.engine import score_crawl
from xxgk.store import Finding

ITEMS = [{"id": "1", "name": "招生章程", "weight": 2}, {"id": "2", "name": "财务管理制度", "weight": 2}]


def test_a_missing_item_names_what_was_searched_and_the_nearest_columns(kit: Kit) -> None:
    top = kit.col("信息公开", items=0)
    near = kit.col("招生工作", top, items=2)  # nearest to 招生章程, below the match bar
    fin = kit.col("财务管理制度", top, items=1)  # item 2 passes
    kit.col("学校概况", top, content=True)
    kit.item(near, "2026年本科招生工作")
    kit.item(near, "2026年专升本招生工作")
    kit.item(fin, "财务管理办法")
    kit.crawl.pages = 37
    kit.crawl.portal_url = "http://s.test/xxgk/"
    score_crawl(kit.session, kit.crawl, tiny_rubric(ITEMS))
    found = {f.item_id: f for f in kit.session.query(Finding)}
    missing, present = found["1"], found["2"]
    assert (missing.status, present.status) == ("fail", "pass"), missing.message
    absence = missing.details["absence"]
    assert absence["searched"] == {"portal": "http://s.test/xxgk/", "columns": 4, "items": 3, "pages": 37,
                                   "top_columns": ["信息公开"], "more_top_columns": 0}
    assert absence["nearest"][0]["path"] == "信息公开/招生工作"
    assert absence["nearest"][0]["words"].startswith("名称相近，相似度 ")
    assert "alias" not in absence["text"] and "fuzzy" not in absence["text"]
    assert absence["text"].startswith("已查找：http://s.test/xxgk/ 下的 4 个栏目、3 条信息（一级栏目：信息公开）")
    assert "最接近的栏目：信息公开/招生工作（名称相近" in absence["text"]
    assert "抓取覆盖：" in absence["text"] and absence["coverage"]["columns"] >= 1
    assert {"url": "http://s.test/xxgk/", "label": "已查找的信息公开专栏"} in missing.evidence
    assert "absence" not in present.details  # only fails carry it
