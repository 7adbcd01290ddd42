"""Near-synonym columns match with their evidence (how, score, term); unrelated look-alikes do not."""

from __future__ import annotations

import pytest

from scoring.match import ALIAS, EXACT, FUZZY, PASS_SCORE, REVIEW_SCORE, Matcher, normalize, similarity
from scoring.rubric import find_rubric, load_rubric


@pytest.fixture(scope="module")
def uni() -> Matcher:
    return Matcher(load_rubric(find_rubric("moe-university-checklist-2014")))


@pytest.fixture(scope="module")
def gov() -> Matcher:
    return Matcher(load_rubric(find_rubric("gov-website-inspection-2019")))


def test_evidence_says_how_and_what(uni: Matcher) -> None:
    exact = uni.match_column("学术规范制度")[0]
    assert (exact.item_id, exact.how, exact.score, exact.term) == ("41", EXACT, 100.0, "学术规范制度")
    alias = uni.match_column("教代会工作报告")[0]
    assert (alias.item_id, alias.how, alias.term) == ("3", ALIAS, "教代会工作报告")
    clause = uni.match_column("收入预算表")[0]
    assert (clause.item_id, clause.how, clause.sub_item_id) == ("19", ALIAS, "19.2")
    j = alias.as_json()
    assert set(j) == {"name", "path", "url", "how", "score", "term", "sub_item"}


@pytest.mark.parametrize(("name", "item"), [
    ("学校“十五五”发展规划", "5"),  # a plan period not listed in the aliases
    ("《学生申诉处理办法》", "39"),
    ("２０２４年招生章程", "7"),
    ("学生奖励与处罚办法", "38"),
    ("校级领导干部因公出国(境)情况", "23"),
])
def test_near_synonyms_match_confidently(uni: Matcher, name: str, item: str) -> None:
    ms = uni.match_column(name)
    assert ms and {m.item_id for m in ms} == {item} and all(m.confident for m in ms)


def test_fuzzy_match_carries_its_score(uni: Matcher) -> None:
    ms = [m for m in uni.match_column("学校领导简介") if m.item_id == "1"]
    assert ms and ms[0].how == FUZZY and REVIEW_SCORE <= ms[0].score
    assert ms[0].confident == (ms[0].score >= PASS_SCORE)


@pytest.mark.parametrize(("a", "b"), [
    ("招生信息", "招聘信息"), ("学术规范", "学术委员会"), ("预算", "决算"), ("部门预算", "部门决算"),
    ("本科招生章程", "研究生招生章程"), ("学士学位授予", "硕士学位授予"), ("学生奖励", "学生资助"),
    ("校领导社会兼职", "校领导因公出国"), ("留学生管理", "中外合作办学"),
])
def test_tricky_pairs_stay_apart(a: str, b: str) -> None:
    assert similarity(normalize(a), normalize(b)) < REVIEW_SCORE
    assert similarity(normalize(b), normalize(a)) < REVIEW_SCORE


@pytest.mark.parametrize(("name", "not_item"), [
    ("人才招聘", "7"), ("招生信息网", "25"), ("财务决算", "19"), ("学术委员会", "41"), ("考生申诉", "39"),
])
def test_unrelated_look_alikes_not_matched(uni: Matcher, name: str, not_item: str) -> None:
    assert not_item not in {m.item_id for m in uni.match_column(name)}


def test_government_platform_columns(gov: Matcher) -> None:
    got = {n: [(m.item_id, m.sub_item_id) for m in gov.match_column(n) if m.confident]
           for n in ("政府信息公开指南", "信息公开年报", "法定主动公开内容", "互动交流", "政务咨询", "办事指南")}
    assert got["政府信息公开指南"] == [("D8", "D8.1")]
    assert got["信息公开年报"] == [("D8", "D8.4")]
    assert got["法定主动公开内容"] == [("D8", "D8.3")]
    assert [i for i, _s in got["互动交流"]] == ["V5"] and [i for i, _s in got["政务咨询"]] == ["V5"]
    assert [i for i, _s in got["办事指南"]] == ["V6"]
    assert gov.match_column("政府信息公开") == [] and gov.match_column("网站首页") == []
