"""User-facing errors: the CLI prints them as one line and exits non-zero, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input from the user (a file, a line, a URL or a field); the message names where."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.source = source
        self.line = line
        self.field = field
        self.bare_message = message
        super().__init__(format_location(message, source=source, line=line, field=field))


def format_location(message: str, *, source: str | None = None, line: int | None = None,
                    field: str | None = None) -> str:
    """`file:line: field: message`, leaving out whatever is unknown."""
    parts: list[str] = []
    if source:
        parts.append(f"{source}:{line}" if line else source)
    if field:
        parts.append(field)
    parts.append(message)
    return ": ".join(parts)
