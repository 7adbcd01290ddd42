"""Schema v1 mistakes (veto, deduction points, sub-item weights, unconfirmed params, check params) give
`file:line: field: message`."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.rubric import load_rubric
from xxgk.errors import UserError

GOV = """\
id: tiny-gov
title: Tiny inspection
source: {title: 测试, number: 测〔2024〕1号}
applies_to: government
method: veto+deduction
total: 20
sections:
  - id: veto
    name: 单项否决
    items:
      - id: V1
        name: 首页不更新
        veto: true
        checks:
          - kind: home_updated
            params: {max_age_days: 14}
  - id: deduct
    name: 扣分
    items:
      - id: D1
        name: 链接可用性
        points: 10
        checks:
          - kind: link_health
            params: {deduct_per_broken: 1}
            unconfirmed: [deduct_per_broken]
      - id: D2
        name: 平台栏目
        points: 10
        sub_items:
          - {id: a, name: 政府信息公开指南, weight: 1}
          - {id: b, name: 政府信息公开制度, weight: 1}
        checks: [{kind: presence}]
"""


def _error(tmp_path: Path, text: str) -> UserError:
    p = tmp_path / "r.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as info:
        load_rubric(p)
    return info.value


def test_good_gov_file_loads(tmp_path: Path) -> None:
    p = tmp_path / "r.yaml"
    p.write_text(GOV, encoding="utf-8")
    r = load_rubric(p)
    v1, d1, d2 = (r.item(i) for i in ("V1", "D1", "D2"))
    assert v1.veto and v1.max_points == 0 and v1.points_label == "单项否决"
    assert d1.weight == 10 and d1.points_label == "扣分上限 10"
    assert d2.partial_credit and r.pass_mark == 60


def test_deduction_points_must_sum_to_total(tmp_path: Path) -> None:
    err = _error(tmp_path, GOV.replace("total: 20", "total: 25"))
    assert (err.line, err.field) == (6, "total")
    assert err.bare_message == "deduction points sum to 20, not the declared total 25"


def test_veto_needs_the_veto_method(tmp_path: Path) -> None:
    err = _error(tmp_path, GOV.replace("method: veto+deduction", "method: deduction"))
    assert (err.line, err.field) == (13, "sections[0].items[0].veto")
    assert "veto+deduction" in err.bare_message


def test_unknown_unconfirmed_parameter(tmp_path: Path) -> None:
    err = _error(tmp_path, GOV.replace("unconfirmed: [deduct_per_broken]", "unconfirmed: [deduct_per_brokn]"))
    assert (err.line, err.field) == (26, "sections[1].items[0].checks[0].unconfirmed[0]")
    assert "'deduct_per_brokn' is not a parameter of link_health" in err.bare_message


def test_bad_check_parameter_value(tmp_path: Path) -> None:
    err = _error(tmp_path, GOV.replace("params: {max_age_days: 14}", "params: {max_age_days: two weeks}"))
    assert (err.line, err.field) == (16, "sections[0].items[0].checks[0].params.max_age_days")
    assert "valid integer" in err.bare_message


def test_sub_item_weights_all_or_none(tmp_path: Path) -> None:
    err = _error(tmp_path, GOV.replace("{id: b, name: 政府信息公开制度, weight: 1}", "{id: b, name: 政府信息公开制度}"))
    assert (err.line, err.field) == (32, "sections[1].items[1].sub_items[1]")
    assert "weight" in err.bare_message


def test_deduction_item_without_points(tmp_path: Path) -> None:
    err = _error(tmp_path, GOV.replace("        points: 10\n        checks:\n          - kind: link_health",
                                       "        checks:\n          - kind: link_health").replace("total: 20", "total: 10"))
    assert err.field == "sections[1].items[0]" and "points" in err.bare_message


def test_nested_params_error_points_at_the_line(tmp_path: Path) -> None:
    text = GOV.replace("""          - kind: link_health
            params: {deduct_per_broken: 1}
            unconfirmed: [deduct_per_broken]""", """          - kind: column_freshness
            params:
              types:
                - {type: dynamic, names: [动态], max_age_days: 14}
                - {type: notice, names: [通知公告], max_age: 183}""")
    err = _error(tmp_path, text)
    assert err.line == 28
    assert err.field.startswith("sections[1].items[0].checks[0].params.types[1]")


def test_bad_pass_mark_and_veto_type(tmp_path: Path) -> None:
    err = _error(tmp_path, GOV.replace("total: 20", "total: 20\npass_mark: -1"))
    assert (err.line, err.field) == (7, "pass_mark")
    err = _error(tmp_path, GOV.replace("veto: true", "veto: maybe"))
    assert (err.line, err.field) == (13, "sections[0].items[0].veto")
