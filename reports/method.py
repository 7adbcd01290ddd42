"""The 评估时点 and method box every page and export carries: what was audited when, by which rubric
(its source document and fingerprint), with which fixed settings, and how many verdicts could be
made, could not be checked, or wait for a human.

An evaluator publishing a ranking must say as of when and by which rules; these facts come from the
store alone, so a re-rendered report states the same method as the first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reports.model import RunData
from scoring.context import audit_date
from scoring.rates import RULE
from xxgk.settings import CrawlSettings
from xxgk.store import NEEDS_REVIEW, NOT_APPLICABLE, NOT_CHECKED, Crawl

METHOD_NAMES = {"weighted": "加权计分", "deduction": "扣分制", "veto+deduction": "单项否决 + 扣分制"}


def method_facts(session: Session, data: RunData) -> dict[str, Any]:
    """The method box of one run × rubric, as plain values for templates, JSON and XLSX."""
    run = data.run
    start, end = session.execute(select(func.min(Crawl.started_at), func.max(Crawl.finished_at))
                                 .where(Crawl.run_id == run.id)).one()
    settings = CrawlSettings.of_run(run.config, run_id=run.id)
    statuses = data.finding_sums.statuses()
    unchecked = int(statuses.get(NOT_CHECKED, 0) + statuses.get(NOT_APPLICABLE, 0))
    review = int(statuses.get(NEEDS_REVIEW, 0))
    return {
        "as_of": audit_date(run).isoformat(),
        "crawl_from": start.isoformat(sep=" ", timespec="minutes") if start else None,
        "crawl_to": end.isoformat(sep=" ", timespec="minutes") if end else None,
        "rubric_id": data.rubric_id, "rubric_title": data.rubric.title, "document": data.rubric.document,
        "fingerprint": (data.rubric.fingerprint or run.rubric_hash or "")[:16] or None,
        "method": METHOD_NAMES.get(data.rubric.method, data.rubric.method), "pass_mark": data.rubric.pass_mark,
        "mode": "自查" if run.mode == "self-check" else "排名评估",
        "settings": f"每站最多 {settings.max_pages} 页、{settings.max_seconds} 秒；"
                    + ("遵守 robots.txt" if settings.obey_robots else "未遵守 robots.txt（已记录）"),
        "sites": int(len(data.sites)),
        "checked": int(sum(statuses.values())) - unchecked - review, "not_checkable": unchecked,
        "needs_review": review,
        # scoring.rates: needs_review is out of every denominator, under every method
        "review_rule": "不计入分母，确认后计分", "rate_rule": RULE,
    }


def method_rows(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """The box as (label, text) lines, for the XLSX sheet and the DOCX documents."""
    window = f"{facts['crawl_from'] or '—'} 至 {facts['crawl_to'] or '—'}"
    return [
        ("评估时点", facts["as_of"]), ("抓取时间", window),
        ("评估指标", f"{facts['rubric_title'] or facts['rubric_id']}（{facts['rubric_id']}）"),
        ("依据文件", facts["document"] or "—"), ("指标指纹", facts["fingerprint"] or "—"),
        ("计分方法", f"{facts['method']}，及格线 {facts['pass_mark']:g} 分"), ("评估方式", facts["mode"]),
        ("固定设置", facts["settings"]), ("参评网站", str(facts["sites"])),
        ("结论数", f"已判定 {facts['checked']} 项；未能检查或不适用 {facts['not_checkable']} 项（不计入分母）；"
                  f"待人工复核 {facts['needs_review']} 项（{facts['review_rule']}）"),
        ("计分规则", facts.get("rate_rule") or RULE),
    ]
