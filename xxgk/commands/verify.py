"""`xxgk verify-fixes RUN --claims FILE`: check an agency's claimed rectifications on the live site."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from xxgk.commands.options import db_option, out_option
from xxgk.config import db_url_from
from xxgk.termtext import cell, plain
from xxgk.verify import CONFIRMED, NOT_FIXED, plan_verification, run_verification, write_verification

console = Console()
err_console = Console(stderr=True)
LABELS = {CONFIRMED: "confirmed 已整改", NOT_FIXED: "NOT FIXED 未整改", "could_not_check": "could not check 未能检查"}


def register(app: typer.Typer) -> None:
    @app.command("verify-fixes")
    def verify_cmd(run: Annotated[int, typer.Argument(help="Baseline run the claims answer.")],
                   claims: Annotated[Path, typer.Option(help="CSV/XLSX: site, item, claimed status, URL.")],
                   out: Annotated[Path, out_option("Folder for verification.csv.")] = Path("out"),
                   db: Annotated[str | None, db_option("Store path or URL.")] = None,
                   quiet: Annotated[bool, typer.Option("--quiet")] = False) -> None:
        """Re-check exactly the claimed items on the live site; exit 1 if any claim is not fixed."""
        from xxgk.cli import CrawlProgress

        db_url = db_url_from(db)
        plan = plan_verification(db_url, run, claims)  # one-line errors before any request
        if plan.unknown_headers:
            err_console.print(f"warning: {claims}: columns not used: {plain(', '.join(plan.unknown_headers))} (known: "
                              "site/网站, item/事项, claimed/整改状态, url/整改链接)", markup=False, highlight=False,
                              soft_wrap=True)
        if quiet:
            new_run, verdicts = run_verification(db_url, plan)
        else:
            with CrawlProgress(len(plan.site_ids)) as bar:
                new_run, verdicts = run_verification(db_url, plan, progress=bar)
        table = Table("line", "site", "item", "claimed", "verdict", "before → after", "message")
        for v in verdicts:
            table.add_row(str(v.claim.line), cell(v.site_name), cell(f"{v.item_id} {v.item_name[:20]}"),
                          cell(v.claim.claimed), LABELS.get(v.verdict, v.verdict),
                          cell(f"{v.before or '—'} → {v.after or '—'}"), cell(v.message[:80]))
        console.print(table)
        path = write_verification(db_url, new_run, verdicts, out)
        counts = {k: sum(1 for v in verdicts if v.verdict == k) for k in LABELS}
        console.print(f"run {new_run}: {counts[CONFIRMED]} confirmed, {counts[NOT_FIXED]} not fixed, "
                      f"{counts['could_not_check']} could not check; written to {path.resolve()} (and as .html, .xlsx, .docx)")
        if counts[NOT_FIXED]:
            raise typer.Exit(1)
