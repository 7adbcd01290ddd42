"""The bundled sample world: deterministic 信息公开 portals in several CMS families, with ground truth.

``generate_world(out_dir, seed, n_universities)`` writes the portals and ``world.json``;
``xxgk.samples.server.SampleServer`` serves each portal on its own 127.0.0.1 port.
"""

from __future__ import annotations

from typing import Any

__all__ = ["generate_world"]


def __getattr__(name: str) -> Any:
    """`generate_world` on first use: the generator loads pypinyin's phrase tables (about 55 MB), which
    importing the package for its server or its CLI commands (every `xxgk` process) must not cost."""
    if name == "generate_world":
        from .generate import generate_world

        return generate_world
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
