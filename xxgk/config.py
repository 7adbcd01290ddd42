"""Defaults and per-run settings, kept in one place and stored with every run."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_HOME = Path(os.environ.get("XXGK_HOME", REPO_ROOT / ".xxgk"))
DEFAULT_DB = DEFAULT_HOME / "xxgk.sqlite"
DEFAULT_RUBRIC = "moe-university-checklist-2014"
SHARED_DIR = Path(os.environ.get("XXGK_SHARED", REPO_ROOT.parent / "shared"))


def db_url_from(db: str | None) -> str:
    """A SQLAlchemy URL from --db: a URL as is, otherwise a SQLite file path."""
    if db and "://" in db:
        return db
    path = Path(db) if db else DEFAULT_DB
    return f"sqlite:///{path.resolve()}"


@dataclass
class CrawlLimits:
    """Per-site limits; the crawler records which one stopped a crawl."""

    max_pages: int = 5000
    max_depth: int = 8
    max_seconds: int = 1800
    obey_robots: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AuditConfig:
    """Everything that shapes one audit run; saved in Run.config."""

    mode: str = "ranking"  # ranking | self-check
    limits: CrawlLimits = field(default_factory=CrawlLimits)
    as_of: str | None = None  # the audit date checks measure freshness against (default: run start)
    formats: str | None = None  # report outputs, e.g. "html,csv,xlsx,json,pdf"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mode": self.mode, "limits": self.limits.as_dict()}
        if self.as_of:
            out["as_of"] = self.as_of
        return out
