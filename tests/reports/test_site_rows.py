"""A site page's finding rows built in Python are the markup the template's row loop gave, hostile text escaped."""

from __future__ import annotations

import pytest

from reports.site_rows import add_rows, finding_row, fix_rows
from reports.templating import STATUS_LABELS, environment

# the row loop site.html.j2 had before its rows were built in Python (reports/site_rows.py)
TEMPLATE_ROW = """{% for f in findings %}
<tr id="item-{{ f.item_id }}">
  <td>{{ f.item_id }}</td>
  <td>{{ f.item_name }}</td>
  <td><span class="status s-{{ f.status }}">{{ STATUS_LABELS.get(f.status, f.status) }}</span></td>
  <td class="num" data-v="{{ f.points }}">{{ f.points|fmt(2) }} / {{ f.max_points|fmt(2) }}</td>
  {% if item_history %}<td class="history">{% for run_id, st in item_history.get(f.item_id, []) %}<span class="status s-{{ st }}" title="运行 #{{ run_id }}：{{ STATUS_LABELS.get(st, st) }}">{{ STATUS_LABELS.get(st, st)[:1] }}</span>{% endfor %}</td>{% endif %}
  <td>{% for m in f.matched %}{{ m.path or m.name }} <span class="small">（{{ m|match_words }}）</span><br>{% endfor %}{{ f.message }}{% if f.reason %}<br><span class="small">原因：{{ f.reason }}</span>{% endif %}{% if f.absence %}<br><span class="small absence">{{ f.absence }}</span>{% endif %}{% if f.fix %}<br><span class="fix">整改：{{ f.fix }}</span>{% endif %}</td>
  <td><ul class="evidence">{% for e in f.evidence %}<li>{{ e.url|link(e.label) }}{% if e.snapshot %} · <a href="../{{ e.snapshot }}" class="snapshot">存档副本</a>{% endif %}{% if e.screenshot %} · <a href="../{{ e.screenshot }}" class="screenshot">截图</a>{% endif %}</li>{% endfor %}</ul></td>
</tr>
{% endfor %}"""

HOSTILE = '<script>alert("x")</script>\x1b[31m“引号”\'单\' &amp; \u202e倒序\u202c'


def _view(**over) -> dict:
    view = {"item_id": "3", "item_name": HOSTILE, "status": "fail", "points": 0.0, "max_points": 2.0,
            "message": HOSTILE, "reason": "", "absence": "", "fix": "", "matched": [], "evidence": []}
    return {**view, **over}


VIEWS = [
    _view(),
    _view(item_id='1"><b>', status="pass", points=2.0, reason=HOSTILE, absence=HOSTILE, fix=HOSTILE,
          matched=[{"path": HOSTILE, "how": "fuzzy", "score": 88.0}, {"name": "名称", "how": "exact"}, {"how": "x"},
                   {"path": None, "name": None}],
          evidence=[{"url": "javascript:alert(1)", "label": HOSTILE, "snapshot": None, "screenshot": None},
                    {"url": ' http://a.test/?q="<x>"\x07 ', "label": HOSTILE, "snapshot": "snapshots/a.html",
                     "screenshot": "screenshots/a.png"},
                    {"url": "http://[bad/", "label": "x", "snapshot": None, "screenshot": None},
                    {"url": "", "label": "", "snapshot": None, "screenshot": None}]),
    _view(status="<odd>", points=None, max_points=float("nan"), message=None),
]


@pytest.mark.parametrize("history", [{}, {"3": [(1, "pass"), (2, "<x>")], '1"><b>': [(2, "fail")]}])
def test_rows_are_the_template_rows_byte_for_byte(history) -> None:
    labels = {**STATUS_LABELS, "<x>": HOSTILE}
    expected = environment().from_string(TEMPLATE_ROW).render(findings=VIEWS, STATUS_LABELS=labels,
                                                              item_history=history)
    sections = [{"findings": VIEWS}]
    add_rows(sections, labels, history)
    assert str(sections[0]["rows"]) == expected.lstrip("\n")
    assert ("history" in expected) == bool(history)


def test_rows_escape_hostile_text_and_link_only_http() -> None:
    row = finding_row(VIEWS[1], STATUS_LABELS, {})
    assert "<script>" not in row and "&lt;script&gt;" in row and "&#34;x&#34;" in row
    assert "\x1b" not in row and "\u202e" not in row and "\x07" not in row
    assert 'href="javascript' not in row and row.count("<a href=\"http") == 1
    assert 'href="http://a.test/?q=&#34;&lt;x&gt;&#34;' in row


# the fix-list loop site.html.j2 had before its rows were built in Python (reports/site_rows.py)
TEMPLATE_FIXES = """{% for f in fixes %}
<tr><td>{% for iid, _n in f['items'] %}<a href="#item-{{ iid }}">{{ iid }}</a>{% if not loop.last %}、{% endif %}{% endfor %}</td><td>{% if f['items']|length > 1 %}{{ f['items']|length }} 个事项同一原因：{% for _i, n in f['items'] %}{{ n|short(20) }}{% if not loop.last %}、{% endif %}{% endfor %}{% else %}{{ f.item_name }}{% endif %}</td><td><span class="status s-{{ f.status }}">{{ STATUS_LABELS.get(f.status, f.status) }}</span></td><td class="num" data-v="{{ 1000000 if f.veto else f.lost }}">{% if f.veto %}<b class="failmark">单项否决</b>{% else %}{{ f.lost|fmt(2) }}{% endif %}</td><td>{{ f.fix }}{% if f.skipped_message %}<br><span class="small">（否决后未计分的检查结果：{{ f.skipped_message }}）</span>{% endif %}</td></tr>
{% endfor %}"""

FIXES = [
    {"items": [("3", HOSTILE)], "item_name": HOSTILE, "status": "fail", "veto": False, "lost": 2.0, "fix": HOSTILE,
     "skipped_message": None},
    {"items": [('1"><b>', HOSTILE), ("2", "短名"), ("4", "一个很长很长很长很长很长很长很长很长很长很长的事项名称")],
     "item_name": "x", "status": "partial", "veto": False, "lost": 1.25, "fix": "", "skipped_message": HOSTILE},
    {"items": [("5", "否决")], "item_name": "否决", "status": "<odd>", "veto": True, "lost": 0.0, "fix": None,
     "skipped_message": ""},
    {"items": [], "item_name": None, "status": "needs_review", "veto": False, "lost": float("nan"), "fix": "复核",
     "skipped_message": None},
]


def test_fix_rows_are_the_template_rows_byte_for_byte() -> None:
    labels = {**STATUS_LABELS, "<odd>": HOSTILE}
    expected = environment().from_string(TEMPLATE_FIXES).render(fixes=FIXES, STATUS_LABELS=labels)
    assert str(fix_rows(FIXES, labels)) == expected.lstrip("\n")
    assert "failmark" in expected and "3 个事项同一原因" in expected
    assert "<script>" not in expected and "\u202e" not in expected
