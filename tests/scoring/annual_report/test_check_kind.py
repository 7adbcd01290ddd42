"""The `annual_report` check kind through `scoring.engine.score_run` with both bundled rubrics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.checks import get_check_def
from scoring.engine import score_run
from scoring.rubric import find_rubric, load_rubric
from xxgk.samples.annual_reports import build_report
from xxgk.store import Column, Crawl, Document, Finding, Item, Page, Run, Score, Site, session_factory
from xxgk.store.blobs import document_row


def _site(s: Session, run: Run, name: str, url: str, kind: str) -> tuple[Crawl, Column]:
    site = Site(url=url, name=name, kind=kind)
    s.add(site)
    s.flush()
    crawl = Crawl(run_id=run.id, site_id=site.id, status="done", portal_url=url + "xxgk/")
    s.add(crawl)
    s.flush()
    top = Column(crawl_id=crawl.id, name="信息公开", path="信息公开", url=url + "xxgk/", item_count=0)
    s.add(top)
    s.flush()
    col = Column(crawl_id=crawl.id, parent_id=top.id, name="信息公开年报", path="信息公开/信息公开年报",
                 url=url + "xxgk/nb/", item_count=3, depth=2)
    s.add(col)
    s.flush()
    return crawl, col


def _report(s: Session, crawl: Crawl, col: Column, title: str, url: str, published: dt.date,
            body: bytes | None, attachment: str | None = None) -> Item:
    it = Item(column_id=col.id, crawl_id=crawl.id, title=title, url=url, published=published,
              attachments=[{"url": attachment, "name": "年报.pdf", "type": "pdf"}] if attachment else [])
    s.add(it)
    s.flush()
    if body is not None:
        s.add(Document(**document_row(s, {"crawl_id": crawl.id, "url": attachment or url, "doc_type": "html",
                                           "title": title, "role": "annual_report",
                                           "item_id": None if attachment else it.id, "body": body})))
    return it


def _store(tmp_path: Path) -> tuple[Session, int]:
    s = session_factory(f"sqlite:///{tmp_path / 'ar.db'}")()
    run = Run(config={"as_of": "2024-06-01"})
    s.add(run)
    s.flush()
    # A: 商务局 with a correct 2023 report and the 2022 report (R5 holds)
    d22, t22 = build_report("示例市商务局", 2022, "html", "department")
    d23, _t23 = build_report("示例市商务局", 2023, "docx", "department", carry_in=t22["tables"]["t3"]["rows"]["四"])
    crawl, col = _site(s, run, "示例市商务局", "http://a.test/", "government")
    _report(s, crawl, col, "示例市商务局2023年政府信息公开工作年度报告", "http://a.test/xxgk/nb/2.html",
            dt.date(2024, 1, 20), d23, attachment="http://a.test/xxgk/nb/2023.docx")
    _report(s, crawl, col, "示例市商务局2022年政府信息公开工作年度报告", "http://a.test/xxgk/nb/1.html",
            dt.date(2023, 1, 20), d22)
    _report(s, crawl, col, "示例市教育局2023年政府信息公开工作年度报告", "http://a.test/xxgk/nb/3.html",
            dt.date(2024, 1, 5), None)  # another body's report in the same column
    _report(s, crawl, col, "示例市商务局2023年度报告编制公布工作总结", "http://a.test/xxgk/nb/4.html",
            dt.date(2024, 2, 1), None)  # look-alike
    # B: 交通运输局: an R1 break, published late on the list
    dr1, _ = build_report("示例市交通运输局", 2023, "html", "department", ["r1"])
    crawl, col = _site(s, run, "示例市交通运输局", "http://b.test/", "government")
    _report(s, crawl, col, "示例市交通运输局2023年政府信息公开工作年度报告", "http://b.test/xxgk/nb/1.html",
            dt.date(2024, 2, 10), dr1)
    # C: no report at all, only another body's
    crawl, col = _site(s, run, "示例市审计局", "http://c.test/", "government")
    _report(s, crawl, col, "示例市统计局2023年政府信息公开工作年度报告", "http://c.test/xxgk/nb/1.html",
            dt.date(2024, 1, 5), None)
    # D: a university with a late report, a missing part and a broken 清单 link
    du, tu = build_report("示例理工大学", (2022, 2023), "pdf", "university", ["missing_part", "bad_link", "late"],
                          base_url="http://u.test")
    crawl, col = _site(s, run, "示例理工大学", "http://u.test/", "university")
    _report(s, crawl, col, "示例理工大学2022-2023学年信息公开工作年度报告", "http://u.test/xxgk/nb/1.html",
            dt.date(2023, 11, 20), du, attachment="http://u.test/xxgk/nb/report.pdf")
    for u in tu["site_urls"]:
        s.add(Page(crawl_id=crawl.id, url=u, status=200))
    s.flush()
    return s, run.id


def _findings(s: Session, run_id: int, rubric_id: str) -> dict[tuple[str, str], Finding]:
    rows = s.scalars(select(Finding).where(Finding.run_id == run_id, Finding.rubric_id == rubric_id)).all()
    names = {site.id: site.name for site in s.scalars(select(Site))}
    return {(names[f.site_id], f.item_id): f for f in rows}


def test_gov_rubric_scores_reports(tmp_path: Path) -> None:
    s, run_id = _store(tmp_path)
    rubric = load_rubric(find_rubric("gov-disclosure-annual-report"))
    score_run(s, run_id, rubric)
    f = _findings(s, run_id, rubric.id)
    assert all(f[("示例市商务局", i.id)].status == "pass" for _sec, i in rubric.items()), {
        k: (v.status, v.message) for k, v in f.items() if k[0] == "示例市商务局"}
    d = f[("示例市商务局", "R5")].details["annual_report"]
    assert d["year"] == 2023 and d["years_found"] == [2022, 2023] and d["report"]["own"]
    assert [o["unit"] for o in d["other_units"]] == ["示例市教育局"]
    assert d["parsed"]["tables"]["t3"]["version"] == "2021" and d["document"]["doc_type"] == "docx"
    assert [r["rule"] for r in d["results"]] == ["presence", "R5"]
    assert f[("示例市交通运输局", "R1")].status == "fail" and "「自然人」列" in f[("示例市交通运输局", "R1")].message
    assert f[("示例市交通运输局", "P1")].status == "fail" and "2024-02-10" in f[("示例市交通运输局", "P1")].message
    assert f[("示例市交通运输局", "R2")].status == "pass"
    miss = f[("示例市审计局", "P1")]
    assert miss.status == "fail" and "未找到本单位2023年度" in miss.message and "其他单位" in miss.message
    assert f[("示例理工大学", "P1")].status == "not_applicable"
    total = {sc.site_id: sc.percent for sc in s.scalars(select(Score).where(Score.section_id == "total",
                                                                              Score.rubric_id == rubric.id))}
    assert sorted(v for v in total.values() if v is not None)[-1] == 100.0


def test_university_rubric(tmp_path: Path) -> None:
    s, run_id = _store(tmp_path)
    rubric = load_rubric(find_rubric("moe-university-annual-report"))
    score_run(s, run_id, rubric)
    f = {k[1]: v for k, v in _findings(s, run_id, rubric.id).items() if k[0] == "示例理工大学"}
    got = {k: v.status for k, v in f.items()}
    assert got == {"P1": "fail", "P2": "pass", "C1": "fail", "C2": "pass", "C3": "fail"}, {
        k: v.message for k, v in f.items()}
    links = next(r for r in f["C3"].details["annual_report"]["results"] if r["rule"] == "links")
    assert [b["url"] for b in links["extra"]["broken"]] == ["http://u.test/xxgk/missing-page.htm"]
    assert "评议" in f["C1"].message


def test_params_validated() -> None:
    model: Any = get_check_def("annual_report").params_model
    assert model.model_validate({"aspects": ["deadline"], "rules": ["R1"]}).aspects == ["deadline"]
    for bad in ({"aspects": ["nope"]}, {"deadline": "1-31"}, {"rules": ["R9"]}, {"typo": 1}):
        try:
            model.model_validate(bad)
        except Exception:
            continue
        raise AssertionError(bad)


def test_r5_without_last_years_report_is_not_checked(tmp_path: Path) -> None:
    """R5 compares with last year's report: without it the item says so instead of passing silently."""
    s, run_id = _store(tmp_path)
    rubric = load_rubric(find_rubric("gov-disclosure-annual-report"))
    score_run(s, run_id, rubric)
    f = _findings(s, run_id, rubric.id)
    r5 = f[("示例市交通运输局", "R5")]  # only its 2023 report is published
    assert r5.status == "not_checked" and "未找到本单位2022年度报告" in r5.reason, (r5.status, r5.message)
    assert [r["status"] for r in r5.details["annual_report"]["results"] if r["rule"] == "R5"] == ["not_applicable"]
    assert f[("示例市商务局", "R5")].status == "pass"  # the 2022 report is there


def test_evidence_names_the_report_file_or_the_column_searched(tmp_path: Path) -> None:
    s, run_id = _store(tmp_path)
    rubric = load_rubric(find_rubric("gov-disclosure-annual-report"))
    score_run(s, run_id, rubric)
    f = _findings(s, run_id, rubric.id)
    urls = [e["url"] for e in f[("示例市商务局", "C1")].evidence]
    assert urls == ["http://a.test/xxgk/nb/2.html", "http://a.test/xxgk/nb/2023.docx"]  # page, then the file
    missing = f[("示例市审计局", "P1")]
    assert missing.status == "fail" and [e["url"] for e in missing.evidence] == ["http://c.test/xxgk/nb/"]


def test_deadline_kind_from_the_report_and_the_site(tmp_path: Path) -> None:
    """A county site not named …人民政府 still gets the 3月31日 deadline for its county report; a department's
    report on it the 1月31日 one; a township's between the two is unsure, not late."""
    s = session_factory(f"sqlite:///{tmp_path / 'k.db'}")()
    run = Run(config={"as_of": "2024-06-01"})
    s.add(run)
    s.flush()
    cases = [("柘城县", "柘城县2023年政府信息公开工作年度报告", "http://k1.test/", "pass"),
             ("柘城县财政局", "柘城县财政局2023年政府信息公开工作年度报告", "http://k2.test/", "fail"),
             ("柘城县城关镇人民政府", "柘城县城关镇2023年政府信息公开工作年度报告", "http://k3.test/", "needs_review")]
    for name, title, url, _want in cases:
        crawl, col = _site(s, run, name, url, "government")
        _report(s, crawl, col, title, url + "xxgk/nb/1.html", dt.date(2024, 2, 22), None)
    s.flush()
    rubric = load_rubric(find_rubric("gov-disclosure-annual-report"))
    score_run(s, run.id, rubric)
    f = _findings(s, run.id, rubric.id)
    for name, _title, _url, want in cases:
        p1 = f[(name, "P1")]
        assert p1.status == want, (name, p1.status, p1.message)
    assert f[("柘城县", "P1")].details["annual_report"]["report_kind"]["kind"] == "government"
    assert "逾期 22 天" in f[("柘城县财政局", "P1")].message
