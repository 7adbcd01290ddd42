"""Seeded portal specs: column trees, articles, dates and injected defects. Pure data, no HTML.

Renderers (one module per CMS family) assign URLs in ``layout()`` and turn a spec into files.
Every random choice comes from a ``random.Random`` seeded from the world seed and the portal
index, so the same seed always yields the same world.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pypinyin import Style, lazy_pinyin

from . import names

AS_OF = dt.date(2026, 11, 1)
FAMILIES = ("vsb", "webplus", "trs")
TEMPLATES = {"vsb": ("vsb-a", "vsb-b"), "webplus": ("webplus-a", "webplus-b"), "trs": ("trs-a", "trs-b")}
PAGE_SIZES = {"vsb": (10, 15, 20), "webplus": (10, 14, 15, 20), "trs": (15, 20, 25)}
# quality level → (min, max) number of defective checklist items
QUALITY_DEFECTS = {"excellent": (0, 1), "good": (2, 5), "fair": (7, 12), "poor": (16, 26)}

# Kinds of column.
LIST, CONTENT, GROUP = "list", "content", "group"
# Defects per checklist item.
MISSING, BLANK, STALE = "missing", "blank", "stale"


@dataclass(eq=False)
class Article:
    """One item in a column list: an article page."""

    id: int
    title: str
    date: dt.date
    publisher: str
    index_no: str
    url: str = ""
    article_date: dt.date | None = None  # date shown on the article page when it differs from the list date
    truncated: bool = False  # the list shows the title cut off with "..."
    attachments: list[dict[str, object]] = field(default_factory=list)  # {url, type, text_sample, scanned}
    image_only: bool = False  # the article body is only an <img>
    status: int = 200  # HTTP status the article page answers with (500 = failing)
    links: list[tuple[str, str]] = field(default_factory=list)  # extra (text, href) in the body (broken/empty)
    body_html: str | None = None  # HTML shown instead of the generic body (an annual report published as a page)
    report_file: bytes | None = None  # bytes of the attachment marked {"annual_report": True}
    report: dict[str, object] | None = None  # ground truth of the annual report this item carries


@dataclass(eq=False)
class Column:
    """A 栏目: a list column, a single-page content column or a group header (category)."""

    name: str
    kind: str
    slug: str
    col_id: int
    parent: str | None = None
    checklist: list[int] = field(default_factory=list)
    page_size: int = 15
    articles: list[Article] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    defect: str | None = None
    children: list[Column] = field(default_factory=list)
    has_landing: bool = False  # group header links to a landing page
    url: str | None = None
    page_urls: list[str] = field(default_factory=list)  # list pages in order (page 1 first)
    # v2 facts (government portals and v2 features; defaults keep university output unchanged)
    ctype: str = "other"  # 动态 | 要闻 | 通知公告 | 政策文件 | 人事 | 规划计划 | other
    unit: str | None = None  # the department / township publishing in this column
    hidden: bool = False  # linked only from a hidden (display:none) tab
    js_menu: bool = False  # linked only from a menu written by JS
    offsite: str | None = None  # absolute URL when the column lives on another host
    offsite_dead: bool = False
    restricted: str | None = None  # http_401 | http_403 | login_redirect | ip_range | access_limited
    needs_browser: bool = False
    should_update: bool = False  # a column that must keep being updated (人事, 规划计划, units …)
    first_level: bool = False  # a 一级栏目 in the inspection sense
    robots: bool = False  # disallowed by robots.txt
    extra: dict[str, object] = field(default_factory=dict)  # family-specific ground truth (API params …)

    @property
    def path(self) -> str:
        return f"{self.parent}/{self.name}" if self.parent else self.name

    @property
    def pages(self) -> int:
        if self.kind != LIST:
            return 1 if self.kind == CONTENT else 0
        return max(1, -(-len(self.articles) // self.page_size))

    def page_slice(self, page: int) -> list[Article]:
        """Articles on 1-based list page ``page``."""
        return self.articles[(page - 1) * self.page_size: page * self.page_size]


@dataclass(eq=False)
class Portal:
    """One university web site with its 信息公开 portal."""

    index: int
    slug: str
    name: str
    cms: str
    template: str
    quality: str
    seed: int
    kind: str = "university"
    as_of: dt.date = AS_OF
    entry_text: str = "信息公开"
    entry_place: str = "header"  # header | footer
    landing_pages: bool = False
    top: list[Column] = field(default_factory=list)  # 指南 / 制度 / 年度报告 (top level)
    categories: list[Column] = field(default_factory=list)  # group columns with children
    news: list[Column] = field(default_factory=list)  # 学校新闻 / 通知公告, outside the 信息公开 tree
    defects: dict[int, str] = field(default_factory=dict)
    home_url: str = "/"
    portal_url: str = ""
    encoding: str = "utf-8"  # bytes of the HTML pages
    declared: bool = True  # the charset is declared (meta + HTTP header)
    features: dict[str, object] = field(default_factory=dict)  # v2 portal facts (search, entry, links …)
    cache: dict[str, str] = field(default_factory=dict, repr=False)  # renderers' per-directory chrome

    def cached(self, key: str, make: Callable[[], str]) -> str:
        """Memoise a rendered fragment (the column tree repeats on every page of a directory)."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def tree(self) -> list[Column]:
        """Every column of the 信息公开 tree in display order (groups before their children)."""
        out: list[Column] = list(self.top)
        for group in self.categories:
            out.append(group)
            out.extend(group.children)
        return out

    def list_columns(self) -> list[Column]:
        return [c for c in self.tree() + self.news if c.kind == LIST]

    def all_articles(self) -> list[Article]:
        return [a for c in self.list_columns() for a in c.articles]


def initials(text: str, limit: int = 14) -> str:
    """Pinyin-initial slug as real VSB portals use (办学基本情况 → bxjbqk)."""
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    slug = re.sub(r"[^a-z0-9]", "", "".join(letters).lower())
    return (slug or "lm")[:limit]


class _Slugger:
    RESERVED = frozenset({"xxgk", "info", "xwzx", "index", "main", "system", "images", "style"})

    def __init__(self) -> None:
        self.used: set[str] = set(self.RESERVED)

    def __call__(self, text: str) -> str:
        base = initials(text)
        slug, n = base, 1
        while slug in self.used:
            n += 1
            slug = f"{base}{n}"
        self.used.add(slug)
        return slug


def _fill(template: str, school: str, date: dt.date, rng: random.Random, column: str = "") -> str:
    return template.format(S=school, y=date.year, p=date.year - 1, n=rng.randint(2, 9), m=date.month,
                           C=column)


def short_name(name: str) -> str:
    """A column name short enough to quote inside a title (first clause of a long official name)."""
    return re.split(r"[、，,]", name)[0] if len(name) > 12 else name


def _title_templates(col_name: str, item: int) -> list[str]:
    for kw_item, keyword, templates in names.KEYWORD_TITLES:
        if kw_item == item and keyword in col_name and len(col_name) < 25:
            return templates
    return names.ITEM_TITLES[item]


def _dates(rng: random.Random, count: int, as_of: dt.date, stale: bool) -> list[dt.date]:
    """Descending dates: newest within ~10 months, or more than two years old when stale."""
    newest = rng.randint(760, 1500) if stale else rng.randint(3, 300)
    out, back = [], newest
    for _ in range(count):
        out.append(as_of - dt.timedelta(days=back))
        back += rng.randint(5, 160)
    return out


def _yearly_dates(rng: random.Random, count: int, as_of: dt.date, stale: bool, month: int | None) -> list[dt.date]:
    """One date per year, newest first (annual reports in October, budgets in July, …)."""
    out: list[dt.date] = []
    year = as_of.year
    while len(out) < count:
        date = dt.date(year, month or rng.randint(1, 12), rng.randint(8, 28) if month else rng.randint(1, 28))
        if date < as_of and (not stale or (as_of - date).days > 760):
            out.append(date)
        year -= 1
    return out


def _item_count(rng: random.Random, stale: bool) -> int:
    if stale:
        return rng.randint(1, 6)
    roll = rng.random()
    if roll < 0.7:
        return rng.randint(1, 6)
    if roll < 0.93:
        return rng.randint(7, 22)
    return rng.randint(23, 55)


class _Builder:
    def __init__(self, portal: Portal, rng: random.Random) -> None:
        self.p = portal
        self.rng = rng
        self.slug = _Slugger()
        self.next_col = 1000 + rng.randint(1, 40)
        self.next_art = 1000 + rng.randint(100, 4000)
        self.abbr = initials(portal.name, 6)

    def col_id(self) -> int:
        self.next_col += self.rng.randint(1, 3)
        return self.next_col

    def articles(self, col: Column, templates: list[str], publisher: str, stale: bool,
                 count: int | None = None) -> None:
        n = _item_count(self.rng, stale) if count is None else count
        item = col.checklist[0] if col.checklist else 0
        if item in names.YEARLY_ITEMS:
            n = min(n, self.rng.randint(1, 8))
            dates = _yearly_dates(self.rng, n, self.p.as_of, stale, names.YEARLY_ITEMS[item])
        else:
            dates = _dates(self.rng, n, self.p.as_of, stale)
        seen: set[str] = set()
        for i, date in enumerate(dates):
            options = [_fill(templates[(i + j) % len(templates)], self.p.name, date, self.rng)
                       for j in range(len(templates))]
            options += [_fill(t, self.p.name, date, self.rng, short_name(col.name)) for t in names.GENERIC_TITLES]
            title = next((t for t in options if t not in seen), options[0])
            base, k = title, 1
            while title in seen:
                k += 1
                title = f"{base}（{'一二三四五六七八九十'[min(k, 10) - 1]}）" if k <= 10 else f"{base}（{k}）"
            seen.add(title)
            self.next_art += self.rng.randint(1, 7)
            index_no = f"{self.abbr}-{col.col_id % 100:02d}/{date.year}-{self.next_art:05d}"
            col.articles.append(Article(self.next_art, title, date, publisher, index_no))

    def body(self, name: str, org: str) -> list[str]:
        for key, paras in names.BODY_TEMPLATES.items():
            if key in name:
                chosen = paras
                break
        else:
            chosen = names.GENERIC_BODY
        return [para.format(S=self.p.name, C=name, O=org, n=self.rng.randint(2, 9)) for para in chosen]

    def column(self, name: str, parent: str | None, items: list[int], publisher: str,
               defect: str | None) -> Column:
        content = name.startswith("=")
        name = name.lstrip("=")
        kind = CONTENT if content else LIST
        if content and defect == BLANK:  # an empty single-page column is an empty list column
            kind = LIST
        if content and defect == STALE:  # stale only makes sense for dated lists
            kind = LIST
        col = Column(name=name, kind=kind, slug=self.slug(name), col_id=self.col_id(),
                     parent=parent, checklist=list(items), defect=defect,
                     page_size=self.rng.choice(PAGE_SIZES[self.p.cms]))
        if kind == CONTENT:
            col.body = self.body(name, publisher)
        elif defect != BLANK:
            self.articles(col, _title_templates(name, items[0]) if items else names.RULES_TITLES,
                          publisher, defect == STALE)
        return col


def _pick_defects(rng: random.Random, quality: str) -> dict[int, str]:
    lo, hi = QUALITY_DEFECTS[quality]
    count = rng.randint(lo, hi)
    chosen = sorted(rng.sample(range(1, 51), count))
    out: dict[int, str] = {}
    for item in chosen:
        roll = rng.random()
        out[item] = MISSING if roll < 0.5 else BLANK if roll < 0.8 else STALE
    return out


def _repair(portal: Portal, b: _Builder, item: int) -> None:
    """Remove the defect of checklist ``item`` (missing → columns added, blank/stale → fresh items).

    Uses its own random stream and id ranges, so every other column and item keeps its URL and bytes.
    """
    defect = portal.defects.pop(item, None)
    if defect is None:
        return
    saved = (b.rng, b.next_art, b.next_col)
    b.rng = random.Random(portal.seed * 31 + portal.index * 1009 + item)
    b.next_art, b.next_col = 900_000 + item * 1000, 9000 + item * 10
    try:
        if defect == MISSING:
            variant = b.rng.choice(names.VARIANTS[item])
            if item in names.TOP_LEVEL_ITEMS:
                portal.top.extend(b.column(n, None, [item], "党委办公室", None) for n in variant)
                return
            cat, _ = next(c for c in names.CATEGORIES if item in c[1])
            group = next(g for g in portal.categories if g.name == cat)
            pos = sum(1 for c in group.children if c.checklist and c.checklist[0] < item)
            new = [b.column(n, cat, [item], names.PUBLISHERS[cat], None) for n in variant]
            group.children[pos:pos] = new
            return
        for col in portal.tree():
            if item in col.checklist:
                col.defect, col.articles = None, []
                b.articles(col, _title_templates(col.name, item), names.PUBLISHERS.get(col.parent or "", "党委办公室"),
                           False)
    finally:
        b.rng, b.next_art, b.next_col = saved


def build_portal(index: int, seed: int, quality: str, fix: list[int] | None = None) -> Portal:
    """Build one portal spec from the world seed and its index (``fix``: checklist items to repair)."""
    rng = random.Random(seed * 7919 + index * 104729)
    cms = FAMILIES[index % len(FAMILIES)]
    template = TEMPLATES[cms][(index // len(FAMILIES)) % 2]
    name = names.SCHOOL_NAMES[(index + seed) % len(names.SCHOOL_NAMES)]
    portal = Portal(index=index, slug=f"u{index + 1:02d}", name=name, cms=cms, template=template,
                    quality=quality, seed=seed)
    portal.entry_text = rng.choice(["信息公开", "信息公开网", "信息公开专栏"])
    portal.entry_place = "header" if index % 2 == 0 else "footer"
    portal.landing_pages = (index // 6) % 2 == 0  # each template appears with and without landing pages
    portal.defects = _pick_defects(rng, quality)
    b = _Builder(portal, rng)

    # Top-level columns: 指南 (content), 制度 (list), then the annual report (item 6).
    guide = Column(name="信息公开指南", kind=CONTENT, slug=b.slug("信息公开指南"),
                   col_id=b.col_id(), body=[p.format(S=name) for p in names.GUIDE_BODY])
    rules = Column(name=rng.choice(["信息公开制度", "信息公开规章制度", "相关制度"]), kind=LIST,
                   slug=b.slug("信息公开制度"), col_id=b.col_id(), page_size=rng.choice(PAGE_SIZES[cms]))
    b.articles(rules, names.RULES_TITLES, "党委办公室", False, count=rng.randint(3, 5))
    portal.top = [guide, rules]

    for cat_name, item_range in names.CATEGORIES:
        cat_slug = b.slug(cat_name)
        group = Column(name=cat_name, kind=GROUP, slug=cat_slug, col_id=b.col_id(),
                       has_landing=portal.landing_pages)
        publisher = names.PUBLISHERS[cat_name]
        for item in item_range:
            defect = portal.defects.get(item)
            if defect == MISSING:
                continue
            variant = rng.choice(names.VARIANTS[item])
            if item in names.TOP_LEVEL_ITEMS:
                for col_name in variant:
                    portal.top.append(b.column(col_name, None, [item], "党委办公室", defect))
                continue
            for col_name in variant:
                group.children.append(b.column(col_name, cat_name, [item], publisher, defect))
        portal.categories.append(group)

    # Every portal gets at least three multi-page lists, so pagers are exercised everywhere.
    lists = [c for g in portal.categories for c in g.children
             if c.kind == LIST and c.defect is None and c.checklist[0] not in names.YEARLY_ITEMS]
    short = [c for c in lists if c.pages < 2]
    for col in rng.sample(short, k=min(len(short), max(0, 3 - (len(lists) - len(short))))):
        col.articles = []
        extra = col.page_size * rng.randint(1, 3) + rng.randint(1, col.page_size - 1)
        b.articles(col, _title_templates(col.name, col.checklist[0]), names.PUBLISHERS[col.parent or "其他"],
                   False, count=extra)

    # Non-disclosure columns shown on the school home page.
    for news_name, titles, org in (("学校新闻", names.NEWS_TITLES, "党委宣传部"),
                                   ("通知公告", names.NOTICE_TITLES, "校长办公室")):
        col = Column(name=news_name, kind=LIST, slug=b.slug(news_name), col_id=b.col_id(),
                     page_size=rng.choice(PAGE_SIZES[cms]))
        b.articles(col, titles, org, False, count=rng.randint(12, 30))
        portal.news.append(col)
    for item in sorted(fix or []):
        _repair(portal, b, item)
    return portal


def build_world(seed: int = 2024, n_universities: int = 12,
                fix: dict[str, list[int]] | None = None) -> list[Portal]:
    """Portal specs for the whole world; qualities are spread so rankings spread out."""
    rng = random.Random(seed)
    levels = ["excellent", "good", "fair", "poor"]
    qualities = [levels[i % len(levels)] for i in range(n_universities)]
    rng.shuffle(qualities)
    fix = fix or {}
    return [build_portal(i, seed, qualities[i], fix.get(f"u{i + 1:02d}")) for i in range(n_universities)]
