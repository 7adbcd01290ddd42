"""Compare a parsed sample report with its truth: table values and check statuses."""

from __future__ import annotations

from typing import Any

from scoring.annual_report import ParsedReport, check_report, parse_report


def table_mismatches(rep: ParsedReport, truth: dict[str, Any]) -> list[str]:
    """Every table value that was not read exactly (blank None vs 0 distinct)."""
    out: list[str] = []
    tt = truth.get("tables")
    if not tt or not truth.get("readable", True):
        return out
    t3 = rep.tables.get("t3")
    if t3 is None:
        return ["t3 missing"]
    for key, vals in tt["t3"]["rows"].items():
        got = t3["rows"].get(key, {}).get("values")
        if got != vals:
            out.append(f"t3 {key}: {got} != {vals}")
    if t3["version"] != tt["t3"]["version"]:
        out.append(f"t3 version {t3['version']}")
    if not t3["columns_verified"]:
        out.append("t3 columns not verified")
    t4 = rep.tables.get("t4")
    if t4 is None or t4["values"] != tt["t4"]:
        out.append(f"t4: {t4 and t4['values']} != {tt['t4']}")
    t2 = rep.tables.get("t2")
    got2 = [(r["caption"], r["label"], r["values"]) for r in (t2 or {}).get("rows", [])]
    want2 = [(r["caption"], r["label"], r["values"]) for r in tt["t2"]]
    if got2 != want2:
        out.append(f"t2: {got2} != {want2}")
    return out


def status_mismatches(results: list[Any], truth: dict[str, Any]) -> list[str]:
    """Rule statuses that differ from the truth's expectations, and sum failures not reported."""
    out: list[str] = []
    by_rule: dict[str, set[str]] = {}
    for r in results:
        by_rule.setdefault(r.rule, set()).add(r.status)
    for rule, want in truth["expected"].items():
        got = by_rule.get(rule, {"missing"})
        status = "fail" if "fail" in got else "needs_review" if "needs_review" in got else next(iter(got))
        if status != want:
            out.append(f"{rule}: {sorted(got)} != {want}")
    for f in truth.get("sum_failures", []):
        hit = [r for r in results if r.rule == f["rule"] and r.status == "fail" and r.column == f["column"]
               and ("row" not in f or r.row == f["row"])]
        if not hit:
            out.append(f"not reported: {f}")
    return out


def check_file(data: bytes, name: str, truth: dict[str, Any], previous: ParsedReport | None = None,
               resolver: Any = None) -> tuple[ParsedReport, list[str]]:
    rep = parse_report(data, name)
    results = check_report(rep, kind=truth["kind"], previous=previous, resolver=resolver)
    return rep, table_mismatches(rep, truth) + status_mismatches(results, truth)
