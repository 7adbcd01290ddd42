"""Render a stored run: ranking page, one page per site, CSV exports. Re-runnable from the store alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from reports.charts import bar_chart
from reports.export import write_csvs
from reports.fixes import fix_hint
from reports.model import RunData, load_run
from reports.ranking import Ranking, rank_sites

STATUS_LABELS = {
    "pass": "公开", "partial": "部分公开", "fail": "未公开", "not_checked": "未能检查",
    "needs_review": "待人工复核", "not_applicable": "不适用",
}


def safe_link(url: object, text: object | None = None) -> Markup:
    """A link only for http(s) URLs; anything else (javascript:, data:, …) is shown as plain text."""
    if not isinstance(url, str) or not url:
        return escape(text or "")
    label = escape(text if text is not None else url)
    if urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        return label
    return Markup(f'<a href="{escape(url.strip())}" rel="noopener noreferrer nofollow">{label}</a>')


def _fmt(value: object, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("reports", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["link"] = safe_link
    env.filters["fmt"] = _fmt
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    return env


def site_page_name(site_id: int) -> str:
    return f"sites/site-{site_id}.html"


def render_run(session: Session, run_id: int, rubric_id: str | None, out_dir: Path | str) -> Path:
    """Write index.html, sites/*.html and the CSV exports for one run; return the ranking page path."""
    out = Path(out_dir)
    (out / "sites").mkdir(parents=True, exist_ok=True)
    data = load_run(session, run_id, rubric_id)
    ranking = rank_sites(data.sites, data.scores, data.findings)
    env = _environment()
    generated = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    common = {"run": data.run, "rubric_id": data.rubric_id, "generated": generated}
    index = out / "index.html"
    index.write_text(env.get_template("ranking.html.j2").render(
        **common, ranking=ranking, chart=bar_chart(ranking.distribution, title="总分分布"),
        site_page=site_page_name, weakest=_weakest_items(ranking)), encoding="utf-8")
    for site in data.sites.itertuples():
        page = out / site_page_name(site.site_id)
        page.write_text(env.get_template("site.html.j2").render(**common, **_site_context(data, ranking, site)),
                        encoding="utf-8")
    write_csvs(data, out, ranking.table)
    return index


def _weakest_items(ranking: Ranking, limit: int = 15) -> pd.DataFrame:
    items = ranking.items.dropna(subset=["rate"])
    items = items[items.rate < 100]
    return items.sort_values("rate", kind="mergesort").head(limit)  # stable: rubric order breaks ties


def _site_context(data: RunData, ranking: Ranking, site: object) -> dict:
    site_id = site.site_id  # type: ignore[attr-defined]
    findings = data.findings[data.findings.site_id == site_id]
    row = ranking.table[ranking.table.site_id == site_id]
    sections = []
    for sid, name in ranking.sections:
        rows = findings[findings.section_id == sid]
        score = data.scores[(data.scores.site_id == site_id) & (data.scores.section_id == sid)]
        sections.append({"id": sid, "name": name, "findings": [_finding_view(f) for f in rows.to_dict("records")],
                         "score": score.iloc[0].to_dict() if not score.empty else None})
    lost = findings[findings.status.isin(["fail", "partial", "needs_review"])].copy()
    lost["lost"] = lost.max_points - lost.points
    lost = lost.sort_values("lost", ascending=False, kind="mergesort")  # stable: rubric order breaks ties
    columns = data.columns[data.columns.site_id == site_id]
    return {
        "site": site, "rank": None if row.empty else row.iloc[0].to_dict(),
        "sections": sections, "fixes": [_finding_view(f) for f in lost.to_dict("records")],
        "columns_total": int(len(columns)), "items_total": int((data.items.site_id == site_id).sum()),
        "blank_columns": int(((columns.item_count == 0) & ~columns.has_content.astype(bool)
                              & columns.url.notna()).sum()) if not columns.empty else 0,
        "mode": data.run.mode,
    }


def _finding_view(f: dict) -> dict:
    get = f.__getitem__
    return {
        "item_id": get("item_id"), "item_name": get("item_name"), "status": get("status"),
        "points": get("points"), "max_points": get("max_points"), "message": get("message"),
        "reason": get("reason"), "matched": get("matched_list"), "evidence": get("evidence_list"),
        "lost": get("max_points") - get("points"), "fix": fix_hint(get("check_kind"), get("status"), get("item_name")),
    }
