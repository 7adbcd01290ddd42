"""`xxgk worker --redis URL --db URL`: crawl sites from the shared Redis queue (distributed audits)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from xxgk.commands.options import db_option
from xxgk.config import db_url_from
from xxgk.errors import UserError

console = Console(stderr=True)


def register(app: typer.Typer) -> None:
    @app.command()
    def worker(
        redis: Annotated[str, typer.Option("--redis", help="Redis URL of the shared queue, e.g. redis://host:6379/0.")],
        db: Annotated[str | None, db_option("Shared store URL (postgresql+psycopg://…).")] = None,
        slots: Annotated[int, typer.Option(help="Sites this worker crawls at once (site mode).")] = 2,
        host_limit: Annotated[int, typer.Option("--host-limit",
                                                help="Concurrent requests per host across all workers.")] = 2,
        lease: Annotated[float, typer.Option(help="Seconds before a dead worker's site is re-queued.")] = 30.0,
        host_lease: Annotated[float | None, typer.Option(
            "--host-lease", help="Seconds a killed worker's per-host slots stay taken (default: download "
                                 "time-out + 30 s; must exceed the longest request).")] = None,
        idle_exit: Annotated[float | None, typer.Option("--idle-exit",
                                                        help="Exit after this many idle seconds.")] = None,
        namespace: Annotated[str, typer.Option(help="Redis key prefix (one per deployment).")] = "xxgk",
        store_dir: Annotated[Path | None, typer.Option("--store-dir", help="Folder for WARC evidence.")] = None,
        verbose: Annotated[bool, typer.Option("--verbose", help="Log each site.")] = False,
        mode: Annotated[str, typer.Option("--mode", help="request: run requests of any crawl from the shared "
                                                         "request queue (default); site: crawl whole sites.")]
        = "request",
        delay: Annotated[str, typer.Option(
            "--delay", help="Request mode: seconds between request starts to one host, all workers together "
                            "(auto: 0.5 for remote hosts, 0 for loopback).")] = "auto",
        concurrency: Annotated[int | None, typer.Option(
            "--concurrency", help="Requests in flight: per worker in request mode (default 16), per site crawl in site mode.")] = None,
    ) -> None:
        """Pull requests (or whole site crawls, --mode site) from Redis and write to the shared store until
        stopped."""
        from crawler.distributed.worker import WorkerOptions, run_worker

        if not redis.startswith(("redis://", "rediss://", "unix://")):
            raise UserError(f"not a Redis URL: {redis!r}", field="--redis")
        if mode not in ("request", "site"):
            raise UserError(f"unknown mode {mode!r} (use request or site)", field="--mode")
        if delay != "auto":
            try:
                if float(delay) < 0:
                    raise ValueError
            except ValueError:
                raise UserError(f"not a number of seconds or 'auto': {delay!r}", field="--delay") from None
        if slots < 1:
            raise UserError("must be at least 1", field="--slots")
        db_url = db_url_from(db)
        if db_url.startswith("sqlite"):
            console.print("warning: a SQLite store is only shared by workers on this machine")
        logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        opts = WorkerOptions(slots=slots, host_limit=host_limit, lease_seconds=lease, idle_exit=idle_exit,
                             namespace=namespace, store_dir=store_dir, concurrency=concurrency,
                             delay=delay if delay == "auto" else float(delay),
                             overrides={"XXGK_HOST_LEASE": host_lease} if host_lease else {})
        from crawler.distributed.queue import ForeignEntry
        from crawler.distributed.rworker import run_request_worker

        try:
            if mode == "request":
                n = run_request_worker(redis, db_url, opts)
                console.print(f"worker stopped after finalising {n} site crawls")
                return
            n = run_worker(redis, db_url, opts)
        except ForeignEntry as exc:  # the namespace was filled by an audit of another database
            raise UserError(str(exc), field="--db") from exc
        console.print(f"worker stopped after {n} sites")
