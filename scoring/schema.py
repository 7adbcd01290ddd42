"""The rubric schema: pydantic models of a rubric file (sections, items, sub-items, checks).

Models only, with no loading and no check registry, so that the matcher, the check kinds and the
engine can use them without importing the loader, which validates check kinds against the registry
(`scoring.rubric`). File format: docs/rubric-format.md.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scoring.vocabulary import infer_kind


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckSpec(_Model):
    """One check on an item: a registered `kind`, its parameters, and which of them are unconfirmed.

    `unconfirmed` names parameters whose values the source does not settle (e.g. the 1-year period
    for 长期未更新); `note` says why. Findings of such checks say the value is unconfirmed.
    """

    kind: str
    params: dict[str, Any] = Field(default_factory=dict)
    unconfirmed: list[str] = Field(default_factory=list)
    note: str | None = None


class ScopedAlias(_Model):
    """Aliases that count only when the column's path (ancestors or own name) contains one of `within`.

    E.g. 招生简章 counts for item 11 only under a 研究生 column.
    """

    names: list[str] = Field(min_length=1)
    within: list[str] = Field(min_length=1)


class SubItem(_Model):
    """A clause of a compound item (e.g. 收入预算表 of item 19).

    Without weights sub-items only help matching; with a weight on every sub-item of an item the
    item earns partial credit: the weights of the clauses found over the sum of its weights.
    """

    id: str
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    weight: float | None = Field(default=None, ge=0)

    @field_validator("id", mode="before")
    @classmethod
    def _id_to_str(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


class RubricItem(_Model):
    """A rubric item: official name, weight (points), aliases, matching scope and checks."""

    id: str
    name: str = Field(min_length=1)
    weight: float | None = Field(default=None, ge=0)
    points: float | None = Field(default=None, ge=0)  # for deduction methods: points deducted
    aliases: list[str] = Field(default_factory=list)
    scoped_aliases: list[ScopedAlias] = Field(default_factory=list)
    exclude_within: list[str] = Field(default_factory=list)  # path terms that rule a column out
    sub_items: list[SubItem] = Field(default_factory=list)
    checks: list[CheckSpec] = Field(default_factory=lambda: [CheckSpec(kind="presence")])
    veto: bool = False  # 单项否决: a fail makes the site 不合格 (method veto+deduction)
    unconfirmed: bool = False  # the item's points or thresholds are not confirmed by the source
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _weight_from_points(cls, data: Any) -> Any:
        # `weight` is what every reader (CLI table, reports) shows: a deduction item's points, 0 for veto
        if isinstance(data, dict) and data.get("weight") is None:
            if data.get("points") is not None:
                data = {**data, "weight": data["points"]}
            elif data.get("veto") is True:
                data = {**data, "weight": 0}
        return data

    @field_validator("id", mode="before")
    @classmethod
    def _id_to_str(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @property
    def max_points(self) -> float:
        """Full points of the item (its weight, or its points for deduction rubrics)."""
        return float(self.weight if self.weight is not None else (self.points or 0.0))

    @property
    def partial_credit(self) -> bool:
        """True when every sub-item carries a weight (credit by clause)."""
        return bool(self.sub_items) and all(s.weight is not None for s in self.sub_items)

    @property
    def points_label(self) -> str:
        """What a table shows in its points column: `2`, `扣分上限 10`, `单项否决`."""
        if self.veto:
            return "单项否决"
        if self.points is not None and self.points == self.weight:
            return f"扣分上限 {self.max_points:g}"
        return f"{self.max_points:g}"


class Section(_Model):
    """A category (一级指标) holding items; `aliases` are header variants that never satisfy an item."""

    id: str
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    items: list[RubricItem] = Field(min_length=1)

    @field_validator("id", mode="before")
    @classmethod
    def _id_to_str(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @property
    def max_points(self) -> float:
        return sum(i.max_points for i in self.items)


class Source(_Model):
    """The document a rubric implements."""

    title: str
    number: str  # 文号, e.g. 教办函〔2014〕23号
    published: str | None = None
    basis: list[str] = Field(default_factory=list)
    url: str | None = None

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"


class Rubric(_Model):
    """A whole rubric file."""

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    version: str | None = None
    source: Source
    applies_to: Literal["university", "government", "any"]
    method: Literal["weighted", "deduction", "veto+deduction"]
    total: float = Field(default=100, gt=0)
    pass_mark: float = Field(default=60, ge=0)  # 合格 at or above (percent of the eligible points)
    weighting: str | None = None  # how the weights were chosen, when the source gives none
    generic_columns: list[str] = Field(default_factory=list)  # names that never satisfy an item
    builtin_generic_columns: bool = True  # also block the matcher's (university-flavoured) list
    note: str | None = None
    # what the rubric judges, for the words its reports use (scoring/vocabulary.py); inferred when absent
    kind: Literal["checklist", "inspection", "annual_report", "monthly_volume"] | None = None
    vocabulary: dict[Literal["pass", "partial", "fail", "not_checked", "needs_review", "not_applicable"],
                     str] = Field(default_factory=dict)  # per-status word overrides of the kind's words
    sections: list[Section] = Field(min_length=1)

    @field_validator("vocabulary")
    @classmethod
    def _words_not_blank(cls, v: dict[str, str]) -> dict[str, str]:
        blank = [k for k, w in v.items() if not str(w).strip()]
        if blank:
            raise ValueError(f"empty word for {', '.join(blank)}")
        return v

    @property
    def rubric_kind(self) -> str:
        """The rubric's kind: as the file names it, else inferred from its method and checks."""
        return self.kind or infer_kind(self.method, (c.kind for _s, i in self.items() for c in i.checks))

    def items(self) -> list[tuple[Section, RubricItem]]:
        """Every (section, item) in file order."""
        return [(s, i) for s in self.sections for i in s.items]

    def item(self, item_id: str) -> RubricItem:
        for _s, i in self.items():
            if i.id == item_id:
                return i
        raise KeyError(item_id)
