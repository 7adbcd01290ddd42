"""Match portal columns and article titles to rubric items.

Approach (precision before recall):
1. `normalize` both sides: NFKC (full → half width), drop leading numbering (1、 （3） 一、),
   trailing counts ((23) （共5条）), quotes/brackets (《》“”「」), punctuation and whitespace, and fold
   五年规划 periods (十三五 / 十四五 / 十五五 → 十n五).
2. Candidate terms of an item: its official name, its aliases (clauses of compound names are listed
   as aliases in the rubric, not split automatically: 工作报告 alone would be too generic), its sub-items' names and aliases, and scoped aliases (only when the column's path
   contains a scope term, e.g. 招生简章 under 研究生). `exclude_within` terms in the column's path rule
   the item out (招生章程 under 研究生招生 is not item 7).
3. Exact equality → `exact` (official name or clause) / `alias` (score 100). Otherwise a similarity
   score: the best of rapidfuzz ratio on characters, token-sort ratio on jieba tokens, and a
   containment score (the term inside a longer column name, or a column name that is a big part of
   a term). Mutually exclusive terms (招生/招聘, 预算/决算, 本科/研究生, 规范/委员会, ...) veto a
   non-exact match.
4. Category headers (the rubric's section names and their aliases) and generic columns (学校新闻,
   通知公告, ...) never match.
5. A column counts only for the item(s) it matches best (ties keep all), so 就业质量年度报告 goes to
   33 and not also to 32.
Scores ≥ PASS_SCORE are confident (`fuzzy` may pass); REVIEW_SCORE ≤ score < PASS_SCORE is shown as
`needs_review`, never pass; below REVIEW_SCORE is no match.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from rapidfuzz import fuzz, process

from scoring.schema import Rubric, RubricItem
from xxgk.namenorm import normalize as _normalize

log = logging.getLogger(__name__)

# Every site of a national run repeats the same column names and rubric terms, so the pure functions
# below are memoised by their string arguments; the bounds keep memory flat whatever the run's size.
CACHE_NAMES = 200_000
CACHE_PAIRS = 500_000
normalize = lru_cache(maxsize=CACHE_NAMES)(_normalize)  # the checks' normalize too: same names every site
_norm = normalize

PASS_SCORE = 90.0
REVIEW_SCORE = 75.0
RATIO_FLOOR = 50.0  # below 55 `similarity` is the plain ratio (no word-order pass): kept with a margin

EXACT = "exact"
ALIAS = "alias"
FUZZY = "fuzzy"
TITLE = "title"  # an article title contains a report name (items published as one document)

# Columns that never satisfy a checklist item, whatever the rubric says.
GENERIC_COLUMNS = (
    "首页", "网站首页", "返回首页", "更多", "more", "学校新闻", "新闻", "新闻动态", "综合新闻", "要闻",
    "学校要闻", "通知公告", "通知", "公告", "最新公开", "最新动态", "最新信息", "工作动态", "信息公开",
    "信息公开目录", "信息公开指南", "信息公开制度", "依申请公开", "依申请公开信息", "信息公开意见箱",
    "信息公开专栏", "信息公开网", "主动公开", "公开目录", "联系我们", "站内搜索", "搜索", "其他",
    "其它", "其他信息", "其它信息", "专题", "专题专栏", "图片新闻", "媒体报道", "信息公开清单",
    "相关制度", "相关文件", "文件下载", "下载中心", "政策文件", "政策法规",
)

# Terms that tell items apart: a non-exact match is vetoed when the column holds one term of a group
# and the candidate holds another from the same group but not the column's.
CONFLICT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("招生", "招聘"),
    ("预算", "决算"),
    ("本科", "研究生"),
    ("规范", "委员会", "不端"),
    ("学生", "教职工", "考生", "干部"),
    ("硕士", "学士"),
    ("质量", "指导", "就业率"),
    ("制度", "报告"),
    ("章程", "计划"),
    ("奖励", "资助", "奖学金"),
    ("社会兼职", "出国"),
    ("留学生", "合作办学"),
)

# A column holding one of these topics, when the candidate term does not, is about something else:
# 信息公开规章制度 is the disclosure office's own rules, not item 2's 规章制度.
QUALIFIERS: tuple[str, ...] = ("信息公开", "依申请")

@lru_cache(maxsize=20000)
def _tokens(norm: str) -> str:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return " ".join(t for t in jieba.lcut(norm) if t.strip())


@lru_cache(maxsize=CACHE_NAMES)
def _group_terms(s: str) -> tuple[frozenset[str], ...]:
    """For each CONFLICT_GROUPS group, the set of its terms that `s` holds."""
    return tuple(frozenset(t for t in group if t in s) for group in CONFLICT_GROUPS)


def conflicts(a: str, b: str) -> bool:
    """True when normalized `a` and `b` hold different terms of one CONFLICT_GROUPS group."""
    return any(ta and tb and not (ta & tb) for ta, tb in zip(_group_terms(a), _group_terms(b), strict=True))


@lru_cache(maxsize=CACHE_PAIRS)
def similarity(col: str, term: str) -> float:
    """0..100 similarity of a normalized column name and a normalized candidate term (not exact)."""
    if not col or not term:
        return 0.0
    if conflicts(col, term) or any(q in col and q not in term for q in QUALIFIERS):
        return 0.0
    if len(term) >= 3 and term in col:
        # 2024年招生章程 ⊇ 招生章程 (90); a term lost in a long name stays below the pass bar
        return round(min(99.0, 85.0 + 12.0 * len(term) / len(col)), 1)
    score = float(fuzz.ratio(col, term))
    if score >= 55.0:  # word order (工作报告教代会 vs 教代会工作报告); skipped when far off anyway
        score = max(score, float(fuzz.token_sort_ratio(_tokens(col), _tokens(term))) - 5.0)
    if col in term:
        # 中外合作办学 ⊂ 中外合作办学情况: a suggestion, never confident (学生管理规定 ⊂ 留学生管理规定)
        score = min(PASS_SCORE - 1.0, max(score, 78.0 + 11.0 * len(col) / len(term)))
    return round(score, 1)


class ColumnLike(Protocol):
    id: int
    parent_id: int | None
    name: str
    path: str
    url: str | None


class ItemLike(Protocol):
    id: int
    column_id: int
    title: str
    url: str


@dataclass(frozen=True)
class Match:
    """One column (or article) matched to one rubric item, and how."""

    item_id: str
    how: str  # exact | alias | fuzzy | title
    score: float
    term: str  # the rubric term that matched
    name: str  # the column name (or article title)
    path: str
    url: str | None
    column_id: int | None = None
    article_id: int | None = None
    sub_item_id: str | None = None

    @property
    def confident(self) -> bool:
        """Good enough to pass: exact, alias, title or a fuzzy score at or above PASS_SCORE."""
        return self.how != FUZZY or self.score >= PASS_SCORE

    def as_json(self) -> dict[str, object]:
        """The `Finding.matched` entry."""
        return {"name": self.name, "path": self.path, "url": self.url, "how": self.how,
                "score": self.score, "term": self.term, "sub_item": self.sub_item_id}


@dataclass(frozen=True)
class _Term:
    norm: str
    text: str
    how: str  # exact | alias
    sub_item_id: str | None = None
    within: tuple[str, ...] = ()  # scope terms (normalized) when scoped


@dataclass
class _ItemTerms:
    item: RubricItem
    terms: list[_Term] = field(default_factory=list)
    exclude: tuple[str, ...] = ()


def _path_parts(path: str, name: str) -> list[str]:
    parts = [p for p in (path or "").split("/") if p]
    if not parts or _norm(parts[-1]) != _norm(name):
        parts.append(name)
    return [_norm(p) for p in parts]


class Matcher:
    """Matches columns and article titles against one rubric's items."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        builtin = GENERIC_COLUMNS if rubric.builtin_generic_columns else ()
        self.blocked: set[str] = {_norm(n) for n in (*builtin, *rubric.generic_columns)}
        for section in rubric.sections:
            self.blocked.add(_norm(section.name))
            self.blocked.update(_norm(a) for a in section.aliases)
        self.blocked.discard("")
        self.items: list[_ItemTerms] = [self._terms(item) for _s, item in rubric.items()]
        self._cache: dict[str, list[tuple[str, float, str, _Term]]] = {}
        self._own_terms: dict[str, list[_Term]] = {it.item.id: it.terms for it in self.items}
        self._own_items: dict[str, RubricItem] = {it.item.id: it.item for it in self.items}
        self._near: dict[tuple[str, str], tuple[float, str]] = {}  # (item id, name) → nearest score, term
        self._term_norms: list[str] = sorted({t.norm for it in self.items for t in it.terms if t.norm})
        self._near_terms: dict[str, frozenset[str]] = {}  # column name → terms whose ratio may matter

    def prime(self, names: Iterable[str]) -> None:
        """Score a batch's distinct column names against every rubric term in one `cdist` call.

        A pair whose plain ratio is below RATIO_FLOOR and where neither name holds the other can never
        reach REVIEW_SCORE (`similarity` returns that ratio, or 0), so `_score` skips it; the pairs left
        are scored by `similarity` exactly as before. Names seen before are not scored again."""
        fresh = list(dict.fromkeys(n for n in (_norm(x) for x in names) if n and n not in self._near_terms))
        if not fresh or not self._term_norms:
            return
        if len(self._near_terms) >= CACHE_NAMES:
            self._near_terms.clear()
        ratios = process.cdist(fresh, self._term_norms, scorer=fuzz.ratio, score_cutoff=RATIO_FLOOR)
        for norm, row in zip(fresh, ratios, strict=True):
            self._near_terms[norm] = frozenset(self._term_norms[j] for j in row.nonzero()[0])

    def _may_reach_review(self, norm: str, term: str) -> bool:
        """False only for a pair `similarity` would score below REVIEW_SCORE (see `prime`)."""
        if norm not in self._near_terms:
            self.prime([norm])
        return term in self._near_terms.get(norm, frozenset()) or term in norm or norm in term

    def _item_terms(self, item: RubricItem) -> list[_Term]:
        """The item's candidate terms: the rubric's own, or built afresh for an item from elsewhere."""
        if self._own_items.get(item.id) is item:
            return self._own_terms[item.id]
        return self._terms(item).terms

    @staticmethod
    def _terms(item: RubricItem) -> _ItemTerms:
        terms: list[_Term] = [_Term(_norm(item.name), item.name, EXACT)]
        terms += [_Term(_norm(a), a, ALIAS) for a in item.aliases]
        for sub in item.sub_items:
            terms.append(_Term(_norm(sub.name), sub.name, ALIAS, sub.id))
            terms += [_Term(_norm(a), a, ALIAS, sub.id) for a in sub.aliases]
        for scoped in item.scoped_aliases:
            within = tuple(_norm(w) for w in scoped.within)
            terms += [_Term(_norm(a), a, ALIAS, None, within) for a in scoped.names]
        seen: set[tuple[str, tuple[str, ...]]] = set()
        uniq = []
        for t in terms:
            if t.norm and (t.norm, t.within) not in seen:
                seen.add((t.norm, t.within))
                uniq.append(t)
        return _ItemTerms(item, uniq, tuple(_norm(x) for x in item.exclude_within))

    def score_column(self, name: str, path: str = "") -> list[tuple[str, float, str, _Term]]:
        """(item_id, score, how, term) for every item the column name reaches at REVIEW_SCORE or more."""
        norm = _norm(name)
        if not norm or norm in self.blocked:
            return []
        parts = _path_parts(path, name)
        key = "/".join(parts)
        if key not in self._cache:
            if len(self._cache) >= CACHE_NAMES:
                self._cache.clear()
            self._cache[key] = self._score(norm, parts)
        return self._cache[key]

    def _score(self, norm: str, parts: list[str]) -> list[tuple[str, float, str, _Term]]:
        full = "/".join(parts)
        ancestors = "/".join(parts[:-1])
        out: list[tuple[str, float, str, _Term]] = []
        for it in self.items:
            if any(x and x in full for x in it.exclude):
                continue
            best: tuple[float, str, _Term] | None = None
            for term in it.terms:
                if term.within and not any(w in ancestors or w in norm for w in term.within):
                    continue
                if norm == term.norm:
                    cand = (100.0, term.how, term)
                elif self._may_reach_review(norm, term.norm):
                    cand = (similarity(norm, term.norm), FUZZY, term)
                else:  # below REVIEW_SCORE whatever similarity says, so never kept (see `prime`)
                    cand = (0.0, FUZZY, term)
                if best is None or cand[0] > best[0] or (cand[0] == best[0] and cand[1] != FUZZY
                                                         and best[1] == FUZZY):
                    best = cand
            if best and best[0] >= REVIEW_SCORE:
                out.append((it.item.id, best[0], best[1], best[2]))
        return out

    def match_column(self, name: str, path: str = "", url: str | None = None,
                     column_id: int | None = None) -> list[Match]:
        """The item(s) this column matches best (ties kept), or [] when none reaches REVIEW_SCORE."""
        scored = self.score_column(name, path)
        if not scored:
            return []
        top = max(s for _i, s, _h, _t in scored)
        return [Match(item_id=i, how=h, score=s, term=t.text, name=name, path=path, url=url,
                      column_id=column_id, sub_item_id=t.sub_item_id)
                for i, s, h, t in scored if s == top]

    def match_columns(self, columns: Iterable[ColumnLike]) -> dict[str, list[Match]]:
        """item id → matches, over every column, in a deterministic order (best first)."""
        cols = sorted(columns, key=lambda c: (c.path or "", c.name, c.id))
        parents = {c.parent_id for c in cols if c.parent_id is not None}
        out: dict[str, list[Match]] = {it.item.id: [] for it in self.items}
        for col in cols:
            for m in self.match_column(col.name, col.path or "", col.url, col.id):
                if col.id in parents and not m.confident:
                    continue  # a group header (研究生招生) is no weak evidence; its children speak
                out[m.item_id].append(m)
        for ms in out.values():
            ms.sort(key=_match_order)
        return out

    def nearest(self, item: RubricItem, columns: Iterable[ColumnLike], n: int = 3,
                floor: float = 40.0) -> list[Match]:
        """The `n` columns whose names come closest to any of the item's terms, even below REVIEW_SCORE
        (never evidence of a match: they show a reader of a "missing" verdict what was near)."""
        terms = self._item_terms(item)
        best: list[Match] = []
        for col in columns:
            norm = _norm(col.name)
            if not norm or norm in self.blocked:
                continue
            key = (item.id, norm)
            top = self._near.get(key) if terms is self._own_terms.get(item.id) else None
            if top is None:
                top = max(((100.0 if norm == t.norm else similarity(norm, t.norm)), t.text) for t in terms) \
                    if terms else (0.0, "")
                if terms is self._own_terms.get(item.id):
                    if len(self._near) >= CACHE_PAIRS:
                        self._near.clear()
                    self._near[key] = top
            if top[0] >= floor:
                best.append(Match(item_id=item.id, how=FUZZY, score=top[0], term=top[1], name=col.name,
                                  path=col.path or col.name, url=col.url, column_id=col.id))
        best.sort(key=lambda m: (-m.score, m.path, m.name))
        return best[:n]

    def match_titles(self, item: RubricItem, patterns: Sequence[str],
                     articles: Iterable[ItemLike], paths: dict[int, str]) -> list[Match]:
        """Articles whose normalized title contains one of `patterns` (e.g. 本科教学质量报告)."""
        pats = [_norm(p) for p in patterns if _norm(p)]
        excl = tuple(_norm(x) for x in item.exclude_within if _norm(x))
        out: list[Match] = []
        if not pats:
            return out
        anywhere = _any_of(tuple(pats))
        for art in articles:
            t = _norm(art.title)
            if anywhere(t) is None:  # most titles hold no pattern: one C search rules them out
                continue
            hit = next(p for p in pats if p in t)  # the first pattern in the rubric's order
            if any(x in t for x in excl):
                continue
            out.append(Match(item_id=item.id, how=TITLE, score=100.0, term=hit, name=art.title,
                             path=paths.get(art.column_id, ""), url=art.url,
                             column_id=art.column_id, article_id=art.id))
        out.sort(key=lambda m: (m.path, m.name, m.url or ""))
        return out


@lru_cache(maxsize=1024)
def _any_of(patterns: tuple[str, ...]) -> Callable[[str], re.Match[str] | None]:
    """A search for any of the literal patterns (which one is found first is not its concern)."""
    return re.compile("|".join(re.escape(p) for p in patterns)).search


def _match_order(m: Match) -> tuple[int, float, str, str]:
    rank = {EXACT: 0, ALIAS: 1, TITLE: 2, FUZZY: 3}.get(m.how, 4)
    return (rank, -m.score, m.path, m.name)
