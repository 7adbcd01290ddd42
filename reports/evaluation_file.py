"""Evaluation files: several rubrics (or rubric sections) combined into one ranking, with weights.

An evaluator such as 21世纪教育研究院 ranks universities on three parts at once (清单完成, 年报内容完备性,
年报发布规范性), each scored 0–100 with 60 as 及格. An evaluation file says which rubric (and optionally
which of its sections) each part is, its weight, and the pass mark; `load_evaluation` validates it and
every error is one line `file:line: field: message` (xxgk/yamlfile.py).

    id: university-21c
    title: 高校信息公开评价
    source: 21世纪教育研究院 高校信息公开评价（三部分，60 分及格）
    pass_mark: 60
    parts:
      - {id: checklist, name: 清单完成, rubric: moe-university-checklist-2014, weight: 1}
      - {id: content, name: 年报内容完备性, rubric: moe-university-annual-report, section: content, weight: 1}
    usability: {max_clicks: 3}

A part's `rubric` is a bundled rubric id or a YAML path (relative to the evaluation file first).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from scoring.rubric import find_rubric, load_rubric
from scoring.schema import Rubric
from xxgk import yamlfile
from xxgk.errors import UserError


class Part(BaseModel):
    """One part of the evaluation: a rubric, or one section of it, with its weight."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=60)
    name: str = Field(min_length=1)
    rubric: str = Field(min_length=1)
    section: str | None = None  # a section id of the rubric; None: the rubric's total
    weight: float = Field(default=1.0, gt=0)

    @field_validator("id", "rubric", "section", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class Usability(BaseModel):
    """Which usability defects the evaluation lists, and the click limit for columns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_clicks: int = Field(default=3, ge=1, le=20)  # columns deeper than this many clicks from the home page


class Evaluation(BaseModel):
    """A validated evaluation file (rubric references resolved by `load_evaluation`)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=80)
    title: str = Field(min_length=1)
    source: str | None = None  # whose method this follows, in words
    pass_mark: float = Field(default=60.0, ge=0, le=100)
    parts: list[Part] = Field(min_length=1)
    top: int = Field(default=3, ge=1, le=20)  # the best N sites listed per part
    lowest_items: int = Field(default=5, ge=1, le=50)  # the lowest-rate items listed per part
    usability: Usability = Field(default_factory=Usability)
    path: str = ""  # the file it was read from (set by the loader)

    @property
    def rubric_refs(self) -> list[str]:
        """Each rubric the parts use, once, in part order."""
        return list(dict.fromkeys(p.rubric for p in self.parts))


def load_evaluation(path: Path | str) -> tuple[Evaluation, dict[str, Rubric]]:
    """Read and validate an evaluation file; return it with each part's rubric loaded (by reference).

    A part's rubric reference is replaced by the rubric's id in the returned evaluation.
    """
    data, lines, source = yamlfile.read_mapping(path, "evaluation file", "a mapping with id, title and parts")
    if "path" in data:
        raise UserError("unknown field", source=source, line=lines.get(("path",)), field="path")
    loaded = yamlfile.validate(Evaluation, {**data, "path": source}, lines, source)
    rubrics: dict[str, Rubric] = {}
    parts: list[Part] = []
    seen: set[str] = set()
    for i, part in enumerate(loaded.parts):
        where = {"source": source, "line": lines.get(("parts", i, "rubric")) or lines.get(("parts", i))}
        if part.id in seen:
            raise UserError(f"duplicate part id {part.id!r}", source=source, line=lines.get(("parts", i, "id")),
                            field=f"parts[{i}].id")
        seen.add(part.id)
        rubric = _rubric(part.rubric, Path(path).parent, field=f"parts[{i}].rubric", **where)
        if part.section is not None and part.section not in {s.id for s in rubric.sections}:
            known = ", ".join(s.id for s in rubric.sections)
            raise UserError(f"rubric {rubric.id} has no section {part.section!r} (known: {known})", source=source,
                            line=lines.get(("parts", i, "section")), field=f"parts[{i}].section")
        rubrics[rubric.id] = rubric
        parts.append(part.model_copy(update={"rubric": rubric.id}))
    return loaded.model_copy(update={"parts": parts}), rubrics


def _rubric(ref: str, base: Path, *, field: str, source: str, line: int | None) -> Rubric:
    """The rubric a part names: a path beside the evaluation file, else a bundled id or a path."""
    beside = base / ref
    try:
        return load_rubric(beside if beside.is_file() else find_rubric(ref))
    except UserError as exc:
        if exc.source:  # the rubric file itself is bad: its own file:line
            raise
        raise UserError(exc.bare_message, source=source, line=line, field=field) from None
