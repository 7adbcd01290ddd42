"""Optional command modules: each defines `register(app: typer.Typer) -> None`.

A new command is one module here plus one entry in COMMAND_MODULES, so work on one command
never edits another's code.
"""

from __future__ import annotations

import importlib

import typer

COMMAND_MODULES: list[str] = ["runs", "schedule", "verify", "annual_report", "worker", "serve", "evaluate"]


def register_all(app: typer.Typer) -> None:
    """Let every listed command module add its commands to the app."""
    for name in COMMAND_MODULES:
        importlib.import_module(f"xxgk.commands.{name}").register(app)
