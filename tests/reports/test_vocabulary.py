"""Every bundled rubric scored on a small store and rendered: its pages speak its own kind's words.

A university checklist says 公开 / 未公开; an inspection 通过 / 不通过; an annual-report rubric 符合 /
不符合; a monthly-volume rubric 达标 / 未达标. No page may show another kind's verdict word, and fix
texts cite the deadline of the site's own kind (a county government's 年报 by 3月31日, a department's by
1月31日, a university's by 10月31日).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import html as lhtml

from reports.render import render_report
from scoring.engine import score_run
from scoring.rubric import load_rubric
from scoring.vocabulary import KIND_WORDS, vocabulary_for
from xxgk.store import Column, Crawl, Item, Link, Run, Site, session_factory

RUBRICS = sorted((Path(__file__).resolve().parents[2] / "rubrics").glob("*.yaml"))
AS_OF = dt.date(2026, 11, 20)
SITES = {"government": [("某县人民政府", "http://county.test/"), ("某县教育局", "http://edu.test/")],
         "university": [("某大学", "http://uni.test/"), ("某学院", "http://college.test/")]}


def _audit(rubric_path: Path, tmp: Path) -> tuple[Path, object]:
    rubric = load_rubric(rubric_path)
    session = session_factory(f"sqlite:///{tmp / 'v.db'}")()
    run = Run(config={"as_of": AS_OF.isoformat()}, started_at=dt.datetime(2026, 11, 25, 8), rubric_id=rubric.id,
              status="done")
    session.add(run)
    session.flush()
    for n, (name, url) in enumerate(SITES["university" if rubric.applies_to == "university" else "government"]):
        site = Site(url=url, name=name, kind=rubric.applies_to)
        session.add(site)
        session.flush()
        crawl = Crawl(run_id=run.id, site_id=site.id, status="done", start_url=url, pages=40,
                      started_at=dt.datetime(2026, 11, 25, 8), finished_at=dt.datetime(2026, 11, 25, 9))
        session.add(crawl)
        session.flush()
        # the first site publishes columns named after half the items (fresh ones), the second nothing
        for k, (_s, item) in enumerate(rubric.items()):
            if n == 0 and k % 2 == 0:
                session.add(Column(crawl_id=crawl.id, name=item.name[:30], path=item.name[:30], depth=1,
                                   url=f"{url}c{k}/", item_count=5, newest_date=AS_OF - dt.timedelta(days=3),
                                   status="ok"))
        # two publishing units (monthly volume): one published last month, one did not
        parent = Column(crawl_id=crawl.id, name="部门信息公开", path="部门信息公开", depth=1, url=f"{url}bm/",
                        status="ok")
        session.add(parent)
        session.flush()
        for u, count in (("某局", 3), ("某镇", 0)):
            col = Column(crawl_id=crawl.id, parent_id=parent.id, name=u, path=f"部门信息公开/{u}", depth=2,
                         url=f"{url}bm/{u}/", status="ok", unit=u, item_count=count,
                         newest_date=dt.date(2026, 10, 5) if count else None)
            session.add(col)
            session.flush()
            session.add_all([Item(column_id=col.id, crawl_id=crawl.id, title=f"{u}通知{i}",
                                  url=f"{url}bm/{u}/{i}.htm", published=dt.date(2026, 10, 5 + i))
                             for i in range(count)])
        session.add(Link(crawl_id=crawl.id, from_url=url, to_url=f"{url}ok.htm", kind="ok", status=200, text="好"))
        for p in range(12):
            session.add(Link(crawl_id=crawl.id, from_url=f"{url}p{p}.htm", to_url=f"{url}old.htm", kind="broken",
                             status=404, text="旧链接"))
    session.flush()
    score_run(session, run.id, rubric)
    session.commit()
    out = tmp / "out"
    render_report(session, run.id, rubric.id, out, formats="html,csv")
    return out, rubric


def _status_words(page: Path) -> set[str]:
    doc = lhtml.fromstring(page.read_text(encoding="utf-8"))
    return {s.text_content().strip() for s in doc.xpath('//table//td/span[contains(@class, "status")]')}


@pytest.mark.parametrize("rubric_path", RUBRICS, ids=[p.stem for p in RUBRICS])
def test_pages_use_only_their_rubric_kinds_words(rubric_path: Path, tmp_path: Path) -> None:
    out, rubric = _audit(rubric_path, tmp_path)
    vocab = vocabulary_for(rubric.rubric_kind, rubric.vocabulary)
    others = {w for kind, words in KIND_WORDS.items() if kind != vocab.kind for w in words.values()}
    others -= set(vocab.statuses.values())
    pages = sorted((out / "sites").glob("site-*.html"))
    assert len(pages) == 2
    seen: set[str] = set()
    for page in pages:
        words = _status_words(page)
        assert words <= set(vocab.statuses.values()), (page.name, words - set(vocab.statuses.values()))
        assert not words & others
        seen |= words
    assert seen & vocab.own_words(), f"no verdict of {vocab.kind} was rendered: {seen}"
    ranking = (out / "index.html").read_text(encoding="utf-8")
    assert vocab.fail_items in ranking
    for kind, words in KIND_WORDS.items():
        if words["fail"] not in vocab.statuses.values():
            assert f"{words['fail']}项</th>" not in ranking and f"{words['fail']}网站数" not in ranking, kind
    text = " ".join(p.read_text(encoding="utf-8") for p in pages)
    if rubric.applies_to == "government":
        assert "10月31日" not in text and "学年" not in text and "高校" not in text
    else:
        assert "1月31日" not in text and "3月31日" not in text


def test_an_annual_report_missing_is_one_fix_citing_the_sites_own_deadline(tmp_path: Path) -> None:
    path = next(p for p in RUBRICS if p.stem == "gov-disclosure-annual-report")
    out, rubric = _audit(path, tmp_path)
    county, department = (lhtml.fromstring((out / f"sites/site-{n}.html").read_text(encoding="utf-8"))
                          for n in (1, 2))
    for doc, deadline, wrong in ((county, "3月31日前", "1月31日前"), (department, "1月31日前", "3月31日前")):
        fixes = [tr.text_content() for tr in doc.xpath('//table[@id="fixes"]/tbody/tr')]
        report_fixes = [f for f in fixes if "年度报告" in f and "按时" in f]
        assert len(report_fixes) == 1, fixes  # one missing report: one fix however many items it fails
        assert deadline in report_fixes[0] and wrong not in report_fixes[0]
        assert "个事项同一原因" in report_fixes[0]


def test_verification_rows_use_the_rubric_kinds_words() -> None:
    import pandas as pd

    from reports.formats.verification import _rows
    from scoring.vocabulary import vocabulary_for

    frame = pd.DataFrame([{"line": 2, "site_name": "某县人民政府", "item_id": "V3", "item_name": "首页不更新",
                           "claimed": "fixed", "claim_url": "", "verdict": "confirmed", "before": "fail",
                           "after": "pass", "message": "", "evidence_urls": "", "checked_at": ""}])
    inspection = vocabulary_for("inspection").statuses
    row = _rows(frame, inspection)[0]
    assert row[7:9] == [inspection["fail"], inspection["pass"]]
    assert "公开" not in "".join(row[7:9])
