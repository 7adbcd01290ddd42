"""Options shared by the commands, checked before a command starts: `--db` (the store) and `--out`
(the report folder). A wrong path, a file that is not a database, an unreachable server or an output
path that is a file is one line naming the option, not a traceback from deep inside a crawl, a
migration or a report that comes after hours of crawling."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from xxgk.config import db_url_from
from xxgk.errors import UserError

SQLITE_MAGIC = b"SQLite format 3\x00"
CONNECT_TIMEOUT = 5  # seconds; a store that does not answer in this time is reported, not waited on


def checked_db_url(db: str | None) -> str:
    """The store URL for `--db` (a SQLite path or a SQLAlchemy URL), after checking it can be used."""
    url = db_url_from(db)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UserError(f"not a store path or database URL: {exc}", field="--db") from None
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite(Path(parsed.database or ""))
    else:
        _check_server(url)
    return url


def _check_sqlite(path: Path) -> None:
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a SQLite file", field="--db")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create the store folder {_existing_blocker(path.parent)}: "
                        f"{exc.strerror or exc}", field="--db") from None
    if path.exists() and path.stat().st_size:
        try:
            with path.open("rb") as fh:
                head = fh.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise UserError(f"{path}: cannot read: {exc.strerror or exc}", field="--db") from None
        if head != SQLITE_MAGIC:
            raise UserError(f"{path}: not a SQLite database (use a new file name, or a database URL)",
                            field="--db")
        _check_sqlite_readable(path)


def _check_sqlite_readable(path: Path) -> None:
    """A SQLite header on a damaged file: its schema cannot be read (opened read-only, nothing changed)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=CONNECT_TIMEOUT)
    except sqlite3.Error as exc:
        raise UserError(f"{path}: cannot open the SQLite database: {exc}", field="--db") from None
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return  # another process writes it; the command waits for it as usual
        raise UserError(f"{path}: damaged SQLite database ({exc})", field="--db") from None
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{path}: damaged SQLite database ({exc})", field="--db") from None
    finally:
        conn.close()


def _existing_blocker(folder: Path) -> Path:
    """The first part of `folder` that exists as a file, which is what stops the folder being made."""
    for part in [*reversed(folder.parents), folder]:
        if part.exists() and not part.is_dir():
            return part
        if not part.exists():
            break
    return folder


def _check_server(url: str) -> None:
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        engine = create_engine(url, connect_args=_timeout_args(url), pool_pre_ping=False)
    except (SQLAlchemyError, ImportError) as exc:
        raise UserError(f"cannot use the store {shown}: {_first_line(exc)}", field="--db") from None
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise UserError(f"cannot connect to the store {shown}: {_first_line(exc)}", field="--db") from None
    finally:
        engine.dispose()


def _timeout_args(url: str) -> dict[str, int]:
    return {"connect_timeout": CONNECT_TIMEOUT} if make_url(url).get_backend_name() == "postgresql" else {}


def _first_line(exc: BaseException) -> str:
    """The driver's own message, first line, without SQLAlchemy's wrapper and background link."""
    orig = getattr(exc, "orig", None) or exc
    line = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return line.removeprefix("connection failed: ")


def _db_callback(value: str | None) -> str | None:
    checked_db_url(value)
    return value


def db_option(help_text: str = "Store: a SQLite file path or a database URL.") -> typer.models.OptionInfo:
    """The `--db` option of every command, checked before the command starts."""
    return typer.Option("--db", help=help_text, callback=_db_callback)


DbOption = Annotated[str | None, db_option()]


def _out_callback(value: Path | None) -> Path | None:
    if value is not None:
        check_out_dir(value)
    return value


def check_out_dir(out: Path) -> None:
    """`out` is a folder or can be made one (it is not made here: bad input later leaves nothing)."""
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: not a folder", field="--out")
    blocker = _existing_blocker(out)
    if blocker != out:
        raise UserError(f"{out}: cannot be made, {blocker} is a file", field="--out")
    nearest = next(p for p in [out, *out.parents] if p.exists())
    try:  # a read-only, foreign or pseudo file system (/proc, /sys) is told now, not after the crawl
        with tempfile.TemporaryFile(dir=nearest):
            pass
    except OSError as exc:
        raise UserError(f"{out}: cannot write in {nearest}: {exc.strerror or exc}", field="--out") from None


def out_option(help_text: str) -> typer.models.OptionInfo:
    """The `--out` option of the commands that write files."""
    return typer.Option("--out", help=help_text, callback=_out_callback)
