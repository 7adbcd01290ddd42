"""docs/settings.md documents every crawl setting: its table matches `CrawlSettings` field for field.

Adding, removing or re-defaulting a setting without the docs fails here, naming the setting.
"""

from __future__ import annotations

import json
import re
import types
import typing
from pathlib import Path

from xxgk.settings import CrawlSettings

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"
ROW = re.compile(r"^\|\s*`(?P<name>[a-z_]+)`\s*\|(?P<type>[^|]*)\|(?P<default>[^|]*)\|(?P<meaning>[^|]*)\|\s*$")


def type_name(annotation: object) -> str:
    """A field's type as the table writes it: `int`, `float or unset`, `DEBUG/INFO/…`."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return "/".join(str(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        named = [type_name(a) for a in args if a is not type(None)]
        return " or ".join(named) + (" or unset" if type(None) in args else "")
    return getattr(annotation, "__name__", str(annotation))


def default_text(value: object) -> str:
    """A default as the table (and a TOML settings file) writes it; None is `unset`."""
    return "unset" if value is None else json.dumps(value, ensure_ascii=False)


def model_rows() -> dict[str, tuple[str, str, str]]:
    return {name: (type_name(f.annotation), default_text(f.default), f.description or "")
            for name, f in CrawlSettings.model_fields.items()}


def doc_rows() -> dict[str, tuple[str, str, str]]:
    rows: dict[str, tuple[str, str, str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            assert m["name"] not in rows, f"docs/settings.md lists {m['name']} twice"
            rows[m["name"]] = (m["type"].strip(), m["default"].strip().strip("`"), m["meaning"].strip())
    return rows


def test_every_setting_is_documented_and_nothing_else():
    documented, fields = set(doc_rows()), set(model_rows())
    assert not fields - documented, f"settings missing from docs/settings.md: {sorted(fields - documented)}"
    assert not documented - fields, f"docs/settings.md lists settings CrawlSettings lacks: {sorted(documented - fields)}"


def test_types_defaults_and_meanings_match_the_model():
    doc = doc_rows()
    for name, (type_, default, meaning) in model_rows().items():
        if name not in doc:
            continue  # reported by the test above
        assert doc[name][0] == type_, f"{name}: docs/settings.md says type {doc[name][0]!r}, the model {type_!r}"
        assert doc[name][1] == default, f"{name}: docs/settings.md says default {doc[name][1]}, the model {default}"
        assert doc[name][2] == meaning, f"{name}: docs/settings.md's meaning differs from the field description"


def test_every_field_has_a_description_the_table_can_hold():
    for name, (_type, _default, meaning) in model_rows().items():
        assert meaning, f"{name} has no description"
        assert "|" not in meaning and "\n" not in meaning, f"{name}: its description would break the table"


def test_the_table_parser_reads_the_doc():
    # a guard against the parser silently matching nothing (then every other test would be vacuous)
    assert len(doc_rows()) > 20
