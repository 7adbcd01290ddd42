"""Defaults and paths, and the audit config stored with every run (crawl settings: `xxgk.settings`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xxgk.settings import RUN_CONFIG_KEY, CrawlSettings

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_HOME = Path(os.environ.get("XXGK_HOME", REPO_ROOT / ".xxgk"))
DEFAULT_DB = DEFAULT_HOME / "xxgk.sqlite"
DEFAULT_RUBRIC = "moe-university-checklist-2014"


def db_url_from(db: str | None) -> str:
    """A SQLAlchemy URL from --db: a URL as is, otherwise a SQLite file path."""
    if db and "://" in db:
        return db
    path = Path(db) if db else DEFAULT_DB
    return f"sqlite:///{path.resolve()}"


def store_dir_for(db_url: str) -> Path:
    """Where a run's files (WARC evidence) go: beside a SQLite store, else in the xxgk home
    ($XXGK_HOME, read at call time, else `DEFAULT_HOME`)."""
    if db_url.startswith("sqlite:///"):
        return Path(db_url.removeprefix("sqlite:///")).resolve().parent
    return Path(os.environ.get("XXGK_HOME") or DEFAULT_HOME).resolve()


@dataclass
class AuditConfig:
    """Everything that shapes one audit run; saved in Run.config."""

    mode: str = "ranking"  # ranking | self-check
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    as_of: str | None = None  # the audit date checks measure freshness against (default: run start)
    formats: str | None = None  # report outputs, e.g. "html,csv,xlsx,json,pdf"
    lang: str = "en"  # CSV header language: en (the stable names) | zh
    bulletin_sender: Any = None  # the 通报's sender, number, date and deadline (shapes the report, not the run)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mode": self.mode, RUN_CONFIG_KEY: self.crawl.model_dump()}
        if self.as_of:
            out["as_of"] = self.as_of
        return out
