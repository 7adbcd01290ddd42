"""The `xxgk` command line. Thin: parse options, call the pipeline, print one-line errors."""

from __future__ import annotations

import contextlib
import errno
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from xxgk import pipeline
from xxgk.assertions import Assertions, Judgement, load_assertions, publish
from xxgk.commands import register_all
from xxgk.commands.bulletin_options import (
    DateOption,
    DeadlineOption,
    IssuerOption,
    NumberOption,
    SenderFileOption,
    bulletin_sender,
    issue_bulletin,
)
from xxgk.commands.options import DbOption, out_option
from xxgk.config import DEFAULT_DB, DEFAULT_HOME, DEFAULT_RUBRIC, AuditConfig, db_url_from
from xxgk.errors import UserError
from xxgk.settings import CrawlSettings, read_settings_file
from xxgk.termtext import plain

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Audit Chinese information-disclosure portals against rubric files.")
rubrics_app = typer.Typer(no_args_is_help=True, help="List, show and validate rubric files.")
app.add_typer(rubrics_app, name="rubrics")
console = Console(stderr=True)
out_console = Console()



def _mount_samples() -> None:
    try:
        from xxgk.samples.cli import app as samples_app
    except ImportError:  # the samples package is optional at runtime
        return
    app.add_typer(samples_app, name="samples", help="Generate and serve the bundled sample portals.")


_mount_samples()
register_all(app)


class CrawlProgress:
    """A rich progress bar fed by the crawler's progress events."""

    def __init__(self, total_sites: int) -> None:
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TextColumn("sites · {task.fields[pages]} pages"),
                                 TimeElapsedColumn(), console=console, transient=False)
        self.task = self.progress.add_task("crawling", total=total_sites, pages=0)
        self.pages = 0

    def __call__(self, event: str, data: dict[str, Any]) -> None:
        if event == "page":
            self.pages += 1
            if self.pages % 10 == 0:
                self.progress.update(self.task, pages=self.pages)
        elif event == "site_done":
            self.progress.update(self.task, advance=1, pages=self.pages)

    def __enter__(self) -> CrawlProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.update(self.task, pages=self.pages)
        self.progress.stop()


# the `xxgk audit` options that are crawl settings: parameter → (setting, flag)
CRAWL_OPTIONS = {"max_pages": ("max_pages", "--max-pages"), "max_seconds": ("max_seconds", "--max-seconds"),
                 "ignore_robots": ("obey_robots", "--ignore-robots"),
                 "no_screenshots": ("screenshots_per_site", "--no-screenshots")}


def _default(name: str) -> Any:
    """A crawl setting's default (the CLI shows the model's, never one of its own)."""
    return CrawlSettings.model_fields[name].default


def crawl_settings_from(ctx: typer.Context, settings_file: Path | None, **values: Any) -> CrawlSettings:
    """The one place `xxgk audit` options become `CrawlSettings`: the settings file's values, then
    the crawl options typed on the command line (`values` by parameter, as settings values; options
    left at their defaults do not override the file). A bad value is one line naming the file or flag."""
    from_file: dict[str, Any] = {}
    if settings_file is not None:
        from_file = read_settings_file(settings_file)
        CrawlSettings.parse(from_file, source=str(settings_file))
    typed = {setting: values[param] for param, (setting, _flag) in CRAWL_OPTIONS.items()
             if getattr(ctx.get_parameter_source(param), "name", "DEFAULT") != "DEFAULT"}
    flags = {setting: flag for setting, flag in CRAWL_OPTIONS.values()}
    return CrawlSettings.parse({**from_file, **typed}, names=flags)


@contextlib.contextmanager
def sigterm_as_ctrl_c() -> Iterator[None]:
    """SIGTERM (a service manager, `kill`) stops an audit as Ctrl-C does, in every stage: the run is left
    interrupted and resumable instead of the process dying wherever it was. The crawler installs its
    own handlers for both signals while it runs and puts this one back after."""
    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        old = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (a test calling the command): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def run_audit(sites: Path, rubric: str, out: Path, db: str | None, config: AuditConfig,
              quiet: bool = False, redis_url: str | None = None, rules: Assertions | None = None
              ) -> pipeline.AuditResult:
    """Audit with a progress bar; on Ctrl-C say which run holds what was collected."""
    db_url = db_url_from(db)
    run_ids: list[int] = []
    inputs = pipeline.prepare(sites, rubric)
    try:
        if quiet:
            return pipeline.audit(inputs, out, db_url, config, on_run=run_ids.append, redis_url=redis_url,
                                  rules=rules)
        with CrawlProgress(len(inputs.sites)) as bar:
            return pipeline.audit(inputs, out, db_url, config, progress=bar, on_run=run_ids.append,
                                  redis_url=redis_url, rules=rules)
    except pipeline.RunInterrupted as stopped:
        _say_interrupted(stopped, db_url)
    except KeyboardInterrupt:
        where = f" in run {run_ids[0]}; finish it with `xxgk audit --resume {run_ids[0]}`" if run_ids else ""
        console.print(f"interrupted: pages collected so far are kept{where} ({db_url})")
        raise typer.Exit(130) from None


def _say_interrupted(stopped: pipeline.RunInterrupted, db_url: str) -> NoReturn:
    """One line: the run is not finished (not scored, not ranked) and how to finish it; exit non-zero."""
    console.print(f"interrupted: {stopped}; it is kept unscored in the store ({db_url}): finish it with "
                  f"`xxgk audit --resume {stopped.run_id}`", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(stopped.exit_code) from None


def run_resume(run_id: int, out: Path, db: str | None, quiet: bool = False,
               rules: Assertions | None = None) -> pipeline.AuditResult:
    """Resume an interrupted audit with a progress bar."""
    db_url = db_url_from(db)
    _rubric, _config, n_sites = pipeline.prepare_resume(run_id, db_url)  # one-line errors before the bar
    try:
        if quiet:
            return pipeline.resume(run_id, out, db_url, rules=rules)
        with CrawlProgress(n_sites) as bar:
            return pipeline.resume(run_id, out, db_url, progress=bar, rules=rules)
    except pipeline.RunInterrupted as stopped:
        _say_interrupted(stopped, db_url)
    except KeyboardInterrupt:
        console.print(f"interrupted again: pages collected so far are kept in run {run_id} ({db_url})")
        raise typer.Exit(130) from None


@app.command()
def audit(
    ctx: typer.Context,
    sites: Annotated[Path | None, typer.Argument(help="Site list: CSV, XLSX or YAML with name and url columns.")]
    = None,
    rubric: Annotated[str, typer.Option(help="Rubric id or YAML file.")] = DEFAULT_RUBRIC,
    out: Annotated[Path, out_option("Folder for the HTML report and CSV exports.")] = Path("out"),
    db: DbOption = None,
    mode: Annotated[str, typer.Option(help="ranking or self-check.")] = "ranking",
    max_pages: Annotated[int, typer.Option(help="Page limit per site.")] = _default("max_pages"),
    max_seconds: Annotated[int, typer.Option(help="Time limit per site, seconds.")] = _default("max_seconds"),
    ignore_robots: Annotated[bool, typer.Option("--ignore-robots",
                                                help="Do not obey robots.txt (recorded in the run).")] = False,
    no_screenshots: Annotated[bool, typer.Option("--no-screenshots", help="Take no screenshots of the pages "
                                                 "behind failing findings (setting screenshots_per_site).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Audit date YYYY-MM-DD that freshness is "
                                                             "measured against (default: today).")] = None,
    formats: Annotated[str | None, typer.Option("--formats", help="Report outputs: html,csv,xlsx,json,pdf,"
                                                                  "bulletin (html and csv always).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print the report pages to PDF (Chromium).")] = False,
    resume: Annotated[int | None, typer.Option("--resume", help="Finish interrupted run RUN (crawl what is "
                                                                "left, then score and report).")] = None,
    # distributed crawl: the sites go to a Redis queue that `xxgk worker`s crawl
    distributed: Annotated[bool, typer.Option("--distributed", help="Queue the sites on Redis for `xxgk worker`s "
                                                                    "and wait (needs --redis and a PostgreSQL "
                                                                    "--db).")] = False,
    redis: Annotated[str | None, typer.Option("--redis", help="Redis URL of the worker queue.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="CSV header language: en (the stable column names) or zh "
                                                     "(the same columns under Chinese heads).")] = "en",
    assert_file: Annotated[Path | None, typer.Option(
        "--assert", help="Assertion file (YAML): rules the run must meet; violations print one line each, go "
                         "to assertions.json and exit 1.")] = None,
    settings: Annotated[Path | None, typer.Option("--settings", help="TOML file of crawl settings "
                                                                     "(docs/settings.md); flags given win.")] = None,
    bulletin_file: SenderFileOption = None,
    bulletin_issuer: IssuerOption = None,
    bulletin_number: NumberOption = None,
    bulletin_date: DateOption = None,
    bulletin_deadline: DeadlineOption = None,
) -> None:
    """Crawl the sites, score them against the rubric and write the ranked report."""
    rules = load_assertions(assert_file) if assert_file else None  # checked before any request
    _check_lang(lang)
    if resume is not None:
        with sigterm_as_ctrl_c():
            result = run_resume(resume, out, db, quiet=quiet, rules=rules)
        out_console.print(f"run {result.run_id}: report written to {result.report.resolve()}")
        _say_judgement(result.judgement, result.notify_problems, out)
        return
    if sites is None:
        raise UserError("give a site list (or --resume RUN)", field="SITES")
    if distributed and not redis:
        raise UserError("--distributed needs --redis URL", field="--redis")
    if distributed and not (db and db.startswith("postgresql")):
        raise UserError("--distributed needs a shared store: --db postgresql+psycopg://…", field="--db")
    if mode not in ("ranking", "self-check"):
        raise UserError(f"unknown mode {mode!r} (use ranking or self-check)", field="--mode")
    if pdf:
        formats = f"{formats or 'html,csv,xlsx,json'},pdf"
    sender = bulletin_sender(bulletin_file, bulletin_issuer, bulletin_number, bulletin_date, bulletin_deadline)
    if sender is not None and "bulletin" not in (formats or ""):
        formats = f"{formats or 'html,csv'},bulletin"  # a sender given means the 通报 is wanted
    _check_formats(formats)
    crawl = crawl_settings_from(ctx, settings, max_pages=max_pages, max_seconds=max_seconds,
                                ignore_robots=not ignore_robots,
                                no_screenshots=0 if no_screenshots else _default("screenshots_per_site"))
    config = AuditConfig(mode=mode, crawl=crawl, as_of=_as_of(as_of), formats=formats, lang=lang,
                         bulletin_sender=sender)
    with sigterm_as_ctrl_c():
        result = run_audit(sites, rubric, out, db, config, quiet=quiet, redis_url=redis if distributed else None,
                           rules=rules)
    out_console.print(f"run {result.run_id}: report written to {result.report.resolve()}")
    _say_judgement(result.judgement, result.notify_problems, out)


@app.command()
def score(
    run: Annotated[int, typer.Argument(help="Run id to re-score.")],
    rubric: Annotated[str, typer.Option(help="Rubric id or YAML file.")] = DEFAULT_RUBRIC,
    db: DbOption = None,
    out: Annotated[Path | None, out_option("Also re-render the report into this folder.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Audit date YYYY-MM-DD (kept in the run).")] = None,
) -> None:
    """Re-score a stored crawl with a rubric, without crawling again."""
    db_url = db_url_from(db)
    _require_run(db_url, run)
    loaded, _path = pipeline.load_rubric_ref(rubric)
    pipeline.score(db_url, run, loaded, as_of=_as_of(as_of))
    out_console.print(f"run {run}: scored with {loaded.id}")
    if out is not None:
        page = pipeline.report(db_url, run, loaded.id, out)
        out_console.print(f"report written to {page.resolve()}")


@app.command()
def report(
    run: Annotated[int, typer.Argument(help="Run id to render.")],
    out: Annotated[Path, out_option("Folder for the report.")] = Path("out"),
    rubric: Annotated[str | None, typer.Option(help="Rubric id (default: the run's).")] = None,
    db: DbOption = None,
    compare: Annotated[int | None, typer.Option(
        "--compare", help="Baseline run for score and rank changes (default: the previous run of the same "
                          "rubric and site list).")] = None,
    formats: Annotated[str | None, typer.Option(
        "--formats", help="Comma-separated: html,csv,xlsx,json,pdf,bulletin (html and csv always; "
                          "default html,csv,xlsx,json).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print the ranking and site pages to PDF (Chromium).")] = False,
    bulletin: Annotated[bool, typer.Option("--bulletin", help="Write the 通报 (HTML + DOCX in 公文 layout; PDF "
                                                              "with pdf) for any rubric; a monthly-volume run "
                                                              "writes it anyway.")] = False,
    bulletin_file: SenderFileOption = None,
    bulletin_issuer: IssuerOption = None,
    bulletin_number: NumberOption = None,
    bulletin_date: DateOption = None,
    bulletin_deadline: DeadlineOption = None,
    lang: Annotated[str, typer.Option("--lang", help="CSV header language: en (the stable column names) or zh "
                                                     "(the same columns under Chinese heads).")] = "en",
    assert_file: Annotated[Path | None, typer.Option(
        "--assert", help="Assertion file (YAML): rules the run must meet; violations print one line each, go "
                         "to assertions.json and exit 1.")] = None,
) -> None:
    """Re-render the report of a stored run."""
    rules = load_assertions(assert_file) if assert_file else None
    _check_lang(lang)
    sender = bulletin_sender(bulletin_file, bulletin_issuer, bulletin_number, bulletin_date, bulletin_deadline)
    db_url = db_url_from(db)
    _require_run(db_url, run)
    if compare is not None:
        _require_run(db_url, compare)
    if pdf:
        formats = f"{formats or 'html,csv,xlsx,json'},pdf"
    _check_formats(formats)
    judgement = None
    if rules is not None:
        loaded, _path = pipeline.load_rubric_ref(rubric or _run_rubric(db_url, run))
        judgement = pipeline.judge_run(db_url, run, loaded, rules, baseline=compare)
    page = pipeline.report(db_url, run, rubric, out, compare=compare, formats=formats,
                           bulletin=True if bulletin or sender is not None else None, lang=lang,
                           bulletin_sender=sender,
                           assertions=judgement.summary() | {"assertions": rules.source} if judgement and rules else None)
    out_console.print(f"report written to {page.resolve()}")
    if judgement is not None and rules is not None:
        _say_judgement(judgement, publish(judgement, rules, out), out)


def _check_lang(lang: str) -> None:
    """Refuse a bad --lang before any work (the formats' check; no writer loads for it)."""
    from reports.formats import check_lang

    check_lang(lang)


def _run_rubric(db_url: str, run_id: int) -> str:
    from xxgk.store import Run, session_factory, session_scope

    with session_scope(session_factory(db_url)) as session:
        run = session.get(Run, run_id)
        if run is None or not run.rubric_id:
            raise UserError(f"run {run_id} names no rubric; pass --rubric", field="--rubric")
        return run.rubric_id


def _say_judgement(judgement: Judgement | None, problems: list[str], out: Path) -> None:
    """One line per violation on stderr, a summary line, and exit 1 on an error-level violation."""
    if judgement is None:
        return
    for v in judgement.violations:
        word = "assertion failed" if v.level == "error" else "assertion warning"
        console.print(f"{word}: {plain(v.line_text())}", markup=False, highlight=False, soft_wrap=True)
    for line in problems:
        console.print(f"warning: notification not delivered: {plain(line)}", markup=False, highlight=False, soft_wrap=True)
    errors = sum(v.level == "error" for v in judgement.violations)
    out_console.print(f"assertions: {errors} failed, {len(judgement.violations) - errors} warnings, "
                      f"{len(judgement.unjudged)} not judged ({out / 'assertions.json'})")
    if judgement.failed:
        raise typer.Exit(1)


def _check_formats(formats: str | None) -> None:
    """Refuse an unknown --formats name before any work, in one line naming the registered formats."""
    from reports.formats import report_formats  # names only: no writer loads before the crawl

    report_formats(formats)


def _as_of(value: str | None) -> str | None:
    """Validate an --as-of date (YYYY-MM-DD)."""
    if value is None:
        return None
    import datetime as dt

    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise UserError(f"not a date (YYYY-MM-DD): {value!r}", field="--as-of") from None


def _require_run(db_url: str, run_id: int) -> None:
    from xxgk.store import Run, session_factory, session_scope

    with session_scope(session_factory(db_url)) as session:
        if session.get(Run, run_id) is None:
            raise UserError(f"no run {run_id} in the store ({db_url})", field="RUN")


DEMO_ANNUAL_RUBRIC = "gov-disclosure-annual-report"
DEMO_BASE_PORT = 18600  # portal i of the demo world is served on 18600 + i, the same in every demo
DEMO_EVALUATION = "evaluations/university-21c.yaml"  # in the rubrics folder: checklist + annual report parts


def _demo_evaluation() -> Path:
    from scoring.rubric import rubrics_dir

    return rubrics_dir() / DEMO_EVALUATION


@app.command()
def demo(
    out: Annotated[Path, out_option("Folder for the reports.")] = DEFAULT_HOME / "demo",
    seed: Annotated[int, typer.Option(help="Seed of the sample world.")] = 2024,
    db: DbOption = None,
) -> None:
    """Serve the bundled sample portals on 127.0.0.1, audit them and print the report paths.

    Universities are audited against the 50-item checklist, government portals against the 2019
    inspection indicators and, re-scoring the same crawl, the annual-report rubric; each as of the sample
    world's own date. The university crawl is also evaluated with the three-part evaluation file
    rubrics/evaluations/university-21c.yaml (evaluation/evaluation.html). The runs go to the default
    store (or --db) on fixed ports, so a second demo is compared with the first (`xxgk runs list` shows
    both). The government audit also writes its 通报 (bulletin.docx, and bulletin.pdf when Chromium is
    installed). The last line is the university ranking page.
    """
    import csv
    import json
    import re
    import subprocess

    from xxgk.samples import generate_world
    from xxgk.samples.server import SampleServer

    world_dir = DEFAULT_HOME / f"samples-{seed}"
    console.print(f"generating the sample world (seed {seed}) in {world_dir}")
    generate_world(world_dir, seed=seed)
    as_of = json.loads((world_dir / "world.json").read_text(encoding="utf-8")).get("as_of")
    db = db or str(DEFAULT_DB)
    out.mkdir(parents=True, exist_ok=True)
    pages: list[Path] = []
    try:
        server = SampleServer(world_dir, base_port=DEMO_BASE_PORT).start()
    except OSError:  # a port of the fixed map is taken: any ports (the sites keep their identity anyway)
        console.print(f"ports {DEMO_BASE_PORT}+ are taken; serving the samples on other ports")
        server = SampleServer(world_dir).start()
    with server:
        server.write_sites_csv(out / "sites.csv")
        with open(out / "sites.csv", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        console.print(f"serving {len(server.urls)} sample portals on 127.0.0.1")
        for kind, rubric in (("government", "gov-website-inspection-2019"), ("university", DEFAULT_RUBRIC)):
            chosen = [r for r in rows if r["kind"] == kind]
            if not chosen:
                continue
            sites = out / f"sites-{kind}.csv"
            with open(sites, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=["name", "url", "kind"])
                writer.writeheader()
                writer.writerows(chosen)
            console.print(f"auditing {len(chosen)} {kind} portals against {rubric}")
            # Each audit in its own process: Scrapy's reactor starts once per process.
            cmd = [sys.executable, "-m", "xxgk", "audit", str(sites), "--rubric", rubric, "--out",
                   str(out / kind), "--db", db, *(["--as-of", as_of] if as_of else [])]
            res = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
            sys.stdout.write(res.stdout)
            if res.returncode != 0:
                raise UserError(f"the {kind} audit failed (see above)")
            pages.append((out / kind / "index.html").resolve())
            found = re.search(r"^run (\d+):", res.stdout, re.M)
            if kind == "government" and found:  # the 通报 an office would send the audited units
                written = issue_bulletin(db_url_from(db), int(found.group(1)), rubric, out / kind)
                pages.append(written[-1].resolve())
            if kind == "government" and found:  # the same crawl, scored again: no second crawl
                console.print(f"scoring the government crawl against {DEMO_ANNUAL_RUBRIC}")
                loaded, _path = pipeline.load_rubric_ref(DEMO_ANNUAL_RUBRIC)
                pipeline.score(db_url_from(db), int(found.group(1)), loaded, as_of=as_of)
                page = pipeline.report(db_url_from(db), int(found.group(1)), loaded.id, out / "government-annual-report")
                pages.append(page.resolve())
            if kind == "university" and found:  # the three-part evaluation, before the ranking's last line
                from xxgk.evaluation import run_evaluation

                console.print(f"evaluating the university crawl with {DEMO_EVALUATION}")
                done = run_evaluation(db_url_from(db), int(found.group(1)), _demo_evaluation(), out / "evaluation",
                                      as_of=as_of)
                pages.insert(-1, done.page.resolve())
    for page in pages:
        out_console.print(str(page))


@rubrics_app.command("list")
def rubrics_list() -> None:
    """List the bundled rubrics."""
    from scoring.rubric import list_rubrics, load_rubric

    table = Table("id", "title", "source", "file")
    for path in list_rubrics():
        r = load_rubric(path)
        table.add_row(r.id, r.title, str(r.source), path.name)
    out_console.print(table)


@rubrics_app.command("show")
def rubrics_show(rubric: Annotated[str, typer.Argument(help="Rubric id or YAML file.")]) -> None:
    """Show a rubric's sections, items and weights."""
    loaded, path = pipeline.load_rubric_ref(rubric)
    out_console.print(f"[bold]{loaded.title}[/bold]  ({loaded.id}, {path.name})\nsource: {loaded.source}")
    table = Table("section", "item", "name", "points", "checks")
    for section in loaded.sections:
        for item in section.items:
            checks = ", ".join(c.kind for c in item.checks)
            table.add_row(section.name, str(item.id), item.name, item.points_label, checks)
    out_console.print(table)


@rubrics_app.command("validate")
def rubrics_validate(file: Annotated[Path, typer.Argument(help="Rubric YAML file.")]) -> None:
    """Validate a rubric file; errors are printed as file:line: field: message."""
    from scoring.rubric import load_rubric

    loaded = load_rubric(file)
    items = sum(len(s.items) for s in loaded.sections)
    out_console.print(f"{file}: ok ({loaded.id}: {len(loaded.sections)} sections, {items} items)")


# A full disk, a read-only folder or a path in the way: the user's machine, not a bug of ours.
ENVIRONMENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR,
                      errno.EISDIR, errno.EEXIST, errno.ENAMETOOLONG}


def main() -> None:
    """Entry point: user errors become one line on stderr and exit code 2, never a traceback."""
    try:
        code = app(standalone_mode=False)  # click returns a command's typer.Exit code instead of exiting
    except UserError as exc:
        console.print(f"error: {plain(exc)}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        console.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        console.print("interrupted")
        sys.exit(130)
    except OSError as exc:
        if exc.errno not in ENVIRONMENT_ERRNOS:
            raise
        where = f"{plain(exc.filename)}: " if exc.filename else ""
        console.print(f"error: {where}{plain(exc.strerror or exc)} (what was already collected stays in the store)",
                      markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)
    except Exception as exc:
        # Usage errors (unknown option, missing argument) from the click inside typer: show them as click does.
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    if isinstance(code, int) and code:
        sys.exit(code)


if __name__ == "__main__":
    main()
