"""The check registry and how several checks on one item combine."""

from __future__ import annotations

import pytest

from scoring.checks import get_check, get_check_def, known_kinds
from scoring.outcome import CheckOutcome, combine


def test_bundled_kinds_registered() -> None:
    assert {"presence", "blank_column"} <= set(known_kinds())
    assert callable(get_check("presence"))
    assert get_check_def("nope") is None
    with pytest.raises(KeyError, match="known kinds: .*presence"):
        get_check("nope")


def test_presence_params_validated() -> None:
    model = get_check_def("presence").params_model
    assert model.model_validate({"match_items": True}).match_items is True
    with pytest.raises(Exception, match="match_item"):
        model.model_validate({"match_item": True})


def _o(kind: str, status: str, credit: float = 0.0, url: str | None = None) -> CheckOutcome:
    return CheckOutcome(kind, status, credit, message=f"{kind}:{status}",
                        evidence=[{"url": url, "label": kind}] if url else [])


def test_combine_worst_verdict_wins() -> None:
    out = combine([_o("presence", "pass", 1.0, "http://x/1"), _o("blank_column", "fail", 0.0, "http://x/2")])
    assert (out.status, out.credit, out.message, out.kind) == ("fail", 0.0, "blank_column:fail",
                                                               "presence+blank_column")
    assert [e["url"] for e in out.evidence] == ["http://x/1", "http://x/2"]


def test_combine_not_checked_never_hides_a_verdict() -> None:
    assert combine([_o("presence", "pass", 1.0), _o("blank_column", "not_checked")]).status == "pass"
    assert combine([_o("presence", "fail"), _o("blank_column", "not_checked")]).status == "fail"
    both = combine([_o("presence", "not_checked"), _o("blank_column", "not_checked")])
    assert both.status == "not_checked" and both.credit == 0.0


def test_combine_partial_takes_lowest_credit() -> None:
    out = combine([_o("a", "partial", 0.5), _o("b", "pass", 1.0)])
    assert (out.status, out.credit) == ("partial", 0.5)


def test_combine_single_and_empty() -> None:
    assert combine([_o("presence", "needs_review")]).kind == "presence"
    assert combine([]).status == "not_checked"
