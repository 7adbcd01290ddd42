"""HTML tables as real portals write them: rowspan/colspan, labels split over <br/> or <p>, quote
variants, blank cells, units, and both the 2021 and the 2019 trial format."""

from __future__ import annotations

from bs4 import BeautifulSoup

from scoring.annual_report import parse_report
from scoring.annual_report.grid import grid_from_html_table
from scoring.annual_report.rules import sum_rules

P = '<p style="text-indent: 0em;">{}</p>'


def td(text: str, rs: int = 1, cs: int = 1) -> str:
    attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
    return f"<td{attrs}>{text}</td>"


def test_grid_expands_spans_and_joins_split_labels() -> None:
    html = ("<table><tr>" + td("甲", rs=2) + td("乙", cs=2) + "</tr><tr>" + td("商业<br />企业")
            + td(P.format("法律服务") + P.format("机构")) + "</tr><tr>" + td("1") + td("&nbsp;") + td("0")
            + "</tr></table>")
    g = grid_from_html_table(BeautifulSoup(html, "lxml").table)
    assert g.rows == [["甲", "乙", "乙"], ["甲", "商业企业", "法律服务机构"], ["1", "", "0"]]
    assert g.origin[1][0] == (0, 0) and g.origin[0][2] == (0, 1)
    assert [t for _o, t in g.distinct(0)] == ["甲", "乙"]


def _t3_html(version: str, values: dict[str, list[str]], quote: str = "“”") -> str:
    """Table 三 in a 平潭-like markup: <p> cells, split header labels, rowspans."""
    head = (
        "<tr>" + td(P.format("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"), rs=3, cs=3)
        + td(P.format("申请人情况"), cs=7) + "</tr><tr>" + td(P.format("自然人"), rs=2)
        + td(P.format("法人或其他组织"), cs=5) + td(P.format("总计"), rs=2) + "</tr><tr>"
        + td(P.format("商业") + P.format("企业")) + td("科研<br/>机构") + td(P.format("社会公益组织"))
        + td(P.format("法律服务 机构")) + td(P.format("其他")) + "</tr>")

    def vals(key: str) -> str:
        return "".join(td(P.format(v) if v else "&nbsp;") for v in values[key])

    rows = [("一", "一、本年新收政府信息公开申请数量", 3), ("二", "二、上年结转政府信息公开申请数量", 3)]
    body = "".join("<tr>" + td(P.format(lab), cs=cs) + vals(k) + "</tr>" for k, lab, cs in rows)
    n3 = 22 if version == "2021" else 20
    body += ("<tr>" + td(P.format("三、本年度办理结果"), rs=n3) + td(P.format("（一）予以公开"), cs=2) + vals("三.一")
             + "</tr>")
    body += "<tr>" + td(P.format("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), cs=2) + vals("三.二") + "</tr>"
    groups = [
        ("（三）不予公开", [("三.三.1", "1.属于国家秘密"), ("三.三.2", "2.其他法律行政法规禁止公开"),
                        ("三.三.3", f"3.危及{quote[0]}三安全一稳定{quote[-1]}"), ("三.三.4", "4.保护第三方合法权益"),
                        ("三.三.5", "5.属于三类内部事务信息"), ("三.三.6", "6.属于四类过程性信息"),
                        ("三.三.7", "7.属于行政执法案卷"), ("三.三.8", "8.属于行政查询事项")]),
        ("（四）无法提供", [("三.四.1", "1.本机关不掌握相关政府信息"), ("三.四.2", "2.没有现成信息需要另行制作"),
                        ("三.四.3", "3.补正后申请内容仍不明确")]),
        ("（五）不予处理", [("三.五.1", "1.信访举报投诉类申请"), ("三.五.2", "2.重复申请"),
                        ("三.五.3", "3.要求提供公开出版物"), ("三.五.4", "4.无正当理由大量反复申请"),
                        ("三.五.5", "5.要求行政机关确认或重新出具已获取信息")]),
    ]
    if version == "2021":
        groups.append(("（六）其他处理", [
            ("三.六.1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
            ("三.六.2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
            ("三.六.3", "3.其他")]))
    for parent, kids in groups:
        for i, (k, lab) in enumerate(kids):
            lead = td(P.format(parent), rs=len(kids)) if i == 0 else ""
            body += "<tr>" + lead + td(P.format(lab)) + vals(k) + "</tr>"
    if version == "2019":
        body += "<tr>" + td(P.format("（六）其他处理"), cs=2) + vals("三.六") + "</tr>"
    body += "<tr>" + td(P.format("（七）总计"), cs=2) + vals("三.七") + "</tr>"
    body += "<tr>" + td(P.format("四、结转下年度继续办理"), cs=3) + vals("四") + "</tr>"
    return f'<table border="1"><tbody>{head}{body}</tbody></table>'


def _values(version: str) -> dict[str, list[str]]:
    keys = (["一", "二", "三.一", "三.二"] + [f"三.三.{i}" for i in range(1, 9)] + [f"三.四.{i}" for i in range(1, 4)]
            + [f"三.五.{i}" for i in range(1, 6)]
            + ([f"三.六.{i}" for i in range(1, 4)] if version == "2021" else ["三.六"]) + ["三.七", "四"])
    v = {k: [""] * 7 for k in keys}  # blank unless set
    v["一"] = ["14", "2", "", "", "", "0", "16"]
    v["二"] = ["1", "", "", "", "", "", "1"]
    v["三.一"] = ["10", "1", "", "", "", "", "11"]
    v["三.四.1"] = ["3", "1", "", "", "", "", "4"]
    v["三.七"] = ["13", "2", "", "", "", "", "15"]
    v["四"] = ["2", "0", "", "", "", "", "2"]
    return v


def _page(*tables: str) -> bytes:
    return ("<html><head><title>某区2023年政府信息公开工作年度报告</title></head><body>"
            "<h1>某区2023年政府信息公开工作年度报告</h1><p>发布日期：2024-01-20</p>"
            + "".join(tables) + "</body></html>").encode("gb18030")


def test_table3_2021_read_with_official_labels_and_blanks() -> None:
    rep = parse_report(_page(_t3_html("2021", _values("2021"), quote="''")), "r.html")
    t3 = rep.tables["t3"]
    assert t3["version"] == "2021" and t3["columns_verified"] and not t3["problems"]
    assert list(t3["rows"]) == [k for k in _values("2021")]
    assert t3["rows"]["一"]["values"] == [14, 2, None, None, None, 0, 16]  # blank ≠ 0
    assert t3["rows"]["三.三.3"]["label"] == '3.危及"三安全一稳定"'
    assert t3["rows"]["三.六.3"]["values"] == [None] * 7
    results = sum_rules(rep.tables)
    assert {r.rule: r.status for r in results} == {"R1": "pass", "R2": "pass", "R3": "pass",
                                                   "R4": "not_applicable"}
    assert next(r for r in results if r.rule == "R1").blanks_as_zero  # says blanks were read as 0


def test_table3_2019_trial_format() -> None:
    v = _values("2019")
    v["三.六"] = ["1", "", "", "", "", "", "1"]  # one more decided as 其他处理 → R3 breaks in two columns
    rep = parse_report(_page(_t3_html("2019", v, quote="“”")), "r.html")
    t3 = rep.tables["t3"]
    assert t3["version"] == "2019" and "三.六" in t3["rows"] and "三.六.1" not in t3["rows"]
    fails = [r for r in sum_rules(rep.tables) if r.status == "fail"]
    assert {(r.rule, r.column) for r in fails} == {("R3", "自然人"), ("R3", "总计")}
    r3 = next(r for r in fails if r.column == "自然人")
    assert (r3.table, r3.row, r3.expected, r3.found) == ("三", "（七）总计", 14, 13)
    assert "表三" in r3.message and "（七）总计" in r3.message and "自然人" in r3.message and "14" in r3.message
    assert r3.blanks_as_zero and "空白单元格按0计" in r3.message


def test_table2_with_captions_single_value_rows_and_units() -> None:
    rows = [("第二十条第（一）项", None), ("信息内容", ["本年制发件数", "本年废止件数", "现行有效件数"]),
            ("规章", ["0", "", "3"]), ("行政规范性文件", ["62", "33", "440"]),
            ("第二十条第（五）项", None), ("信息内容", ["本年处理决定数量"]), ("行政许可", ["1200"]),
            ("第二十条第（六）项", None), ("信息内容", ["本年处理决定数量"]), ("行政处罚", ["35"]), ("行政强制", [""]),
            ("第二十条第（八）项", None), ("信息内容", ["本年收费金额（单位：万元）"]), ("行政事业性收费", ["25.1万元"])]
    html = "<table>"
    for label, cells in rows:
        if cells is None:
            html += "<tr>" + td(P.format(label), cs=4) + "</tr>"
        elif len(cells) == 1:
            html += "<tr>" + td(P.format(label)) + td(P.format(cells[0]) if cells[0] else "&nbsp;", cs=3) + "</tr>"
        else:
            html += "<tr>" + td(P.format(label)) + "".join(td(P.format(c) if c else "") for c in cells) + "</tr>"
    html += "</table>"
    t2 = parse_report(_page(html), "r.html").tables["t2"]
    got = {r["label"]: r["values"] for r in t2["rows"]}
    assert got["规章"] == {"本年制发件数": 0, "本年废止件数": None, "现行有效件数": 3}
    assert got["行政规范性文件"]["现行有效件数"] == 440 and got["行政许可"] == {"本年处理决定数量": 1200}
    assert got["行政强制"] == {"本年处理决定数量": None}
    fee = next(r for r in t2["rows"] if r["label"] == "行政事业性收费")
    assert fee["values"]["本年收费金额（单位：万元）"] == 25.1 and fee["units"] == {"本年收费金额（单位：万元）": "万元"}
    assert t2["version"] == "2021" and not t2["problems"]


def test_table4_and_r4() -> None:
    res = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    html = ("<table><tr>" + td("行政复议", cs=5) + td("行政诉讼", cs=10) + "</tr><tr>"
            + "".join(td(r, rs=2) for r in res) + td("未经复议直接起诉", cs=5) + td("复议后起诉", cs=5) + "</tr><tr>"
            + "".join(td(r) for r in res * 2) + "</tr><tr>"
            + "".join(td(v) for v in ["1", "", "0", "0", "1", "0", "1", "0", "0", "2", "", "", "", "", ""])
            + "</tr></table>")
    rep = parse_report(_page(html), "r.html")
    t4 = rep.tables["t4"]
    assert t4["values"][:5] == [1, None, 0, 0, 1] and t4["values"][10:] == [None] * 5
    fails = [r for r in sum_rules(rep.tables) if r.rule == "R4" and r.status != "pass"]
    assert [(r.row, r.expected, r.found) for r in fails] == [("未经复议直接起诉", 1, 2)]
