"""The rows of a site page's finding tables and fix list, as HTML built in Python.

A national report renders ~50 rows on each of 17,500 pages; in the template every row cost dozens of
attribute lookups and a `finalize` and escape call per output, most of the report's time. Here each
value goes through what a `{{ }}` in the templates gives it (`page_text`: control characters removed,
then escaped) once, and the rows are joined for the template to print whole (`sec.rows`). The markup
is the one `site.html.j2` wrote for them, byte for byte.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import Markup

from reports.cells import without_controls
from reports.templating import _short, fmt, page_text, safe_link
from scoring.absence import match_words

# The rubric's ids, names, statuses and points repeat on every page: each printed once (`typed`: 1 and 1.0 differ).
_rubric_text = lru_cache(maxsize=8192, typed=True)(page_text)


def _matched(matched: list) -> str:
    parts = []
    for m in matched:
        label = m.get("path", "")
        parts.append(f'{page_text(label if label else m.get("name", ""))} <span class="small">'
                     f'（{page_text(match_words(m))}）</span><br>')
    return "".join(parts)


def _evidence(evidence: list[dict]) -> str:
    parts = []
    for e in evidence:
        html = without_controls(str(safe_link(e["url"], e["label"])))
        if e["snapshot"]:
            html += f' · <a href="../{page_text(e["snapshot"])}" class="snapshot">存档副本</a>'
        if e["screenshot"]:
            html += f' · <a href="../{page_text(e["screenshot"])}" class="screenshot">截图</a>'
        parts.append(f"<li>{html}</li>")
    return "".join(parts)


def _history(statuses: list, labels: dict) -> str:
    parts = []
    for run_id, st in statuses:
        label = labels.get(st, st)
        parts.append(f'<span class="status s-{page_text(st)}" title="运行 #{page_text(run_id)}：{page_text(label)}">'
                     f"{page_text(label[:1])}</span>")
    return f'<td class="history">{"".join(parts)}</td>'


def finding_row(f: dict[str, Any], labels: dict, item_history: dict) -> str:
    """One finding's <tr> (a `reports.site.finding_view`), with the history cell when `item_history` is set."""
    item_id = _rubric_text(f["item_id"])
    status = f["status"]
    note = _matched(f["matched"]) + page_text(f["message"])
    if f["reason"]:
        note += f'<br><span class="small">原因：{page_text(f["reason"])}</span>'
    if f["absence"]:
        note += f'<br><span class="small absence">{page_text(f["absence"])}</span>'
    if f["fix"]:
        note += f'<br><span class="fix">整改：{page_text(f["fix"])}</span>'
    history = _history(item_history.get(f["item_id"], []), labels) if item_history else ""
    points = f["points"]
    return (f'<tr id="item-{item_id}">\n  <td>{item_id}</td>\n  <td>{_rubric_text(f["item_name"])}</td>\n'
            f'  <td><span class="status s-{_rubric_text(status)}">{_rubric_text(labels.get(status, status))}</span>'
            f'</td>\n  <td class="num" data-v="{_rubric_text(points)}">{_rubric_text(fmt(points, 2))} / '
            f'{_rubric_text(fmt(f["max_points"], 2))}</td>\n'
            f'{history}  <td>{note}</td>\n  <td><ul class="evidence">{_evidence(f["evidence"])}</ul></td>\n</tr>')


def fix_row(f: dict[str, Any], labels: dict) -> str:
    """One fix's <tr> (a `reports.site.group_fixes` row): its items, status, points it recovers, the fix."""
    items = f["items"]
    links = "、".join(f'<a href="#item-{page_text(iid)}">{page_text(iid)}</a>' for iid, _n in items)
    if len(items) > 1:
        what = f'{page_text(len(items))} 个事项同一原因：{"、".join(page_text(_short(n, 20)) for _i, n in items)}'
    else:
        what = page_text(f["item_name"])
    status = f["status"]
    veto = f["veto"]
    lost = '<b class="failmark">单项否决</b>' if veto else page_text(fmt(f["lost"], 2))
    skipped = (f'<br><span class="small">（否决后未计分的检查结果：{page_text(f["skipped_message"])}）</span>'
               if f["skipped_message"] else "")
    return (f'<tr><td>{links}</td><td>{what}</td><td><span class="status s-{page_text(status)}">'
            f'{page_text(labels.get(status, status))}</span></td><td class="num" '
            f'data-v="{page_text(1000000 if veto else f["lost"])}">{lost}</td><td>{page_text(f["fix"])}{skipped}</td></tr>\n')


def fix_rows(fixes: list[dict], labels: dict) -> Markup:
    """The fix list's rows as one HTML block (`fix_rows` of the site template)."""
    return Markup("".join(fix_row(f, labels) for f in fixes))


def add_rows(sections: list[dict], labels: dict, item_history: dict) -> None:
    """Give each section of a site page context its finding rows as one HTML block (`rows`)."""
    for sec in sections:
        sec["rows"] = Markup("".join(finding_row(f, labels, item_history) + "\n" for f in sec["findings"]))
