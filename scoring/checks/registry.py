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


def register(kind: str, params: type[BaseModel] = NoParams) -> Callable[[CheckFunc], CheckFunc]:
    """Decorator: `@register("presence", params=PresenceParams)` on `def check(ctx, item, params)`."""

    def deco(func: CheckFunc) -> CheckFunc:
        if kind in _REGISTRY and _REGISTRY[kind].func is not func:
            raise ValueError(f"check kind {kind!r} registered twice")
        _REGISTRY[kind] = CheckDef(kind, func, params)
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
