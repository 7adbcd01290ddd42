"""主要结论: short Chinese conclusions written from the ranking's numbers, in the style of published evaluations.

Every figure comes from the `Ranking` (itself computed from the run's scores and findings), so
the conclusions, the table and the charts always agree. Rules, in order:
1. scope: sites evaluated, scored, and not scorable (crawl failed, nothing eligible);
2. average, highest and lowest total (with the site names);
3. how many passed at the rubric's pass mark, and how many were 不合格 by a single veto;
4. score bands 90–100, 80–90, 70–80, 60–70 and below 60 (only the non-empty ones);
5. the top three sites;
6. the weakest category and the three items with the lowest 得分率;
7. with a baseline run: the change of the average, and the biggest improvements (score and rank).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from reports.ranking import Ranking, records

BANDS: list[tuple[str, float, float]] = [
    ("90–100分", 90, 100.0001), ("80–90分", 80, 90), ("70–80分", 70, 80), ("60–70分", 60, 70),
    ("60分以下", float("-inf"), 60),
]


@dataclass
class Narrative:
    """The sentences and the figures they were written from (tests compare the figures)."""

    sentences: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)


def _f(value: float) -> str:
    return f"{value:.2f}"


def band_counts(totals: list[float]) -> dict[str, int]:
    """Sites per score band (labels as in BANDS); the top band includes 100."""
    return {label: sum(1 for t in totals if lo <= t < hi) for label, lo, hi in BANDS}


def write(ranking: Ranking, baseline_run: int | None = None, top_n: int = 3) -> Narrative:
    """Write the 主要结论 of a ranking; `baseline_run` names the run the changes are measured against."""
    rows = [r for r in records(ranking.table) if r.get("total") is not None]
    s = ranking.summary
    out = Narrative()
    facts = out.facts
    facts.update(sites=s["sites"], scored=s["scored"], unscored=s["unscored"], average=s["average"],
                 max=s["max"], min=s["min"], passed=s["passed"], vetoed=s.get("vetoed", 0),
                 pass_mark=s["pass_mark"])
    scope = f"本次共评估{s['sites']}个网站"
    if s["unscored"]:
        scope += f"，其中{s['unscored']}个因无法访问或无可评分事项未能评分"
    out.sentences.append(scope + "。")
    if not rows:
        if facts["vetoed"]:
            out.sentences.append(_passed(ranking) + "。")
            _vetoes(ranking, out)
        else:
            out.sentences.append("没有网站完成评分，暂无结论。")
        return out
    best = max(rows, key=lambda r: r["total"])
    worst = min(rows, key=lambda r: r["total"])
    out.sentences.append(
        f"平均分{_f(s['average'])}分，最高分{_f(s['max'])}分（{_short(best['site_name'])}），"
        f"最低分{_f(s['min'])}分（{_short(worst['site_name'])}）。")
    out.sentences.append(_passed(ranking) + "。")
    _vetoes(ranking, out)
    bands = band_counts([r["total"] for r in rows])
    facts["bands"] = bands
    parts = [f"{label}的{n}个" for label, n in bands.items() if n]
    out.sentences.append("分数段分布：" + "，".join(parts) + "。")
    ranked = [r for r in records(ranking.table) if r.get("rank") is not None and not r.get("veto")
              and r.get("total") is not None][:top_n]
    facts["top"] = [(r["site_name"], r["total"]) for r in ranked]
    if ranked:
        out.sentences.append("排名前三的是" + "、".join(f"{_short(r['site_name'])}（{_f(r['total'])}分）" for r in ranked) + "。")
    _weakest(ranking, out)
    if baseline_run is not None:
        _changes(ranking, baseline_run, out)
    return out


def _passed(ranking: Ranking) -> str:
    s = ranking.summary
    word = s.get("pass_word", "及格")
    judged = s.get("judged") or s["scored"]
    text = f"{s['passed']}个网站达到{word}线（{s['pass_mark']:g}分）"
    if judged:
        text += f"，占{s['passed'] / judged * 100:.1f}%"
    if s.get("vetoed"):
        text += f"；{s['vetoed']}个网站因触发单项否决被判为不合格"
        if any(r.get("veto") and r.get("total") is None for r in records(ranking.table)):
            text += "（不再评分，不计入平均分）"
    return text


def _vetoes(ranking: Ranking, out: Narrative) -> None:
    """Which single-veto indicators were triggered, and how often (from Score.veto: "指标（原因）；指标（…）")."""
    counts: dict[str, int] = {}
    for v in ranking.table.get("veto", []):
        if isinstance(v, str) and v:
            for part in v.split("；"):
                name = part.split("（", 1)[0].strip()
                if name:
                    counts[name] = counts.get(name, 0) + 1
    out.facts["veto_counts"] = counts
    if counts:
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        out.sentences.append("触发的单项否决指标：" + "、".join(f"{_short(k)}（{n}个网站）" for k, n in top) + "。")


def _weakest(ranking: Ranking, out: Narrative) -> None:
    cats = ranking.categories
    if cats is not None and not cats.dropna(subset=["rate"]).empty:
        c = cats.dropna(subset=["rate"]).sort_values("rate", kind="mergesort").iloc[0]
        out.facts["weakest_category"] = (c.section_name, float(c.rate))
        out.sentences.append(f"各类别中得分率最低的是“{_short(c.section_name)}”（{c.rate:.2f}%）。")
    items = ranking.items.dropna(subset=["rate"])
    items = items[items.rate < 100].sort_values("rate", kind="mergesort").head(3)
    out.facts["weakest_items"] = [(r.item_name, float(r.rate)) for r in items.itertuples()]
    if not items.empty:
        out.sentences.append("得分率最低的事项是" + "、".join(
            f"“{_short(r.item_name)}”（{r.rate:.2f}%）" for r in items.itertuples()) + "。")
    else:
        out.sentences.append("所有事项得分率均为100%。")


def _changes(ranking: Ranking, baseline_run: int, out: Narrative) -> None:
    table = ranking.table
    if "delta" not in table or table.delta.isna().all():
        out.sentences.append(f"与上次评估（运行 #{baseline_run}）没有可比较的网站。")
        return
    prev = [float(v) for v in table.prev_total if not pd.isna(v)]
    cur = [float(t) for t, p in zip(table.total, table.prev_total, strict=True) if not pd.isna(t) and not pd.isna(p)]
    if prev and cur:
        diff = round(sum(cur) / len(cur) - sum(prev) / len(prev), 2)
        out.facts["average_change"] = diff
        trend = "提高" if diff > 0 else "下降" if diff < 0 else "持平"
        amount = f"{abs(diff):.2f}分" if diff else ""
        out.sentences.append(f"与上次评估（运行 #{baseline_run}）相比，可比网站的平均分{trend}{amount}。")
    up = [r for r in records(table) if r.get("delta") is not None and r["delta"] > 0]
    up.sort(key=lambda r: (-r["delta"], -(r.get("rank_change") or 0), r["site_name"]))
    out.facts["improved"] = [(r["site_name"], r["delta"], r.get("rank_change")) for r in up[:3]]
    if up:
        def one(r: dict) -> str:
            rc = r.get("rank_change")
            moved = f"，排名上升{rc}位" if rc and rc > 0 else f"，排名下降{-rc}位" if rc and rc < 0 else ""
            return f"{_short(r['site_name'])}（提高{_f(r['delta'])}分{moved}）"

        out.sentences.append("进步最大的是" + "、".join(one(r) for r in up[:3]) + "。")
    else:
        out.sentences.append("与上次相比，没有网站得分提高。")


def _short(name: str, limit: int = 40) -> str:
    """A crawled name cut to `limit` and bidi-isolated (FSI…PDI), so RTL marks cannot flip the sentence."""
    return "\u2068" + (name if len(name) <= limit else name[:limit] + "…") + "\u2069"
