"""Write the sample world to disk: one web root per portal plus ``world.json``."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

from . import linkscan
from .external import SLUG as EXT_SLUG
from .external import render_external
from .gov_world import EXT_HOST, build_gov_world
from .govkit import ROUTES, home_items, robots
from .hostile import build_hostile
from .manifest import annual_report, build_manifest, inspection, not_applicable, v2_column, v2_item
from .renderers import get_renderer
from .world import AS_OF, Portal, build_world

log = logging.getLogger(__name__)


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _v2_manifest(portal: Portal, files: dict[str, str | bytes], ext_files: set[str]) -> dict[str, Any]:
    manifest = build_manifest(portal)
    routes = json.loads(files[ROUTES]) if ROUTES in files else {"status": {}}
    dynamic = [r["path"] for r in routes.values() if isinstance(r, dict) and "path" in r]
    links = linkscan.scan(files, routes["status"], dynamic, ext_files, EXT_HOST)
    for entry, col in zip(manifest["columns"] + manifest["other_columns"], portal.tree() + portal.news, strict=True):
        entry.update(v2_column(col))
        for item, art in zip(entry["items"], col.articles, strict=True):
            item.update(v2_item(art))
    gov = portal.kind == "government"
    f = portal.features
    home_newest = None
    if gov:
        dates = [a.date for _, arts in home_items(portal) for a in arts]
        home_newest = max(dates).isoformat() if dates else None
    else:
        dates = [a.date for c in portal.news for a in c.articles[:6]]
        home_newest = max(dates).isoformat() if dates else None
    restricted = [{"url": c.url, "reason": c.restricted} for c in portal.tree() if c.restricted]
    search_route = routes.get("search")
    manifest.update({
        "encoding": portal.encoding, "charset_declared": portal.declared,
        "robots_disallow": robots(portal)[1] if gov else [],
        "links": links, "restricted": restricted,
        "search": {"present": bool(search_route), "form_url": portal.home_url if search_route else None,
                   "query_url_template": f"{search_route['path']}?q={{q}}" if search_route else None},
        "home_newest": home_newest, "down": bool(f.get("down")),
        "units": [{"name": c.unit, "column_url": c.url, "monthly": c.extra["monthly"]}
                  for c in portal.tree() if c.unit],
    })
    manifest["entry"].update({"depth": int(f.get("entry_depth", 1)), "hidden": bool(f.get("entry_hidden"))})
    if gov:
        manifest["checklist"] = not_applicable()
        manifest["unit_quota"] = f["unit_quota"]
        manifest["inspection"] = inspection(portal, home_newest, links)
        manifest["annual_report"] = annual_report(portal)
        manifest["status_overrides"] = routes["status"]
    return manifest


def render_portal(portal: Portal, ext_files: set[str] | None = None) -> dict[str, str | bytes]:
    """Lay out and render one portal; returns site-relative path → text or bytes (manifest included)."""
    renderer = get_renderer(portal.cms)
    renderer.layout(portal)
    files = renderer.render(portal)
    files["/manifest.json"] = _dump(_v2_manifest(portal, files, ext_files or set()))
    return files


def _encode(path: str, data: str | bytes, encoding: str) -> bytes:
    if isinstance(data, bytes):
        return data
    if path == "/manifest.json" or path.startswith("/.xxgk/"):
        return data.encode("utf-8")
    return data.encode(encoding, errors="xmlcharrefreplace")


def _write(root: Path, files: dict[str, str | bytes], encoding: str) -> None:
    if root.exists() and ((root / "manifest.json").exists() or (root / "index.html").exists()):
        shutil.rmtree(root)  # a previous generation: start clean so no stale files linger
    made: set[Path] = set()
    for path, data in sorted(files.items()):
        target = root / path.lstrip("/")
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(_encode(path, data, encoding))


def generate_world(out_dir: Path, seed: int = 2024, n_universities: int = 12, n_governments: int = 6,
                   include_hostile: bool = False, fix_defects: dict[str, list[str]] | None = None,
                   include_down: bool = False) -> Path:
    """Generate the sample world into ``out_dir`` and return the path of ``world.json``.

    Deterministic: the same arguments give byte-identical files. ``fix_defects={slug: ["12", …]}``
    regenerates those university portals with those checklist items repaired; ``include_down`` lists one
    more government portal that the server does not serve.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fix = {slug: [int(k) for k in keys] for slug, keys in (fix_defects or {}).items()}
    portals = build_world(seed, n_universities, fix)
    govs = build_gov_world(seed, n_governments, include_down)
    if include_hostile:
        portals.append(build_hostile(seed, n_universities))
    for p in govs:
        get_renderer(p.cms).layout(p)
    ext = render_external(govs, EXT_HOST)
    ext_files = set(ext)
    entries = []
    for portal in portals + govs:
        files = render_portal(portal, ext_files)
        if portal.features.get("down"):
            files = {"/manifest.json": files["/manifest.json"]}
        _write(out_dir / portal.slug, files, portal.encoding)
        log.info("sample portal %s (%s, %s): %d files", portal.slug, portal.cms, portal.quality, len(files))
        entry = {"slug": portal.slug, "name": portal.name, "cms": portal.cms, "template": portal.template,
                 "kind": portal.kind, "quality": portal.quality, "manifest": f"{portal.slug}/manifest.json"}
        if portal.kind == "government" or portal.features:
            entry.update({"encoding": portal.encoding, "declared": portal.declared,
                          "down": bool(portal.features.get("down"))})
        entries.append(entry)
    _write(out_dir / EXT_SLUG, ext, "utf-8")
    world = {"seed": seed, "as_of": AS_OF.isoformat(), "portals": entries,
             "externals": [{"slug": EXT_SLUG, "placeholder": EXT_HOST}]}
    path = out_dir / "world.json"
    path.write_text(_dump(world), encoding="utf-8")
    return path
