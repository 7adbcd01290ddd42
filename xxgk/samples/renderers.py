"""Registry of CMS-family renderers. A new family is one module plus one entry here.

A family module defines ``FAMILY``, ``TEMPLATES``, ``layout(portal)`` (assigns every URL on the spec)
and ``render(portal) -> dict[path, html]``.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    render_empire,
    render_generic,
    render_gkmlpt,
    render_hanweb,
    render_trs,
    render_trsdyn,
    render_vsb,
    render_webplus,
)

RENDERERS: dict[str, ModuleType] = {m.FAMILY: m for m in (render_vsb, render_webplus, render_trs, render_hanweb,
                                                          render_empire, render_trsdyn, render_gkmlpt,
                                                          render_generic)}


def get_renderer(cms: str) -> ModuleType:
    """The renderer module for a CMS family name."""
    try:
        return RENDERERS[cms]
    except KeyError:
        raise ValueError(f"unknown CMS family {cms!r}; known: {', '.join(sorted(RENDERERS))}") from None
