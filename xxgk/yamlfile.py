"""YAML from users' files (site lists, rubrics): safe types only, and no aliases.

An alias (`*name`) lets a few hundred bytes stand for a tree of billions of nodes (the "billion
laughs" bomb) that any walk over the data never finishes. None of our file formats needs one, so an
alias is refused with its line, before anything is constructed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.events import AliasEvent

from xxgk.errors import UserError

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]  # a value's place in the document: keys and list indexes


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


# ---------------------------------------------------------------- data with the line of every value


class DuplicateKey(Exception):
    def __init__(self, loc: Loc, line: int, key: str) -> None:
        self.loc, self.line, self.key = loc, line, key


def construct(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> Any:
    """Python data from a composed YAML node, recording the line (1-based) of every value."""
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for knode, vnode in node.value:
            key = _scalar(knode) if isinstance(knode, yaml.ScalarNode) else str(knode.start_mark)
            if key in out:
                raise DuplicateKey(loc + (str(key),), knode.start_mark.line + 1, str(key))
            child = loc + (str(key) if not isinstance(key, int) else key,)
            out[key] = construct(vnode, child, lines)
            lines[child] = knode.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [construct(v, loc + (i,), lines) for i, v in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    except ValueError:  # a date-like scalar that is no date (2026-13-01): the text, for the schema to refuse
        return node.value
    finally:
        loader.dispose()


def field_name(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "(top)"


def line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None



def load_located(text: str, source: str, *, empty: str = "the file is empty") -> tuple[Any, dict[Loc, int]]:
    """The document's data and the line of every value in it; a duplicate key is an error."""
    node = compose(text, source)
    if node is None:
        raise UserError(empty, source=source, line=1)
    lines: dict[Loc, int] = {}
    try:
        data = construct(node, (), lines)
    except DuplicateKey as exc:
        raise UserError(f"duplicate key {exc.key!r}", source=source, line=exc.line,
                        field=field_name(exc.loc)) from None
    return data, lines


def read_mapping(path: Path | str, what: str, expected: str) -> tuple[dict[Any, Any], dict[Loc, int], str]:
    """A user's YAML file (`what`: "assertion file", …) as a mapping with the line of every value, and its
    name for messages; unreadable, empty or non-mapping files are one line (`expected`: what it must be)."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the {what}: {getattr(exc, 'strerror', None) or exc}", source=source) from None
    data, lines = load_located(text, source, empty=f"the {what} is empty")
    if not isinstance(data, dict):
        raise UserError(f"expected {expected}", source=source, line=1)
    return data, lines, source


def pydantic_message(err: Any) -> str:
    """A pydantic error in the words of our messages."""
    if err["type"] == "missing":
        return "field required"
    if err["type"] == "extra_forbidden":
        return "unknown field"
    return str(err["msg"])


def raise_first(errors: list[tuple[Loc, str]], lines: dict[Loc, int], source: str) -> None:
    """Raise the error nearest the top of the file as `file:line: field: message`, counting the rest."""
    ranked = sorted(((line_for(loc, lines) or 0, i, loc, msg) for i, (loc, msg) in enumerate(errors)))
    line, _i, loc, msg = ranked[0]
    more = len(errors) - 1
    if more:
        msg += f" (and {more} more error{'s' if more > 1 else ''})"
    raise UserError(msg, source=source, line=line or None, field=field_name(loc))


def validate(model: type[M], data: Any, lines: dict[Loc, int], source: str) -> M:
    """`model.model_validate(data)`, its first error raised with the file's line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise_first([(tuple(e["loc"]), pydantic_message(e)) for e in exc.errors()], lines, source)
        raise AssertionError("unreachable") from exc
