"""What a check returns, and how several checks on one item combine into one finding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xxgk.store import FAIL, NEEDS_REVIEW, NOT_APPLICABLE, NOT_CHECKED, PARTIAL, PASS


@dataclass
class CheckOutcome:
    """One check's verdict on one item for one site."""

    kind: str
    status: str
    credit: float = 0.0  # 0..1
    message: str = ""
    reason: str | None = None  # for not_checked / not_applicable: what stopped the check
    evidence: list[dict[str, Any]] = field(default_factory=list)  # [{"url", "label"}]
    matched: list[dict[str, Any]] = field(default_factory=list)  # Match.as_json()


# Severity when checks disagree: the most severe verdict decides the finding (a fail beats another
# check's pass). not_checked / not_applicable decide only when no check reached a verdict, so
# "could not check" never hides a real failure nor undoes a pass.
_SEVERITY = {FAIL: 5, PARTIAL: 4, NEEDS_REVIEW: 3, PASS: 2, NOT_CHECKED: 1, NOT_APPLICABLE: 0}


def combine(outcomes: Sequence[CheckOutcome]) -> CheckOutcome:
    """One outcome from an item's checks: the most severe status; credit = the lowest credit.

    Evidence and matches of every check are kept (deduplicated, in order).
    """
    if not outcomes:
        return CheckOutcome(kind="none", status=NOT_CHECKED, reason="规则未配置检查项")
    decisive = max(outcomes, key=lambda o: _SEVERITY.get(o.status, 0))  # first of the most severe
    credit = min(o.credit for o in outcomes) if decisive.status in (PASS, PARTIAL) else 0.0
    evidence: list[dict[str, Any]] = []
    matched: list[dict[str, Any]] = []
    for o in outcomes:
        evidence += [e for e in o.evidence if e not in evidence]
        matched += [m for m in o.matched if m not in matched]
    kinds = "+".join(dict.fromkeys(o.kind for o in outcomes))
    return CheckOutcome(kind=kinds if len(outcomes) > 1 else decisive.kind, status=decisive.status,
                        credit=credit, message=decisive.message, reason=decisive.reason,
                        evidence=evidence, matched=matched)
