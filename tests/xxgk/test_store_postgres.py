"""The store, scoring and reports work the same on PostgreSQL as on SQLite."""

import datetime as dt

from sqlalchemy import select

from reports.render import render_run
from scoring.engine import score_run
from scoring.rubric import find_rubric, load_rubric
from xxgk.store import (
    Column,
    Crawl,
    Document,
    Finding,
    Item,
    Run,
    Score,
    Site,
    session_factory,
    session_scope,
)
from xxgk.store.blobs import document_row

LONG = "很长的标题" * 500  # longer than any VARCHAR a careless schema would use


def _build(factory) -> int:
    with session_scope(factory) as s:
        run = Run(rubric_id="moe-university-checklist-2014", config={"limits": {"max_pages": 10}})
        site = Site(url="http://127.0.0.1:9/" + "x" * 3000, name=LONG, kind="university", tags=["甲", "乙"])
        s.add_all([run, site])
        s.flush()
        crawl = Crawl(run_id=run.id, site_id=site.id, status="done", facts={"entry": {"depth": 1}})
        s.add(crawl)
        s.flush()
        parent = Column(crawl_id=crawl.id, name="基本信息", path="基本信息")
        s.add(parent)
        s.flush()
        col = Column(crawl_id=crawl.id, parent_id=parent.id, name="学校章程", path="基本信息/学校章程",
                     url="http://127.0.0.1:9/zc.htm", item_count=1, depth=2)
        s.add(col)
        s.flush()
        item = Item(column_id=col.id, crawl_id=crawl.id, title=LONG, url="http://127.0.0.1:9/zc/1.htm",
                    published=dt.date(2026, 5, 1), meta={"索引号": "000014348/2020-35147"})
        s.add(item)
        s.flush()
        s.add(Document(**document_row(s, {"crawl_id": crawl.id, "url": item.url, "doc_type": "pdf",
                                           "body": b"%PDF-1.4\x00\xff", "item_id": item.id})))
        return run.id


def test_store_score_and_report_on_postgres(pg_url, tmp_path):
    factory = session_factory(pg_url)
    run_id = _build(factory)
    rubric = load_rubric(find_rubric("moe-university-checklist-2014"))
    with session_scope(factory) as s:
        score_run(s, run_id, rubric)
    with session_scope(factory) as s:
        findings = {f.item_id: f for f in s.scalars(select(Finding).where(Finding.run_id == run_id))}
        assert len(findings) == 50
        assert findings["2"].status == "pass" and findings["2"].evidence[0]["url"] == "http://127.0.0.1:9/zc.htm"
        total = s.scalar(select(Score).where(Score.run_id == run_id, Score.section_id == "total"))
        assert total.points == 2.0
        doc = s.scalar(select(Document))
        assert doc.body == b"%PDF-1.4\x00\xff"
        assert s.scalar(select(Item)).meta == {"索引号": "000014348/2020-35147"}
        index = render_run(s, run_id, rubric.id, tmp_path / "out")
    assert "很长的标题" in index.read_text(encoding="utf-8")
    assert (tmp_path / "out" / "findings.csv").exists()
