"""The sum rules R1–R5 over tables 三 and 四, with messages naming table, row, column and values."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from scoring.annual_report import formats as F

PASS, FAIL, NEEDS_REVIEW, NOT_APPLICABLE = "pass", "fail", "needs_review", "not_applicable"


@dataclass
class RuleResult:
    """One rule's verdict (for sum rules: one per violated cell, or one pass per rule)."""

    rule: str
    status: str
    message: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    expected: float | int | None = None
    found: float | int | None = None
    blanks_as_zero: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        if not d["extra"]:
            d.pop("extra")
        return d


def _sum(values: list[Any]) -> tuple[float | int, bool]:
    """Sum reading blanks (None) as 0; also say whether a blank was read."""
    blank = any(v is None for v in values)
    return sum(v or 0 for v in values), blank


def _num(v: Any) -> str:
    return "空白" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))


def _compare(rule: str, table: str, row: str, column: str, what: str, parts: list[Any], target: Any,
             out: list[RuleResult]) -> None:
    expected, blank = _sum(parts)
    found = target or 0
    blank = blank or target is None
    if expected == found:
        return
    note = "（空白单元格按0计）" if blank else ""
    status = FAIL
    if target is None:
        status = NEEDS_REVIEW  # the total was left blank: incomplete rather than wrong
    out.append(RuleResult(rule, status,
                          f"{rule} 表{table}「{row}」「{column}」列：{what}应为 {_num(expected)}，"
                          f"实际为 {_num(target)}{note}",
                          table=table, row=row, column=column, expected=expected, found=target,
                          blanks_as_zero=blank))


def _rows(t3: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: v["values"] for k, v in t3["rows"].items()}


def _label(t3: dict[str, Any], key: str) -> str:
    return F.t3_label(key, t3["version"])


def r1(t3: dict[str, Any]) -> list[RuleResult]:
    """R1: for every column, 一 + 二 = 三（七）总计 + 四."""
    rows, out = _rows(t3), []
    need = ("一", "二", "三.七", "四")
    if any(k not in rows for k in need):
        return [RuleResult("R1", NEEDS_REVIEW, "R1 无法核对：表三缺少第一、二、三（七）或第四行", table="三")]
    for c, col in enumerate(F.T3_COLUMNS):
        lhs, b1 = _sum([rows["一"][c], rows["二"][c]])
        rhs, b2 = _sum([rows["三.七"][c], rows["四"][c]])
        if lhs != rhs:
            blank = b1 or b2
            out.append(RuleResult("R1", FAIL,
                                  f"R1 表三「{col}」列：一、本年新收 + 二、上年结转 = {_num(lhs)}，"
                                  f"应等于（七）总计 + 四、结转下年度 = {_num(rhs)}"
                                  + ("（空白单元格按0计）" if blank else ""),
                                  table="三", row="一+二 / 三（七）+四", column=col, expected=lhs, found=rhs,
                                  blanks_as_zero=blank))
    return out


def r2(t3: dict[str, Any]) -> list[RuleResult]:
    """R2: 总计 = the six applicant columns, for every row."""
    out: list[RuleResult] = []
    for key, vals in _rows(t3).items():
        _compare("R2", "三", _label(t3, key), "总计", "六类申请人之和", vals[:6], vals[6], out)
    return out


def r3(t3: dict[str, Any]) -> list[RuleResult]:
    """R3: （七）总计 = （一）+（二）+ every sub-row of （三）（四）（五）（六）."""
    rows, out = _rows(t3), []
    if "三.七" not in rows:
        return [RuleResult("R3", NEEDS_REVIEW, "R3 无法核对：表三缺少（七）总计行", table="三")]
    parts = [k for k, _l in F.T3_ROWS[t3["version"]] if k.startswith("三.") and k != "三.七"]
    for c, col in enumerate(F.T3_COLUMNS):
        _compare("R3", "三", "（七）总计", col, "（一）至（六）各项之和",
                 [rows.get(k, [None] * 7)[c] for k in parts], rows["三.七"][c], out)
    return out


def r4(t4: dict[str, Any]) -> list[RuleResult]:
    """R4: in table 四 each 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结."""
    vals = t4.get("values")
    if not vals:
        return [RuleResult("R4", NEEDS_REVIEW, "R4 无法核对：未读取到表四数据行", table="四")]
    out: list[RuleResult] = []
    for g, (_key, name) in enumerate(F.T4_GROUPS):
        base = g * 5
        _compare("R4", "四", name, "总计", "结果维持、结果纠正、其他结果、尚未审结之和", vals[base:base + 4],
                 vals[base + 4], out)
    return out


def r5(prev_t3: dict[str, Any], t3: dict[str, Any], prev_year: Any = None, year: Any = None) -> list[RuleResult]:
    """R5: year N 四、结转下年度继续办理 = year N+1 二、上年结转政府信息公开申请数量."""
    a, b = _rows(prev_t3).get("四"), _rows(t3).get("二")
    if a is None or b is None:
        return [RuleResult("R5", NEEDS_REVIEW, "R5 无法核对：缺少上年第四行或本年第二行", table="三")]
    out: list[RuleResult] = []
    for c, col in enumerate(F.T3_COLUMNS):
        if (a[c] or 0) != (b[c] or 0):
            blank = a[c] is None or b[c] is None
            out.append(RuleResult("R5", FAIL,
                                  f"R5 表三「{col}」列：{prev_year or '上'}年度「四、结转下年度继续办理」为 "
                                  f"{_num(a[c])}，本年度（{year or ''}）「二、上年结转政府信息公开申请数量」为 "
                                  f"{_num(b[c])}，应相等" + ("（空白单元格按0计）" if blank else ""),
                                  table="三", row="二、上年结转政府信息公开申请数量", column=col,
                                  expected=a[c], found=b[c], blanks_as_zero=blank))
    return out


def sum_rules(tables: dict[str, Any], previous: dict[str, Any] | None = None, prev_year: Any = None,
              year: Any = None) -> list[RuleResult]:
    """R1–R4 (and R5 with the previous year's tables); a rule with no violation yields one pass."""
    out: list[RuleResult] = []
    checks: list[tuple[str, list[RuleResult] | None]] = []
    t3, t4 = tables.get("t3"), tables.get("t4")
    checks.append(("R1", r1(t3) if t3 else None))
    checks.append(("R2", r2(t3) if t3 else None))
    checks.append(("R3", r3(t3) if t3 else None))
    checks.append(("R4", r4(t4) if t4 else None))
    if previous is not None:
        pt3 = previous.get("t3")
        checks.append(("R5", r5(pt3, t3, prev_year, year) if (t3 and pt3) else None))
    names = {"R1": "一+二=（七）总计+四", "R2": "总计列=各类申请人之和", "R3": "（七）总计=各办理结果之和",
             "R4": "表四各总计=分项之和", "R5": "上年结转=上年度结转下年度"}
    for rule, res in checks:
        if res is None:
            out.append(RuleResult(rule, NOT_APPLICABLE, f"{rule} 未核对：缺少对应表格"))
        elif res:
            out += res
        else:
            blanks = _any_blank(tables, rule)
            out.append(RuleResult(rule, PASS, f"{rule}（{names[rule]}）核对无误"
                                  + ("（空白单元格按0计）" if blanks else ""), blanks_as_zero=blanks))
    return out


def _any_blank(tables: dict[str, Any], rule: str) -> bool:
    if rule == "R4":
        vals = (tables.get("t4") or {}).get("values") or []
        return any(v is None for v in vals)
    t3 = tables.get("t3") or {"rows": {}}
    return any(v is None for r in t3["rows"].values() for v in r["values"])
