"""What the ranking page, the method box and the status words need from a run's findings, as sums.

A national run has close to a million findings; the ranking only needs counts and point sums per
site × status and per item × status. `store_sums` has the store compute them in one grouping each,
so no finding is held in memory; `frame_sums` computes the same from a findings frame (a baseline
or a test). Both keep the order in which sections and items first appear in (site, finding id) order,
the order the frame-based ranking has always shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import BigInteger, cast, func, select
from sqlalchemy.orm import Session

from xxgk.store import Finding

_FIRST = 10_000_000_000  # site id × this + finding id orders findings by (site, id) in one integer


@dataclass
class ItemSums:
    """One rubric item across the run: its names as first seen, and (status, count, points, max) rows."""

    item_id: str
    item_name: str
    section_id: str
    section_name: str
    rows: list[tuple[str, int, float, float]] = field(default_factory=list)


@dataclass
class FindingSums:
    """Counts and point sums of one run × rubric's findings."""

    tally: dict[tuple[int, str], int]  # (site id, status) → findings
    sections: list[tuple[str, str]]  # (section id, section name) in order of first appearance
    items: list[ItemSums]  # in order of first appearance
    check_kinds: list[str]  # distinct check kinds
    section_rows: dict[str, list[tuple[str, int, float, float]]] = field(default_factory=dict)  # by section id
    section_items: dict[str, int] = field(default_factory=dict)  # section id → distinct items in it

    @property
    def empty(self) -> bool:
        return not self.tally

    def statuses(self) -> dict[str, int]:
        """Findings per status over the whole run."""
        out: dict[str, int] = {}
        for (_site, status), n in self.tally.items():
            out[status] = out.get(status, 0) + n
        return out


def _assemble(tally: dict[tuple[int, str], int], groups: Iterable[tuple]) -> FindingSums:
    """FindingSums from (first, section id, section name, item id, item name, check kind, status, count,
    points, max) groups, `first` ordering them by first appearance."""
    sections: dict[tuple[str, str], int] = {}
    items: dict[str, tuple[int, ItemSums]] = {}
    rows: dict[tuple[str, str], list] = {}
    by_section: dict[tuple[str, str], list] = {}
    section_items: dict[str, set[str]] = {}
    kinds: set[str] = set()
    for first, sec_id, sec_name, item_id, item_name, kind, status, n, pts, mx in groups:
        sections[(sec_id, sec_name)] = min(first, sections.get((sec_id, sec_name), first))
        seen = items.get(item_id)
        if seen is None or first < seen[0]:
            items[item_id] = (first, ItemSums(item_id, item_name, sec_id, sec_name))
        agg = rows.setdefault((item_id, status), [status, 0, 0.0, 0.0])
        agg[1] += int(n)
        agg[2] += float(pts or 0.0)
        agg[3] += float(mx or 0.0)
        sec = by_section.setdefault((sec_id, status), [status, 0, 0.0, 0.0])
        sec[1] += int(n)
        sec[2] += float(pts or 0.0)
        sec[3] += float(mx or 0.0)
        section_items.setdefault(sec_id, set()).add(item_id)
        if isinstance(kind, str):
            kinds.add(str(kind))
    ordered = [it for _first, it in sorted(items.values(), key=lambda pair: pair[0])]
    for (item_id, _status), agg in rows.items():
        items[item_id][1].rows.append(tuple(agg))
    section_rows: dict[str, list] = {}
    for (sec_id, _status), agg in by_section.items():
        section_rows.setdefault(sec_id, []).append(tuple(agg))
    return FindingSums(tally=tally, sections=[s for s, _ in sorted(sections.items(), key=lambda kv: kv[1])],
                       items=ordered, check_kinds=sorted(kinds), section_rows=section_rows,
                       section_items={sec: len(ids) for sec, ids in section_items.items()})


def store_sums(session: Session, run_id: int, rubric_id: str | None) -> FindingSums:
    """The sums of one run × rubric's findings, grouped by the store."""
    where = (Finding.run_id == run_id, Finding.rubric_id == rubric_id)
    conn = session.connection()
    tally = {(int(site), status): int(n) for site, status, n in conn.execute(
        select(Finding.site_id, Finding.status, func.count()).where(*where)
        .group_by(Finding.site_id, Finding.status))}
    first = func.min(cast(Finding.site_id, BigInteger) * _FIRST + Finding.id)
    keys = (Finding.section_id, Finding.section_name, Finding.item_id, Finding.item_name, Finding.check_kind,
            Finding.status)
    groups = conn.execute(select(first, *keys, func.count(), func.sum(Finding.points), func.sum(Finding.max_points))
                          .where(*where).group_by(*keys)).all()
    return _assemble(tally, groups)


def frame_sums(findings: pd.DataFrame) -> FindingSums:
    """The same sums from a findings frame in (site, finding) order."""
    if findings.empty:
        return FindingSums(tally={}, sections=[], items=[], check_kinds=[])
    tally = {(int(site), status): int(n) for (site, status), n in
             findings.groupby(["site_id", "status"], sort=False).size().items()}
    keys = ["section_id", "section_name", "item_id", "item_name", "check_kind", "status"]
    frame = findings[[*keys, "points", "max_points"]].copy()
    frame["_first"] = range(len(frame))
    groups = frame.groupby(keys, sort=False, dropna=False).agg(
        first=("_first", "min"), n=("_first", "size"), pts=("points", "sum"), mx=("max_points", "sum"))
    return _assemble(tally, ((g.first, *key, g.n, g.pts, g.mx) for key, g in
                             zip(groups.index, groups.itertuples(index=False), strict=True)))
