"""Checks on one parsed report: deadline, sections/parts, format, tables, R1–R5, item table and links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from scoring.annual_report import formats as F
from scoring.annual_report.kind import KindGuess, infer_kind
from scoring.annual_report.parse import ParsedReport
from scoring.annual_report.rules import FAIL, NEEDS_REVIEW, NOT_APPLICABLE, PASS, RuleResult, sum_rules
from scoring.annual_report.sections import find_sections
from scoring.annual_report.text import norm_label

KINDS = ("department", "government", "township", "university")
DEFAULT_DEADLINES = {"department": "01-31", "township": "01-31", "government": "03-31", "university": "10-31"}
LEGACY_DEADLINE = "03-31"  # 2008 条例: reports for years up to 2018 were due by 3月31日
Resolver = Callable[[str], bool | None]  # True: exists; False: broken; None: cannot tell

ASPECTS = ("readable", "deadline", "sections", "format", "tables", "sums", "item_table", "links")


def deadline_for(kind: str, year: Any, deadline: str | None = None, legacy: str | None = LEGACY_DEADLINE
                 ) -> dt.date | None:
    """The last publication day for a report of `year` (a 学年 tuple for universities)."""
    if year is None:
        return None
    end = year[1] if isinstance(year, tuple) else year
    if kind == "university":
        md = deadline or DEFAULT_DEADLINES["university"]
        base = end if isinstance(year, tuple) else end + 1
    else:
        md = deadline or (legacy if (legacy and end < 2019) else DEFAULT_DEADLINES[kind])
        base = end + 1
    month, day = (int(x) for x in md.split("-"))
    return dt.date(base, month, day)


def check_deadline(kind: str, year: Any, published: dt.date | None, deadline: str | None = None,
                   legacy: str | None = LEGACY_DEADLINE, guess: KindGuess | None = None) -> RuleResult:
    """Published on or before the deadline.

    `guess`: how the kind was inferred; when it is not sure (a 乡镇 or 街道, a 开发区, a body the report
    does not name) and no deadline was given, a date between the department deadline (1月31日) and the
    government one (3月31日) is not counted late: it says so and asks for review.
    """
    unsure = guess is not None and not guess.sure and deadline is None and kind != "university"
    due = deadline_for("department" if unsure else kind, year, deadline, legacy)
    if due is None:
        return RuleResult("deadline", NEEDS_REVIEW, "无法确定报告年度，未核对发布时限")
    latest = deadline_for("government", year, None, legacy) if unsure else due
    assert latest is not None
    if published is None:
        return RuleResult("deadline", NEEDS_REVIEW, f"未找到发布日期，无法核对是否在 {due.isoformat()} 前发布",
                          extra={"deadline": due.isoformat()})
    late = (published - due).days
    extra: dict[str, Any] = {"deadline": due.isoformat(), "published": published.isoformat(),
                             "days_late": max(0, late)}
    if guess is not None:
        extra.update({"kind": guess.kind, "kind_sure": guess.sure, "kind_why": guess.why})
    if unsure and due < published <= latest:
        extra["days_late"] = 0
        return RuleResult("deadline", NEEDS_REVIEW,
                          f"发布日期 {published.isoformat()}：{guess.why}，无法确定适用 {due.isoformat()}（部门）"
                          f"还是 {latest.isoformat()}（本级政府）时限，未计逾期", extra=extra)
    if unsure and published > latest:
        late = (published - latest).days
        extra.update({"deadline": latest.isoformat(), "days_late": late})
        return RuleResult("deadline", FAIL, f"发布日期 {published.isoformat()} 晚于最宽的时限 {latest.isoformat()}"
                          f"（逾期 {late} 天）", extra=extra)
    if late > 0:
        return RuleResult("deadline", FAIL, f"发布日期 {published.isoformat()} 晚于规定时限 {due.isoformat()}"
                          f"（逾期 {late} 天）", extra=extra)
    return RuleResult("deadline", PASS, f"按时发布：{published.isoformat()}（时限 {due.isoformat()}）", extra=extra)


def _heading_hits(headings: list[str], groups: list[list[str]]) -> str | None:
    for h in headings:
        n = norm_label(h)
        if all(any(w in n for w in g) for g in groups):
            return h
    return None


def check_sections(rep: ParsedReport, kind: str) -> RuleResult:
    """All six sections (government) or eight parts (university) present; headings matched loosely."""
    if kind != "university" and rep.free_text:
        return RuleResult("sections", NOT_APPLICABLE, f"{rep.year}年度报告为2019年前的自由文本格式，"
                          "不适用统一格式的六部分要求", extra={"headings": rep.headings})
    spec = F.UNIVERSITY_PARTS if kind == "university" else F.GOV_SECTIONS
    found: dict[str, str] = {}
    missing: list[str] = []
    inline = find_sections(rep.text, spec) if kind != "university" else {}
    for key, name, groups in spec:
        hit = _heading_hits(rep.headings, groups) or inline.get(key)
        if hit is None and key == "8" and "items" in rep.tables:
            hit = "（清单事项公开情况表）"
        if hit:
            found[key] = hit
        else:
            missing.append(name)
    extra = {"found": found, "missing": missing, "headings": rep.headings}
    what = "八个部分" if kind == "university" else "六个部分"
    if missing:
        return RuleResult("sections", FAIL, f"缺少{len(missing)}个部分：" + "、".join(missing), extra=extra)
    return RuleResult("sections", PASS, f"{what}齐全", extra=extra)


def check_format(rep: ParsedReport, kind: str) -> RuleResult:
    """Government reports for 2021+ use the 2021 format; 2019–2020 the trial (or 2021) format."""
    if kind == "university":
        return RuleResult("format", NOT_APPLICABLE, "高校年报无统一统计表格式")
    y = rep.year[1] if isinstance(rep.year, tuple) else rep.year
    if rep.free_text:
        return RuleResult("format", PASS if (y or 0) < 2019 else FAIL,
                          f"{y}年度报告为2019年前的自由文本格式（无统一表格）", extra={"version": rep.version})
    if rep.version is None:
        if rep.table_problem:
            return RuleResult("format", NEEDS_REVIEW, f"统计表无法读取（{rep.table_problem}），未能判断是否使用统一格式",
                              extra={"version": None, "table_problem": rep.table_problem})
        return RuleResult("format", FAIL, "未使用统一格式：未找到统计表（二、三、四）",
                          extra={"version": None})
    if y and y >= 2021 and rep.version == F.V2019:
        return RuleResult("format", FAIL, f"{y}年度报告仍使用2019年试行格式（国办公开办函〔2019〕60号），"
                          "应使用国办公开办函〔2021〕30号格式", extra={"version": rep.version, "year": y})
    how = "（据文中表格标签判断）" if rep.version_from == "text" else ""
    return RuleResult("format", PASS, f"使用{rep.version}年格式{how}",
                      extra={"version": rep.version, "version_from": rep.version_from})


def check_tables(rep: ParsedReport) -> RuleResult:
    """Tables 二, 三 and 四 present and every official row read."""
    names = {"t2": "表二 主动公开政府信息情况", "t3": "表三 收到和处理政府信息公开申请情况",
             "t4": "表四 行政复议、行政诉讼情况"}
    missing = [n for k, n in names.items() if k not in rep.tables]
    problems = [p for k in names if k in rep.tables for p in rep.tables[k].get("problems", [])]
    extra: dict[str, Any] = {"missing": missing, "problems": problems}
    if missing and rep.table_problem:
        extra["table_problem"] = rep.table_problem
        return RuleResult("tables", NEEDS_REVIEW, f"统计表无法读取：{rep.table_problem}（"
                          + "、".join(missing) + "），需人工核对", extra=extra)
    if missing:
        return RuleResult("tables", FAIL, "缺少统计表：" + "、".join(missing), extra=extra)
    if problems:
        return RuleResult("tables", NEEDS_REVIEW, "统计表读取有疑问：" + "；".join(problems), extra=extra)
    return RuleResult("tables", PASS, "统计表二、三、四齐全", extra=extra)


def check_item_table(rep: ParsedReport) -> RuleResult:
    """University: a 清单事项公开情况表 with a link for every published item."""
    t = rep.tables.get("items")
    if not t or not t["rows"]:
        return RuleResult("item_table", FAIL, "缺少附表「清单事项公开情况表」")
    no_link = [r["item"] for r in t["rows"] if r["published"] is not False and not r["links"]]
    extra = {"rows": len(t["rows"]), "without_link": no_link}
    if no_link:
        return RuleResult("item_table", FAIL, f"清单事项公开情况表中 {len(no_link)} 项未给出栏目链接："
                          + "、".join(no_link[:5]), extra=extra)
    return RuleResult("item_table", PASS, f"清单事项公开情况表共 {len(t['rows'])} 项，均有链接", extra=extra)


def check_links(rep: ParsedReport, resolver: Resolver | None) -> RuleResult:
    """Every link of the item table resolves (resolver: URL → True / False / None)."""
    t = rep.tables.get("items")
    links = [(r["item"], u) for r in (t["rows"] if t else []) for u in r["links"]]
    if not links:
        return RuleResult("links", NOT_APPLICABLE, "无清单事项链接可核对")
    if resolver is None:
        return RuleResult("links", NEEDS_REVIEW, f"{len(links)} 个链接未核实（未提供站点页面）",
                          extra={"links": len(links)})
    broken, unknown = [], []
    for item, url in links:
        ok = resolver(url)
        if ok is False:
            broken.append({"item": item, "url": url})
        elif ok is None:
            unknown.append({"item": item, "url": url})
    extra = {"links": len(links), "broken": broken, "unknown": unknown}
    if broken:
        return RuleResult("links", FAIL, f"{len(broken)} 个清单事项链接无法打开或不在站内："
                          + "、".join(b["item"] for b in broken[:5]), extra=extra)
    if unknown:
        return RuleResult("links", NEEDS_REVIEW, f"{len(unknown)} 个链接无法核实", extra=extra)
    return RuleResult("links", PASS, f"{len(links)} 个清单事项链接均可访问", extra=extra)


def check_readable(rep: ParsedReport) -> RuleResult:
    """Machine-readable text (not an image-only scan)."""
    if rep.needs_review:
        return RuleResult("readable", NEEDS_REVIEW, "；".join(rep.needs_review))
    return RuleResult("readable", PASS, f"可机读（{rep.doc_type}）")


def check_report(rep: ParsedReport, *, kind: str | None = None, published: dt.date | None = None,
                 previous: ParsedReport | None = None, deadline: str | None = None,
                 legacy_deadline: str | None = LEGACY_DEADLINE, resolver: Resolver | None = None,
                 aspects: tuple[str, ...] | list[str] = ASPECTS, site_kind: str | None = None,
                 site_name: str = "", guess: KindGuess | None = None) -> list[RuleResult]:
    """Every applicable check on one report, in `ASPECTS` order.

    `kind` None: inferred from the body the report names (title, unit, 发布机构) and the site
    (`report_kind`); an unsure inference is never penalised on the deadline. `guess`: an inference the
    caller already made (its kind is used when `kind` is None).
    """
    if kind is None and guess is not None:
        kind = guess.kind
    if kind is None:
        guess = report_kind(rep, site_kind=site_kind, site_name=site_name)
        kind = guess.kind
    out: list[RuleResult] = []
    unreadable = bool(rep.needs_review)
    if "readable" in aspects:
        out.append(check_readable(rep))
    if "deadline" in aspects:
        out.append(check_deadline(kind, rep.year, published or rep.published, deadline, legacy_deadline, guess))
    if unreadable:
        own = ("sections", "item_table", "links") if kind == "university" else ("sections", "format", "tables", "sums")
        for a in aspects:
            if a in own:
                out.append(RuleResult(a, NEEDS_REVIEW, "报告不可机读，未能核对"))
        return out
    if "sections" in aspects:
        out.append(check_sections(rep, kind))
    if kind == "university":
        if "item_table" in aspects:
            out.append(check_item_table(rep))
        if "links" in aspects:
            out.append(check_links(rep, resolver))
        return out
    if "format" in aspects:
        out.append(check_format(rep, kind))
    if rep.free_text:
        return out
    if "tables" in aspects:
        out.append(check_tables(rep))
    if "sums" in aspects:
        sums = sum_rules(rep.tables, previous.tables if previous else None,
                         previous.year if previous else None, rep.year)
        if rep.table_problem:  # the tables are there but unreadable: unchecked, never a silent pass
            sums = [RuleResult(r.rule, NEEDS_REVIEW, f"{r.rule} 无法核对：{rep.table_problem}")
                    if r.status == NOT_APPLICABLE else r for r in sums]
        out += sums
    return out


def report_kind(rep: ParsedReport, site_kind: str | None = None, site_name: str = "") -> KindGuess:
    """The report's kind: university when it reads as one, else from the body it names and the site."""
    if rep.kind == "university" or site_kind == "university":
        return KindGuess("university", True, "高校年报")
    return infer_kind(rep.unit, site_kind=site_kind, site_name=site_name or rep.site,
                      other_units=(rep.issuer,) if rep.issuer else ())


def overall(results: list[RuleResult]) -> str:
    """fail if any fails, else needs_review if any needs review, else pass (not_applicable ignored)."""
    sts = {r.status for r in results}
    for s in (FAIL, NEEDS_REVIEW, PASS):
        if s in sts:
            return s
    return NOT_APPLICABLE
