"""Read the site list (CSV, XLSX or YAML) into rows, with file:line errors for bad input."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from xxgk.errors import UserError

KINDS = ("university", "government")
_BARE_HOST = re.compile(r"^[\w.-]+\.[\w-]+(:\d+)?(/|$)")
_HEADER_ALIASES = {
    "name": ("name", "名称", "单位", "单位名称", "学校", "网站名称", "site"),
    "url": ("url", "网址", "地址", "链接", "网站地址", "link"),
    "kind": ("kind", "类型", "type"),
    "group": ("group", "分组", "组", "地区"),
    "tags": ("tags", "标签"),
}


@dataclass(frozen=True)
class SiteRow:
    """One portal to audit, as given by the user."""

    name: str
    url: str
    kind: str | None = None
    group: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    line: int = 0  # where it was in the file, for messages


def load_sites(path: Path | str) -> list[SiteRow]:
    """Load and validate a site list; raises UserError naming the file, line and field."""
    path = Path(path)
    if not path.exists():
        raise UserError("site list not found", source=str(path))
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        records = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        records = _read_xlsx(path)
    elif suffix in (".yaml", ".yml"):
        records = _read_yaml(path)
    else:
        raise UserError(f"unsupported site list format {suffix or '(none)'}; use .csv, .xlsx or .yaml",
                        source=str(path))
    rows = [_validate(path, line, rec) for line, rec in records]
    if not rows:
        raise UserError("the site list has no sites", source=str(path))
    seen: dict[str, int] = {}
    for row in rows:
        if row.url in seen:
            raise UserError(f"duplicate url (already on line {seen[row.url]})", source=str(path),
                            line=row.line, field="url")
        seen[row.url] = row.line
    return rows


def _canonical_header(raw: str) -> str | None:
    key = (raw or "").strip().lower().lstrip("\ufeff")
    for canon, names in _HEADER_ALIASES.items():
        if key in names:
            return canon
    return None


def _map_headers(headers: list[str], path: Path, line: int) -> dict[int, str]:
    mapping = {}
    for idx, raw in enumerate(headers):
        canon = _canonical_header(str(raw) if raw is not None else "")
        if canon:
            mapping[idx] = canon
    missing = [c for c in ("name", "url") if c not in mapping.values()]
    if missing:
        raise UserError(f"header row has no {' or '.join(missing)} column "
                        f"(found: {', '.join(str(h) for h in headers if h)})", source=str(path), line=line)
    return mapping


def _read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = path.read_text(encoding="gb18030")
        except UnicodeDecodeError as exc:
            raise UserError("cannot decode the file as UTF-8 or GB18030", source=str(path)) from exc
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    out: list[tuple[int, dict[str, str]]] = []
    mapping: dict[int, str] | None = None
    for lineno, cells in enumerate(reader, start=1):
        if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue
        if mapping is None:
            mapping = _map_headers(cells, path, lineno)
            continue
        out.append((lineno, {mapping[i]: c for i, c in enumerate(cells) if i in mapping}))
    if mapping is None:
        raise UserError("the file is empty (expected a header row with name and url)", source=str(path))
    return out


def _read_xlsx(path: Path) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UserError(f"cannot read the workbook: {exc}", source=str(path)) from exc
    ws = wb.worksheets[0]
    out: list[tuple[int, dict[str, str]]] = []
    mapping: dict[int, str] | None = None
    source = f"{path} [{ws.title}]"
    for lineno, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else str(v) for v in values]
        if not any(c.strip() for c in cells):
            continue
        if mapping is None:
            try:
                mapping = _map_headers(cells, path, lineno)
            except UserError as exc:
                raise UserError(exc.bare_message, source=source, line=lineno) from None
            continue
        out.append((lineno, {mapping[i]: c for i, c in enumerate(cells) if i in mapping}))
    wb.close()
    if mapping is None:
        raise UserError("the first sheet is empty (expected a header row with name and url)", source=source)
    return out


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping, for error messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    data = loader.construct_mapping(node, deep=True)
    data["__line__"] = node.start_mark.line + 1
    return data


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UserError(f"YAML syntax error: {getattr(exc, 'problem', exc)}", source=str(path),
                        line=mark.line + 1 if mark else None) from None
    if isinstance(data, dict) and "sites" in data:
        data = data["sites"]
    if not isinstance(data, list):
        raise UserError("expected a list of sites (or a mapping with a 'sites' list)", source=str(path))
    out = []
    for entry in data:
        if not isinstance(entry, dict):
            raise UserError("each site must be a mapping with name and url", source=str(path))
        line = entry.pop("__line__", 0)
        out.append((line, {k: v for k, v in entry.items()}))
    return out


def _validate(path: Path, line: int, rec: dict) -> SiteRow:
    def text(key: str) -> str:
        value = rec.get(key)
        return "" if value is None else str(value).strip()

    name, url = text("name"), text("url")
    if not name:
        raise UserError("name is empty", source=str(path), line=line, field="name")
    if not url:
        raise UserError("url is empty", source=str(path), line=line, field="url")
    if "://" not in url and _BARE_HOST.match(url):
        url = "http://" + url
    parts = urlsplit(url)
    try:
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 0) >= 0
    except ValueError:  # a bad port
        valid = False
    if not valid:
        raise UserError(f"not an http(s) URL: {url!r}", source=str(path), line=line, field="url")
    if not parts.path:
        url = url + "/"
    kind = text("kind") or None
    if kind and kind not in KINDS:
        raise UserError(f"unknown kind {kind!r} (use {' or '.join(KINDS)})", source=str(path), line=line,
                        field="kind")
    raw_tags = rec.get("tags")
    if isinstance(raw_tags, list):
        tags = tuple(str(t).strip() for t in raw_tags if str(t).strip())
    else:
        tags = tuple(t.strip() for t in text("tags").replace("；", ";").replace(",", ";").split(";") if t.strip())
    return SiteRow(name=name, url=url, kind=kind, group=text("group") or None, tags=tags, line=line)
