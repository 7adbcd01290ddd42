"""Column-name matching: normalisation, real-portal variants, and pairs that must stay apart."""

from __future__ import annotations

import pytest

from scoring.match import FUZZY, PASS_SCORE, REVIEW_SCORE, Matcher, normalize, similarity
from scoring.rubric import find_rubric, load_rubric


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_rubric(find_rubric("moe-university-checklist-2014")))


def _items(matcher: Matcher, name: str, path: str = "", confident: bool = True) -> set[str]:
    return {m.item_id for m in matcher.match_column(name, path) if m.confident or not confident}


@pytest.mark.parametrize(("raw", "norm"), [
    ("１、学校章程", "学校章程"),
    ("（3）学籍管理办法(12)", "学籍管理办法"),
    ("一、 基本信息", "基本信息"),
    ("《学校“十四五”规划》", "学校十n五规划"),
    ("学校＂十三五＂发展规划", "学校十n五发展规划"),
    ("ＡＢＣ　学籍管理", "abc学籍管理"),
    ("校级领导干部因公出国（境）情况", "校级领导干部因公出国境情况"),
    ("财务、资产管理制度 （共5条）", "财务资产管理制度"),
    ("2.3 招生计划", "招生计划"),
    ("①学术规范", "学术规范"),
    ("2024年招生章程", "2024年招生章程"),
])
def test_normalize(raw: str, norm: str) -> None:
    assert normalize(raw) == norm


# Each variant from "Variants seen on real portals" and common short names → its item.
VARIANTS = [
    ("学校简介", "1"), ("学校概况", "1"), ("办学基本情况", "1"), ("校级领导班子简介与分工", "1"),
    ("学校领导", "1"), ("校领导", "1"), ("学校机构设置", "1"), ("机构设置", "1"), ("组织机构", "1"),
    ("学科建设", "1"), ("学科情况", "1"),
    ("学校章程", "2"), ("规章制度", "2"), ("制定的各项规章制度", "2"),
    ("教职工代表大会制度", "3"), ("教职工代表大会工作报告", "3"), ("教代会", "3"),
    ("学术委员会", "4"),
    ("学校\"十三五\"规划", "5"), ("“十四五”规划", "5"), ("年度工作要点", "5"), ("发展规划", "5"),
    ("信息公开年度报告", "6"), ("年度报告", "6"),
    ("招生章程", "7"), ("特殊类型招生办法", "7"), ("分批次、分科类招生计划", "7"), ("招生计划", "7"),
    ("高水平运动队", "8"), ("录取查询", "9"), ("录取分数线", "9"), ("考生申诉", "10"),
    ("研究生招生简章", "11"), ("招生专业目录", "11"), ("复试录取办法", "11"), ("招收研究生人数", "11"),
    ("参加研究生复试考生成绩", "12"), ("复试成绩", "12"), ("拟录取名单", "13"), ("研究生招生咨询", "14"),
    ("财务管理制度", "15"), ("资产管理制度", "15"), ("捐赠", "16"), ("校办企业", "17"),
    ("招标采购", "18"), ("招投标", "18"),
    ("收支预算总表", "19"), ("收入预算表", "19"), ("预算", "19"),
    ("收支决算总表", "20"), ("支出决算表", "20"), ("决算", "20"),
    ("收费标准", "21"), ("岗位设置", "24"),
    ("校内中层干部任免信息", "25"), ("人员招聘信息", "25"), ("招聘信息", "25"), ("人员招聘", "25"),
    ("就业质量年度报告", "33"), ("本科教学质量报告", "35"),
    ("学籍管理", "36"), ("学生资助管理", "37"), ("奖助学金", "37"), ("学生资助", "37"),
    ("学生申诉办法", "39"), ("学生申诉", "39"), ("学风建设", "40"), ("学术规范", "41"),
    ("学术不端", "42"), ("学术不端行为查处机制", "42"), ("学位授予", "43"), ("同等学力", "44"),
    ("中外合作办学", "47"), ("留学生管理", "48"), ("巡视反馈意见及整改情况", "49"), ("巡视整改", "49"),
    ("应急预案", "50"),
]


@pytest.mark.parametrize(("name", "item"), [v for v in VARIANTS if v[1]])
def test_variant_matches_its_item(matcher: Matcher, name: str, item: str) -> None:
    assert _items(matcher, name) == {item}


def test_official_names_match_exactly(matcher: Matcher) -> None:
    for _s, item in matcher.rubric.items():
        ms = matcher.match_column(item.name)
        assert [(m.item_id, m.how) for m in ms] == [(item.id, "exact")]


def test_shared_alias_counts_for_both(matcher: Matcher) -> None:
    assert _items(matcher, "预决算信息") == {"19", "20"}


@pytest.mark.parametrize(("name", "path", "item"), [
    ("招生章程", "招生考试信息/研究生招生/招生章程", "11"),
    ("招生章程", "招生考试信息/本科招生/招生章程", "7"),
    ("招生简章", "研究生招生", "11"),
    ("招生计划", "招生考试信息/硕士研究生招生", "11"),
    ("招生计划", "招生考试信息/本科招生", "7"),
    ("研究生招生章程", "", "11"),
    ("招生咨询", "研究生招生/招生咨询", "14"),
    ("招生咨询", "本科招生/招生咨询", "10"),
    ("管理制度", "财务、资产及收费信息/财务信息/管理制度", "15"),
])
def test_path_decides_undergraduate_vs_graduate(matcher: Matcher, name: str, path: str, item: str) -> None:
    assert _items(matcher, name, path) == {item}


def test_scoped_alias_needs_scope(matcher: Matcher) -> None:
    assert _items(matcher, "招生简章", "本科招生") == {"7"}
    assert _items(matcher, "复试录取办法", "本科招生", confident=False) == set()
    assert _items(matcher, "管理制度", "") == set()  # at most a needs_review suggestion


@pytest.mark.parametrize(("a", "b"), [
    ("招生信息", "招聘信息"), ("学术规范", "学术委员会"), ("预算", "决算"), ("本科招生", "研究生招生"),
    ("学生申诉", "考生申诉"), ("学术规范制度", "学术委员会相关制度"), ("收入预算表", "收入决算表"),
])
def test_tricky_pairs_are_not_similar(a: str, b: str) -> None:
    assert similarity(normalize(a), normalize(b)) < REVIEW_SCORE


def test_recruiting_is_not_admissions(matcher: Matcher) -> None:
    assert _items(matcher, "招聘信息") == {"25"}
    assert _items(matcher, "招生信息", confident=False) == set()  # a category header
    assert not {"7", "11"} & _items(matcher, "人才招聘", confident=False)
    assert "25" not in _items(matcher, "招生计划", confident=False)


def test_budget_is_not_final_accounts(matcher: Matcher) -> None:
    assert _items(matcher, "部门预算", confident=False) == {"19"}
    assert _items(matcher, "部门决算", confident=False) == {"20"}
    assert _items(matcher, "2023年财政拨款支出决算表", confident=False) == {"20"}


def test_academic_norms_not_committee(matcher: Matcher) -> None:
    assert _items(matcher, "学术规范", confident=False) == {"41"}
    assert _items(matcher, "学术委员会章程", confident=False) == {"4"}
    assert _items(matcher, "学术道德规范", confident=False) == {"41"}


def test_employment_items_apart(matcher: Matcher) -> None:
    assert _items(matcher, "毕业生就业质量年度报告", confident=False) == {"33"}
    assert _items(matcher, "2024届毕业生就业质量报告", confident=False) == {"33"}
    assert _items(matcher, "毕业生就业情况", confident=False) == {"32"}
    assert _items(matcher, "就业率及就业流向", confident=False) == {"32"}
    assert _items(matcher, "就业指导服务", confident=False) == {"31"}
    assert _items(matcher, "促进就业政策措施", confident=False) == {"31"}


@pytest.mark.parametrize("header", [
    "基本信息", "招生考试信息", "财务、资产及收费信息", "人事师资信息", "教学质量信息", "学生管理服务信息",
    "学风建设信息", "学位、学科信息", "对外交流与合作信息", "其他", "一、基本信息", "财务资产及收费信息",
])
def test_category_headers_match_nothing(matcher: Matcher, header: str) -> None:
    assert matcher.match_column(header) == []


@pytest.mark.parametrize("generic", ["学校新闻", "通知公告", "综合新闻", "信息公开指南", "信息公开目录",
                                     "依申请公开", "首页", "更多>>", "图片新闻"])
def test_generic_columns_match_nothing(matcher: Matcher, generic: str) -> None:
    assert matcher.match_column(generic) == []


def test_fuzzy_between_bars_is_not_confident(matcher: Matcher) -> None:
    ms = matcher.match_column("学校领导简介")
    assert ms and ms[0].item_id == "1"
    weak = [m for m in matcher.match_column("学科专业情况")]
    assert all(m.how == FUZZY for m in weak)
    for m in weak:
        assert (m.score >= PASS_SCORE) == m.confident


def test_match_is_deterministic(matcher: Matcher) -> None:
    a = [m.as_json() for m in matcher.match_column("学校章程及规章制度汇编", "基本信息")]
    b = [m.as_json() for m in matcher.match_column("学校章程及规章制度汇编", "基本信息")]
    assert a == b and a


def test_disclosure_office_rules_are_not_item_2(matcher: Matcher) -> None:
    assert _items(matcher, "信息公开规章制度", confident=False) == set()
    assert _items(matcher, "依申请公开规定", confident=False) == set()


def test_fragment_of_a_term_is_never_confident(matcher: Matcher) -> None:
    # 学生管理规定 is a fragment of 留学生管理规定 (item 48) but means something else
    assert _items(matcher, "学生管理规定") == set()
    assert all(not m.confident for m in matcher.match_column("学生管理规定"))


def test_bulk_prefilter_changes_no_column_score(monkeypatch):
    """`Matcher.prime`'s cdist skips only pairs that could never reach REVIEW_SCORE: every score is kept."""
    import scoring.match as match
    from scoring.rubric import find_rubric, load_rubric

    rubric = load_rubric(find_rubric("moe-university-checklist-2014"))
    names = [t.text for it in match.Matcher(rubric).items for t in it.terms]
    names += ["2024年招生章程", "招聘信息", "信息公开规章制度", "工作报告教代会", "中外合作办学", "学生管理规定",
              "财务预算", "决算公开", "本科生招生", "研究生招生简章", "学校概况", "校务公开", "其他"]
    names += [n[:-1] for n in names if len(n) > 3] + [n + "情况" for n in names]
    primed = match.Matcher(rubric)
    primed.prime(names)
    pairs = [(match._norm(n), t.norm) for n in names for it in primed.items for t in it.terms]
    skipped = sum(1 for n, t in pairs if n != t and not primed._may_reach_review(n, t))
    assert skipped > len(pairs) // 2, "the prefilter should spare most similarity calls"
    with_prefilter = [primed._score(match._norm(n), [match._norm(n)]) for n in names]
    monkeypatch.setattr(match.Matcher, "_may_reach_review", lambda *_a: True)
    plain = match.Matcher(rubric)
    assert with_prefilter == [plain._score(match._norm(n), [match._norm(n)]) for n in names]
    assert sum(1 for r in with_prefilter if r) > 50
