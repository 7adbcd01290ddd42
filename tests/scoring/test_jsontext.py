"""Findings' JSON cells are json.dumps's text, byte for byte."""

from __future__ import annotations

import json
import math

import pytest

from scoring.jsontext import dumps

VALUES = [
    {}, [], "", "纯文本", 0, -1.5, 1e16, 0.1 + 0.2, math.inf, -math.inf, True, False, None,
    [{"url": "http://a.test/x?q=1&r=<2>", "label": "栏目：基本信息/学校章程"}],
    {"absence": {"searched": {"columns": 75, "top_columns": ["信息公开指南", "\u202e倒序"], "more": None},
                 "nearest": [{"score": 50.0, "how": "fuzzy", "words": "相似度 50%"}]}},
    {"emoji": "\U0001f600 astral", "quote": '"\\\n\t\x00\x1f', "empty": {}, "list": [[], {}, [{}]]},
    {1: "int key", 2.5: "float key", None: "none key", False: "bool key"},
    ({"tuple": (1, 2)},),
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_the_text_is_json_dumps_text(value) -> None:
    assert dumps(value) == json.dumps(value)


def test_nan_is_written_as_json_dumps_writes_it() -> None:
    assert dumps([math.nan]) == json.dumps([math.nan]) == "[NaN]"


def test_values_json_cannot_encode_still_fail() -> None:
    with pytest.raises(TypeError):
        dumps({"x": object()})
