"""Check kinds. Importing this package registers every bundled kind (one module each)."""

from scoring.checks.registry import CheckDef, get_check, get_check_def, known_kinds, register

# Registration side effects: one module per kind.
from scoring.checks import blank_column, presence  # noqa: E402,F401  isort: skip

__all__ = ["CheckDef", "get_check", "get_check_def", "known_kinds", "register"]
