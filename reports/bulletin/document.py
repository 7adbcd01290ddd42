"""The 通报 as content: header, four sections, signature and 附件 tables, built once from a `Report`.

The HTML/PDF template and the DOCX writer both lay out this one model, so the two cannot say
different things. Rates and scores are read from the report's ranking (`reports.ranking`), never
recomputed here; only findings that are `fail` or `partial` become problems (a `needs_review`
finding is counted as waiting for review, never named as a problem).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from reports.bulletin.kinds import MONTHLY, Words, words_for
from reports.bulletin.monthly import SiteBulletin, sentences
from reports.bulletin.sender import Issuer, SenderFile, resolve
from reports.bulletin.text import chinese_date, ordinal, plain, short
from reports.context import Report
from reports.method import method_rows
from reports.ranking import records
from xxgk.store import NEEDS_REVIEW, NOT_CHECKED

PROBLEM = ("fail", "partial")
TEXT_WIDTH_PT = (210 - 28 - 26) / 25.4 * 72  # the 版心 of GB/T 9704: 156 mm
NAMES_PER_PROBLEM = 30  # units named per indicator in the body; the 附件 lists every one

SCOPE = {  # 对{n}…进行了{action}
    "inspection": "{n}个政府网站", "checklist": "{n}所高等学校的信息公开网站",
    "annual_report_government": "{n}个单位的政府信息公开工作年度报告",
    "annual_report_university": "{n}所高等学校的信息公开工作年度报告",
    "monthly_volume": "{n}个网站各发布单位的信息发布情况",
}


@dataclass
class Part:
    """One numbered section: heading, then paragraphs; a paragraph starting with （ is a sub-heading."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    subheadings: set[int] = field(default_factory=set)  # indexes of paragraphs that are sub-headings

    def add(self, text: str, sub: bool = False) -> None:
        if sub:
            self.subheadings.add(len(self.paragraphs))
        self.paragraphs.append(text)


@dataclass
class Table:
    """One table of an 附件: an optional caption, the head, the rows and relative column widths."""

    caption: str
    head: list[str]
    rows: list[list[str]]
    widths: tuple[int, ...] = ()  # percent of the 版心 per column; empty: as the text needs


@dataclass
class Attachment:
    """附件N: a title and one or more tables."""

    title: str
    tables: list[Table]


@dataclass
class Bulletin:
    """Everything the 通报 says, in reading order."""

    words: Words
    issuer: Issuer
    title: str
    parts: list[Part]
    attachments: list[Attachment]
    run_id: int

    @property
    def mark_size(self) -> float:
        """The 发文机关标志's size in points: 36 pt, smaller for a long name so it stays on one line."""
        return round(min(36.0, TEXT_WIDTH_PT / max(len(self.issuer.sender), 1) * 0.9), 1)

    @property
    def date_text(self) -> str:
        return chinese_date(self.issuer.date)

    def all_text(self) -> list[str]:
        """Every string of the document (for checks on words and characters)."""
        out = [self.issuer.sender, self.issuer.number, self.title, self.issuer.addressee, self.date_text]
        for p in self.parts:
            out += [p.heading, *p.paragraphs]
        for a in self.attachments:
            out.append(a.title)
            for t in a.tables:
                out += [t.caption, *t.head, *(c for r in t.rows for c in r)]
        return out


def _score(value: Any) -> str:
    return "—" if value is None or (isinstance(value, float) and pd.isna(value)) else f"{float(value):.2f}"


def _iso_day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _names(names: list[str], unit: str) -> str:
    """Names joined with 、, the first few only when many (unit: "所高校", "个网站")."""
    shown = "、".join(short(n) for n in names[:NAMES_PER_PROBLEM])
    return shown + (f"等{len(names)}{unit}" if len(names) > NAMES_PER_PROBLEM else "")


def _title(words: Words, as_of: dt.date | None, bulletins: list[SiteBulletin]) -> str:
    if words.kind == MONTHLY and bulletins and bulletins[0].latest_month[:7].count("-") == 1:
        year, month = bulletins[0].latest_month[:7].split("-")
        if year.isdigit() and month.isdigit():
            return f"关于{int(year)}年{int(month)}月{words.title}的通报"
    return f"关于{as_of.year}年{words.title}的通报" if as_of else f"关于{words.title}的通报"


def build(report: Report, given: SenderFile | None = None, today: dt.date | None = None) -> Bulletin:
    """The 通报 of one rendered run, in the words of its rubric's kind."""
    words = words_for(report.data)
    issuer = resolve(given, default_sender=words.sender, default_addressee=words.addressee, code=words.code,
                     run_id=int(report.run.id), today=today)
    method = report.method or {}
    as_of = _iso_day(method.get("as_of"))
    table = records(report.ranking.table)
    parts = [_overview(report, words, as_of, table), _scores(report, words, table),
             _problems(report, words), _requirements(words, issuer)]
    attachments = [_ranking_table(report, words, table), _problem_table(report, words)]
    if report.bulletins:
        attachments.append(_monthly_tables(report.bulletins))
    if method:
        attachments.append(Attachment("评估时点与方法", [Table("", ["项目", "内容"],
                                                             [[a, plain(b)] for a, b in method_rows(method)],
                                                             (20, 80))]))
    return Bulletin(words, issuer, _title(words, as_of, report.bulletins), parts, attachments, int(report.run.id))


def _overview(report: Report, words: Words, as_of: dt.date | None, table: list[dict]) -> Part:
    s = report.ranking.summary
    method = report.method or {}
    part = Part("一、总体情况")
    basis = plain(method.get("document") or method.get("rubric_title") or report.data.rubric_id)
    when = f"以{chinese_date(as_of)}为评估时点，" if as_of else ""
    window = ""
    start, end = _iso_day(method.get("crawl_from")), _iso_day(method.get("crawl_to"))
    if start and end:
        window = f"（数据采集时间：{chinese_date(start)}" + (f"至{chinese_date(end)}" if end != start else "") + "）"
    scope = SCOPE[words.kind].format(n=s.get("sites", len(table)))
    part.add(f"{when}依据{basis}，对{scope}进行了{words.action}{window}。")
    if s.get("judged"):
        m, unit = words.measure, words.unit
        line = f"{s['judged']}{m}{unit}完成{words.action}"
        if s.get("vetoed"):
            line += f"，其中{s['vetoed']}{m}触发单项否决，判定为不合格"
        if s.get("scored") and s.get("average") is not None:
            # a vetoed site may or may not have a total: say which sites the figures are of
            scored = f"；计分的{s['scored']}{m}{unit}" if s.get("vetoed") or s["scored"] != s["judged"] else "，"
            line += scored + (
                f"得分{s['average']:.2f}分" if s["scored"] == 1 else
                f"平均得分{s['average']:.2f}分，最高{s['max']:.2f}分，最低{s['min']:.2f}分")
            mark = f"{s['pass_mark']:g}分{s['pass_word']}线"
            line += (f"，{'达到' if s['passed'] else '未达到'}{mark}" if s["scored"] == 1
                     else f"，{s['passed']}{m}达到{mark}")
        part.add(line + "。")
    if s.get("unscored"):
        part.add(f"{s['unscored']}{words.measure}{words.unit}因网站无法访问等原因未能完成{words.action}，不参与排名，待复查后补充。")
    review = int(method.get("needs_review") or 0)
    if review:
        part.add(f"另有{review}项结论自动{words.action}无法确定，待人工复核后确认，复核前不作为问题通报。")
    return part


def _scores(report: Report, words: Words, table: list[dict]) -> Part:
    part = Part(words.score_heading)
    ranked = [r for r in table if r.get("total") is not None and not r.get("veto")]
    if ranked:
        top = "、".join(f"{short(r['site_name'])}（{_score(r['total'])}分）" for r in ranked[:3])
        part.add(f"得分排名前列的{words.unit}：{top}。")
        low = [r for r in ranked if r.get("passed") is False]
        if low:
            part.add(f"得分低于{report.ranking.pass_mark:g}分的{words.unit}："
                     + "、".join(f"{short(r['site_name'])}（{_score(r['total'])}分）" for r in low) + "。")
    vetoed = [r for r in table if r.get("veto")]
    if vetoed:
        part.add("触发单项否决的" + words.unit + "：" + "；".join(
            f"{short(r['site_name'])}（{veto_indicators(r['veto'])}）" for r in vetoed) + "。")
    for b in report.bulletins:
        part.add(f"{short(b.site_name)}：" + "".join(sentences(b)))
    if not ranked and not vetoed and not report.bulletins:
        part.add(f"本次{words.action}没有完成评分的{words.unit}。")
    part.add("各" + words.unit + "得分及排名见附件1。")
    return part


def veto_indicators(veto: str) -> str:
    """The indicators a veto names, without their evidence: "栏目不更新（…）；服务不实用（…）" → 栏目不更新、服务不实用."""
    names = []
    for part in plain(veto).split("；"):
        name = part.split("（", 1)[0].split("(", 1)[0].strip()
        if name and name not in names:
            names.append(short(name, 30))
    return "、".join(names) or short(veto, 40)


def _problem_rows(report: Report) -> pd.DataFrame:
    f = report.data.findings
    if f.empty:
        return f
    return f[f.status.isin(PROBLEM)]


def _problems(report: Report, words: Words) -> Part:
    part = Part("三、存在的主要问题")
    rows = _problem_rows(report)
    n = 0
    if not rows.empty:
        order = {k: i for i, k in enumerate(dict.fromkeys(zip(report.data.findings.section_id,
                                                               report.data.findings.item_id, strict=True)))}
        groups = []
        for (sid, iid), grp in rows.groupby(["section_id", "item_id"], sort=False):
            groups.append((-grp.site_id.nunique(), order.get((sid, iid), 0), grp))
        for _count, _pos, grp in sorted(groups, key=lambda g: (g[0], g[1])):
            n += 1
            first = grp.iloc[0]
            failed = list(dict.fromkeys(grp[grp.status == "fail"].site_name.map(plain)))
            partial = list(dict.fromkeys(grp[grp.status == "partial"].site_name.map(plain)))
            part.add(f"（{ordinal(n)}）{short(first.item_name, 80)}", sub=True)
            line = f"{len(set(failed) | set(partial))}{words.measure}{words.unit}存在问题。"
            if failed:
                line += f"{words.fail_word}的：{_names(failed, words.measure + words.unit)}。"
            if partial:
                line += f"{words.partial_word}的：{_names(partial, words.measure + words.unit)}。"
            part.add(line)
    for b in report.bulletins:
        if b.blank_units or b.below_units:
            n += 1
            part.add(f"（{ordinal(n)}）{short(b.site_name)}发布单位空白月和发布量不足", sub=True)
            part.add("".join(sentences(b)[1:3]))
    if n == 0:
        part.add(f"本次{words.action}未发现需要通报的问题。")
    else:
        part.add("问题清单见附件2。")
    f = report.data.findings
    unchecked = int((f.status == NOT_CHECKED).sum()) if not f.empty else 0
    review = int((f.status == NEEDS_REVIEW).sum()) if not f.empty else 0
    if unchecked or review:
        part.add(f"以下情况未列为问题：{unchecked}项未能自动{words.action}（需人工核查的指标、无法访问的页面、"
                 f"单项否决后不再计分的指标等），{review}项待人工复核。")
    return part


def _requirements(words: Words, issuer: Issuer) -> Part:
    part = Part("四、整改要求")
    for i, text in enumerate(words.requirements, 1):
        part.add(f"（{ordinal(i)}）{text}")
    n = len(words.requirements) + 1
    line = f"（{ordinal(n)}）请于{chinese_date(issuer.deadline)}前完成整改，并将整改情况书面报送{issuer.sender}。"
    if issuer.contact:
        line += f"联系人及电话：{issuer.contact}。"
    part.add(line)
    return part


def _ranking_table(report: Report, words: Words, table: list[dict]) -> Attachment:
    head = ["排名", words.unit.replace("网站", "网站名称") if words.unit == "网站" else f"{words.unit}名称", "得分",
            "结论", "问题项数", "备注"]
    rows = []
    for r in table:
        note = ""
        if r.get("veto"):
            note = "单项否决：" + short(r["veto"], 80)
        elif r.get("total") is None:
            note = f"未能完成{words.action}"
        elif r.get("needs_review"):
            note = f"{r['needs_review']}项待人工复核"
        fails = int(r.get("fails") or 0)
        rows.append([str(r["rank"]) if r.get("rank") is not None else "—", short(r["site_name"]),
                     _score(r.get("total")), plain(r.get("verdict") or "—"), str(fails), note])
    return Attachment(f"{words.subject}得分排名表", [Table("", head, rows, (8, 26, 11, 11, 10, 34))])


def _problem_table(report: Report, words: Words) -> Attachment:
    rows = []
    problems = _problem_rows(report)
    for i, r in enumerate(problems.sort_values(["site_id"], kind="mergesort").to_dict("records"), 1):
        rows.append([str(i), short(r["site_name"]), short(r["section_name"], 40), short(r["item_name"], 80),
                     words.fail_word if r["status"] == "fail" else words.partial_word])
    return Attachment("存在问题清单", [Table("", ["序号", f"{words.unit}名称", "类别", "指标", "情况"], rows,
                                         (8, 26, 18, 32, 16))])


def _monthly_tables(bulletins: list[SiteBulletin]) -> Attachment:
    tables = []
    for b in bulletins:
        head = ["单位", *b.months, "合计", "连续空白月"]
        rows = [[short(u.unit), *[str(n) for n in u.counts], str(u.total), str(u.consecutive_blank)] for u in b.units]
        tables.append(Table(f"{short(b.site_name)}（{b.latest_month}）", head, rows))
    return Attachment("各单位月度发布量统计表", tables)
