"""Check kinds. Importing this package registers every bundled kind (one module each).

A new kind is one module calling `@register("kind", params=Model)` plus one line below.
"""

from scoring.checks.registry import CheckDef, get_check, get_check_def, known_kinds, register

# Registration side effects: one module per kind.
from scoring.checks import (  # noqa: E402,F401  isort: skip
    access_restriction,
    annual_report,
    blank_column,
    blank_columns,
    column_freshness,
    entry_point,
    home_updated,
    link_health,
    machine_readable,
    manual,
    monthly_volume,
    presence,
    search_function,
    site_unreachable,
)

__all__ = ["CheckDef", "get_check", "get_check_def", "known_kinds", "register"]
