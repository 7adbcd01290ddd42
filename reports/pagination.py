"""Ranking pages of a large run: the ranked table split into pages and into one page set per group.

A national run ranks thousands of sites; one table of them all is more than a browser renders
comfortably and more than a reader scans. When a run has more sites than fit on one page, the
ranking page (index.html) shows the first page of the table with links to the others
(`ranking-page-N.html`), and a table of the groups (`Site.group`: province, ministry, level) with
each group's figures, linking to the group's own ranking (`group-K.html`, paginated the same way).
Ranks stay the run's ranks on every page. A run that fits on one page keeps the single table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

NO_GROUP = "未分组"
PAGE_SIZE = 200  # rows per ranking page
# Files written only for a run of more than PAGE_SIZE sites (N: page number, K: group number).
FILES = ("ranking-page-N.html", "group-K.html", "group-K-page-N.html")


@dataclass
class Pager:
    """One page of a ranked table: its rows and where it sits among its sibling pages."""

    rows: list[dict]
    number: int  # 1-based
    count: int  # pages in this set
    stem: str  # file name of page 1 without ".html" ("index", "group-3")
    first_rank_row: int = 1  # position of the page's first row in the full table (1-based)

    @property
    def file(self) -> str:
        """This page's file name."""
        return page_file(self.stem, self.number)

    def links(self) -> list[tuple[int, str]]:
        """(page number, file name) of every page of the set, for the pager bar."""
        return [(n, page_file(self.stem, n)) for n in range(1, self.count + 1)]


@dataclass
class Group:
    """A group of sites (one value of `Site.group`) with its headline figures and its pages."""

    number: int
    name: str
    rows: list[dict]
    stem: str = ""
    summary: dict = field(default_factory=dict)

    @property
    def file(self) -> str:
        return page_file(self.stem, 1)


def page_file(stem: str, number: int) -> str:
    """File of page `number` of a set: page 1 is the stem itself; the ranking's later pages are
    `ranking-page-N.html`, a group's `group-K-page-N.html`."""
    if number == 1:
        return f"{stem}.html"
    return f"{'ranking' if stem == 'index' else stem}-page-{number}.html"


def paginate(rows: list[dict], stem: str, size: int = PAGE_SIZE) -> list[Pager]:
    """Split rows into pages of at most `size` (always at least one page, possibly empty)."""
    size = max(1, size)
    count = max(1, math.ceil(len(rows) / size))
    return [Pager(rows[i * size:(i + 1) * size], i + 1, count, stem, i * size + 1) for i in range(count)]


def is_paginated(n_rows: int, size: int = PAGE_SIZE) -> bool:
    """Whether the run needs more than one ranking page."""
    return n_rows > size


def group_rows(rows: list[dict], groups: dict[int, str | None]) -> list[Group]:
    """Ranked rows split by the site's group (rank order kept in each), groups by name; ungrouped last."""
    by_name: dict[str, list[dict]] = {}
    for row in rows:
        value = groups.get(int(row["site_id"]))
        name = (value.strip() if isinstance(value, str) else "") or NO_GROUP  # None or NaN: no group
        by_name.setdefault(name, []).append(row)
    names = sorted(by_name, key=lambda n: (n == NO_GROUP, n))
    out = []
    for k, name in enumerate(names, start=1):
        members = by_name[name]
        out.append(Group(number=k, name=name, rows=members, stem=f"group-{k}", summary=group_summary(members)))
    return out


def group_summary(rows: list[dict]) -> dict:
    """A group's sites, scored sites, average, best and worst total, and passes."""
    totals = [r["total"] for r in rows if r.get("total") is not None]
    return {"sites": len(rows), "scored": len(totals),
            "average": round(sum(totals) / len(totals), 2) if totals else None,
            "max": max(totals) if totals else None, "min": min(totals) if totals else None,
            "passed": sum(1 for r in rows if r.get("passed") is True),
            "best_rank": min((r["rank"] for r in rows if r.get("rank") is not None), default=None)}
