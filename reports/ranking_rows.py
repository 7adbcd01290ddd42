"""The rows of the ranking table (index, later ranking pages, group pages), as HTML built in Python.

Every site is printed on a ranking page and on its group's page: two rows a site, in the main process,
while the site pages wait. Each value goes through what a `{{ }}` in the templates gives it
(`page_text`: control characters removed, then escaped) once; a key a row lacks prints as the template's
undefined value did (nothing). The markup is the one `_ranking_table.html.j2`'s row loop wrote, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Undefined
from markupsafe import Markup

from reports.templating import _rank_move, _short, _signed, fmt, page_text

_UNDEFINED = Undefined()  # what the template saw for a key a row lacks: prints "", is not none, is false


def _data_v(value: Any) -> str:
    return page_text("" if value is None else value)


def _verdict(verdict: Any, veto: Any) -> str:
    if verdict == "不合格":
        return (f'<span class="status s-fail" title="单项否决">不合格</span><br><span class="small">单项否决：'
                f'{page_text(veto)}</span>')
    if verdict in ("不及格", "不合格"):
        return f'<span class="status s-partial">{page_text(verdict)}</span>'
    if verdict:
        return f'<span class="status s-pass">{page_text(verdict)}</span>'
    return '<span class="small">—</span>'


def ranking_row(r: dict, sections: list, spark: dict, site_page: Callable[[Any], str]) -> str:
    """One ranked site's <tr> (a `reports.ranking.records` row)."""
    def g(key: str) -> Any:
        return r.get(key, _UNDEFINED)

    name, total, veto, verdict, note = g("site_name"), g("total"), g("veto"), g("verdict"), g("coverage_note")
    coverage = (f'<br><span class="status s-needs_review" title="{page_text(note)}">抓取覆盖不足，结果待复核</span>'
                if note else "")
    site = (f'<td class="site" data-v="{page_text(name)}"><a href="{page_text(site_page(g("site_id")))}" '
            f'title="{page_text(name)}">{page_text(_short(name))}</a><br><span class="small">{page_text(g("site_url"))}'
            f'</span>{coverage}</td>')
    shown = (f'<span class="small">{page_text("不再评分" if veto else "未能评分")}</span>' if total is None
             else page_text(fmt(total, 2)))
    cells = "".join(f'<td class="num" data-v="{_data_v(v)}">{page_text(fmt(v, 1))}</td>'
                    for v in (g(f"sec_{sid}") for sid, _name in sections))
    return (f'<tr>\n  <td class="num" data-v="{_data_v(g("rank"))}">{page_text(fmt(g("rank")))}</td>\n'
            f'  <td class="num" data-v="{_data_v(g("rank_change"))}">{page_text(_rank_move(g("rank_change")))}</td>\n'
            f'  {site}\n  <td class="num" data-v="{_data_v(total)}">{shown}</td>\n'
            f'  <td class="trend">{page_text(spark.get(g("site_id"), ""))}</td>\n'
            f'  <td class="num" data-v="{_data_v(g("delta"))}">{page_text(_signed(g("delta")))}</td>\n'
            f'  <td data-v="{page_text(verdict or "")}">{_verdict(verdict, veto)}</td>\n'
            f'{cells}  <td class="num">{page_text(g("fails"))}</td><td class="num">{page_text(g("needs_review"))}</td>'
            f'<td class="num">{page_text(g("not_checked"))}</td>\n</tr>\n')


def ranking_rows(rows: list[dict], sections: list, spark: dict, site_page: Callable[[Any], str]) -> Markup:
    """The ranking table's body rows, for the template to print whole (`row_html`)."""
    return Markup("".join(ranking_row(r, sections, spark, site_page) for r in rows))
