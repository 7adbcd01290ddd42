"""The output formats registry: format name → `Format` (name, description, files, `write`).

Each format is one module of this package that declares `FORMAT`; adding a format is that module plus
one entry in `REGISTRY`. The registry order is the writing order (pdf prints the pages html wrote).
`select` turns a `--formats` value into names, refusing an unknown one with one line that lists the
known ones.
"""

from __future__ import annotations

from collections.abc import Iterable

from reports.formats import bulletin, csv, evaluation, html, json, pdf, verification, xlsx
from reports.formats.base import REPORT, VERIFY_FIXES, Format
from xxgk.errors import UserError

REGISTRY: dict[str, Format] = {f.name: f for f in (
    html.FORMAT, csv.FORMAT, xlsx.FORMAT, json.FORMAT, bulletin.FORMAT, pdf.FORMAT, verification.FORMAT,
    evaluation.FORMAT)}

__all__ = ["REGISTRY", "REPORT", "VERIFY_FIXES", "Format", "get", "names", "select"]


def names(command: str | None = None) -> list[str]:
    """Registered format names (those `command` offers, when given), in registry order."""
    return [n for n, f in REGISTRY.items() if command is None or f.command == command]


def get(name: str) -> Format:
    """The registered format of that name (KeyError when unknown: `select` validates user input)."""
    return REGISTRY[name]


def select(spec: str | Iterable[str] | None, *, command: str | None = REPORT, always: Iterable[str] = (),
           default: Iterable[str] = ()) -> tuple[str, ...]:
    """Format names from "html,csv,xlsx" or a list, plus `always`; `default` when `spec` is None.

    A name that is not registered for `command` (None: for any command) is a `UserError` naming the known ones.
    """
    if spec is None:
        wanted = list(default)
    else:
        wanted = [s.strip().lower() for s in (spec.split(",") if isinstance(spec, str) else spec) if s.strip()]
    known = names(command)
    unknown = [n for n in wanted if n not in known]
    if unknown:
        other = [n for n in unknown if n in REGISTRY]
        hint = "; ".join(f"{n} is written by `xxgk {REGISTRY[n].command}`" for n in other)
        raise UserError(f"unknown report format {', '.join(unknown)} (known: {', '.join(known)})"
                        + (f"; {hint}" if hint else ""), field="--formats")
    chosen = set(wanted) | set(always)
    return tuple(n for n in known if n in chosen)
