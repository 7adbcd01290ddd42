"""`build_report` (one report for one unit) and `generate_annual_reports` (the bundled set + truth.json)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from pathlib import Path
from typing import Any

from xxgk.samples.annual_reports.content import gov_blocks, univ_blocks
from xxgk.samples.annual_reports.render import EXTENSIONS, RENDERERS

Year = int | tuple[int, int]


# The sample's own deadline rule, written from ../shared/reference (not taken from the scorer, so a
# scorer bug cannot agree with its own truth): 条例 (2019) 第四十九条 — a department by 1月31日, the
# 本级政府 report by 3月31日; reports before 2019 (2008 条例第三十一条) by 3月31日; a university's 学年
# report by 10月31日 of the 学年's end year (教办厅函〔2018〕80号 practice, reference/university-checklist.md).
SAMPLE_DEADLINES = {"department": (1, 31), "government": (3, 31), "university": (10, 31)}


def sample_deadline(kind: str, year: Year) -> dt.date:
    """The last day a sample report of `kind` for `year` may be published (truth, independent of scoring)."""
    if kind == "university":
        end = year[1] if isinstance(year, tuple) else year + 1
        return dt.date(end, *SAMPLE_DEADLINES["university"])
    assert isinstance(year, int)
    month, day = SAMPLE_DEADLINES["government"] if year < 2019 else SAMPLE_DEADLINES[kind]
    return dt.date(year + 1, month, day)


def _seed(*parts: Any) -> int:
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:12], 16)


def build_report(unit_name: str, year: Year, fmt: str = "html", kind: str = "department",
                 errors: list[str] | tuple[str, ...] = (), *, seed: int = 2024,
                 published: dt.date | None = None, carry_in: list[int] | None = None, blanks: float = 0.0,
                 base_url: str = "http://127.0.0.1", sep: str = "—") -> tuple[bytes, dict[str, Any]]:
    """One report file for one unit, and its ground truth.

    fmt: html | pdf | docx | scan (image-only PDF) | fragment (the HTML body for a CMS article page, which
    shows title and date itself). kind: department | government | university (year is a (start, end) 学年
    for universities). errors: see `values.ERRORS`. carry_in: last year's row
    四、结转下年度继续办理 (7 values) so a consecutive pair satisfies R5 ("r5" breaks it).
    blanks: share of zero cells written blank. published: default a week before the deadline;
    "late" publishes 20 days after it.
    """
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r} (use {', '.join(RENDERERS)})")
    errs = list(errors)
    rng = random.Random(_seed(seed, unit_name, year, kind, ",".join(sorted(errs))))
    due = sample_deadline(kind, year)
    if published is None:
        published = due + dt.timedelta(days=20) if "late" in errs else due - dt.timedelta(days=7)
    if kind == "university":
        if not isinstance(year, tuple):
            year = (year, year + 1)
        blocks, truth = univ_blocks(unit_name, year, rng, errs, published, base_url.rstrip("/"), sep)
    else:
        assert isinstance(year, int)
        blocks, truth = gov_blocks(unit_name, year, kind, rng, errs, published, carry_in, blanks,
                                   split_labels=rng.random() < 0.7)
    data = RENDERERS[fmt](blocks)
    title = blocks[0].text
    expected = _expected(kind, fmt, errs, truth, carry_in is not None)
    truth.update({"unit": unit_name, "year": list(year) if isinstance(year, tuple) else year, "kind": kind,
                  "format": fmt, "title": title, "errors": errs, "published": published.isoformat(),
                  "deadline": due.isoformat(), "expected": expected, "readable": fmt != "scan",
                  "sha256": hashlib.sha256(data).hexdigest()})
    return data, truth


def _expected(kind: str, fmt: str, errors: list[str], truth: dict[str, Any], has_prev: bool) -> dict[str, str]:
    """The status every check must give (rule → pass | fail | needs_review | not_applicable)."""
    exp: dict[str, str] = {"deadline": "fail" if "late" in errors else "pass"}
    if fmt == "scan":  # no text layer: neither the date nor the tables can be read
        return {"readable": "needs_review", "deadline": "needs_review"}
    exp["readable"] = "pass"
    if kind == "university":
        exp["sections"] = "fail" if ("missing_part" in errors or "no_item_table" in errors) else "pass"
        exp["item_table"] = "fail" if "no_item_table" in errors else "pass"
        exp["links"] = "not_applicable" if "no_item_table" in errors else ("fail" if "bad_link" in errors else "pass")
        return exp
    exp["sections"] = "fail" if "missing_section" in errors else "pass"
    exp["format"] = "fail" if "old_format" in errors else "pass"
    exp["tables"] = "pass"
    failed = {f["rule"] for f in truth["sum_failures"]}
    for rule in ("R1", "R2", "R3", "R4") + (("R5",) if has_prev else ()):
        exp[rule] = "fail" if rule in failed else "pass"
    return exp


# The bundled set: (file stem, unit, year, fmt, kind, errors, extra).
SAMPLE_SET: list[tuple[str, str, Year, str, str, list[str], dict[str, Any]]] = [
    ("dept-2023-ok", "示例市财政局", 2023, "html", "department", [], {}),
    ("dept-2023-blanks", "示例市民政局", 2023, "html", "department", [], {"blanks": 0.8}),
    ("dept-2023-ok", "示例市财政局", 2023, "pdf", "department", [], {}),
    ("dept-2023-ok", "示例市财政局", 2023, "docx", "department", [], {}),
    ("dept-2020-trial", "示例市教育局", 2020, "html", "department", [], {}),
    ("dept-2020-trial", "示例市教育局", 2020, "pdf", "department", [], {}),
    ("dept-2023-r1", "示例市交通运输局", 2023, "html", "department", ["r1"], {}),
    ("dept-2023-wrong-total", "示例市卫生健康委员会", 2023, "pdf", "department", ["wrong_total"], {}),
    ("dept-2023-r4", "示例市司法局", 2023, "docx", "department", ["r4"], {}),
    ("dept-2023-missing-section", "示例市审计局", 2023, "html", "department", ["missing_section"], {}),
    ("dept-2023-late", "示例市统计局", 2023, "html", "department", ["late"], {}),
    ("dept-2022-old-format", "示例市水利局", 2022, "docx", "department", ["old_format"], {}),
    ("gov-2023-summary", "示例市人民政府", 2023, "html", "government", [], {}),
    ("dept-2023-scan", "示例市档案局", 2023, "scan", "department", [], {}),
    ("univ-2023-ok", "示例大学", (2022, 2023), "html", "university", [], {"sep": "～"}),
    ("univ-2023-errors", "示例理工大学", (2022, 2023), "pdf", "university", ["missing_part", "bad_link", "late"], {}),
]


def generate_annual_reports(out_dir: str | Path, seed: int = 2024) -> Path:
    """Write the sample reports and `truth.json` (one entry per file) into out_dir; return truth.json."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    entries: dict[str, Any] = {}

    def write(stem: str, fmt: str, data: bytes, truth: dict[str, Any]) -> None:
        name = f"{stem}.{EXTENSIONS[fmt]}" if fmt != "scan" else f"{stem}.pdf"
        (out / name).write_bytes(data)
        entries[name] = truth

    for stem, unit, year, fmt, kind, errs, extra in SAMPLE_SET:
        data, truth = build_report(unit, year, fmt, kind, errs, seed=seed, **extra)
        write(stem, fmt, data, truth)
    # A consecutive-year pair (R5 holds) and a third year that breaks R5.
    d22, t22 = build_report("示例市商务局", 2022, "html", "department", seed=seed)
    write("pair-2022", "html", d22, t22)
    d23, t23 = build_report("示例市商务局", 2023, "html", "department", seed=seed,
                            carry_in=list(t22["tables"]["t3"]["rows"]["四"]))
    t23["previous"] = "pair-2022.html"
    write("pair-2023", "html", d23, t23)
    d24, t24 = build_report("示例市商务局", 2024, "pdf", "department", ["r5"], seed=seed,
                            carry_in=list(t23["tables"]["t3"]["rows"]["四"]))
    t24["previous"] = "pair-2023.html"
    write("pair-2024-r5", "pdf", d24, t24)
    path = out / "truth.json"
    path.write_text(json.dumps({"seed": seed, "reports": entries}, ensure_ascii=False, indent=1, sort_keys=True),
                    encoding="utf-8")
    return path
