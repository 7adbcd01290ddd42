"""Write the sample world to disk: one web root per portal plus ``world.json``."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

from .manifest import build_manifest
from .renderers import get_renderer
from .world import AS_OF, Portal, build_world

log = logging.getLogger(__name__)


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def render_portal(portal: Portal) -> dict[str, str]:
    """Lay out and render one portal; returns site-relative path → text (manifest included)."""
    renderer = get_renderer(portal.cms)
    renderer.layout(portal)
    files = renderer.render(portal)
    files["/manifest.json"] = _dump(build_manifest(portal))
    return files


def generate_world(out_dir: Path, seed: int = 2024, n_universities: int = 12) -> Path:
    """Generate the sample world into ``out_dir`` and return the path of ``world.json``.

    Deterministic: the same seed and count give byte-identical files.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    portals = build_world(seed, n_universities)
    entries = []
    for portal in portals:
        root = out_dir / portal.slug
        if root.exists() and (root / "manifest.json").exists():
            shutil.rmtree(root)  # a previous generation: start clean so no stale files linger
        files = render_portal(portal)
        made: set[Path] = set()
        for path, text in sorted(files.items()):
            target = root / path.lstrip("/")
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(text.encode("utf-8"))
        log.info("sample portal %s (%s, %s): %d files", portal.slug, portal.cms, portal.quality, len(files))
        entries.append({"slug": portal.slug, "name": portal.name, "cms": portal.cms, "template": portal.template,
                        "kind": portal.kind, "quality": portal.quality, "manifest": f"{portal.slug}/manifest.json"})
    world = {"seed": seed, "as_of": AS_OF.isoformat(), "portals": entries}
    path = out_dir / "world.json"
    path.write_text(_dump(world), encoding="utf-8")
    return path
