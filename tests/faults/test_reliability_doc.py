"""docs/reliability.md is generated from the fault table, so it cannot drift from what is tested."""

from __future__ import annotations

from catalogue import DOC, FAULTS, render_doc


def test_reliability_doc_matches_the_fault_table() -> None:
    assert DOC.read_text(encoding="utf-8") == render_doc(), (
        "docs/reliability.md is stale: run `python tests/faults/catalogue.py --write`")


def test_every_fault_is_in_the_doc() -> None:
    text = render_doc()
    assert all(f"`{f.id}`" in text for f in FAULTS)
    assert len({f.id for f in FAULTS}) == len(FAULTS) and len({f.column for f in FAULTS}) == len(FAULTS)
