"""A large sample world for benchmarks (not used by tests): about ``pages`` HTML pages, generated fast."""

from __future__ import annotations

import json
from pathlib import Path

from .generate import generate_world

PAGES_PER_UNIVERSITY = 470  # average over seeds (12 universities ≈ 5,600 pages)
PAGES_OF_GOVERNMENTS = 3300  # the 6 government portals


def generate_bench_world(out_dir: Path, pages: int = 30_000, seed: int = 2024) -> Path:
    """Generate a world of about ``pages`` pages (universities added to the 6 government portals)."""
    n = max(1, round((pages - PAGES_OF_GOVERNMENTS) / PAGES_PER_UNIVERSITY))
    return generate_world(Path(out_dir), seed=seed, n_universities=n, n_governments=6)


def count_pages(world_dir: Path) -> int:
    """HTML pages in a generated world (what a crawler can fetch, dynamic answers excluded)."""
    world = json.loads((Path(world_dir) / "world.json").read_text(encoding="utf-8"))
    total = 0
    for portal in world["portals"]:
        root = Path(world_dir) / portal["slug"]
        total += sum(1 for p in root.rglob("*.htm*"))
    return total
