"""Rubric files: the YAML loader with file:line errors, and lookup by id.

A rubric is YAML data (see `rubrics/`). Errors name the file, the line and the field:
`rubrics/x.yaml:42: sections[1].items[3].weight: Input should be a valid number`.

Format (full reference with examples: docs/rubric-format.md): `id`, `title`, `version`, `source`
{title, number, published, basis[], url}, `applies_to` (university | government | any), `method`
(weighted | deduction | veto+deduction), `total`, `pass_mark` (60), `weighting` (how weights were
chosen), `generic_columns`, `builtin_generic_columns`, and `sections[]` {id, name, aliases, items[]}.
An item: `id`, `name` (official), `weight` (weighted) or `points` (deduction cap), `veto` (single-veto
item), `aliases`, `scoped_aliases` [{names, within}], `exclude_within`, `sub_items` [{id, name,
aliases, weight}] (weights on every sub-item → partial credit), `checks` [{kind, params, unconfirmed,
note}] (default: presence), `unconfirmed`, `note`.
Rules: unique section/item/sub-item ids; weights sum to `total` for `weighted`, deduction points of
non-veto items sum to `total` for the deduction methods; `veto` only with `veto+deduction`; sub-item
weights on all sub-items or none; check kinds must be registered (`scoring.checks`), their params fit
the kind's params model and `unconfirmed` names real params; unknown fields rejected.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from pydantic import ValidationError

from scoring.checks import get_check_def, known_kinds
from scoring.schema import (  # noqa: F401  re-exported: the loader's callers name the models here
    CheckSpec,
    Rubric,
    RubricItem,
    ScopedAlias,
    Section,
    Source,
    SubItem,
)
from xxgk import yamlfile
from xxgk.errors import UserError
from xxgk.yamlfile import Loc, field_name, pydantic_message, raise_first


def _read_yaml(path: Path, display: str) -> tuple[Any, dict[Loc, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read rubric: {exc.strerror or exc}", source=display) from exc
    except UnicodeDecodeError as exc:
        raise UserError("rubric is not UTF-8 text", source=display) from exc
    return yamlfile.load_located(text, display, empty="rubric file is empty")


# ---------------------------------------------------------------- validation


def _semantic_errors(rubric: Rubric) -> list[tuple[Loc, str]]:
    """Rules pydantic field types cannot express, each with the loc of the offending value."""
    errors: list[tuple[Loc, str]] = []
    seen_sections: dict[str, int] = {}
    seen_items: dict[str, Loc] = {}
    for si, section in enumerate(rubric.sections):
        if section.id in seen_sections:
            errors.append((("sections", si, "id"), f"duplicate section id {section.id!r}"))
        seen_sections[section.id] = si
        for ii, item in enumerate(section.items):
            iloc: Loc = ("sections", si, "items", ii)
            if item.id in seen_items:
                first = seen_items[item.id]
                errors.append((iloc + ("id",), f"duplicate item id {item.id!r} (first at {field_name(first)})"))
            else:
                seen_items[item.id] = iloc
            if item.veto and rubric.method != "veto+deduction":
                errors.append((iloc + ("veto",), "veto items need method veto+deduction"))
            weighted_subs = [sub.weight is not None for sub in item.sub_items]
            if any(weighted_subs) and not all(weighted_subs):
                ji = weighted_subs.index(False)
                errors.append((iloc + ("sub_items", ji), "field required: weight (give every sub-item a "
                               "weight for partial credit, or none)"))
            if rubric.method == "weighted" and item.weight is None:
                errors.append((iloc, "field required: weight (method is weighted)"))
            if rubric.method != "weighted" and item.weight is None and item.points is None:
                errors.append((iloc, "field required: points (or weight)"))
            sub_ids = set()
            for ji, sub in enumerate(item.sub_items):
                if sub.id in sub_ids:
                    errors.append((iloc + ("sub_items", ji, "id"), f"duplicate sub-item id {sub.id!r}"))
                sub_ids.add(sub.id)
            if not item.checks:
                errors.append((iloc + ("checks",), "at least one check is required"))
            for ci, spec in enumerate(item.checks):
                cloc = iloc + ("checks", ci)
                cdef = get_check_def(spec.kind)
                if cdef is None:
                    errors.append((cloc + ("kind",), f"unknown check kind {spec.kind!r}; known kinds: "
                                   + ", ".join(known_kinds())))
                    continue
                try:
                    cdef.params_model.model_validate(spec.params)
                except ValidationError as exc:
                    for err in exc.errors():
                        errors.append((cloc + ("params",) + tuple(err["loc"]), pydantic_message(err)))
                for ui, name in enumerate(spec.unconfirmed):
                    if name not in cdef.params_model.model_fields:
                        errors.append((cloc + ("unconfirmed", ui), f"{name!r} is not a parameter of "
                                       f"{spec.kind} (parameters: {', '.join(cdef.params_model.model_fields)})"))
    if rubric.method == "weighted":
        total = sum(i.max_points for _s, i in rubric.items())
        if abs(total - rubric.total) > 1e-6:
            errors.append((("total",), f"item weights sum to {total:g}, not the declared total {rubric.total:g}"))
    else:
        total = sum(i.max_points for _s, i in rubric.items() if not i.veto)
        if abs(total - rubric.total) > 1e-6:
            errors.append((("total",), f"deduction points sum to {total:g}, not the declared total {rubric.total:g}"))
    return errors


def parse_rubric(data: Any, lines: dict[Loc, int], display: str) -> Rubric:
    """Validate already-loaded rubric data; raise the first error as `UserError` with its line."""
    if not isinstance(data, dict):
        raise UserError("a rubric must be a mapping (id, title, sections, ...)", source=display, line=1)
    rubric = yamlfile.validate(Rubric, data, lines, display)
    errs = _semantic_errors(rubric)
    if errs:
        raise_first(errs, lines, display)
    return rubric


def load_rubric(path: str | Path) -> Rubric:
    """Load and validate a rubric file; errors are `UserError("file:line: field: message")`."""
    p = Path(path)
    display = str(p)
    data, lines = _read_yaml(p, display)
    return parse_rubric(data, lines, display)


def rubric_hash(path: str | Path) -> str:
    """sha256 of the rubric file's bytes (recorded on the run)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ---------------------------------------------------------------- lookup


def rubrics_dir() -> Path:
    """The bundled `rubrics/` folder, or `$XXGK_RUBRICS_DIR`."""
    env = os.environ.get("XXGK_RUBRICS_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[1] / "rubrics"


class RubricRef(NamedTuple):
    """(id, path) of a bundled rubric; also usable as the path itself (`load_rubric(ref)`, `ref.name`)."""

    id: str
    path: Path

    def __fspath__(self) -> str:
        return str(self.path)

    @property
    def name(self) -> str:
        """The file name."""
        return self.path.name


def list_rubrics() -> list[RubricRef]:
    """(id, path) of every rubric file in the rubrics folder, sorted by id; unreadable files are skipped."""
    out: list[RubricRef] = []
    d = rubrics_dir()
    if not d.is_dir():
        return out
    for p in sorted(d.glob("*.y*ml")):
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            out.append(RubricRef(data["id"], p))
    return sorted(out)


def find_rubric(name_or_path: str | Path) -> Path:
    """Resolve a rubric id, a file name in the rubrics folder, or a path to an existing file."""
    s = str(name_or_path)
    p = Path(s).expanduser()
    if p.is_file():
        return p
    d = rubrics_dir()
    for cand in (d / s, d / f"{s}.yaml", d / f"{s}.yml"):
        if cand.is_file():
            return cand
    for rid, path in list_rubrics():
        if rid == s:
            return path
    known = ", ".join(rid for rid, _ in list_rubrics()) or "none"
    raise UserError(f"no rubric named {s!r} (known: {known}; or give a path to a YAML file)",
                    field="rubric")
