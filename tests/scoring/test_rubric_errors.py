"""Broken rubric files give one-line `file:line: field: message` errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.rubric import load_rubric
from xxgk.errors import UserError

GOOD = """\
id: tiny
title: Tiny rubric
source:
  title: 测试文件
  number: 测〔2024〕1号
applies_to: university
method: weighted
total: 10
sections:
  - id: "1"
    name: 基本信息
    items:
      - id: "1"
        name: 学校章程
        weight: 4
        aliases: [章程]
        checks: [{kind: presence}]
      - id: "2"
        name: 规章制度
        weight: 6
        checks:
          - kind: presence
            params: {match_items: true}
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "r.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def _error(tmp_path: Path, text: str) -> UserError:
    p = _write(tmp_path, text)
    with pytest.raises(UserError) as info:
        load_rubric(p)
    return info.value


def test_good_file_loads(tmp_path: Path) -> None:
    r = load_rubric(_write(tmp_path, GOOD))
    assert [i.id for _s, i in r.items()] == ["1", "2"]
    assert r.item("2").checks[0].params == {"match_items": True}


def test_missing_field(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace("        name: 规章制度\n", ""))
    assert str(err) == f"{tmp_path / 'r.yaml'}:18: sections[0].items[1].name: field required"


def test_wrong_type(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace("weight: 4", "weight: four"))
    assert err.line == 15
    assert err.field == "sections[0].items[0].weight"
    assert "valid number" in err.bare_message
    assert str(err).startswith(f"{tmp_path / 'r.yaml'}:15: sections[0].items[0].weight: ")


def test_duplicate_item_id(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace('- id: "2"', '- id: "1"'))
    assert err.line == 18
    assert err.field == "sections[0].items[1].id"
    assert "duplicate item id '1'" in err.bare_message


def test_unknown_check_kind_names_known_kinds(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace("checks: [{kind: presence}]", "checks: [{kind: presense}]"))
    assert err.line == 17
    assert err.field == "sections[0].items[0].checks[0].kind"
    assert "unknown check kind 'presense'" in err.bare_message
    assert "blank_column" in err.bare_message and "presence" in err.bare_message


def test_unknown_check_param(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace("{match_items: true}", "{match_item: true}"))
    assert err.line == 23
    assert err.bare_message == "unknown field"
    assert err.field == "sections[0].items[1].checks[0].params.match_item"


def test_bad_yaml_syntax(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace("aliases: [章程]", "aliases: [章程"))
    assert "YAML syntax error" in err.bare_message
    assert err.line is not None and 16 <= err.line <= 18
    assert str(err).startswith(f"{tmp_path / 'r.yaml'}:{err.line}: ")


def test_weights_not_summing(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace("weight: 6", "weight: 5"))
    assert err.line == 8
    assert err.field == "total"
    assert err.bare_message == "item weights sum to 9, not the declared total 10"


def test_unknown_top_level_field_and_duplicate_key(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace("total: 10\n", "total: 10\ntotals: 3\n"))
    assert (err.line, err.field, err.bare_message) == (9, "totals", "unknown field")
    err = _error(tmp_path, GOOD.replace("total: 10\n", "total: 10\ntitle: again\n"))
    assert (err.line, err.field) == (9, "title")
    assert "duplicate key" in err.bare_message


def test_bad_enum_and_empty_file(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace("method: weighted", "method: weigthed"))
    assert (err.line, err.field) == (7, "method")
    err = _error(tmp_path, "")
    assert err.line == 1 and "empty" in err.bare_message


def test_weighted_item_without_weight(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace("        weight: 4\n", "").replace("total: 10", "total: 6"))
    assert err.line == 13
    assert err.field == "sections[0].items[0]"
    assert "weight" in err.bare_message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read rubric"):
        load_rubric(tmp_path / "absent.yaml")
