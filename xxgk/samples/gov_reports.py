"""Real annual reports in the government sample portals' 年报 column, and the audit outcome they must get.

Each portal lists its own 政府信息公开工作年度报告 for six years, each published in the first quarter of
the next year. A report is the article's HTML body (most portals) or an attachment (PDF, DOCX, a scan);
the report of the latest year due on the world's ``as_of`` follows the portal's row of ``PLANS`` (on time
or late, injected errors, missing, a gap year before it). Reports come from
:func:`xxgk.samples.annual_reports.build_report`; each article keeps the builder's truth (``Article.report``),
from which ``manifest.annual_report`` derives the status every item of
``rubrics/gov-disclosure-annual-report.yaml`` must get. Dates use their own random stream, so every other
column keeps its items.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from .htmlkit import cn_date, esc
from .world import Article, Column, Portal

RUBRIC = "gov-disclosure-annual-report"
ITEMS = ("P1", "P2", "C1", "C2", "R1", "R2", "R3", "R4", "R5")
GOV_DEADLINE = (3, 31)  # 条例第四十九条: the 本级政府 report by 3月31日 of the next year
ATTACHMENT_TYPES = {"pdf": "pdf", "scan": "pdf", "docx": "docx"}

# The latest due report of government portal ``index`` (cycled). fmt: fragment (HTML body) | pdf | docx |
# scan | None (no own report: ``other_unit`` publishes one in the column instead). prev_fmt: the year
# before. gap: the year before is missing. lookalike: a 年报-work notice in the column.
PLANS: list[dict[str, Any]] = [
    {"fmt": "pdf", "prev_fmt": "pdf", "on_deadline": True},
    {"fmt": "fragment", "errors": ["late", "r5"]},
    {"fmt": "scan"},
    {"fmt": "fragment", "errors": ["r1", "wrong_total", "r4"], "blanks": 0.5, "lookalike": True},
    {"fmt": None, "other_unit": "财政局"},
    {"fmt": "docx", "errors": ["missing_section", "old_format"], "gap": True},
]
LOOKALIKE_ID = 800_000  # article ids far above the builder's, so no URL collides


def plan_for(index: int) -> dict[str, Any]:
    """The report plan of government portal ``index``."""
    return PLANS[index % len(PLANS)]


def deadline(year: int) -> dt.date:
    """The publication deadline of the 本级政府 report for ``year``."""
    return dt.date(year + 1, *GOV_DEADLINE)


def due_year(as_of: dt.date) -> int:
    """The newest report year whose deadline has passed on ``as_of``."""
    year = as_of.year - 1
    while deadline(year) >= as_of:
        year -= 1
    return year


def _published(rng: random.Random, year: int, late: bool, on_deadline: bool = False) -> dt.date:
    due = deadline(year)
    if on_deadline:
        return due
    if late:
        return due + dt.timedelta(days=rng.randint(6, 60))
    return dt.date(year + 1, 1, 1) + dt.timedelta(days=rng.randint(14, 83))  # 1月15日 … 3月25日


def _attach(art: Article, fmt: str, data: bytes) -> None:
    art.attachments.append({"type": ATTACHMENT_TYPES[fmt], "scanned": fmt == "scan", "annual_report": True})
    art.report_file = data
    art.body_html = "".join(f'<p style="text-indent:2em;">{esc(t)}</p>' for t in (
        f"现将《{art.title}》予以公开，全文见附件。", art.publisher, cn_date(art.date)))


def fill_reports(p: Portal, col: Column, index: int) -> None:
    """Give the 年报 column's articles (one per year, titled …{year}年政府信息公开工作年度报告) real reports."""
    from .annual_reports import build_report

    p.features["annual_column"] = col
    if p.features.get("down"):  # never served: its truth is not_checked, no files needed
        return
    plan = plan_for(index)
    rng = random.Random(p.seed * 7727 + index * 193 + 5)
    due = due_year(p.as_of)
    place = p.name.removesuffix("人民政府")
    carry: list[int] | None = None
    keep: list[Article] = []
    for art in sorted(col.articles, key=lambda a: a.date):
        year = art.date.year - 1
        latest, previous = year == due, year == due - 1
        if previous and plan.get("gap"):
            carry = None
            continue
        fmt, errors, kind, unit = "fragment", [], "government", p.name
        if latest:
            errors = list(plan.get("errors", []))
            if plan["fmt"] is None:
                unit, kind = f"{place}{plan['other_unit']}", "department"
                art.title = f"{unit}{year}年政府信息公开工作年度报告"
            else:
                fmt = plan["fmt"]
        elif previous:
            fmt = plan.get("prev_fmt", "fragment")
        if kind == "department":
            art.date = dt.date(year + 1, 1, rng.randint(8, 28))
        else:
            art.date = _published(rng, year, "late" in errors, latest and plan.get("on_deadline", False))
        data, truth = build_report(unit, year, fmt, kind, errors, seed=p.seed, published=art.date,
                                   carry_in=carry if kind == "government" else None,
                                   blanks=plan.get("blanks", 0.0) if latest else 0.0)
        assert truth["title"] == art.title, (truth["title"], art.title)
        if kind == "government":
            carry = [v or 0 for v in truth["tables"]["t3"]["rows"]["四"]]
        if fmt == "fragment":
            art.body_html = data.decode("utf-8")
        else:
            _attach(art, fmt, data)
        art.report = {k: truth[k] for k in ("title", "unit", "year", "kind", "format", "errors", "published",
                                             "deadline", "readable", "version", "sum_failures")}
        art.report.update({"own": unit == p.name, "format": "html" if fmt == "fragment" else fmt,
                           "published_as": "page" if fmt == "fragment" else "attachment"})
        keep.append(art)
    if plan.get("lookalike"):
        day = dt.date(due + 1, 1, 6)
        keep.append(Article(LOOKALIKE_ID + index, f"关于做好{due}年度政府信息公开工作年度报告编制和发布工作的通知", day,
                            p.name + "办公室", f"{p.name}-{day.year}-{LOOKALIKE_ID + index}"))
    col.articles = sorted(keep, key=lambda a: a.date, reverse=True)
