"""The audit pipeline: site list → crawl → store → score → report. Each step reads and writes the store."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xxgk.assertions import Assertions, Judgement, judge_with_baseline, publish
from xxgk.config import AuditConfig
from xxgk.settings import CrawlSettings
from xxgk.sites import SiteRow, load_sites
from xxgk.store import (
    CRAWL_FAILED,
    ReportRecord,
    Run,
    session_factory,
    session_scope,
    site_for,
    utcnow,
)
from xxgk.store.lifecycle import add_pending_crawl, cut_short

log = logging.getLogger(__name__)
ProgressFn = Callable[[str, dict[str, Any]], None]
RUN_INTERRUPTED = "interrupted"


class RunInterrupted(KeyboardInterrupt):
    """The run's crawl did not reach its end: a signal (Ctrl-C, SIGTERM) stopped it, or sites were cut
    short (a crawl worker was killed). The run is left `interrupted`, unscored, for `--resume`.

    A KeyboardInterrupt, so every caller that stops cleanly on Ctrl-C stops cleanly on this too."""

    def __init__(self, run_id: int, cut: int, signalled: bool) -> None:
        self.run_id, self.cut, self.signalled = run_id, cut, signalled
        why = "stopped by a signal" if signalled else "a crawl worker stopped before its sites were finished"
        super().__init__(f"run {run_id} was {why}; {cut} site(s) not finished")

    exit_code = 130  # "interrupted" (docs/cli.md), whether a signal or a dead worker cut the crawl short


@dataclass
class AuditResult:
    run_id: int
    report: Path
    out_dir: Path
    judgement: Judgement | None = None  # with an assertion file: the rules' verdict on the run
    notify_problems: list[str] = field(default_factory=list)


def load_rubric_ref(ref: str) -> tuple[Any, Path]:
    """Resolve a rubric id or path and load it (UserError with file:line on a bad file)."""
    from scoring.rubric import find_rubric, load_rubric

    path = find_rubric(ref)
    return load_rubric(path), path


def create_run(db_url: str, sites: list[SiteRow], *, rubric: Any, rubric_path: Path, config: AuditConfig,
               sites_source: str) -> int:
    """Register a run, its sites (shared across runs by identity: xxgk/siteid.py) and one pending crawl
    per site, from the URL the list gives."""
    from scoring.rubric import rubric_hash

    factory = session_factory(db_url)
    with session_scope(factory) as session:
        run = Run(mode=config.mode, rubric_id=rubric.id, rubric_hash=rubric_hash(rubric_path),
                  sites_source=sites_source, config=config.as_dict())
        session.add(run)
        session.flush()
        for row in sites:
            site = site_for(session, row.key, row.url, row.name)
            site.kind, site.group, site.tags = row.kind, row.group, list(row.tags)
            add_pending_crawl(session, run.id, site.id, row.url)
        return run.id


def crawl(db_url: str, run_id: int, config: AuditConfig, progress: ProgressFn | None = None,
          resume: bool = False) -> None:
    """Crawl every pending site of the run (Scrapy; once per process); `resume` also takes the
    crawls a Ctrl-C or a killed process interrupted, replaying what they had already fetched."""
    from crawler.runner import run_crawl

    retried = _errored_crawls(db_url, run_id) if resume else set()
    signalled = run_crawl(db_url, run_id, limits=config.crawl, progress=progress, resume=resume)
    with session_scope(session_factory(db_url)) as session:
        # A crawl whose crawler died a second time (on resume) is given up on: scored as not checked
        # (never as zero), so that one site that always kills its crawler cannot hold the run back.
        cut = [c for c in cut_short(session, run_id)
               if not (c.id in retried and c.status == CRAWL_FAILED and c.stop_reason == "error")]
    if signalled or cut:
        raise RunInterrupted(run_id, len(cut), bool(signalled))


def _errored_crawls(db_url: str, run_id: int) -> set[int]:
    """Crawls of the run whose crawler died (not a signal): the ones a resume retries once."""
    with session_scope(session_factory(db_url)) as session:
        return {c.id for c in cut_short(session, run_id) if c.status == CRAWL_FAILED and c.stop_reason == "error"}


# --- distributed crawl: seed the Redis queue and wait for `xxgk worker`s ---
def crawl_distributed(db_url: str, run_id: int, redis_url: str, progress: ProgressFn | None = None,
                      namespace: str = "xxgk") -> None:
    """Queue the run's unfinished crawls on Redis and block until workers have done them all."""
    from crawler.distributed.coordinator import seed_run, wait_run

    if db_url.startswith("sqlite"):
        from xxgk.errors import UserError

        raise UserError("a distributed audit needs a shared store: --db postgresql+psycopg://…", field="--db")
    from crawler.distributed.queue import NamespaceInUse

    try:
        seed_run(redis_url, db_url, run_id, namespace=namespace)
    except NamespaceInUse as exc:
        from xxgk.errors import UserError

        raise UserError(str(exc), field="--redis") from exc
    wait_run(redis_url, db_url, run_id, namespace=namespace, progress=progress)
# --- end distributed crawl ---


def score(db_url: str, run_id: int, rubric: Any, as_of: str | None = None) -> None:
    """(Re-)score a stored crawl with a rubric; replaces that rubric's findings for the run.

    `as_of` (YYYY-MM-DD) fixes the audit date that freshness checks use, and is kept in the run.
    """
    from scoring.engine import score_run

    factory = session_factory(db_url)
    with session_scope(factory) as session:
        if as_of:
            run = session.get(Run, run_id)
            run.config = {**(run.config or {}), "as_of": as_of}
            session.flush()
        score_run(session, run_id, rubric, processes=None)


def screenshots(db_url: str, run_id: int, settings: CrawlSettings | None = None) -> None:
    """Screenshot the pages behind the scored run's failing and partial findings (within the
    per-site cap of `settings.screenshots_per_site`). It runs after scoring, since only the findings
    say which pages are evidence, and before the report, which links them. A failure never fails
    the audit: each page's is stored with its reason, and anything else is logged."""
    from crawler.screenshots import take_screenshots

    try:
        take_screenshots(db_url, run_id, settings)
    except Exception as exc:  # evidence is extra: the audit's findings stand without it
        log.warning("run %s: screenshots skipped: %s", run_id, exc)


def report(db_url: str, run_id: int, rubric_id: str | None, out_dir: Path, *, compare: int | None = None,
           formats: str | None = None, bulletin: bool | None = None,
           assertions: dict[str, Any] | None = None, lang: str = "en", bulletin_sender: Any = None) -> Path:
    """Render the run's ranking page, site pages and exports (`formats`, e.g. "html,csv,xlsx,json,pdf").

    `compare` sets the baseline run (default: the previous run of the same rubric and site list);
    `bulletin` True forces the monthly 通报, None writes it when the run has monthly-volume findings.
    """
    from reports.render import render_report

    factory = session_factory(db_url)
    with session_scope(factory) as session:
        done = render_report(session, run_id, rubric_id, out_dir, compare=compare, formats=formats,
                             bulletin=bulletin, assertions=assertions, lang=lang,
                             bulletin_sender=bulletin_sender)
        # Remember the report, so `runs prune` keeps the runs it is built from.
        session.add(ReportRecord(run_id=run_id, rubric_id=done.rubric_id or rubric_id,
                                 baseline_run_id=done.baseline_run, out_dir=str(Path(out_dir).resolve())))
        return done.index


def finish_run(db_url: str, run_id: int, status: str = "done") -> None:
    factory = session_factory(db_url)
    with session_scope(factory) as session:
        run = session.get(Run, run_id)
        if run is not None:
            run.status, run.finished_at = status, utcnow()


@dataclass
class AuditInputs:
    """A validated site list and rubric: everything checked before the first request."""

    sites_path: Path
    sites: list[SiteRow]
    rubric: Any
    rubric_path: Path


def prepare(sites_path: Path, rubric_ref: str) -> AuditInputs:
    """Validate the inputs of an audit; raises UserError naming the file and line."""
    sites = load_sites(sites_path)
    rubric, rubric_path = load_rubric_ref(rubric_ref)
    return AuditInputs(sites_path, sites, rubric, rubric_path)


def prepare_resume(run_id: int, db_url: str) -> tuple[Any, AuditConfig, int]:
    """Check an interrupted run can be resumed; its rubric, saved config and how many sites it has."""
    from xxgk.errors import UserError

    factory = session_factory(db_url)
    with session_scope(factory) as session:
        run = session.get(Run, run_id)
        if run is None:
            raise UserError(f"no run {run_id} in the store ({db_url})", field="--resume")
        if run.status == "done":
            raise UserError(f"run {run_id} is already complete; use `xxgk report {run_id}`", field="--resume")
        saved = dict(run.config or {})
        rubric_ref = run.rubric_id
        n_sites = len(run.crawls)
    if not rubric_ref:
        raise UserError(f"run {run_id} names no rubric", field="--resume")
    rubric, _path = load_rubric_ref(rubric_ref)
    crawl_settings = CrawlSettings.of_run(saved, run_id=run_id)  # an older run's settings still load
    return rubric, AuditConfig(mode=saved.get("mode", "ranking"), crawl=crawl_settings, as_of=saved.get("as_of")), n_sites


def resume(run_id: int, out_dir: Path, db_url: str, progress: ProgressFn | None = None,
           rules: Assertions | None = None) -> AuditResult:
    """Finish an interrupted audit: crawl what is left (no item lost or duplicated), score, report."""
    rubric, config, _n = prepare_resume(run_id, db_url)
    try:
        crawl(db_url, run_id, config, progress, resume=True)
    except BaseException:
        finish_run(db_url, run_id, RUN_INTERRUPTED)
        raise
    return _score_and_report(db_url, run_id, rubric, out_dir, rules, config)


def audit(inputs: AuditInputs, out_dir: Path, db_url: str, config: AuditConfig | None = None,
          progress: ProgressFn | None = None, on_run: Callable[[int], None] | None = None,
          redis_url: str | None = None, rules: Assertions | None = None) -> AuditResult:
    """Run a whole audit on validated inputs: crawl, score, report (and judge, with an assertion file).

    With `redis_url` the crawl is distributed: sites go to the Redis queue and `xxgk worker`s crawl them.
    """
    config = config or AuditConfig()
    rubric = inputs.rubric
    run_id = create_run(db_url, inputs.sites, rubric=rubric, rubric_path=inputs.rubric_path, config=config,
                        sites_source=str(inputs.sites_path))
    if on_run:
        on_run(run_id)
    try:
        if redis_url:  # distributed: `xxgk worker`s crawl the queued sites
            crawl_distributed(db_url, run_id, redis_url, progress)
        else:
            crawl(db_url, run_id, config, progress)
    except BaseException:
        finish_run(db_url, run_id, RUN_INTERRUPTED)
        raise
    return _score_and_report(db_url, run_id, rubric, out_dir, rules, config)


def judge_run(db_url: str, run_id: int, rubric: Any, rules: Assertions, *,
              baseline: int | None = None) -> Judgement:
    """The assertion file's verdict on a scored run (pass mark from the rubric as scored)."""
    with session_scope(session_factory(db_url)) as session:
        return judge_with_baseline(session, run_id, rubric.id, rules, pass_mark=rubric.pass_mark,
                                   baseline_run_id=baseline)


def _score_and_report(db_url: str, run_id: int, rubric: Any, out_dir: Path, rules: Assertions | None,
                      config: AuditConfig) -> AuditResult:
    """Score, report and judge a crawled run; stopped half-way (Ctrl-C, SIGTERM), the run is left
    `interrupted` and `--resume` does both again."""
    try:
        score(db_url, run_id, rubric)
        screenshots(db_url, run_id, config.crawl)
        return _report_and_judge(db_url, run_id, rubric, out_dir, rules, config.formats, config.lang,
                                 config.bulletin_sender)
    except KeyboardInterrupt:
        finish_run(db_url, run_id, RUN_INTERRUPTED)
        raise


def _report_and_judge(db_url: str, run_id: int, rubric: Any, out_dir: Path, rules: Assertions | None,
                      formats: str | None, lang: str = "en", bulletin_sender: Any = None) -> AuditResult:
    """Judge the scored run (so the report shows the violations), render it, then publish the verdict."""
    judgement = judge_run(db_url, run_id, rubric, rules) if rules else None
    page = report(db_url, run_id, rubric.id, out_dir, formats=formats, lang=lang, bulletin_sender=bulletin_sender,
                  assertions=judgement.summary() | {"assertions": rules.source} if judgement and rules else None)
    finish_run(db_url, run_id)
    problems = publish(judgement, rules, out_dir) if judgement and rules else []
    return AuditResult(run_id=run_id, report=page, out_dir=out_dir, judgement=judgement, notify_problems=problems)
