"""Docs tests in Datasette's manner: adding a command, an option or a check kind without documenting
it fails here, and so does documentation of one that no longer exists."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from typer.main import get_command

import scoring.checks
from scoring.checks import known_kinds
from xxgk.cli import app

DOCS = Path(__file__).resolve().parents[2] / "docs"


def cli_commands() -> dict[str, list[str]]:
    """'audit' / 'rubrics list' … → the long option names of that command."""
    out: dict[str, list[str]] = {}

    def walk(cmd, path: list[str]) -> None:  # type: ignore[no-untyped-def]
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            out[" ".join(path)] = [o for p in cmd.params for o in p.opts if o.startswith("--")]

    walk(get_command(app), [])
    return out


def doc_sections(text: str) -> dict[str, str]:
    """`## \\`xxgk audit\\`` headings of docs/cli.md → their section text."""
    parts = re.split(r"^## `xxgk ([^`]+)`\s*$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


CLI_DOC = (DOCS / "cli.md").read_text(encoding="utf-8")
COMMANDS = cli_commands()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_and_option_is_documented(command: str) -> None:
    sections = doc_sections(CLI_DOC)
    assert command in sections, f"docs/cli.md has no section '## `xxgk {command}`'"
    missing = [opt for opt in COMMANDS[command] if f"`{opt}`" not in sections[command]]
    assert not missing, f"docs/cli.md, xxgk {command}: options not documented: {missing}"


def test_no_documented_command_is_gone() -> None:
    stale = sorted(set(doc_sections(CLI_DOC)) - set(COMMANDS))
    assert not stale, f"docs/cli.md documents commands that do not exist: {stale}"


def test_readme_names_every_top_level_command() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    tops = sorted({c.split()[0] for c in COMMANDS})
    missing = [t for t in tops if not re.search(rf"xxgk {re.escape(t)}\b", readme)]
    assert not missing, f"README.md's usage does not show: {missing}"


def rubric_doc_kinds() -> list[str]:
    text = (DOCS / "rubric-format.md").read_text(encoding="utf-8")
    table = text.split("## Check kinds", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.M)


def test_every_check_kind_is_documented() -> None:
    documented = rubric_doc_kinds()
    assert documented, "docs/rubric-format.md: no check-kind table under '## Check kinds'"
    assert sorted(set(known_kinds()) - set(documented)) == [], "check kinds missing from docs/rubric-format.md"
    assert sorted(set(documented) - set(known_kinds())) == [], "docs/rubric-format.md documents unknown kinds"


def test_every_check_module_is_registered() -> None:
    """A module in scoring/checks/ that registers a kind must be imported by the package, or its kind
    silently does not exist for rubrics: importing every module adds no kind to the registry."""
    before = set(known_kinds())
    for module in pkgutil.iter_modules(scoring.checks.__path__):
        importlib.import_module(f"scoring.checks.{module.name}")
    assert sorted(set(known_kinds()) - before) == [], "check modules not imported by scoring/checks/__init__.py"


def readme_outputs() -> set[str]:
    """File names in the first column of README's outputs table."""
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("**Outputs**", 1)[1].split("\n\n", 2)[1]
    return {name for row in table.splitlines() if row.startswith("| `")
            for name in re.findall(r"`([^`]+)`", row.split("|")[1])}


NOT_FORMATS = {"assertions.json"}  # written by xxgk/assertions.py after the report, not by a format


def test_every_output_file_is_documented() -> None:
    """Every file a registered format writes is in README's outputs table (folders excepted: their
    contents are described with the page that links them)."""
    from reports.formats import REGISTRY

    written = {f for fmt in REGISTRY.values() for f in fmt.files if not f.endswith("/")}
    documented = readme_outputs()
    assert sorted(written - documented) == [], "output files missing from README's outputs table"
    assert sorted(documented - written - NOT_FORMATS) == [], "README documents files no format writes"
