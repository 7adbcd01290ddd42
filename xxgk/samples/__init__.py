"""The bundled sample world: deterministic 信息公开 portals in several CMS families, with ground truth.

``generate_world(out_dir, seed, n_universities)`` writes the portals and ``world.json``;
``xxgk.samples.server.SampleServer`` serves each portal on its own 127.0.0.1 port.
"""

from __future__ import annotations

from .generate import generate_world

__all__ = ["generate_world"]
