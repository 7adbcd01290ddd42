"""Which kind of 通报 a run calls for, and the words of each kind.

A bulletin on government websites must not speak of 高校 or 学年, nor one on universities of 政府网站:
every title, noun, addressee and 整改 sentence of the document comes from the `Words` of its kind.
The kind follows the rubric: its check kinds (all monthly_volume → monthly; all annual_report → annual
report) and its audience (`applies_to`; failing that, the sites' own kind).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from reports.model import RunData

INSPECTION, CHECKLIST, ANNUAL_GOV, ANNUAL_UNIVERSITY, MONTHLY = (
    "inspection", "checklist", "annual_report_government", "annual_report_university", "monthly_volume")
GOVERNMENT, UNIVERSITY = "government", "university"
NEUTRAL_KINDS = {"manual", "applies_to", ""}  # checks that say nothing about what a rubric audits


@dataclass(frozen=True, kw_only=True)
class Words:
    """The wording of one kind of 通报."""

    kind: str
    audience: str  # government | university
    title: str  # 关于…的通报 (without 关于/的通报)
    subject: str  # what was assessed, e.g. 政府网站
    unit: str  # the noun for one assessed site, e.g. 网站, 高校
    addressee: str  # default 主送机关
    sender: str  # default 发文机关
    code: str  # default 发文字号 代字
    action: str  # 检查 / 评估 / 监测
    requirements: tuple[str, ...]  # 整改要求, before the deadline sentence
    score_heading: str  # 二、… heading
    measure: str = "个"  # the classifier: 6个网站, 6所高校
    fail_word: str = "不符合要求"  # a failed indicator, in the problem list
    partial_word: str = "部分符合要求"


_GOV_REQUIREMENTS = (
    "各单位要高度重视政府信息公开和政府网站建设管理工作，对照本通报指出的问题逐项整改，建立问题清单和整改台账，"
    "明确责任人和完成时限。",
    "对单项否决、栏目缺失、长期不更新和空白栏目等问题，要立即整改；需要调整栏目设置的，要同步更新政府信息公开指南和目录。",
    "健全信息发布审核和日常巡检机制，定期检查链接可用性和栏目更新情况，防止问题反弹。",
)
_UNIVERSITY_REQUIREMENTS = (
    "各高校要高度重视信息公开工作，对照《高等学校信息公开事项清单》和本通报指出的问题逐项整改，建立整改台账，"
    "明确责任部门和完成时限。",
    "未公开或公开不完整的清单事项，要在信息公开专栏设置相应栏目并及时发布；已设栏目但无内容的，要补充内容。",
    "完善信息公开工作机制，做好信息公开专栏的日常维护和更新，防止问题反弹。",
)

WORDS: dict[str, Words] = {
    INSPECTION: Words(
        kind=INSPECTION, audience=GOVERNMENT, title="政府网站检查情况", subject="政府网站", unit="网站",
        addressee="各有关单位", sender="政府网站检查工作组", code="网检通", action="检查",
        requirements=_GOV_REQUIREMENTS, score_heading="二、检查得分情况"),
    CHECKLIST: Words(
        kind=CHECKLIST, audience=UNIVERSITY, title="高等学校信息公开事项清单落实情况", subject="高等学校信息公开",
        unit="高校", measure="所", addressee="各高等学校", sender="高等学校信息公开评估工作组", code="高公评通",
        action="评估", requirements=_UNIVERSITY_REQUIREMENTS, score_heading="二、评估得分情况",
        fail_word="未公开", partial_word="部分公开"),
    ANNUAL_GOV: Words(
        kind=ANNUAL_GOV, audience=GOVERNMENT, title="政府信息公开工作年度报告发布情况",
        subject="政府信息公开工作年度报告", unit="单位", addressee="各有关单位", sender="政务公开工作组",
        code="公开通", action="检查", score_heading="二、检查得分情况", requirements=(
            "各单位要按照《中华人民共和国政府信息公开条例》第四十九条、第五十条和年度报告格式要求，"
            "对照本通报指出的问题修改完善年度报告，在政府信息公开专栏重新发布。",
            "年度报告的统计表要如实填报，数字前后一致、勾稽关系正确；以可复制文字的形式发布，不得仅发布图片或扫描件。",
            "今后要在规定时限内发布年度报告，并在发布前做好审核。")),
    ANNUAL_UNIVERSITY: Words(
        kind=ANNUAL_UNIVERSITY, audience=UNIVERSITY, title="高等学校信息公开工作年度报告发布情况",
        subject="高等学校信息公开工作年度报告", unit="高校", measure="所", addressee="各高等学校",
        sender="高等学校信息公开评估工作组", code="高公评通", action="评估", score_heading="二、评估得分情况",
        fail_word="未达到要求", partial_word="部分达到要求", requirements=(
            "各高校要对照本通报指出的问题修改完善信息公开工作年度报告，补齐报告提纲要求的内容和"
            "清单事项公开情况表，在信息公开专栏重新发布。",
            "今后要在每年10月31日前发布上一学年的年度报告，并在学校门户网站首页或信息公开专栏显著位置公布。")),
    MONTHLY: Words(
        kind=MONTHLY, audience=GOVERNMENT, title="政府信息公开月度发布情况", subject="政府信息发布情况",
        unit="单位", addressee="各有关单位", sender="政务公开工作组", code="公开通", action="监测",
        score_heading="二、发布情况", fail_word="未达到要求", partial_word="部分达到要求", requirements=(
            "出现空白月的单位要立即整改，按照《中华人民共和国政府信息公开条例》第二十六条的要求，"
            "及时、准确发布本单位的政府信息。",
            "发布量低于月度要求的单位要查找原因，落实专人负责，确保每月发布量达到要求。",
            "各单位要建立信息发布台账，每月自查发布情况。")),
}


def _base_kind(check_kind: str) -> str:
    return check_kind.strip().split("#", 1)[0]


def check_kinds(findings: pd.DataFrame) -> set[str]:
    """The check kinds the run's findings were made by, without the neutral ones."""
    kinds: set[str] = set()
    for value in findings.get("check_kind", pd.Series(dtype=str)).dropna().astype(str):
        kinds.update(_base_kind(k) for k in value.split("+"))
    return kinds - NEUTRAL_KINDS


def audience(data: RunData) -> str:
    """government or university: the rubric's `applies_to` when it names one, else most sites' own kind."""
    declared = _applies_to(data.rubric_id)
    if declared in (GOVERNMENT, UNIVERSITY):
        return declared
    kinds = Counter(str(k) for k in data.sites.get("kind", pd.Series(dtype=str)).dropna())
    for kind, _n in kinds.most_common():
        if kind in (GOVERNMENT, UNIVERSITY):
            return kind
    return GOVERNMENT


def _applies_to(rubric_id: str) -> str | None:
    """The bundled rubric's audience; None when the rubric is not bundled or no longer loads."""
    from scoring.rubric import find_rubric, load_rubric

    if not rubric_id:
        return None
    try:
        return str(load_rubric(find_rubric(rubric_id)).applies_to)
    except Exception:  # scored from a path that is gone, or a file that no longer validates
        return None


def bulletin_kind(data: RunData) -> str:
    """The kind of 通报 this run's findings call for."""
    kinds = check_kinds(pd.DataFrame({"check_kind": data.finding_sums.check_kinds}))
    who = audience(data)
    if kinds and kinds <= {"monthly_volume"}:
        return MONTHLY
    if kinds and kinds <= {"annual_report"}:
        return ANNUAL_UNIVERSITY if who == UNIVERSITY else ANNUAL_GOV
    return CHECKLIST if who == UNIVERSITY else INSPECTION


def words_for(data: RunData) -> Words:
    """The words of this run's 通报."""
    return WORDS[bulletin_kind(data)]
