"""The check registry: one module per check kind, registered by name with its params model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.outcome import CheckOutcome
    from scoring.schema import RubricItem

CheckFunc = Callable[["SiteContext", "RubricItem", Any], "CheckOutcome"]


class NoParams(BaseModel):
    """Params model for checks that take none."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class CheckDef:
    """A registered check kind: its function and the pydantic model its `params` must fit."""

    kind: str
    func: CheckFunc
    params_model: type[BaseModel]


_REGISTRY: dict[str, CheckDef] = {}
# Kinds whose fail says "missing / empty / stale": on a crawl that saw too little of its site they
# would blame the site for what the crawler could not read.
MISSING_KINDS = frozenset({"presence", "blank_column", "blank_columns", "column_freshness", "monthly_volume",
                           "annual_report"})


def coverage_guarded(kind: str, func: CheckFunc) -> CheckFunc:
    """`func`, whose fail becomes needs_review ("crawl coverage too low to judge", with the figures)
    when the site's crawl coverage is implausible."""
    if kind not in MISSING_KINDS:
        return func

    def guarded(ctx: SiteContext, item: RubricItem, params: Any) -> CheckOutcome:
        from scoring.coverage import REASON
        from xxgk.store import FAIL, NEEDS_REVIEW

        out = func(ctx, item, params)
        cov = getattr(ctx, "coverage", None)
        if out.status != FAIL or cov is None or cov.plausible:
            return out
        out.details = {**(out.details or {}), "coverage": cov.as_dict(), "unguarded_message": out.message}
        out.status, out.credit, out.deduct = NEEDS_REVIEW, 0.0, None
        out.reason = f"{REASON}: {', '.join(cov.reasons)}"
        out.message = f"抓取覆盖率过低，无法判断（{cov.figures()}）；原判定：{out.message}"
        return out

    guarded.__wrapped__ = func  # type: ignore[attr-defined]
    guarded.__doc__ = func.__doc__
    return guarded


def register(kind: str, params: type[BaseModel] = NoParams) -> Callable[[CheckFunc], CheckFunc]:
    """Decorator: `@register("presence", params=PresenceParams)` on `def check(ctx, item, params)`."""

    def deco(func: CheckFunc) -> CheckFunc:
        known = _REGISTRY.get(kind)
        if known is not None:
            if getattr(known.func, "__wrapped__", known.func) is not func:
                raise ValueError(f"check kind {kind!r} registered twice")
            return func
        _REGISTRY[kind] = CheckDef(kind, coverage_guarded(kind, func), params)
        return func

    return deco


def get_check_def(kind: str) -> CheckDef | None:
    """The registered definition of `kind`, or None."""
    return _REGISTRY.get(kind)


def get_check(kind: str) -> CheckFunc:
    """The check function for `kind`; KeyError naming the known kinds when unknown."""
    cdef = _REGISTRY.get(kind)
    if cdef is None:
        raise KeyError(f"unknown check kind {kind!r}; known kinds: {', '.join(known_kinds())}")
    return cdef.func


def known_kinds() -> list[str]:
    """Registered kinds, sorted."""
    return sorted(_REGISTRY)
