"""The findings model every output format renders: one stored run loaded, ranked and summarised once.

`build_report` reads the run (`reports.model.load_run`), ranks it with the change columns against a
baseline run, writes the conclusions and collects the monthly-volume tables; each format's `write`
takes the resulting `Report` and an output folder, nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from reports.bulletin import SiteBulletin, collect
from reports.compare import changes, previous_run
from reports.method import method_facts
from reports.model import RunData, load_run
from reports.narrative import Narrative, write
from reports.ranking import Ranking, rank_sites
from reports.scored_rubric import Note
from reports.trends import Trends, load_trends
from scoring.rates import RULE as RATE_RULE
from xxgk.errors import UserError
from xxgk.store import Run


@dataclass
class Report:
    """A run ready to render: its data, ranking, conclusions, and what this render writes."""

    data: RunData
    ranking: Ranking
    narrative: Narrative
    baseline: int | None  # the run the change columns are measured against
    bulletins: list[SiteBulletin]
    generated: str
    formats: tuple[str, ...] = ()  # every format this render writes, so pages link only what exists
    verdicts: list[dict[str, Any]] | None = None  # verify-fixes' per-claim rows (verification format)
    trends: Trends = field(default_factory=Trends)  # score and item history; changes since the baseline
    assertions: dict[str, Any] | None = None  # an assertion file's verdict (xxgk/assertions.py summary)
    lang: str = "en"  # CSV header language (reports/formats/csv.py)
    method: dict[str, Any] = field(default_factory=dict)  # the 评估时点 and method box (reports/method.py)
    bulletin_sender: Any = None  # the 通报's sender, number, date, deadline (reports.bulletin.sender.SenderFile)
    crawl_csv: Any = None  # the process writing columns.csv and items.csv, when one was started (reports.crawl_csv)

    @property
    def run(self) -> Run:
        return self.data.run

    @property
    def notes(self) -> list[Note]:
        return self.data.notes

    def page_globals(self) -> dict:
        """What every HTML template sees: run, rubric, time, formats written and the warnings."""
        return {"run": self.data.run, "rubric_id": self.data.rubric_id, "generated": self.generated,
                "formats": self.formats, "notes": [n.page for n in self.notes], "assertions": self.assertions,
                "method": self.method, "vocab": self.data.vocab, "STATUS_LABELS": self.data.vocab.statuses,
                "rate_rule": RATE_RULE}


def build_ranking(session: Session, data: RunData, compare: int | None = None) -> tuple[Ranking, int | None]:
    """Rank the run and add the change columns against `compare` or the previous comparable run."""
    ranking = rank_sites(data.sites, data.scores, data.finding_sums, pass_mark=data.pass_mark, method=data.method)
    baseline = compare if compare is not None else previous_run(session, int(data.run.id), data.rubric_id)
    base_table = None
    if baseline is not None:
        base = load_run(session, baseline, data.rubric_id)
        if compare is not None and base.scores.empty:
            raise UserError(f"run {compare} has no scores for rubric {data.rubric_id}", field="--compare")
        base_table = rank_sites(base.sites, base.scores, base.finding_sums, pass_mark=data.pass_mark,
                                method=data.method).table
    delta = changes(ranking.table, base_table)
    for col in ("prev_total", "prev_rank", "delta", "rank_change"):
        ranking.table[col] = list(delta[col]) if len(delta) == len(ranking.table) else None
    return ranking, baseline


def build_report(session: Session, run_id: int, rubric_id: str | None, *, compare: int | None = None,
                 verdicts: list[dict[str, Any]] | None = None, assertions: dict[str, Any] | None = None) -> Report:
    """Load, rank and summarise one run of the store for the output formats."""
    data = load_run(session, run_id, rubric_id)
    ranking, baseline = build_ranking(session, data, compare)
    return Report(data=data, ranking=ranking, narrative=write(ranking, baseline), baseline=baseline,
                  bulletins=collect(data), generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
                  verdicts=verdicts, trends=load_trends(session, data.run, data.rubric_id, baseline),
                  assertions=assertions, method=method_facts(session, data))
