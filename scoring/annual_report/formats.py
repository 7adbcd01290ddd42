"""The official report formats: sections, university parts and the labels of tables 二, 三 and 四.

Sources: 国办公开办函〔2021〕30号 (2021 format) and 〔2019〕60号 (trial format, reports for 2019–2020);
教办厅函〔2018〕80号 (university parts). Keys are stable identifiers used in findings and truth files.
"""

from __future__ import annotations

V2021 = "2021"
V2019 = "2019"
FREE_TEXT = "free_text"  # reports before 2019: no fixed tables

# Section key → (official heading, keyword groups; a heading matches when every group has a hit).
GOV_SECTIONS: list[tuple[str, str, list[list[str]]]] = [
    ("一", "一、总体情况", [["总体情况", "概述", "基本情况"]]),
    ("二", "二、主动公开政府信息情况", [["主动公开"]]),
    ("三", "三、收到和处理政府信息公开申请情况", [["收到和处理", "依申请", "申请情况", "公开申请"]]),
    ("四", "四、政府信息公开行政复议、行政诉讼情况", [["复议", "诉讼"]]),
    ("五", "五、存在的主要问题及改进情况", [["问题", "不足"], ["改进", "整改", "措施"]]),
    ("六", "六、其他需要报告的事项", [["其他需要报告", "其他事项", "其他需报告"]]),
]

UNIVERSITY_PARTS: list[tuple[str, str, list[list[str]]]] = [
    ("1", "概述", [["概述", "总体情况", "基本情况"]]),
    ("2", "主动公开情况", [["主动公开"]]),
    ("3", "依申请公开和不予公开情况", [["依申请", "不予公开"]]),
    ("4", "对信息公开的评议情况", [["评议"]]),
    ("5", "因学校信息公开工作受到举报、复议、诉讼的情况", [["举报", "复议", "诉讼"]]),
    ("6", "信息公开工作的主要经验、问题和改进措施", [["经验", "问题", "改进"]]),
    ("7", "其他需要报告的事项", [["其他需要报告", "其他事项"]]),
    ("8", "附：清单事项公开情况表", [["清单事项", "公开情况表", "事项公开情况"]]),
]

# ---------------------------------------------------------------- table 二 (主动公开)
# (caption, row label, [column labels]) in document order.
T2_2021: list[tuple[str, str, list[str]]] = [
    ("第二十条第（一）项", "规章", ["本年制发件数", "本年废止件数", "现行有效件数"]),
    ("第二十条第（一）项", "行政规范性文件", ["本年制发件数", "本年废止件数", "现行有效件数"]),
    ("第二十条第（五）项", "行政许可", ["本年处理决定数量"]),
    ("第二十条第（六）项", "行政处罚", ["本年处理决定数量"]),
    ("第二十条第（六）项", "行政强制", ["本年处理决定数量"]),
    ("第二十条第（八）项", "行政事业性收费", ["本年收费金额（单位：万元）"]),
]
T2_2019: list[tuple[str, str, list[str]]] = [
    ("第二十条第（一）项", "规章", ["本年新制作数量", "本年新公开数量", "对外公开总数量"]),
    ("第二十条第（一）项", "规范性文件", ["本年新制作数量", "本年新公开数量", "对外公开总数量"]),
    ("第二十条第（五）项", "行政许可", ["上一年项目数量", "本年增/减", "处理决定数量"]),
    ("第二十条第（五）项", "其他对外管理服务事项", ["上一年项目数量", "本年增/减", "处理决定数量"]),
    ("第二十条第（六）项", "行政处罚", ["上一年项目数量", "本年增/减", "处理决定数量"]),
    ("第二十条第（六）项", "行政强制", ["上一年项目数量", "本年增/减", "处理决定数量"]),
    ("第二十条第（八）项", "行政事业性收费", ["上一年项目数量", "本年增/减"]),
    ("第二十条第（九）项", "政府集中采购", ["采购项目数量", "采购总金额"]),
]

# ---------------------------------------------------------------- table 三 (申请)
T3_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
T3_GROUP = "法人或其他组织"

_T3_HEAD = [
    ("一", "一、本年新收政府信息公开申请数量"),
    ("二", "二、上年结转政府信息公开申请数量"),
    ("三.一", "（一）予以公开"),
    ("三.二", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("三.三.1", "1.属于国家秘密"),
    ("三.三.2", "2.其他法律行政法规禁止公开"),
    ("三.三.3", '3.危及"三安全一稳定"'),
    ("三.三.4", "4.保护第三方合法权益"),
    ("三.三.5", "5.属于三类内部事务信息"),
    ("三.三.6", "6.属于四类过程性信息"),
    ("三.三.7", "7.属于行政执法案卷"),
    ("三.三.8", "8.属于行政查询事项"),
    ("三.四.1", "1.本机关不掌握相关政府信息"),
    ("三.四.2", "2.没有现成信息需要另行制作"),
    ("三.四.3", "3.补正后申请内容仍不明确"),
    ("三.五.1", "1.信访举报投诉类申请"),
    ("三.五.2", "2.重复申请"),
    ("三.五.3", "3.要求提供公开出版物"),
    ("三.五.4", "4.无正当理由大量反复申请"),
    ("三.五.5", "5.要求行政机关确认或重新出具已获取信息"),
]
_T3_OTHER_2021 = [
    ("三.六.1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("三.六.2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("三.六.3", "3.其他"),
]
_T3_OTHER_2019 = [("三.六", "（六）其他处理")]
_T3_TAIL = [("三.七", "（七）总计"), ("四", "四、结转下年度继续办理")]

T3_ROWS: dict[str, list[tuple[str, str]]] = {
    V2021: _T3_HEAD + _T3_OTHER_2021 + _T3_TAIL,
    V2019: _T3_HEAD + _T3_OTHER_2019 + _T3_TAIL,
}
# Parent labels of the grouped rows (for display and rowspans).
T3_PARENTS = {"三": "三、本年度办理结果", "三.三": "（三）不予公开", "三.四": "（四）无法提供",
              "三.五": "（五）不予处理", "三.六": "（六）其他处理"}
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# ---------------------------------------------------------------- table 四 (复议、诉讼)
T4_GROUPS = [("复议", "行政复议"), ("直接起诉", "未经复议直接起诉"), ("复议后起诉", "复议后起诉")]
T4_RESULTS_REVIEW = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
T4_RESULTS_SUIT = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
T4_COLUMNS: list[str] = [f"{g}.{r}" for g, _n in T4_GROUPS for r in T4_RESULTS_REVIEW]


def _normalised(text: str) -> str:
    from scoring.annual_report.text import norm_label

    return norm_label(text)


def text_version(text: str) -> str | None:
    """The format whose table labels the text carries (2019 trial or 2021), None when neither or both tie."""
    t = _normalised(text)
    n19 = sum(m in t for m in V2019_MARKERS)
    n21 = sum(m in t for m in V2021_MARKERS)
    if n19 == n21:
        return None
    return V2019 if n19 > n21 else V2021


def tables_in_text(text: str) -> list[str]:
    """Which of the tables 二, 三, 四 (t2, t3, t4) the text names by their labels."""
    t = _normalised(text)
    return [k for k, marks in TABLE_MARKERS.items() if sum(m in t for m in marks) >= 2]


def version_for_year(year: int) -> str:
    """The format a report for `year` must use."""
    if year < 2019:
        return FREE_TEXT
    return V2019 if year < 2021 else V2021


def t3_label(key: str, version: str) -> str:
    """The official label of a table-三 row."""
    return dict(T3_ROWS[version])[key]


# ---------------------------------------------------------------- labels in flattened text
# Labels only one format's tables carry: they tell the version even when the cells cannot be read.
V2019_MARKERS = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "政府集中采购", "采购总金额", "其他对外管理服务事项",
                 "第二十条第(九)项")
V2021_MARKERS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "逾期不补正", "逾期未按收费通知")
# Labels of the tables 二, 三 and 四 in either format (their presence means the report has them).
TABLE_MARKERS = {
    "t2": ("第二十条第(一)项", "第二十条第(五)项", "第二十条第(六)项", "第二十条第(八)项"),
    "t3": ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "结转下年度继续办理"),
    "t4": ("结果维持", "结果纠正", "尚未审结"),
}
