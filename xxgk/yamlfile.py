"""YAML from users' files (site lists, rubrics): safe types only, and no aliases.

An alias (`*name`) lets a few hundred bytes stand for a tree of billions of nodes (the "billion
laughs" bomb) that any walk over the data never finishes. None of our file formats needs one, so an
alias is refused with its line, before anything is constructed.
"""

from __future__ import annotations

import yaml
from yaml.events import AliasEvent

from xxgk.errors import UserError


class NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases; `source` names the file in the error."""

    source: str | None = None

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]  # PyYAML's signature
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise UserError(f"YAML aliases (*{event.anchor}) are not allowed", source=self.source,
                            line=event.start_mark.line + 1)
        return super().compose_node(parent, index)


def compose_node(self, parent, index):  # type: ignore[no-untyped-def]  # PyYAML's signature
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise UserError(f"YAML aliases (*{event.anchor}) are not allowed", source=self.source,
                            line=event.start_mark.line + 1)
        return super().compose_node(parent, index)


def decode_text(raw: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), else GB18030, as Chinese offices save files; else one line."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise UserError("not a text file (cannot decode it as UTF-8 or GB18030)", source=source)


def compose(text: str, source: str, loader: type[NoAliasLoader] = NoAliasLoader) -> yaml.Node | None:
    """The document's node tree (as `yaml.compose`), aliases refused; syntax errors are one line."""
    return _run(text, source, loader, "get_single_node")


def load(text: str, source: str, loader: type[NoAliasLoader] = NoAliasLoader) -> object:
    """The document's data (as `yaml.load` with a safe loader), aliases refused."""
    return _run(text, source, loader, "get_single_data")


def _run(text: str, source: str, loader_cls: type[NoAliasLoader], method: str):  # type: ignore[no-untyped-def]
    loader = loader_cls(text)
    loader.source = source
    try:
        return getattr(loader, method)()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise UserError(f"YAML syntax error: {exc.problem or exc.context}", source=source,
                        line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise UserError(f"YAML error: {exc}", source=source) from None
    finally:
        loader.dispose()
