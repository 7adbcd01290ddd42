"""Render a stored run: ranking page, one page per site, bulletin and exports. Re-runnable from the store alone.

Formats: html and csv always; xlsx, json and pdf on request (`formats`). The baseline for the change
columns is `compare` or, by default, the previous comparable run (`reports.compare.previous_run`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from reports.charts import bar_chart, hbar_chart
from reports.compare import changes, previous_run
from reports.export import write_csvs
from reports.model import RunData, load_run
from reports.narrative import Narrative, write
from reports.ranking import Ranking, rank_sites, records
from reports.site import by_site, site_context
from reports.snapshots import build_evidence
from xxgk.errors import UserError

log = logging.getLogger(__name__)

FORMATS = ("html", "csv", "xlsx", "json", "pdf")
ALWAYS = ("html", "csv")
DEFAULT_FORMATS = ("html", "csv", "xlsx", "json")

STATUS_LABELS = {
    "pass": "公开", "partial": "部分公开", "fail": "未公开", "not_checked": "未能检查",
    "needs_review": "待人工复核", "not_applicable": "不适用",
}


def parse_formats(spec: str | Iterable[str] | None) -> tuple[str, ...]:
    """Formats to write, from "html,csv,xlsx" or a list; html and csv are always included."""
    if spec is None:
        return DEFAULT_FORMATS
    names = [s.strip().lower() for s in (spec.split(",") if isinstance(spec, str) else spec) if s.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise UserError(f"unknown report format {', '.join(unknown)} (use {', '.join(FORMATS)})", field="--formats")
    return tuple(f for f in FORMATS if f in names or f in ALWAYS)


def safe_link(url: object, text: object | None = None) -> Markup:
    """A link only for http(s) URLs; anything else (javascript:, data:, …) is shown as plain text."""
    if not isinstance(url, str) or not url:
        return escape(text or "")
    label = escape(text if text is not None else url)
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return label
    if scheme not in ("http", "https"):
        return label
    return Markup(f'<a href="{escape(url.strip())}" rel="noopener noreferrer nofollow">{label}</a>')


def _fmt(value: object, digits: int = 1) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _signed(value: object, digits: int = 2) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "—"
    v = float(value)  # type: ignore[arg-type]
    return f"+{v:.{digits}f}" if v > 0 else f"{v:.{digits}f}" if v < 0 else "0"


def _rank_move(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "—"
    v = int(value)  # type: ignore[call-overload]
    return f"▲{v}" if v > 0 else f"▼{-v}" if v < 0 else "–"


def _short(value: object, limit: int = 60) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def environment() -> Environment:
    """The jinja2 environment of every HTML output (autoescape on)."""
    env = Environment(loader=PackageLoader("reports", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["link"] = safe_link
    env.filters["fmt"] = _fmt
    env.filters["signed"] = _signed
    env.filters["rank_move"] = _rank_move
    env.filters["short"] = _short
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    return env


def site_page_name(site_id: int) -> str:
    return f"sites/site-{site_id}.html"


def build_ranking(session: Session, data: RunData, compare: int | None = None) -> tuple[Ranking, int | None]:
    """Rank the run and add the change columns against `compare` or the previous comparable run."""
    ranking = rank_sites(data.sites, data.scores, data.findings, pass_mark=data.pass_mark, method=data.method)
    baseline = compare if compare is not None else previous_run(session, int(data.run.id), data.rubric_id)
    base_table = None
    if baseline is not None:
        base = load_run(session, baseline, data.rubric_id)
        if compare is not None and base.scores.empty:
            raise UserError(f"run {compare} has no scores for rubric {data.rubric_id}", field="--compare")
        base_table = rank_sites(base.sites, base.scores, base.findings, pass_mark=data.pass_mark,
                                method=data.method).table
    delta = changes(ranking.table, base_table)
    for col in ("prev_total", "prev_rank", "delta", "rank_change"):
        ranking.table[col] = list(delta[col]) if len(delta) == len(ranking.table) else None
    return ranking, baseline


@dataclass
class Rendered:
    """What a render wrote: the ranking page and the baseline run its changes are measured against."""

    index: Path
    baseline_run: int | None
    rubric_id: str


def render_run(session: Session, run_id: int, rubric_id: str | None, out_dir: Path | str, *,
               compare: int | None = None, formats: str | Iterable[str] | None = None,
               bulletin: bool | None = None) -> Path:
    """Write index.html, sites/*.html and the chosen exports for one run; return the ranking page path."""
    return render_report(session, run_id, rubric_id, out_dir, compare=compare, formats=formats,
                         bulletin=bulletin).index


def render_report(session: Session, run_id: int, rubric_id: str | None, out_dir: Path | str, *,
                  compare: int | None = None, formats: str | Iterable[str] | None = None,
                  bulletin: bool | None = None) -> Rendered:
    """Render one run (see `render_run`) and say which baseline run was used.

    `bulletin`: True always writes the monthly 通报, False never, None when the run has monthly-volume findings.
    """
    out = Path(out_dir)
    (out / "sites").mkdir(parents=True, exist_ok=True)
    chosen = parse_formats(formats)
    data = load_run(session, run_id, rubric_id)
    ranking, baseline = build_ranking(session, data, compare)
    narrative = write(ranking, baseline)
    evidence = build_evidence(data.pages, out)
    env = environment()
    common = {"run": data.run, "rubric_id": data.rubric_id, "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
              "formats": chosen}
    from reports import bulletin as bulletin_mod

    units = bulletin_mod.collect(data)
    want_bulletin = bool(units) if bulletin is None else bulletin
    index = out / "index.html"
    index.write_text(render_ranking_page(env, common, ranking, narrative, baseline, want_bulletin), encoding="utf-8")
    index_by_site = by_site(data)
    rank_rows = {int(r["site_id"]): r for r in records(ranking.table)}
    template = env.get_template("site.html.j2")
    for site in data.sites.itertuples():
        page = out / site_page_name(site.site_id)
        page.write_text(template.render(**common, **site_context(data, ranking, site, evidence, index_by_site,
                                                                 rank_rows)), encoding="utf-8")
    write_csvs(data, out, ranking.table)
    if want_bulletin:
        bulletin_mod.write_bulletin(units, data, out, env, common)
    if "xlsx" in chosen:
        from reports.xlsx import write_xlsx

        write_xlsx(data, ranking, out / "report.xlsx")
    if "json" in chosen:
        from reports.json_export import write_json

        write_json(data, ranking, narrative, baseline, out / "report.json")
    if "pdf" in chosen:
        from reports.pdf import print_report

        print_report(out)
    return Rendered(index=index, baseline_run=baseline, rubric_id=data.rubric_id)


def render_ranking_page(env: Environment, common: dict, ranking: Ranking, narrative: Narrative,
                        baseline: int | None, bulletin: bool = False) -> str:
    """The ranking page HTML."""
    cats = ranking.categories if ranking.categories is not None else pd.DataFrame(columns=["section_name", "rate"])
    return env.get_template("ranking.html.j2").render(
        **common, ranking=ranking, rows=records(ranking.table), narrative=narrative, baseline=baseline,
        chart=bar_chart(ranking.distribution, title="总分分布"),
        category_chart=hbar_chart([(r["section_name"], r["rate"]) for r in records(cats)], title="各类别平均得分率"),
        categories=records(cats), site_page=site_page_name, weakest=records(weakest_items(ranking)),
        bulletin=bulletin)


def weakest_items(ranking: Ranking, limit: int = 15) -> pd.DataFrame:
    """The items with the lowest 得分率 (below 100%), rubric order breaking ties."""
    items = ranking.items.dropna(subset=["rate"])
    items = items[items.rate < 100]
    return items.sort_values("rate", kind="mergesort").head(limit)
