"""The bundled university rubric loads, has the official structure, and names items verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.rubric import find_rubric, list_rubrics, load_rubric, rubric_hash

RUBRIC_ID = "moe-university-checklist-2014"

SECTIONS = {
    "1": ("基本信息", range(1, 7)),
    "2": ("招生考试信息", range(7, 15)),
    "3": ("财务、资产及收费信息", range(15, 22)),
    "4": ("人事师资信息", range(22, 27)),
    "5": ("教学质量信息", range(27, 36)),
    "6": ("学生管理服务信息", range(36, 40)),
    "7": ("学风建设信息", range(40, 43)),
    "8": ("学位、学科信息", range(43, 47)),
    "9": ("对外交流与合作信息", range(47, 49)),
    "10": ("其他", range(49, 51)),
}

# Verbatim from 教办函〔2014〕23号 (shared/reference/university-checklist.md).
OFFICIAL_NAMES = {
    "1": "办学规模、校级领导班子简介及分工、学校机构设置、学科情况、专业情况、各类在校生情况、教师和专业技术人员数量等办学基本情况",
    "2": "学校章程及制定的各项规章制度",
    "3": "教职工代表大会相关制度、工作报告",
    "4": "学术委员会相关制度、年度报告",
    "5": "学校发展规划、年度工作计划及重点工作安排",
    "6": "信息公开年度报告",
    "7": "招生章程及特殊类型招生办法，分批次、分科类招生计划",
    "8": "保送、自主选拔录取、高水平运动员和艺术特长生招生等特殊类型招生入选考生资格及测试结果",
    "9": "考生个人录取信息查询渠道和办法，分批次、分科类录取人数和录取最低分",
    "10": "招生咨询及考生申诉渠道，新生复查期间有关举报、调查及处理结果",
    "11": "研究生招生简章、招生专业目录、复试录取办法，各院（系、所）或学科、专业招收研究生人数",
    "12": "参加研究生复试的考生成绩",
    "13": "拟录取研究生名单",
    "14": "研究生招生咨询及申诉渠道",
    "15": "财务、资产管理制度",
    "16": "受捐赠财产的使用与管理情况",
    "17": "校办企业资产、负债、国有资产保值增值等信息",
    "18": "仪器设备、图书、药品等物资设备采购和重大基建工程的招投标",
    "19": "收支预算总表、收入预算表、支出预算表、财政拨款支出预算表",
    "20": "收支决算总表、收入决算表、支出决算表、财政拨款支出决算表",
    "21": "收费项目、收费依据、收费标准及投诉方式",
    "22": "校级领导干部社会兼职情况",
    "23": "校级领导干部因公出国（境）情况",
    "24": "岗位设置管理与聘用办法",
    "25": "校内中层干部任免、人员招聘信息",
    "26": "教职工争议解决办法",
    "27": "本科生占全日制在校生总数的比例、教师数量及结构",
    "28": "专业设置、当年新增专业、停招专业名单",
    "29": "全校开设课程总门数、实践教学学分占总学分比例、选修课学分占总学分比例",
    "30": "主讲本科课程的教授占教授总数的比例、教授授课占课程总门次数的比例",
    "31": "促进毕业生就业的政策措施和指导服务",
    "32": "毕业生的规模、结构、就业率、就业流向",
    "33": "高校毕业生就业质量年度报告",
    "34": "艺术教育发展年度报告",
    "35": "本科教学质量报告",
    "36": "学籍管理办法",
    "37": "学生奖学金、助学金、学费减免、助学贷款、勤工俭学的申请与管理规定",
    "38": "学生奖励处罚办法",
    "39": "学生申诉途径与处理程序",
    "40": "学风建设机构",
    "41": "学术规范制度",
    "42": "学术不端行为查处机制",
    "43": "授予博士、硕士、学士学位的基本要求",
    "44": "拟授予硕士、博士学位同等学力人员资格审查和学力水平认定",
    "45": "新增硕士、博士学位授权学科或专业学位授权点审核办法",
    "46": "拟新增学位授权学科或专业学位授权点的申报及论证材料",
    "47": "中外合作办学情况",
    "48": "来华留学生管理相关规定",
    "49": "巡视组反馈意见，落实反馈意见整改情况",
    "50": "自然灾害等突发事件的应急处理预案、预警信息和处置情况，涉及学校的重大事件的调查和处理情况",
}


@pytest.fixture(scope="module")
def rubric_path() -> Path:
    return find_rubric(RUBRIC_ID)


def test_rubric_structure(rubric_path: Path) -> None:
    r = load_rubric(rubric_path)
    assert r.id == RUBRIC_ID
    assert r.applies_to == "university" and r.method == "weighted"
    assert r.source.number == "教办函〔2014〕23号"
    assert any("教育部令第29号" in b for b in r.source.basis)
    assert r.weighting and "2" in r.weighting
    assert len(r.sections) == 10
    assert len(r.items()) == 50
    assert sum(i.weight or 0 for _s, i in r.items()) == pytest.approx(100)
    for section in r.sections:
        name, ids = SECTIONS[section.id]
        assert section.name == name
        assert [i.id for i in section.items] == [str(n) for n in ids]


def test_item_names_verbatim(rubric_path: Path) -> None:
    r = load_rubric(rubric_path)
    assert {i.id: i.name for _s, i in r.items()} == OFFICIAL_NAMES


def test_every_item_has_checks_and_aliases(rubric_path: Path) -> None:
    r = load_rubric(rubric_path)
    for _s, item in r.items():
        assert item.checks, item.id
        assert item.aliases, item.id
    report_items = {"6", "33", "34", "35"}
    for _s, item in r.items():
        if item.id in report_items:
            assert item.checks[0].params.get("match_items") is True


def test_find_rubric_by_id_filename_and_path(rubric_path: Path, tmp_path: Path, monkeypatch) -> None:
    assert find_rubric(f"{RUBRIC_ID}.yaml") == rubric_path
    assert find_rubric(str(rubric_path)) == rubric_path
    assert (RUBRIC_ID, rubric_path) in list_rubrics()
    assert len(rubric_hash(rubric_path)) == 64
    monkeypatch.setenv("XXGK_RUBRICS_DIR", str(tmp_path))
    (tmp_path / "other.yaml").write_text(rubric_path.read_text(encoding="utf-8").replace(
        f"id: {RUBRIC_ID}", "id: my-copy"), encoding="utf-8")
    assert find_rubric("my-copy") == tmp_path / "other.yaml"
    assert load_rubric(find_rubric("my-copy")).id == "my-copy"


def test_find_rubric_unknown_is_user_error() -> None:
    from xxgk.errors import UserError

    with pytest.raises(UserError, match="no rubric named 'nope'"):
        find_rubric("nope")
