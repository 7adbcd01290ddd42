"""The ranking table's rows built in Python are the markup the template's row loop gave, hostile text escaped."""

from __future__ import annotations

from markupsafe import Markup

from reports.formats.html import site_page_name
from reports.ranking_rows import ranking_row, ranking_rows
from reports.templating import environment

# the row loop _ranking_table.html.j2 had before its rows were built in Python (reports/ranking_rows.py)
TEMPLATE_ROWS = """<tbody>
{% for r in rows %}
<tr>
  <td class="num" data-v="{{ '' if r['rank'] is none else r['rank'] }}">{{ r['rank']|fmt }}</td>
  <td class="num" data-v="{{ '' if r.rank_change is none else r.rank_change }}">{{ r.rank_change|rank_move }}</td>
  <td class="site" data-v="{{ r.site_name }}"><a href="{{ site_page(r.site_id) }}" title="{{ r.site_name }}">{{ r.site_name|short }}</a><br><span class="small">{{ r.site_url }}</span>{% if r.coverage_note %}<br><span class="status s-needs_review" title="{{ r.coverage_note }}">抓取覆盖不足，结果待复核</span>{% endif %}</td>
  <td class="num" data-v="{{ '' if r.total is none else r.total }}">{% if r.total is none %}<span class="small">{{ "不再评分" if r.veto else "未能评分" }}</span>{% else %}{{ r.total|fmt(2) }}{% endif %}</td>
  <td class="trend">{{ spark.get(r.site_id, "") }}</td>
  <td class="num" data-v="{{ '' if r.delta is none else r.delta }}">{{ r.delta|signed }}</td>
  <td data-v="{{ r.verdict or '' }}">{% if r.verdict == "不合格" %}<span class="status s-fail" title="单项否决">不合格</span><br><span class="small">单项否决：{{ r.veto }}</span>{% elif r.verdict in ("不及格", "不合格") %}<span class="status s-partial">{{ r.verdict }}</span>{% elif r.verdict %}<span class="status s-pass">{{ r.verdict }}</span>{% else %}<span class="small">—</span>{% endif %}</td>
  {% for sid, name in ranking.sections %}{% set v = r['sec_' ~ sid] %}<td class="num" data-v="{{ '' if v is none else v }}">{{ v|fmt(1) }}</td>{% endfor %}
  <td class="num">{{ r.fails }}</td><td class="num">{{ r.needs_review }}</td><td class="num">{{ r.not_checked }}</td>
</tr>
{% endfor %}
</tbody>"""

HOSTILE = '<script>alert("x")</script>\x1b[31m“引号”\'单\' &amp; \u202e倒序\u202c' * 3
SECTIONS = [("1", "基本信息"), ("2", HOSTILE), (3, "数字编号")]


def _row(**over) -> dict:
    row = {"rank": 1, "rank_change": 2, "site_id": 7, "site_name": "样例大学", "site_url": "http://a.test/",
           "coverage_note": None, "total": 88.125, "veto": None, "delta": 1.5, "verdict": "及格",
           "sec_1": 30.0, "sec_2": 20.25, "sec_3": 10, "fails": 3, "needs_review": 0, "not_checked": 1}
    return {**row, **over}


ROWS = [
    _row(),
    _row(rank=None, rank_change=-3, site_id=8, site_name=HOSTILE, site_url=HOSTILE, coverage_note=HOSTILE,
         total=None, veto=HOSTILE, delta=-0.5, verdict="不合格", sec_1=None, sec_2=float("nan"), fails=HOSTILE),
    _row(rank=3.0, rank_change=0, site_id=9, total=None, veto=None, delta=0.0, verdict="不及格", coverage_note=""),
    _row(rank_change=None, site_id=10, total=float("nan"), delta=None, verdict=None, sec_3=float("nan")),
    _row(site_id=11, verdict=HOSTILE, total=59.999, delta=float("nan")),
    {k: v for k, v in _row(site_id=12, verdict="").items() if k not in ("sec_2", "coverage_note", "not_checked")},
]


def test_rows_are_the_template_rows_byte_for_byte() -> None:
    class Ranking:
        sections = SECTIONS

    spark = {7: Markup('<svg class="spark"></svg>'), 8: Markup("<svg>\x07</svg>")}
    expected = environment().from_string(TEMPLATE_ROWS).render(rows=ROWS, ranking=Ranking, spark=spark,
                                                               site_page=site_page_name)
    got = "<tbody>\n" + str(ranking_rows(ROWS, SECTIONS, spark, site_page_name)) + "</tbody>"
    assert got == expected
    assert expected.count("<tr>") == len(ROWS) and "s-fail" in expected and "抓取覆盖不足" in expected


def test_rows_escape_hostile_text() -> None:
    row = ranking_row(ROWS[1], SECTIONS, {}, site_page_name)
    assert "<script>" not in row and "&lt;script&gt;" in row and "&#34;x&#34;" in row
    assert "\x1b" not in row and "\u202e" not in row
