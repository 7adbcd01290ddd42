"""Real published reports as users meet them: TRS article pages, plain-text copies, the 2019 trial format,
flattened tables, inline headings and deadlines by the kind of body that issued the report.

Texts: `realtext.py` (short excerpts of real reports, sources noted there); pages: ../shared/realworld in place.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from parsel import Selector

from crawler.extract.article import read_article
from scoring.annual_report import check_report, parse_report
from scoring.annual_report import formats as F
from scoring.annual_report.checks import check_deadline
from tests.scoring.annual_report.realtext import (
    ERYUAN_2020,
    LONGGANG_2024,
    MINYI_2021,
    XIONGXIAN_2019,
    inline,
)

# The new readers are imported where used, so on the code before them every other test still runs.


def read_page_meta(raw: str):  # noqa: ANN201
    from xxgk.pagemeta import read_page_meta as read

    return read(raw)


def infer_kind(unit: str):  # noqa: ANN201
    from scoring.annual_report.kind import infer_kind as infer

    return infer(unit)


def find_sections(text: str, spec: list) -> dict[str, str]:
    from scoring.annual_report.sections import find_sections as find

    return find(text, spec)


def _by_rule(results: list) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in results:
        cur = out.get(r.rule)
        out[r.rule] = r.status if cur is None or r.status == "fail" or cur == "pass" else cur
    return out


# ---------------------------------------------------------------- one reader for page metadata

def test_real_trs_page_metas_read_once_for_crawler_and_scoring(shared: Path) -> None:
    """A real TRS article (邯郸): ArticleTitle, PubDate, ContentSource, ColumnName, SiteName; the crawler's
    article reader and the shared reader give the same title, date and unit."""
    f = shared / "realworld" / "handan-2020" / "gov-article-meta-handan-2020.html"
    raw = f.read_text(encoding="utf-8")
    meta = read_page_meta(raw)
    assert meta.title == "邯郸市教育局关于印发《全市教育系统安全专项整治三年行动实施方案》的通知"
    assert meta.published == dt.date(2020, 8, 2) and meta.sources["published"] == "meta"
    assert meta.unit == "邯郸市教育局" and meta.column == "部门信息公开" and meta.site == "邯郸市人民政府"
    art = read_article(Selector(text=raw, base_url="http://hdzfxxgk.hd.gov.cn/a.html"), "http://hdzfxxgk.hd.gov.cn/a.html",
                       raw)
    assert (art.title, art.date, art.unit) == (meta.title, meta.published, meta.unit)


TRS_REPORT = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="SiteName" content="深圳市龙岗区人民政府">
<meta name="ColumnName" content="政府信息公开年报">
{article_title}
<meta name="PubDate" content="2025-03-10 15:35">
<meta name="ContentSource" content="深圳市龙岗区人民政府办公室">
<title>深圳市龙岗区2024年政府信息公开工作年度报告_政府信息公开年报_深圳市龙岗区人民政府</title></head>
<body><div class="nav">首页 > 政府信息公开年报</div><div class="TRS_Editor">{body}</div></body></html>"""


def _trs_page(article_title: bool = True) -> bytes:
    """A TRS report page laid out as the CMS does (metas, `<title>` with the site suffix, no 发布日期 text),
    around the real 龙岗 2024 text; the report's title here is made up for the page."""
    meta = '<meta name="ArticleTitle" content="深圳市龙岗区2024年政府信息公开工作年度报告">' if article_title else ""
    body = "".join(f"<p>{ln}</p>" for ln in LONGGANG_2024.splitlines())
    return TRS_REPORT.format(article_title=meta, body=body).encode("utf-8")


@pytest.mark.parametrize("article_title", [True, False])
def test_trs_report_page_title_without_site_suffix_and_pubdate(article_title: bool) -> None:
    rep = parse_report(_trs_page(article_title), "t20250310_1.html")
    assert rep.title == "深圳市龙岗区2024年政府信息公开工作年度报告"
    assert rep.year == 2024 and rep.unit == "深圳市龙岗区"
    assert rep.published == dt.date(2025, 3, 10)
    assert rep.issuer == "深圳市龙岗区人民政府办公室" and rep.column == "政府信息公开年报"


def test_text_copy_with_title_label_and_date_line() -> None:
    """A plain-text copy opening with `标题: ` and `发布时间:` (洱源 2020): title without the label, date, unit."""
    text = "标题: " + ERYUAN_2020
    rep = parse_report(text.encode("utf-8"), "eryuan-2020.txt")
    assert rep.title == "洱源县政务服务管理局2020年政府信息公开工作年度报告"
    assert rep.year == 2020 and rep.unit == "洱源县政务服务管理局"
    assert rep.published == dt.date(2021, 1, 31)


# ---------------------------------------------------------------- sections

SIX = MINYI_2021 + "六、其他需要报告的事项\n无。\n"  # the excerpt ends before 六: its official heading added


def test_inline_section_headings_in_a_text_dump() -> None:
    text = "标题: 五常市民意乡2021年政府信息公开工作年度报告 " + inline(SIX)
    assert "\n" not in text and " 二、主动公开" in text  # headings run on after the previous paragraph
    rep = parse_report(text.encode("utf-8"), "minyi.txt")
    res = {r.rule: r for r in check_report(rep, kind="township")}
    assert res["sections"].status == "pass", res["sections"].message
    assert set(res["sections"].extra["found"]) == {"一", "二", "三", "四", "五", "六"}


@pytest.mark.parametrize("sep", ["、", ".", "．", " ", ""])
def test_section_numbering_width_and_punctuation(sep: str) -> None:
    text = inline(SIX).replace("、总体情况", sep + "总体情况").replace("二、", "二" + sep).replace("三、收到", "3" + sep + "收到")
    text = text.replace("四、", "４" + sep)
    found = find_sections(text, F.GOV_SECTIONS)
    assert list(found) == ["一", "二", "三", "四", "五", "六"], found


def test_a_sentence_listing_the_sections_is_not_a_heading() -> None:
    """The 龙岗 opening names all six sections in one sentence; only the numbered headings count."""
    found = find_sections(inline(LONGGANG_2024), F.GOV_SECTIONS)
    assert list(found) == ["一", "二", "三"]


# ---------------------------------------------------------------- flattened tables

def test_flattened_tables_are_unreadable_not_a_format_fail() -> None:
    """龙岗 2024 as a text dump: cells closed up into digit runs (行政规范性文件5125); the 2021 format is
    recognised from its labels, the tables need review, nothing fails."""
    text = "标题: 深圳市龙岗区2024年政府信息公开工作年度报告 发布日期: 2025-01-20 " + inline(LONGGANG_2024)
    assert "行政规范性文件5125" in text
    for data, name in ((text.encode("utf-8"), "lg.txt"),
                       (f"<html><body><h1>深圳市龙岗区2024年政府信息公开工作年度报告</h1><p>{text}</p></body></html>"
                        .encode(), "lg.html")):
        rep = parse_report(data, name)
        assert rep.version == F.V2021 and rep.version_from == "text", name
        res = _by_rule(check_report(rep, kind="department"))
        assert res["format"] == "pass", (name, res)
        assert res["tables"] == "needs_review", (name, res)
        assert {res[r] for r in ("R1", "R2", "R3", "R4")} == {"needs_review"}, (name, res)
        assert rep.year == 2024 and rep.published == dt.date(2025, 1, 20), name
        # the excerpt ends inside table 三: sections 四–六 are really absent, nothing else fails
        assert [r for r, s in res.items() if s == "fail"] == ["sections"], (name, res)


def test_html_without_tables_or_table_labels_still_fails_format() -> None:
    html = "<html><body><h1>示例市审计局2023年政府信息公开工作年度报告</h1><p>一、总体情况 本年度工作……</p></body></html>"
    rep = parse_report(html.encode("utf-8"), "x.html")
    assert _by_rule(check_report(rep, kind="department"))["format"] == "fail"


# ---------------------------------------------------------------- 2019 trial format

def test_2019_trial_format_recognised_in_real_text() -> None:
    rep = parse_report(("标题: 洱源县政务服务管理局2020年政府信息公开工作年度报告\n" + ERYUAN_2020).encode("utf-8"))
    assert rep.version == F.V2019
    res = _by_rule(check_report(rep, kind="department"))
    assert res["format"] == "pass" and res["tables"] == "needs_review" and res["deadline"] == "pass", res
    assert [r for r, s in res.items() if s == "fail"] == ["sections"], res  # the excerpt stops after 三


def test_2019_labels_in_a_2021_report_are_the_old_format() -> None:
    rep = parse_report(("标题: 某县某乡2021年政府信息公开工作年度报告\n" + XIONGXIAN_2019).encode("utf-8"))
    assert rep.year == 2021 and rep.version == F.V2019
    assert _by_rule(check_report(rep, kind="township"))["format"] == "fail"


def test_2019_trial_table_sum_rules() -> None:
    """Table 三 of the trial format has one （六）其他处理 row; R3 sums it, and a broken R1 is reported."""
    from xxgk.samples.annual_reports import build_report

    data, truth = build_report("洱源县政务服务管理局", 2020, "html", "department", ["r1"])
    rep = parse_report(data, "trial.html")
    assert rep.version == F.V2019 and "三.六" in rep.tables["t3"]["rows"] and "三.六.1" not in rep.tables["t3"]["rows"]
    res = _by_rule(check_report(rep, kind="department"))
    assert res["R1"] == "fail" and res["R3"] == "pass" and res["format"] == "pass"


# ---------------------------------------------------------------- deadlines by kind

@pytest.mark.parametrize(("title", "kind", "sure"), [
    ("柘城县2017年政府信息公开工作年度报告", "government", True),
    ("南屏区人民政府2023年政府信息公开工作年度报告", "government", True),
    ("2022年上海市政府信息公开工作年度报告", "government", True),
    ("柘城县财政局2017年信息公开工作 年度报告", "department", True),
    ("柘城县发改委2017政府信息公开工作年度报告", "department", True),
    ("柘城县扶贫办2017年政府信息年度报告", "department", True),
    ("洱源县政务服务管理局2020年政府信息公开工作年度报告", "department", True),
    ("柘城县城关镇2017政府信息公开工作年度报告", "township", False),
    ("柘城县邵园乡2017年政府信息公开工作年度报告", "township", False),
    ("柘城县长江新城办事处2017年政府信息公开工作年度报告", "township", False),
])
def test_kind_from_the_body_a_title_names(title: str, kind: str, sure: bool) -> None:
    from scoring.annual_report.find import issuing_body

    guess = infer_kind(issuing_body(title))
    assert (guess.kind, guess.sure) == (kind, sure), guess


def test_county_report_gets_the_government_deadline_without_kind() -> None:
    text = "柘城县2020年政府信息公开工作年度报告\n发布日期：2021-02-22\n一、总体情况\n……\n"
    res = {r.rule: r for r in check_report(parse_report(text.encode("utf-8"), "zc.txt"))}
    assert res["deadline"].status == "pass", res["deadline"].message  # not 逾期 22 天 against 1月31日
    assert res["deadline"].extra["kind"] == "government" and res["deadline"].extra["deadline"] == "2021-03-31"


def test_county_2017_report_without_legacy_rule_is_on_time() -> None:
    """柘城's 2017 report, listed 2018-02-22: on time for a county government even judged by the 2019 rule."""
    r = check_deadline("government", 2017, dt.date(2018, 2, 22), legacy=None,
                       guess=infer_kind("柘城县"))
    assert r.status == "pass"


@pytest.mark.parametrize(("published", "status"), [
    (dt.date(2021, 1, 20), "pass"), (dt.date(2021, 2, 22), "needs_review"), (dt.date(2021, 4, 2), "fail")])
def test_township_deadline_is_unsure_between_january_and_march(published: dt.date, status: str) -> None:
    guess = infer_kind("柘城县城关镇")
    r = check_deadline(guess.kind, 2020, published, guess=guess)
    assert r.status == status, r.message
    if status == "needs_review":
        assert "未计逾期" in r.message


def test_department_report_is_late_after_january() -> None:
    text = "柘城县财政局2020年政府信息公开工作年度报告\n发布日期：2021-02-22\n"
    res = {r.rule: r for r in check_report(parse_report(text.encode("utf-8"), "cz.txt"))}
    assert res["deadline"].status == "fail" and "逾期 22 天" in res["deadline"].message


def test_real_list_titles_by_kind(zhecheng: Path) -> None:
    """The 柘城 年报 lists (政府 / 部门 / 乡镇): every title's body gets its list's kind (or an unsure one)."""
    from scoring.annual_report.find import is_annual_report_title, report_unit

    want = {"county": {"government"}, "dept": {"department"}, "township": {"township"}}
    for part, kinds in want.items():
        sel = Selector(text=(zhecheng / f"gov-annual-report-list-{part}-zhecheng-2018.html").read_text(encoding="utf-8"))
        titles = [t.strip() for t in sel.css("li a::text").getall() if is_annual_report_title(t.strip())]
        assert len(titles) >= 5, part
        got = {t: infer_kind(report_unit(t)) for t in titles}
        for t, g in got.items():
            assert g.kind in kinds or not g.sure, (part, t, g)
        assert sum(g.kind in kinds for g in got.values()) >= len(titles) - 1, (part, got)
