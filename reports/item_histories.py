"""Each item's status over the trend runs, read for a batch of sites at a time where their pages are built.

One entry per site × item × run: held for every site at once, the histories grew with the run in the
report process. The site pages ask for them a batch of sites at a time (`ItemHistories.for_site`),
in whichever process renders the batch; a run with no earlier run has no history to show and reads nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select

from xxgk.store import Finding

BATCH_SITES = 100  # sites whose histories are held at once


def statuses_by_item(rows: Callable[[Any], list], run_ids: Iterable[int], rubric_id: str, site_ids: list[int],
                     names: dict[str, str] | None = None) -> dict[tuple[int, str], dict[int, str]]:
    """(site, item) → run → status of `site_ids` in `run_ids`, as the store returns them; `names` gets
    each item's name as first seen."""
    out: dict[tuple[int, str], dict[int, str]] = defaultdict(dict)
    for site_id, run_id, item_id, item_name, status in rows(
            select(Finding.site_id, Finding.run_id, Finding.item_id, Finding.item_name, Finding.status).where(
                Finding.run_id.in_(list(run_ids)), Finding.rubric_id == rubric_id, Finding.site_id.in_(site_ids))):
        out[(site_id, item_id)][run_id] = status
        if names is not None:
            names.setdefault(item_id, item_name)
    return out


class ItemHistories:
    """The item histories of a report's sites (`site_ids` in page order; `scored` those with a history).

    The statuses are read for `run_ids` and the `baseline` run, as the whole run's were, so an item
    scored only in the baseline still has its (empty) history."""

    def __init__(self, run_ids: list[int], baseline: int | None, rubric_id: str, site_ids: list[int],
                 scored: set[int], rows: Callable[[Any], list]) -> None:
        self.run_ids, self.rubric_id, self._rows = run_ids, rubric_id, rows
        self._read = sorted(set(run_ids) | ({baseline} if baseline else set()))
        self._batch_of: dict[int, int] = {}
        self._batches: list[list[int]] = []
        for site_id in site_ids:
            if site_id in scored and site_id not in self._batch_of:
                self._batch_of[site_id] = len(self._batch_of) // BATCH_SITES
                if self._batch_of[site_id] == len(self._batches):
                    self._batches.append([])
                self._batches[-1].append(site_id)
        self._held: tuple[int, dict[int, dict[str, list]]] | None = None  # (batch number, site → item → statuses)

    def for_site(self, site_id: int) -> dict[str, list[tuple[int, str]]]:
        """Item id → [(run, status)] oldest first; empty when the run has no earlier run or the site no scores."""
        number = self._batch_of.get(site_id)
        if len(self.run_ids) < 2 or number is None:
            return {}
        if self._held is None or self._held[0] not in (number, -1):
            self._held = None  # let the previous batch go before reading the next
            self._held = (number, self._read_batch(number))
        return self._held[1].get(site_id, {})

    def read_all(self) -> None:
        """Read every batch now and keep them (before forking workers that cannot read the store)."""
        if len(self.run_ids) >= 2:
            self._held = (-1, {k: v for n in range(len(self._batches)) for k, v in self._read_batch(n).items()})

    def _read_batch(self, number: int) -> dict[int, dict[str, list]]:
        by_site: dict[int, dict[str, list]] = {}
        for (sid, item), by_run in statuses_by_item(self._rows, self._read, self.rubric_id,
                                                    self._batches[number]).items():
            by_site.setdefault(sid, {})[item] = [(r, by_run[r]) for r in self.run_ids if r in by_run]
        return by_site
