"""What a check returns, and how several checks on one item combine into one finding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xxgk.store import FAIL, NEEDS_REVIEW, NOT_APPLICABLE, NOT_CHECKED, PARTIAL, PASS


@dataclass
class CheckOutcome:
    """One check's verdict on one item for one site.

    `deduct` is the (uncapped) number of points a deduction-type check takes off; None means the
    engine derives it from the credit (full points × (1 − credit)). `details` is the check's
    structured output (counts, tables); the engine stores it under the check kind in `Finding.details`.
    """

    kind: str
    status: str
    credit: float = 0.0  # 0..1
    message: str = ""
    reason: str | None = None  # for not_checked / not_applicable: what stopped the check
    evidence: list[dict[str, Any]] = field(default_factory=list)  # [{"url", "label"}]
    matched: list[dict[str, Any]] = field(default_factory=list)  # Match.as_json()
    deduct: float | None = None
    details: dict[str, Any] = field(default_factory=dict)


# Severity when checks disagree: the most severe verdict decides the finding (a fail beats another
# check's pass). not_checked / not_applicable decide only when no check reached a verdict, so
# "could not check" never hides a real failure nor undoes a pass.
_SEVERITY = {FAIL: 5, PARTIAL: 4, NEEDS_REVIEW: 3, PASS: 2, NOT_CHECKED: 1, NOT_APPLICABLE: 0}


def _details_key(kind: str, taken: dict[str, Any]) -> str:
    key, n = kind, 2
    while key in taken:
        key, n = f"{kind}#{n}", n + 1
    return key


def combine(outcomes: Sequence[CheckOutcome]) -> CheckOutcome:
    """One outcome from an item's checks: the most severe status; credit = the lowest credit.

    Evidence and matches of every check are kept (deduplicated, in order). Deductions add up (each
    check is one deduction area of the item); None when no check gave one. Details are keyed by
    check kind (`kind#2` for a repeated kind).
    """
    if not outcomes:
        return CheckOutcome(kind="none", status=NOT_CHECKED, reason="规则未配置检查项")
    decisive = max(outcomes, key=lambda o: _SEVERITY.get(o.status, 0))  # first of the most severe
    credit = min(o.credit for o in outcomes) if decisive.status in (PASS, PARTIAL) else 0.0
    evidence: list[dict[str, Any]] = []
    matched: list[dict[str, Any]] = []
    details: dict[str, Any] = {}
    for o in outcomes:
        evidence += [e for e in o.evidence if e not in evidence]
        matched += [m for m in o.matched if m not in matched]
        if o.details:
            details[_details_key(o.kind, details)] = o.details
    deducts = [o.deduct for o in outcomes if o.deduct is not None]
    kinds = "+".join(dict.fromkeys(o.kind for o in outcomes))
    return CheckOutcome(kind=kinds if len(outcomes) > 1 else decisive.kind, status=decisive.status,
                        credit=credit, message=decisive.message, reason=decisive.reason,
                        evidence=evidence, matched=matched,
                        deduct=round(sum(deducts), 4) if deducts else None, details=details)
