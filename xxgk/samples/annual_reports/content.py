"""The text and tables of one sample report, and its ground truth."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from xxgk.samples.annual_reports import official as F
from xxgk.samples.annual_reports import values as V
from xxgk.samples.annual_reports.layout import Block, item_table, t2_table, t3_table, t4_table

GOV_HEADINGS = {
    "一": ["一、总体情况"],
    "二": ["二、主动公开政府信息情况"],
    "三": ["三、收到和处理政府信息公开申请情况"],
    "四": ["四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"],
    "五": ["五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况", "五、存在问题及改进情况"],
    "六": ["六、其他需要报告的事项"],
}
GOV_TEXT = {
    "一": "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，在主动公开、依申请公开、政府信息管理、"
          "平台建设和监督保障等方面扎实推进各项工作。",
    "五": "存在的主要问题是部分栏目更新不够及时，下一步将加强培训、完善制度，及时整改。",
    "六": "本年度未收取信息处理费。",
}
UNIV_PARTS = [
    ("1", "一、概述", "学校健全信息公开制度机制，推动清单落实，开展宣教培训和考核评议。"),
    ("2", "二、主动公开情况", "学校通过信息公开专栏、校园网等渠道主动公开信息，清单事项的栏目链接见附表。"),
    ("3", "三、依申请公开和不予公开情况", "本学年共收到信息公开申请3件，均按期答复，未收取费用。"),
    ("4", "四、对信息公开的评议情况", "学校通过问卷征求师生员工和社会公众的评价，满意度较高。"),
    ("5", "五、因学校信息公开工作受到举报、复议、诉讼的情况", "本学年未发生相关举报、复议和诉讼。"),
    ("6", "六、信息公开工作的主要经验、问题和改进措施", "下一步将进一步规范栏目设置，改进公开方式。"),
    ("7", "七、其他需要报告的事项", "无。"),
]
CHECKLIST = ["学校章程及制定的各项规章制度", "信息公开年度报告", "招生章程及特殊类型招生办法，分批次、分科类招生计划",
             "研究生招生简章、招生专业目录、复试录取办法", "收支预算总表、收入预算表、支出预算表、财政拨款支出预算表",
             "收费项目、收费依据、收费标准及投诉方式", "岗位设置管理与聘用办法", "本科教学质量报告",
             "学籍管理办法", "学术不端行为查处机制"]


def gov_title(unit: str, year: int) -> str:
    return f"{unit}{year}年政府信息公开工作年度报告"


def univ_title(unit: str, year: tuple[int, int], sep: str = "—") -> str:
    return f"{unit}{year[0]}{sep}{year[1]}学年信息公开工作年度报告"


def gov_blocks(unit: str, year: int, kind: str, rng: random.Random, errors: list[str], published: dt.date,
               carry_in: list[int] | None = None, blanks: float = 0.0, split_labels: bool = True
               ) -> tuple[list[Block], dict[str, Any]]:
    """Blocks and truth of a government (department or 本级政府) report."""
    version = F.version_for_year(year)
    if "old_format" in errors:
        version = F.V2019
    t2 = V.t2_values(rng, version)
    t3 = V.t3_values(rng, version, carry_in)
    t4 = V.t4_values(rng)
    if "r5" in errors and carry_in is not None:  # 上年结转 differs from last year's 结转下年度; R1 kept
        for c in (0, 6):
            t3["二"][c] += 2
            t3["四"][c] += 2
    V.apply_errors(t3, t4, errors)
    b3, b4 = V.blank_out(t3, t4, rng, blanks) if blanks else (dict(t3), list(t4))
    quote = rng.choice(['“”', '""', "‘’", "''"])
    blocks = [Block("title", gov_title(unit, year)), Block("meta", f"发布日期：{published.isoformat()}"),
              Block("p", f"本报告根据《中华人民共和国政府信息公开条例》编制，所列数据统计期限自{year}年1月1日至"
                         f"{year}年12月31日。")]
    sections = [k for k, _h in F.GOV_SECTIONS]
    if "missing_section" in errors:
        sections.remove("五")
    for key in sections:
        blocks.append(Block("h", rng.choice(GOV_HEADINGS[key])))
        if key == "二":
            blocks.append(t2_table(t2, version))
        elif key == "三":
            blocks.append(t3_table(b3, version, split_labels, quote))
        elif key == "四":
            blocks.append(t4_table(b4))
        else:
            blocks.append(Block("p", GOV_TEXT[key]))
    fails = V.expected_failures(b3, b4, version, carry_in if carry_in is not None else None)
    truth = {"version": version, "tables": {
        "t2": [{"caption": r["caption"], "label": r["label"], "values": r["values"]} for r in t2],
        "t3": {"version": version, "columns": list(F.T3_COLUMNS), "rows": b3},
        "t4": b4}, "sum_failures": fails}
    return blocks, truth


def univ_blocks(unit: str, year: tuple[int, int], rng: random.Random, errors: list[str], published: dt.date,
                base_url: str, sep: str = "—") -> tuple[list[Block], dict[str, Any]]:
    """Blocks and truth of a university report (8 parts + 清单事项公开情况表)."""
    blocks = [Block("title", univ_title(unit, year, sep)), Block("meta", f"发布日期：{published.isoformat()}"),
              Block("p", f"本报告统计期限为{year[0]}年9月1日至{year[1]}年8月31日。")]
    for key, head, text in UNIV_PARTS:
        if "missing_part" in errors and key == "4":
            continue
        blocks += [Block("h", head), Block("p", text)]
    items = []
    for i, name in enumerate(CHECKLIST):
        link = f"{base_url}/xxgk/item{i + 1:02d}.htm"
        items.append({"item": name, "published": True, "link": link, "exists": True})
    if "bad_link" in errors:
        items[3]["link"] = f"{base_url}/xxgk/missing-page.htm"
        items[3]["exists"] = False
    if "no_item_table" not in errors:
        blocks += [Block("h", "附：清单事项公开情况表"), item_table(items)]
    truth = {"version": None, "items": items,
             "site_urls": [it["link"] for it in items if it["exists"]]}
    return blocks, truth
