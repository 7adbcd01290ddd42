"""Read the site list (CSV, XLSX or YAML) into rows, with file:line errors for bad input.

A bad row stops the audit before any request is sent."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from xxgk import tablefile, yamlfile
from xxgk.errors import UserError
from xxgk.siteid import site_key

KINDS = ("university", "government")
# A bare host given without a scheme: a name ending in a letter label (xxgk.x.edu.cn), or a whole
# dotted-quad address; "3.14" (a number Excel left in the cell) is neither.
_BARE_HOST = re.compile(r"^(?:[\w-]+\.)+[^\W\d_][\w-]*(:\d+)?(/|$)|^\d{1,3}(\.\d{1,3}){3}(:\d+)?(/|$)")
MAX_CELL = {"name": 200, "url": 2048, "group": 200, "tags": 1000, "kind": 40, "id": 100}
_HEADER_ALIASES = {
    "name": ("name", "名称", "单位", "单位名称", "学校", "网站名称", "site"),
    "url": ("url", "网址", "地址", "链接", "网站地址", "link"),
    "kind": ("kind", "类型", "type"),
    "group": ("group", "分组", "组", "地区"),
    "tags": ("tags", "标签"),
    "id": ("id", "site_id", "编号", "代码", "标识", "网站标识码"),
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
    id: str | None = None  # the list's own id of the site; its identity across runs when given

    @property
    def key(self) -> str:
        """Who the site is across runs (xxgk/siteid.py)."""
        return site_key(self.name, self.url, self.id)


def load_sites(path: Path | str) -> list[SiteRow]:
    """Load and validate a site list; raises UserError naming the file, line and field."""
    path = Path(path)
    if not path.exists():
        raise UserError("site list not found", source=str(path))
    if path.is_dir():
        raise UserError("is a folder, not a site list file", source=str(path))
    suffix = path.suffix.lower()
    if suffix in tablefile.CSV_SUFFIXES + tablefile.XLSX_SUFFIXES:
        records = tablefile.read_table(path, _HEADER_ALIASES, ("name", "url")).records
    elif suffix in (".yaml", ".yml"):
        records = _read_yaml(path)
    else:
        raise UserError(f"unsupported site list format {suffix or '(none)'}; use .csv, .xlsx or .yaml",
                        source=str(path))
    rows = [_validate(path, line, rec) for line, rec in records]
    if not rows:
        raise UserError("the site list has no sites", source=str(path))
    seen: dict[str, int] = {}
    keys: dict[str, int] = {}
    for row in rows:
        if row.url in seen:
            raise UserError(f"duplicate url (already on line {seen[row.url]})", source=str(path),
                            line=row.line, field="url")
        seen[row.url] = row.line
        if row.key in keys:
            what = ("id" if row.id else "name", f"the same {'id' if row.id else 'name and domain'}")
            raise UserError(f"{what[1]} as line {keys[row.key]}: one site twice? (give each an id column "
                            "to tell them apart)", source=str(path), line=row.line, field=what[0])
        keys[row.key] = row.line
    return rows


class _LineLoader(yamlfile.NoAliasLoader):
    """Safe, alias-free loader that remembers the line of every mapping, for error messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    data = loader.construct_mapping(node, deep=True)
    data["__line__"] = node.start_mark.line + 1
    return data


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> list[tuple[int, dict[str, str]]]:
    data = yamlfile.load(tablefile.read_text(path), str(path), _LineLoader)
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

    for key, limit in MAX_CELL.items():
        if len(text(key)) > limit:
            raise UserError(f"longer than {limit} characters ({len(text(key))})", source=str(path), line=line,
                            field=key)
    name, url = text("name"), text("url")
    if not name:
        raise UserError("name is empty", source=str(path), line=line, field="name")
    if not url:
        raise UserError("url is empty", source=str(path), line=line, field="url")
    if "://" not in url and _BARE_HOST.match(url):
        url = "http://" + url
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 0) >= 0
    except ValueError:  # a bad port or a broken [IPv6] host
        valid = False
    if not valid:
        raise UserError(f"not an http(s) URL: {tablefile.short(url)!r}", source=str(path), line=line, field="url")
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
    return SiteRow(name=name, url=url, kind=kind, group=text("group") or None, tags=tags, line=line,
                   id=text("id") or None)
