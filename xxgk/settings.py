"""The per-run crawl settings: one typed model, one set of defaults, stored with every run.

`CrawlSettings` is what the CLI builds, what `Run.config["limits"]` holds (as `model_dump()`), and
what every crawl path reads back as typed attributes: the local crawl and its worker processes, the
site-mode and request-mode distributed workers. `docs/settings.md` documents every field; a test
compares that table with this model.

Two ways in, because the two sources deserve different treatment:
- `CrawlSettings.parse` for what a user typed (CLI flags, a settings file): strict, a bad value is
  one `UserError` line naming the field.
- `CrawlSettings.from_stored` for what an older run stored: lenient, so an old run still resumes
  and re-scores. Unknown keys are ignored and bad values defaulted, each with a logged warning.

Depends on pydantic and the standard library only (and the stdlib-only `xxgk.errors`), so the
crawler imports it without pulling in the CLI or the reports.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from xxgk.errors import UserError

log = logging.getLogger(__name__)

RUN_CONFIG_KEY = "limits"  # where Run.config keeps the crawl settings (the name older runs used)
USER_AGENT = "xxgk/0.1 (+https://github.com/xxgk/xxgk)"
MIB = 1024 * 1024
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class CrawlSettings(BaseModel):
    """Every setting of one run's crawl; the crawler records which limit stopped a site."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # ---- limits per site ----------------------------------------------------------------------
    max_pages: int = Field(5000, ge=1, description=(
        "Requests the spider schedules per site; beyond it the site stops with `page limit`."))
    max_depth: int = Field(8, ge=0, description=(
        "Link depth from the start page beyond which nothing is requested (`depth limit`)."))
    max_seconds: float = Field(1800, gt=0, description=(
        "Seconds per site, from the site's own start; then no new request is made (`time limit`) "
        "and Scrapy closes the site 5 s later."))
    max_list_pages: int = Field(500, ge=1, description=(
        "Pages of one column's list followed through its pager (`list page limit`)."))
    max_candidates: int = Field(500, ge=0, description=(
        "On-scope links that are not yet known items, pagers or columns, fetched once per site to judge "
        "what they are (list, landing page, article, content); beyond it the site stops discovering with "
        "`candidate limit`."))
    fetch_articles: bool = Field(True, description=(
        "Fetch the items' own pages (publication dates, attachments), not only the lists."))
    max_articles: int = Field(3000, ge=0, description="Item pages fetched per site.")
    fetch_attachments: bool = Field(True, description="Fetch the attachments linked from item pages.")
    max_attachments: int = Field(300, ge=0, description="Attachments fetched per site.")
    max_attachment_bytes: int = Field(10 * MIB, ge=1, description="Largest attachment downloaded, in bytes.")
    check_links: bool = Field(True, description="Check the links found on the crawled pages (link health).")
    max_link_checks: int = Field(2000, ge=0, description="On-site links checked per site.")
    max_offsite_checks: int = Field(50, ge=0, description="Off-site links checked per site.")
    search: bool = Field(True, description="Try the site's search form with one query (search function).")
    obey_robots: bool = Field(True, description=(
        "Obey robots.txt; `xxgk audit --ignore-robots` turns it off and the site facts record it."))

    # ---- browser ------------------------------------------------------------------------------
    browser: bool = Field(True, description=(
        "Render the pages that need scripts in Debian's Chromium (only when it is installed)."))
    max_browser_pages: int = Field(300, ge=0, description="Pages rendered in the browser per site.")
    browser_contexts: int = Field(2, ge=1, description=(
        "Browser contexts one site crawler may open (Playwright's max contexts)."))
    browser_contexts_per_process: int = Field(1, ge=0, description=(
        "Browser contexts open at once in a crawl process, all its site crawlers together (each "
        "holds a Chromium renderer); 0: no cap per process, only `browser_contexts` per site crawler."))
    browser_context_idle: float = Field(1.0, ge=0, description=(
        "Seconds an unused browser context stays open before it is closed."))
    browser_pages_per_context: int = Field(4, ge=1, description="Pages open at once in one browser context.")
    browser_pages: int = Field(2, ge=1, description=(
        "Browser pages open at once in a whole local audit, all crawl worker processes together (each "
        "page costs Chromium memory); pages beyond it wait for a free one, none is skipped."))
    browser_processes: int = Field(1, ge=1, description=(
        "Crawl worker processes of a local audit that may run a Chromium at once (each ~0.4 GB of "
        "summed RSS with Debian's headless shell, ~0.8 GB with the full browser); a worker waits for one to close (idle) before it launches its own."))
    browser_idle: float = Field(5.0, ge=0, description=(
        "Seconds a crawl process's Chromium stays running with no page or context before it is closed "
        "(the next page that needs it launches it again)."))

    # ---- HTTP ---------------------------------------------------------------------------------
    user_agent: str = Field(USER_AGENT, min_length=1, description="The User-Agent header sent.")
    timeout: float = Field(30, gt=0, description="Seconds per download and per browser navigation.")
    retries: int = Field(2, ge=0, description=(
        "Retries of a transient failure (time-out, refused or dropped connection); on real sites "
        "also of HTTP 5xx, 408 and 429."))
    max_bytes: int = Field(20 * MIB, ge=1, description="Largest response downloaded, in bytes.")
    warn_bytes: int = Field(5 * MIB, ge=1, description="Responses larger than this many bytes are logged.")
    concurrency: int = Field(16, ge=1, description=(
        "Requests in flight per site crawler on real sites (loopback sample portals use fixed fast "
        "values)."))
    per_host: int = Field(2, ge=1, description="Requests in flight per host on real sites.")
    delay: float = Field(0.5, ge=0, description=(
        "Seconds between requests to one host on real sites (AutoThrottle adjusts it)."))
    max_retry_after: float = Field(60, ge=0, description=(
        "Longest `Retry-After` (seconds) a 429 or 503 is waited for before its one retry; a longer one "
        "is not waited for and the page is recorded as not fetched."))
    loopback_polite: bool = Field(False, description=(
        "Crawl loopback portals with the real-site politeness (`concurrency`, `per_host`, `delay`, "
        "AutoThrottle, `sites_at_once` of real sites) instead of the fast local values; the latency-world "
        "benchmark (`bench/national.py`) uses it."))
    max_crawl_delay: float = Field(30, ge=0, description=(
        "Longest robots.txt `Crawl-delay` (seconds) obeyed between requests to a host; a longer one is "
        "cut to this."))

    # ---- processes and evidence ---------------------------------------------------------------
    workers: int | None = Field(None, ge=1, description=(
        "Crawl worker processes of a local crawl; unset: one per core, never more than sites."))
    sites_at_once: int | None = Field(None, ge=1, description=(
        "Site crawls one process runs at once; unset: 4 on loopback portals, 50 on real sites."))
    warc: bool = Field(True, description=(
        "Keep every response in a WARC file per site: the evidence, and what a resume replays."))
    screenshots_per_site: int = Field(10, ge=0, description=(
        "Browser screenshots per site, taken after scoring, of the pages behind failing and partial "
        "findings (most points lost first); stored beside the WARC file and linked from the site page. "
        "0 (or `xxgk audit --no-screenshots`) takes none."))
    log_level: LogLevel = Field("WARNING", description="Log level of Scrapy, Twisted and Playwright.")

    # ---- reading ------------------------------------------------------------------------------

    @classmethod
    def parse(cls, values: Mapping[str, Any], *, source: str | None = None,
              names: Mapping[str, str] | None = None) -> CrawlSettings:
        """Settings a user gave (CLI flags, a settings file); a bad or unknown one is a UserError
        naming the field (`names` maps a field to the flag the user typed, e.g. `--max-pages`)."""
        try:
            return cls.model_validate(dict(values))
        except ValidationError as exc:
            raise _user_error(exc, source, names or {}) from None

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any] | None, *, where: str = "stored crawl settings") -> CrawlSettings:
        """Settings a run stored, however old: unknown keys are ignored and invalid values
        defaulted, each with a warning, and missing ones take today's defaults."""
        if stored is not None and not isinstance(stored, Mapping):
            log.warning("%s: not a mapping (%s), using the defaults", where, type(stored).__name__)
            stored = None
        data = dict(stored or {})
        for key in sorted(set(data) - set(cls.model_fields)):
            log.warning("%s: ignoring unknown setting %r", where, key)
            data.pop(key)
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            for key in sorted({str(err["loc"][0]) for err in exc.errors() if err["loc"]}):
                log.warning("%s: %s=%r is not valid, using the default", where, key, data.pop(key, None))
            return cls.model_validate(data)

    @classmethod
    def of_run(cls, config: Mapping[str, Any] | None, *, run_id: int | None = None) -> CrawlSettings:
        """The crawl settings stored in a run's `Run.config` (see `from_stored`)."""
        where = f"run {run_id} crawl settings" if run_id is not None else "stored crawl settings"
        return cls.from_stored((config or {}).get(RUN_CONFIG_KEY), where=where)

    @classmethod
    def coerce(cls, value: CrawlSettings | Mapping[str, Any] | None) -> CrawlSettings:
        """Settings as given to a crawl entry point: a model as is, a mapping parsed, None the defaults."""
        if isinstance(value, CrawlSettings):
            return value
        return cls.parse(value or {})


def read_settings_file(path: Path) -> dict[str, Any]:
    """The crawl settings of a TOML file (top-level `name = value` lines, names as in
    docs/settings.md), not yet validated; a missing or malformed file is a UserError naming it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError("settings file not found", source=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the settings file: {exc}", source=str(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"not valid TOML: {exc}", source=str(path)) from None
    for key, value in data.items():
        if isinstance(value, dict):
            raise UserError("crawl settings are top-level `name = value` lines, not tables", source=str(path),
                            field=key)
    return data


def _user_error(exc: ValidationError, source: str | None, names: Mapping[str, str]) -> UserError:
    """The first validation error as one line naming the field (and how many more there were)."""
    errors = exc.errors()
    err = errors[0]
    key = str(err["loc"][0]) if err["loc"] else "settings"
    if err["type"] == "extra_forbidden":
        message = "unknown crawl setting (docs/settings.md lists them)"
    else:
        shown = repr(err.get("input"))
        message = f"{err['msg']}, got {shown if len(shown) <= 60 else shown[:57] + '...'}"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more)"
    return UserError(message, source=source, field=names.get(key, key))
