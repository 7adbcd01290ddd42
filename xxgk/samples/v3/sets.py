"""The v3 world sets: ``dev`` and ``probe`` (adapters and heuristics may be tuned on them), ``heldout`` and
``heldout2`` (never; ``heldout2`` is a second draw, first measured after the fixes tried on the others).

``dev`` holds the two portals made from real markup (a 博达 VSB university 信息公开网 laid out like
吉林农业大学's, and a TRS county 政府信息公开 platform) plus seeded draws. ``heldout`` is drawn from other
seeds, and every held-out layout differs from every dev layout in at least ``HELDOUT_DISTANCE`` structural
choices, so it is never a copy of a dev template. Nobody tunes the crawler on held-out. ``probe`` is drawn
the held-out way (far from dev) from its own seed: layouts unlike dev's to try a fix on before held-out is
measured, so a held-out failure is never what a fix is built from.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import render_trs, render_vsb, render_webplus
from ..generate import _dump, _v2_manifest, _write
from ..world import AS_OF, BLANK, STALE, Portal
from .build import QUALITIES, county, university
from .layout import Layout, draw_covering, draw_distinct
from .pages import V3Pages, channel
from .skins import SKINS, assign_urls

SETS = ("dev", "probe", "heldout", "heldout2")
DEV_DRAW_SEED, HELDOUT_DRAW_SEED, PROBE_DRAW_SEED, HELDOUT2_DRAW_SEED = 31, 9001, 5077, 7919
HELDOUT_DISTANCE = 4
PORTAL_URLS = {"vsb": "/xxgk/index.htm", "webplus": "/xxgk/main.htm", "trs": "/xxgk/index.html",
               "generic": "/zwgk/index.htm"}
SCHOOL_HOMES = {"vsb": render_vsb, "webplus": render_webplus, "trs": render_trs}

JLAU_LAYOUT = Layout(nav="left", nav_children=False, landing=True, home_tree=True, crumbs=True, naming="plain",
                     banner=False, links="relative", folders=True, lists="ul", dates="iso", menu="ul")
COUNTY_LAYOUT = Layout(nav="table", nav_children=False, landing=True, home_tree=False, crumbs=True,
                       naming="typo_menu", banner=True, links="relative", folders=True, lists="table", dates="iso",
                       menu="table")


@dataclass(frozen=True)
class Recipe:
    """How to make one v3 portal: who it is (kind, family, seed) and how it is laid out."""

    slug: str
    kind: str  # university | government
    family: str
    layout: Layout
    seed: int
    index: int
    quality: str = "n/a"
    options: dict[str, Any] = field(default_factory=dict)


def _draws(prefix: str, seed: int, start: int, count: int, avoid: list[Layout] | None) -> list[Recipe]:
    """Seeded portals: dev draws cover every structural choice value; held-out draws avoid the dev layouts."""
    rng = random.Random(seed)
    out: list[Recipe] = []
    unis = govs = 0
    covering = draw_covering(rng, count, [JLAU_LAYOUT, COUNTY_LAYOUT]) if avoid is None else []
    for k in range(count):
        if avoid is None:
            layout = covering[k]
        else:  # far from every dev layout, and not a near copy of an earlier held-out draw
            layout = draw_distinct(rng, avoid, HELDOUT_DISTANCE)
            while any(layout.distance(r.layout) < 3 for r in out):
                layout = draw_distinct(rng, avoid, HELDOUT_DISTANCE)
        slug = f"{prefix}{start + k:02d}"
        if k % 3 == 2:
            family = ("generic", "trs")[govs % 2]
            govs += 1
            opts = {"channels": rng.choice([("service", "interaction"), ("service", "interaction"), ("interaction",),
                                            ("service",)]),
                    "stale": rng.randint(0, 2), "blank": rng.randint(0, 2), "extra_children": rng.randint(0, 4),
                    "catalogue": rng.choice(["信息公开目录", "法定主动公开内容", "主动公开目录"])}
            out.append(Recipe(slug, "government", family, layout, seed + k, k, options=opts))
        else:
            family = ("vsb", "webplus", "trs")[(unis + seed) % 3]
            unis += 1
            out.append(Recipe(slug, "university", family, layout, seed + k, k, rng.choice(QUALITIES),
                              {"school_home": rng.random() < 0.7}))
    return out


def recipes(name: str) -> list[Recipe]:
    """The portals of set ``name`` (one of ``SETS``), in order."""
    dev = [Recipe("v01", "university", "vsb", JLAU_LAYOUT, 2024, 0, "good",
                  {"school_home": False, "items": (280, 330), "extra_top": True}),
           Recipe("v02", "government", "trs", COUNTY_LAYOUT, 2024, 0, options={"stale": 1, "blank": 1})]
    dev += _draws("v", DEV_DRAW_SEED, 3, 6, None)
    if name == "dev":
        return dev
    if name == "heldout":
        return _draws("x", HELDOUT_DRAW_SEED, 1, 8, [r.layout for r in dev])
    if name == "probe":
        return _draws("p", PROBE_DRAW_SEED, 1, 24, [r.layout for r in dev])
    if name == "heldout2":  # a second held-out draw, first measured after every fix tried on the others
        return _draws("y", HELDOUT2_DRAW_SEED, 1, 16, [r.layout for r in dev])
    raise ValueError(f"unknown sample set {name!r}; known: {', '.join(SETS)}")


def make_portal(r: Recipe, taken: frozenset[str] = frozenset()) -> tuple[Portal, dict[str, str | bytes]]:
    """Build, lay out and render one recipe: the spec and its files (no manifest yet).

    ``taken``: names of the set's earlier portals (a site list needs each name once).
    """
    skin = SKINS[r.family]
    if r.kind == "government":
        p = county(r.seed, r.index, r.slug, r.family, avoid=taken, **r.options)
    else:
        own_site = not r.options.get("school_home", True)
        p = university(r.seed, r.index, r.slug, r.family, r.quality, r.layout.landing, r.options.get("items"),
                       school_home=not own_site, extra_top=bool(r.options.get("extra_top")), avoid=taken)
    for group in p.categories:
        group.has_landing = r.layout.landing or not r.layout.nav_children
    own = r.kind == "university" and not r.options.get("school_home", True)
    portal_url = "/index.htm" if own else PORTAL_URLS[r.family]
    home_url = portal_url if own else "/"
    assign_urls(p, skin, r.layout.folders, dir_links=False, portal_url=portal_url, home_url=home_url)
    p.template = f"{r.family}-v3"
    pages = V3Pages(p, skin, r.layout, trs_style="trs-a" if r.index % 2 == 0 else "trs-b")
    school = None
    if r.kind == "university" and not own:
        school = SCHOOL_HOMES[r.family]._school_home(p)
    files: dict[str, str | bytes] = dict(pages.render(school))
    if r.kind == "government":
        files["/robots.txt"] = "User-agent: *\n"
    return p, files


def _truth_lists(p: Portal, manifest: dict[str, Any]) -> dict[str, list[str]]:
    if p.kind == "government":
        facts = manifest["inspection"]
        stale = facts["dynamic_columns_stale_urls"] + facts["notice_policy_stale_urls"] + facts["long_unupdated_urls"]
        return {"blank_columns": list(facts["blank_column_urls"]), "stale_columns": sorted(set(stale))}
    return {"blank_columns": [c.url for c in p.tree() if c.defect == BLANK and c.url],
            "stale_columns": [c.url for c in p.tree() if c.defect == STALE and c.url]}


def v3_manifest(r: Recipe, p: Portal, files: dict[str, str | bytes], set_name: str) -> dict[str, Any]:
    """The v2 manifest plus the v3 facts: set, layout, channels, blank and stale columns."""
    manifest = _v2_manifest(p, files, set())
    manifest.pop("annual_report", None)  # v3 government portals carry no real annual reports
    for entry, col in zip(manifest["columns"], p.tree(), strict=True):
        entry["channel"] = channel(col)
    manifest["v3"] = {"set": set_name, "layout": r.layout.as_dict(), **_truth_lists(p, manifest)}
    return manifest


def generate_set(out_dir: Path, name: str = "dev") -> Path:
    """Generate v3 set ``name`` into ``out_dir``; returns ``world.json``. Same name → byte-identical files."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, Any]] = []
    for r in recipes(name):
        p, files = make_portal(r, frozenset(e["name"] for e in entries))
        files["/manifest.json"] = _dump(v3_manifest(r, p, files, name))
        _write(out_dir / p.slug, files, p.encoding)
        entries.append({"slug": p.slug, "name": p.name, "cms": p.cms, "template": p.template, "kind": p.kind,
                        "quality": p.quality, "manifest": f"{p.slug}/manifest.json", "encoding": p.encoding,
                        "declared": p.declared, "down": False,
                        "absolute_links": r.layout.links in ("absolute", "mixed")})
    seed = {"dev": DEV_DRAW_SEED, "probe": PROBE_DRAW_SEED, "heldout2": HELDOUT2_DRAW_SEED}.get(name, HELDOUT_DRAW_SEED)
    world = {"seed": seed, "set": name, "as_of": AS_OF.isoformat(), "portals": entries, "externals": []}
    path = out_dir / "world.json"
    path.write_text(_dump(world), encoding="utf-8")
    return path
