"""Monthly bulletin (月度通报) from the publication-volume check: per-unit counts, 空白月, quota, best units.

Input: findings whose check kind includes `monthly_volume`; their `Finding.details["monthly_volume"]`
(shape in docs/rubric-format.md; or the details themselves) hold `months` (["2026-04", …], oldest
first), `quota` (items per month) and `units`: a list of {unit, counts, consecutive_blank_months,
below_quota_months, …} where counts is {month: n} or a list aligned with months. Missing derived
fields (consecutive blank months, below quota) are computed here from the counts. The bulletin format
(`reports.formats.bulletin`) writes them into the monthly 通报.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reports.bulletin.text import plain, short
from reports.model import RunData

KIND = "monthly_volume"


@dataclass
class UnitRow:
    """One publishing unit's monthly counts and what the bulletin says about it."""

    unit: str
    counts: list[int]
    total: int
    latest: int
    blank_months: list[str]
    consecutive_blank: int  # blank months in a row up to the latest month
    below_quota: bool


@dataclass
class SiteBulletin:
    """The per-unit table of one site (one portal with many publishing units)."""

    site_id: int
    site_name: str
    site_url: str
    months: list[str]
    quota: float | None
    units: list[UnitRow] = field(default_factory=list)

    @property
    def latest_month(self) -> str:
        return self.months[-1] if self.months else ""

    @property
    def blank_units(self) -> list[UnitRow]:
        return sorted([u for u in self.units if u.consecutive_blank > 0], key=lambda u: (-u.consecutive_blank, u.unit))

    @property
    def below_units(self) -> list[UnitRow]:
        return sorted([u for u in self.units if u.below_quota and u.latest > 0], key=lambda u: (u.latest, u.unit))

    @property
    def best_units(self) -> list[UnitRow]:
        ranked = sorted(self.units, key=lambda u: (-u.latest, -u.total, u.unit))
        return [u for u in ranked if u.latest > 0][:3]


def _volume_details(details: dict[str, Any]) -> dict[str, Any] | None:
    if not isinstance(details, dict):
        return None
    if "units" in details:
        return details
    for key, value in details.items():
        if str(key).startswith(KIND) and isinstance(value, dict):
            return value
    return None


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def parse_units(d: dict[str, Any]) -> tuple[list[str], float | None, list[UnitRow]]:
    """Normalise a monthly-volume details dict into months, quota and unit rows."""
    raw = d.get("units") or []
    if isinstance(raw, dict):
        raw = [{"unit": k, **(v if isinstance(v, dict) else {"counts": v})} for k, v in raw.items()]
    months = [str(m) for m in d.get("months") or []]
    if not months:
        keys: set[str] = set()
        for u in raw:
            if isinstance(u.get("counts"), dict):
                keys.update(str(k) for k in u["counts"])
        months = sorted(keys)
    quota = d.get("quota", d.get("monthly_quota"))
    quota = float(quota) if isinstance(quota, int | float) else None
    rows = []
    for u in raw:
        if not isinstance(u, dict):
            continue
        c = u.get("counts", u.get("by_month", {}))
        counts = [_int(c.get(m)) for m in months] if isinstance(c, dict) else [_int(v) for v in list(c)[:len(months)]]
        counts += [0] * (len(months) - len(counts))
        streak = 0
        for n in reversed(counts):
            if n:
                break
            streak += 1
        consecutive = u.get("consecutive_blank_months", u.get("consecutive_blank", u.get("blank_streak")))
        latest = counts[-1] if counts else 0
        below = u.get("below_quota")
        if below is None and isinstance(u.get("below_quota_months"), list):
            below = bool(u["below_quota_months"])
        rows.append(UnitRow(
            unit=plain(u.get("unit") or u.get("name") or "") or "（未注明单位）", counts=counts, total=sum(counts),
            latest=latest, blank_months=[m for m, n in zip(months, counts, strict=True) if n == 0],
            consecutive_blank=_int(consecutive) if consecutive is not None else streak,
            below_quota=bool(below) if below is not None else (quota is not None and latest < quota)))
    return months, quota, rows


def collect(data: RunData) -> list[SiteBulletin]:
    """Every site's monthly-volume table in the run (empty when the rubric has no such check)."""
    out = []
    f = data.finding_reader.with_check_kind(KIND)  # only the volume findings, not the whole run
    if f.empty:
        return out
    names = dict(zip(data.sites.site_id, data.sites.site_name, strict=True))
    urls = dict(zip(data.sites.site_id, data.sites.site_url, strict=True))
    seen: set[tuple] = set()
    for row in f.to_dict("records"):
        d = _volume_details(row.get("details") or {})
        if d is None:
            continue
        months, quota, units = parse_units(d)
        key = (row["site_id"], tuple(months), quota, tuple((u.unit, tuple(u.counts)) for u in units))
        if units and key not in seen:  # several items may share one table (e.g. 空白月 and 定额)
            seen.add(key)
            out.append(SiteBulletin(int(row["site_id"]), plain(names.get(row["site_id"], "")), urls.get(row["site_id"], ""),
                                    months, quota, units))
    return out


def sentences(b: SiteBulletin) -> list[str]:
    """The 通报's findings for one site in plain Chinese sentences."""
    out = [f"{b.latest_month}，{len(b.units)}个单位共发布信息{sum(u.latest for u in b.units)}条"
           + (f"（月度定额{b.quota:g}条）" if b.quota is not None else "") + "。"]
    blank = b.blank_units
    if blank:
        out.append("出现空白月的单位：" + "；".join(f"{short(u.unit)}（连续{u.consecutive_blank}个月未发布）" for u in blank) + "。")
    else:
        out.append("本月没有空白月单位。")
    below = b.below_units
    if below:
        out.append("发布量低于定额的单位：" + "；".join(f"{short(u.unit)}（{u.latest}条）" for u in below) + "。")
    best = b.best_units
    if best:
        out.append("发布情况较好的单位：" + "、".join(f"{short(u.unit)}（{u.latest}条）" for u in best) + "。")
    return out
