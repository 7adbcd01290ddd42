"""safe_frame cleans each distinct value once; the result must equal cleaning every cell on its own."""

from __future__ import annotations

import pandas as pd

from reports.cells import cell_text, safe_frame


def test_safe_frame_equals_cell_by_cell_cleaning() -> None:
    hostile = ["=HYPERLINK(\"x\")", "-2+3+cmd|' /C calc'!A0", "-12.5", "plain 公开", "bell\x07", "+1", "@sum",
               "\x1b[31mred", "", "tab\tinside"]
    frame = pd.DataFrame({
        "text": hostile * 3,
        "mixed": [None, float("nan"), 3, "=1+1", "ok", 2.5, pd.NA, "-x", "\x00zero", "a"] * 3,
        "number": list(range(30)),
        "lists": [["=a"], ["b"], None] * 10,
        "strings": pd.array(hostile * 3, dtype="string"),
    })
    expected = frame.copy()
    for col in ("text", "mixed", "lists", "strings"):
        expected[col] = expected[col].map(cell_text)
    got = safe_frame(frame)
    assert got.to_csv(index=False) == expected.to_csv(index=False)
    assert got.loc[0, "text"] == "'=HYPERLINK(\"x\")" and got.loc[2, "text"] == "-12.5"
    assert got.loc[4, "text"] == "bell" and got.loc[3, "mixed"] == "'=1+1"
    assert frame.loc[0, "text"] == "=HYPERLINK(\"x\")"  # the input frame is left as it was
