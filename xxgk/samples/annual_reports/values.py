"""Table values for sample reports: consistent by construction, then the injected errors applied.

The expected rule failures are computed here with plain arithmetic, independently of the checker.
"""

from __future__ import annotations

import random
from typing import Any

from xxgk.samples.annual_reports import official as F

ERRORS = ("r1", "wrong_total", "r4", "r5", "missing_section", "late", "old_format", "bad_link",
          "missing_part", "no_item_table")


def t3_values(rng: random.Random, version: str, carry_in: list[int] | None = None) -> dict[str, list[int]]:
    """Consistent table-三 values (per row key, 7 columns; 总计 last)."""
    keys = [k for k, _l in F.T3_ROWS[version]]
    sub = [k for k in keys if k.startswith("三.") and k != "三.七"]
    rows: dict[str, list[int]] = {k: [0] * 7 for k in keys}
    for c in range(6):
        busy = c in (0, 1) or rng.random() < 0.3
        for k in sub:
            if busy:
                hi = 60 if k == "三.一" and c == 0 else 12 if k in ("三.一", "三.二", "三.四.1") else 3
                rows[k][c] = rng.randint(0, hi) if rng.random() < 0.6 else 0
        rows["三.七"][c] = sum(rows[k][c] for k in sub)
        rows["二"][c] = carry_in[c] if carry_in else (rng.randint(0, 5) if busy else 0)
        rows["四"][c] = rng.randint(0, 6) if busy else 0
        rows["一"][c] = rows["三.七"][c] + rows["四"][c] - rows["二"][c]
        if rows["一"][c] < 0:  # keep every count non-negative: more decided in （一）
            rows["三.一"][c] -= rows["一"][c]
            rows["三.七"][c] -= rows["一"][c]
            rows["一"][c] = 0
    for k in keys:
        rows[k][6] = sum(rows[k][:6])
    return rows


def t4_values(rng: random.Random) -> list[int]:
    out: list[int] = []
    for _g in range(3):
        parts = [rng.choice([0, 0, 1, 2, 3]) for _ in range(4)]
        out += parts + [sum(parts)]
    return out


def t2_values(rng: random.Random, version: str) -> list[dict[str, Any]]:
    rows = []
    for caption, label, cols in (F.T2_2019 if version == F.V2019 else F.T2_2021):
        vals: dict[str, Any] = {}
        for col in cols:
            if "金额" in col:
                vals[col] = round(rng.uniform(10, 900), 2)
            elif "增/减" in col:
                vals[col] = rng.randint(0, 5)
            else:
                vals[col] = rng.randint(0, 400)
        rows.append({"caption": caption, "label": label, "values": vals})
    return rows


def apply_errors(t3: dict[str, list[int]], t4: list[int], errors: list[str]) -> None:
    """Mutate values for the value errors (r1, wrong_total, r4)."""
    if "r1" in errors:
        t3["一"][0] += 5
        t3["一"][6] += 5
    if "wrong_total" in errors:
        t3["三.七"][6] += 3
    if "r4" in errors:
        t4[4] += 1


def blank_out(t3: dict[str, list[int]], t4: list[int], rng: random.Random, share: float
              ) -> tuple[dict[str, list[int | None]], list[int | None]]:
    """Zeros written as blank cells (None) for a share of zero cells."""
    b3 = {k: [None if (v == 0 and rng.random() < share) else v for v in vals] for k, vals in t3.items()}
    b4 = [None if (v == 0 and rng.random() < share) else v for v in t4]
    return b3, b4


def expected_failures(t3: dict[str, list[Any]], t4: list[Any], version: str,
                      prev_carry: list[Any] | None = None) -> list[dict[str, str]]:
    """Every (rule, row, column) a correct checker must report, blanks read as 0."""
    z = [[v or 0 for v in vals] for vals in t3.values()]
    rows = dict(zip(t3.keys(), z, strict=True))
    cols = F.T3_COLUMNS
    out: list[dict[str, str]] = []
    for c, col in enumerate(cols):
        if rows["一"][c] + rows["二"][c] != rows["三.七"][c] + rows["四"][c]:
            out.append({"rule": "R1", "table": "三", "column": col})
    for k, vals in rows.items():
        if sum(vals[:6]) != vals[6]:
            out.append({"rule": "R2", "table": "三", "row": F.t3_label(k, version), "column": "总计"})
    sub = [k for k in rows if k.startswith("三.") and k != "三.七"]
    for c, col in enumerate(cols):
        if sum(rows[k][c] for k in sub) != rows["三.七"][c]:
            out.append({"rule": "R3", "table": "三", "row": "（七）总计", "column": col})
    v4 = [v or 0 for v in t4]
    for g, (_k, name) in enumerate(F.T4_GROUPS):
        if sum(v4[g * 5:g * 5 + 4]) != v4[g * 5 + 4]:
            out.append({"rule": "R4", "table": "四", "row": name, "column": "总计"})
    if prev_carry is not None:
        for c, col in enumerate(cols):
            if (prev_carry[c] or 0) != rows["二"][c]:
                out.append({"rule": "R5", "table": "三", "column": col})
    return out
