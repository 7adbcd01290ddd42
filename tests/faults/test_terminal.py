"""Crawled text never reaches the terminal raw: escape sequences (ESC [, OSC 8, BEL), carriage returns,
bidi overrides and rich markup in a title are printed as visible text through `xxgk.termtext`."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from payloads import PAYLOADS
from rich.console import Console
from rich.table import Table

from xxgk.termtext import cell, markup, plain

REPO = Path(__file__).resolve().parents[2]
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TITLE = ("某县人民政府2025年政府信息公开工作年度报告\x1b[31m红\x1b]8;;http://evil.example/\x07链接\x1b]8;;\x07"
         "[bold red]富文本[/bold red]\u202egpj.exe\x1b]52;c;ZXZpbA==\x07")
# what the title's bytes would do on a terminal: colour, a hyperlink, a clipboard write, a bell, reversal
SGR = re.compile("\x1b\\[[0-9;]*m")  # a style rich writes itself
LIVE = ("\x1b[31m", "\x1b]8;;http://evil", "\x1b]52", "\x07", "\u202e")


def _render(*objects: object) -> str:
    """What a colour terminal receives (rich writes its own styles as ESC sequences too)."""
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, color_system="truecolor", width=200)
    for obj in objects:
        console.print(obj)
    return buf.getvalue()


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.id for p in PAYLOADS])
def test_sanitiser_leaves_no_live_character(payload) -> None:
    for shown in (plain(payload.text), markup(payload.text), cell(payload.text).plain):
        assert not RAW.search(shown), repr(shown[:80])
    text = payload.text[:2000]  # rich takes minutes to wrap 100,000 characters; the sanitiser is checked above
    printed = _render(f"[bold]{markup(text)}[/bold]", cell(text))
    assert not any(seq in printed for seq in LIVE)
    assert plain(text) in SGR.sub("", printed).replace("\n", "")


def test_markup_in_crawled_text_does_not_style() -> None:
    table = Table("标题")
    table.add_row(cell("[bold red]富文本[/bold red][link=http://evil.example/]点我[/link]"))
    printed = _render(table, f"说明：{markup('[blink]闪烁[/blink]')}")
    flat = SGR.sub("", printed)  # the highlighter's own colours out
    assert "[bold red]富文本[/bold red]" in flat and "[link=http://evil.example/]" in flat
    assert "[blink]闪烁[/blink]" in flat
    assert "\x1b[1;31m" not in printed and "\x1b]8;" not in printed and "\x1b[5m" not in printed


def test_annual_report_prints_a_hostile_title_as_text(tmp_path) -> None:
    """`xxgk annual-report` on a document whose title and body carry escapes, on a colour terminal."""
    body = (f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body><h1>{TITLE}</h1>"
            "<p>一、总体情况 [link=http://evil.example/]点我[/link]</p></body></html>")
    doc = tmp_path / "report.html"
    doc.write_text(body, encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "xxgk", "annual-report", str(doc)], cwd=REPO, capture_output=True,
                         text=True, timeout=120, env={**os.environ, "FORCE_COLOR": "1", "COLUMNS": "200"})
    assert res.returncode in (0, 1), res.stderr[-2000:]
    assert "\x1b[" in res.stdout  # a colour terminal indeed: rich wrote its own styles
    assert not any(seq in res.stdout for seq in LIVE), repr(res.stdout[:600])
    flat = SGR.sub("", res.stdout)  # rich's own styles out
    assert "\\x1b[31m红" in flat and "\\x07链接" in flat and "[bold red]富文本[/bold red]" in flat
    assert "\\u202egpj.exe" in flat


def test_error_line_is_sanitised(tmp_path, capsys) -> None:
    """A one-line error naming a crawled URL prints its escapes as text too."""
    from xxgk.cli import main

    sys.argv, argv = ["xxgk", "annual-report", "http://127.0.0.1:9/\x1b]8;;http://evil.example/\x07报告\x1b[2J.pdf"], \
        sys.argv
    try:
        with pytest.raises(SystemExit) as exit_:
            main()
    finally:
        sys.argv = argv
    code, err = exit_.value.code, capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "\x1b" not in err and "\x07" not in err and "\\x1b[2J" in err
