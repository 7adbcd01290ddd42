"""`xxgk serve`: the read-only local web view of the store (runs, sites, trends, findings; HTML and JSON)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from xxgk.commands.options import db_option
from xxgk.config import db_url_from
from xxgk.errors import UserError
from xxgk.store import session_factory

console = Console(stderr=True)


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_cmd(port: Annotated[int, typer.Option(help="Port to listen on.")] = 8321,
                  host: Annotated[str, typer.Option(help="Address to bind (127.0.0.1: this machine only).")]
                  = "127.0.0.1",
                  db: Annotated[str | None, db_option("Store path or URL.")] = None) -> None:
        """Browse the store in a web browser, read-only: runs, sites with score trends, findings; JSON under /api/."""
        from xxgk.serve import make_server

        try:
            server = make_server(session_factory(db_url_from(db)), host, port)
        except OSError as exc:
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", field="--port") from None
        console.print(f"serving the store read-only at http://{host}:{server.server_port}/ (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
