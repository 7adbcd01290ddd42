"""The store, below everything else: models, sessions, migrations and the crawl lifecycle.

It imports nothing of xxgk's crawler, scoring, reports or CLI (only the `xxgk.errors` leaf), so every
other part may import it. The public names are re-exported here: `from xxgk.store import Crawl`.
"""

from xxgk.store.contents import delete_crawl_contents
from xxgk.store.models import (
    CRAWL_DONE,
    CRAWL_FAILED,
    CRAWL_PENDING,
    CRAWL_RUNNING,
    FAIL,
    FINDING_STATUSES,
    NEEDS_REVIEW,
    NOT_APPLICABLE,
    NOT_CHECKED,
    PARTIAL,
    PASS,
    Base,
    Blob,
    Column,
    Crawl,
    Document,
    Finding,
    Item,
    Link,
    Page,
    ReportRecord,
    RubricSnapshot,
    Run,
    Schedule,
    Score,
    Screenshot,
    Site,
    utcnow,
)
from xxgk.store.session import default_db_url, make_engine, session_factory, session_scope
from xxgk.store.sites import site_for

__all__ = [
    "CRAWL_DONE", "CRAWL_FAILED", "CRAWL_PENDING", "CRAWL_RUNNING", "FAIL", "FINDING_STATUSES", "NEEDS_REVIEW",
    "NOT_APPLICABLE", "NOT_CHECKED", "PARTIAL", "PASS", "Base", "Blob", "Column", "Crawl", "Document", "Finding", "Item",
    "Link", "Page", "ReportRecord", "RubricSnapshot", "Run", "Schedule", "Score", "Screenshot", "Site", "default_db_url", "delete_crawl_contents",
    "make_engine", "session_factory", "session_scope", "site_for", "utcnow",
]
