"""Structural layout of a v3 sample portal, drawn from a seed: where the nav sits, how lists look, …

A :class:`Layout` is pure data. The v3 renderer reads it to build structurally different templates of
one CMS family, so a crawler tuned on one arrangement meets others it was not built from.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields

NAVS = ("top", "left", "right", "tree", "tabs", "dropdown", "table")
NAMINGS = ("plain", "odd", "misspelt", "typo_menu")
LINKS = ("relative", "root", "absolute", "mixed")
LISTS = ("ul", "table", "div")
DATES = ("iso", "slash", "cn", "bracket")
MENUS = ("ul", "table")
LANDINGS = ("links", "boxes")

# Class and id vocabulary per naming style. "odd" = pinyin abbreviations real templates use; "misspelt"
# = typos seen on real sites. None of them is what a crawler would guess.
VOCAB: dict[str, dict[str, str]] = {
    "plain": {"nav": "nav", "side": "sidebar", "main": "main-content", "list": "list-box", "crumb": "position",
              "title": "page-title", "tree": "tree", "menu": "topmenu", "tabs": "tabs", "foot": "footer",
              "header": "header", "meta": "article-meta", "wrap": "container"},
    "odd": {"nav": "dh_wrap01", "side": "zuo_bk", "main": "you_bk", "list": "gl_lb", "crumb": "wz_dq",
            "title": "bt_k", "tree": "mltree_k", "menu": "td_dh", "tabs": "xxk_k", "foot": "db_bq",
            "header": "tb_k", "meta": "xx_sx", "wrap": "zt_k"},
    "misspelt": {"nav": "naviagtion", "side": "sidbar", "main": "mian", "list": "lsit_box", "crumb": "postion",
                 "title": "tilte", "tree": "tre_menu", "menu": "tabel_meun", "tabs": "tbas", "foot": "fotter",
                 "header": "haeder", "meta": "artcle_info", "wrap": "contianer"},
}
# Plain names except the site's top-menu table, whose id is misspelt (as on a real county portal).
VOCAB["typo_menu"] = {**VOCAB["plain"], "menu": "tabel_meun"}


@dataclass(frozen=True)
class Layout:
    """The structural choices of one v3 portal template."""

    nav: str  # top | left | right | tree | tabs | dropdown | table: where and how the column tree is shown
    nav_children: bool  # the nav lists sub-columns too (False: only landing pages / the home tree do)
    landing: bool  # categories have landing pages that list their sub-columns in the content pane
    home_tree: bool  # the portal home's content pane holds the whole two-level tree in a tree block
    crumbs: bool  # 当前位置 breadcrumbs on column and article pages
    naming: str  # plain | odd | misspelt | typo_menu class and id names
    banner: bool  # a template banner carrying the article body's class comes before the real body
    links: str  # relative (with ../) | root | absolute | mixed
    folders: bool  # folder-per-category column URLs
    lists: str  # ul | table | div rows
    dates: str  # iso | slash | cn | bracket dates in lists
    menu: str  # ul | table: the site's top menu (home, entry, channels)
    landing_style: str = "links"  # links (a block of sub-column links) | boxes (newest items + 更多 per sub-column)

    def signature(self) -> tuple[object, ...]:
        """Every structural choice, in field order (two layouts with equal signatures are copies)."""
        return tuple(getattr(self, f.name) for f in fields(self))

    def distance(self, other: Layout) -> int:
        """How many structural choices differ."""
        return sum(a != b for a, b in zip(self.signature(), other.signature(), strict=True))

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def draw_layout(rng: random.Random) -> Layout:
    """A random layout. Sub-columns the nav does not list are always reachable from landing pages."""
    nav_children = rng.random() < 0.6
    landing = True if not nav_children else rng.random() < 0.5
    return Layout(nav=rng.choice(NAVS), nav_children=nav_children, landing=landing,
                  home_tree=rng.random() < 0.4, crumbs=rng.random() < 0.6, naming=rng.choice(NAMINGS),
                  banner=rng.random() < 0.5, links=rng.choice(LINKS), folders=rng.random() < 0.6,
                  lists=rng.choice(LISTS), dates=rng.choice(DATES), menu=rng.choice(MENUS),
                  landing_style=rng.choice(LANDINGS))


CHOICES: dict[str, tuple[object, ...]] = {
    "nav": NAVS, "nav_children": (True, False), "landing": (True, False), "home_tree": (True, False),
    "crumbs": (True, False), "naming": NAMINGS, "banner": (True, False), "links": LINKS, "folders": (True, False),
    "lists": LISTS, "dates": DATES, "menu": MENUS, "landing_style": LANDINGS,
}


def uncovered(layouts: list[Layout]) -> set[tuple[str, object]]:
    """The (choice, value) pairs no layout in ``layouts`` takes."""
    seen = {(k, v) for x in layouts for k, v in x.as_dict().items()}
    return {(k, v) for k, values in CHOICES.items() for v in values} - seen


def draw_covering(rng: random.Random, count: int, start: list[Layout], candidates: int = 60) -> list[Layout]:
    """``count`` layouts that together with ``start`` take as many choice values as they can (greedy)."""
    out: list[Layout] = []
    for _ in range(count):
        missing = uncovered(start + out)
        pool = [draw_layout(rng) for _ in range(candidates)]
        out.append(max(pool, key=lambda x: len(missing & set(x.as_dict().items()))))
    return out


def draw_distinct(rng: random.Random, avoid: list[Layout], min_distance: int = 3, tries: int = 500) -> Layout:
    """A layout that differs from every layout in ``avoid`` in at least ``min_distance`` choices."""
    for _ in range(tries):
        layout = draw_layout(rng)
        if all(layout.distance(other) >= min_distance for other in avoid):
            return layout
    raise RuntimeError(f"no layout at distance >= {min_distance} from {len(avoid)} others in {tries} draws")
