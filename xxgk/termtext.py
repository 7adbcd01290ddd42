"""Crawled text made safe for the terminal: the one sanitiser every CLI print of crawled text goes through.

A portal's titles and documents may carry terminal escape sequences (ESC [ … colours and cursor moves,
OSC 8 hyperlinks, OSC 52 clipboard writes, BEL), carriage returns that overwrite the line, bidi overrides
that reverse what is read, and rich markup (`[bold]`, `[link=…]`) that the CLI's rich console would
obey. Every such character is shown as a visible escape (`\\x1b`, `\\u202e`) and markup is escaped, so
the terminal prints the text and does nothing else.
"""

from __future__ import annotations

import re

from rich.markup import escape
from rich.text import Text

# C0 controls but tab and newline, DEL, C1 controls (8-bit CSI/OSC), bidi embeddings/overrides/isolates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plain(text: object) -> str:
    """The text with every control, escape and bidi character replaced by a visible escape."""
    return _UNSAFE.sub(_visible, "" if text is None else str(text))


def markup(text: object) -> str:
    """`plain`, with rich markup escaped: for crawled text inside a string the CLI prints with markup."""
    return escape(plain(text))


def cell(text: object) -> Text:
    """`plain` as a rich Text, which no table, panel or console parses as markup."""
    return Text(plain(text))
