"""A synthetic store for report tests and benchmarks: runs, sites, findings and scores without crawling.

Test-only code (bench/report.py and tests/reports import it); no product module does.

Scores are computed from the findings exactly as the weighted engine does (points over eligible
points), so every report figure can be recomputed from findings.csv. Optional extras: a hostile site
(script tags, quotes, very long strings, RTL marks, javascript: links), a single-veto site, a
monthly-volume finding with a per-unit table, and WARC evidence plus a screenshot for one page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import random
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection

from xxgk.store import (
    Crawl,
    Finding,
    Page,
    RubricSnapshot,
    Run,
    Score,
    Site,
    session_factory,
    session_scope,
)

RUBRIC_ID = "synthetic-v1"
HOSTILE = '<script>alert("x")</script>“引号”\'单\' &amp; \u202e倒序\u202c' + "长" * 300
HOSTILE_SHORT = '<script>alert("x")</script>'
STATUSES = ("pass", "pass", "pass", "partial", "fail", "needs_review")


@dataclass
class SyntheticStore:
    """What `make_store` built: the database URL and the run ids, oldest first."""

    db_url: str
    runs: list[int] = field(default_factory=list)
    site_ids: list[int] = field(default_factory=list)
    hostile_site: int | None = None
    veto_site: int | None = None
    improved_site: int | None = None


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """A small valid grey PNG (for screenshot evidence)."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def write_warc(path: Path, url: str, html: bytes) -> str:
    """Write one HTTP response record to a WARC file; return its WARC-Record-ID."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(html), http_headers=headers)
        writer.write_record(record)
        return record.rec_headers.get_header("WARC-Record-ID")


def _sections(n_sections: int, per_section: int) -> list[tuple[str, str, list[tuple[str, str, float]]]]:
    out, n = [], 0
    for s in range(1, n_sections + 1):
        items = []
        for _ in range(per_section):
            n += 1
            items.append((str(n), f"事项{n}：第{s}类信息公开事项", 2.0))
        out.append((str(s), f"类别{s}", items))
    return out


def _score_rows(run_id: int, site_id: int, findings: list[Finding], sections: list, veto: str | None) -> list[Score]:
    rows = []
    groups = [(sid, name, [f for f in findings if f.section_id == sid]) for sid, name, _ in sections]
    groups.append(("total", "总分", findings))
    for sid, name, fs in groups:
        pts = round(sum(f.points for f in fs), 4)
        mx = round(sum(f.max_points for f in fs), 4)
        elig = round(sum(f.max_points for f in fs if f.status not in ("not_checked", "not_applicable")), 4)
        rows.append(Score(run_id=run_id, site_id=site_id, rubric_id=RUBRIC_ID, section_id=sid, section_name=name,
                          points=pts, max_points=mx, eligible_points=elig,
                          percent=round(pts / elig * 100, 2) if elig else None,
                          veto=veto if sid == "total" else None))
    return rows


def _snapshot(run_id: int, sections: list) -> RubricSnapshot:
    """The rubric row scoring would store: weighted, pass mark 60, the synthetic sections."""
    snap = {"title": "合成评分细则", "version": None, "total": float(sum(mx for _s, _n, its in sections
                                                                     for _i, _in, mx in its)),
            "sections": [{"id": sid, "name": name, "max_points": float(sum(mx for _i, _n, mx in items)),
                          "items": [{"id": i, "name": n, "max_points": mx, "veto": False} for i, n, mx in items]}
                         for sid, name, items in sections]}
    digest = hashlib.sha256(json.dumps(snap, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return RubricSnapshot(run_id=run_id, rubric_id=RUBRIC_ID, content_sha256=digest, method="weighted",
                          pass_mark=60.0, snapshot=snap)


def make_store(db_url: str, *, n_sites: int = 6, n_runs: int = 2, n_sections: int = 4, per_section: int = 5,
               seed: int = 7, hostile: bool = True, veto: bool = True, volume: bool = True,
               evidence_dir: Path | None = None, mode: str = "ranking") -> SyntheticStore:
    """Build `n_runs` finished runs over the same sites; in each later run one weak site fixes its failures."""
    rng = random.Random(seed)
    sections = _sections(n_sections, per_section)
    factory = session_factory(db_url)
    out = SyntheticStore(db_url)
    base = [[rng.choice(STATUSES) for _ in range(n_sections * per_section)] for _ in range(n_sites)]
    with session_scope(factory) as s:
        sites = []
        for i in range(n_sites):
            name = HOSTILE if hostile and i == 1 else f"样例大学{i + 1:03d}"
            url = f"http://127.0.0.1:{9100 + i}/"
            site = s.query(Site).filter_by(url=url).one_or_none() or Site(url=url, name=name, kind="university")
            s.add(site)
            sites.append(site)
        s.flush()
        out.site_ids = [x.id for x in sites]
        out.hostile_site = sites[1].id if hostile and n_sites > 1 else None
        out.veto_site = sites[2].id if veto and n_sites > 2 else None
        # the weakest site (most fails) is the one that improves run after run
        weakest = max([k for k in range(n_sites) if not (veto and k == 2)], key=lambda k: (sum(st != "pass" for st in base[k]), -k))
        out.improved_site = sites[weakest].id
        started = dt.datetime(2026, 1, 1, 8, 0)
        for r in range(n_runs):
            run = Run(rubric_id=RUBRIC_ID, status="done", mode=mode, started_at=started + dt.timedelta(days=30 * r),
                      finished_at=started + dt.timedelta(days=30 * r, hours=1), label=f"synthetic {r + 1}")
            s.add(run)
            s.flush()
            out.runs.append(run.id)
            s.add(_snapshot(run.id, sections))
            for k, site in enumerate(sites):
                crawl = Crawl(run_id=run.id, site_id=site.id, status="done", cms="vsb", pages=40,
                              stop_reason="finished", portal_url=site.url + "xxgk/")
                s.add(crawl)
                s.flush()
                statuses = list(base[k])
                if k == weakest and r > 0:  # fixes every failure
                    statuses = ["pass" if st in ("fail", "partial") else st for st in statuses]
                findings = _findings(run.id, site, sections, statuses, hostile=(hostile and k == 1))
                if volume and k == 0:
                    findings.append(_volume_finding(run.id, site, hostile))
                if evidence_dir is not None and hostile and k == 1:
                    _evidence(s, crawl, site, findings[0], evidence_dir / f"run{run.id}")
                s.add_all(findings)
                vetoed = "站点无法访问：监测期间超过 15 秒打不开的次数占比 8%" if veto and k == 2 else None
                s.add_all(_score_rows(run.id, site.id, findings, sections, vetoed))
    return out


def _findings(run_id: int, site: Site, sections: list, statuses: list[str], hostile: bool) -> list[Finding]:
    rows, n = [], 0
    for sid, sname, items in sections:
        for item_id, item_name, mx in items:
            st = statuses[n]
            n += 1
            credit = {"pass": 1.0, "partial": 0.5}.get(st, 0.0)
            name = HOSTILE if hostile and item_id == "2" else item_name
            evidence = [{"url": f"{site.url}xxgk/{item_id}.htm", "label": name}]
            if hostile and item_id == "1":
                evidence.append({"url": "javascript:alert(1)", "label": HOSTILE_SHORT})
            rows.append(Finding(
                run_id=run_id, site_id=site.id, rubric_id=RUBRIC_ID, section_id=sid, section_name=sname,
                item_id=item_id, item_name=name, check_kind="presence" if n % 3 else "blank_column", status=st,
                credit=credit, points=round(mx * credit, 4), max_points=mx,
                message=(HOSTILE if hostile else "栏目匹配") if st != "pass" else "已公开",
                reason=None, evidence=evidence if st in ("pass", "partial") or hostile else [],
                matched=[{"name": name, "path": f"{sname}/{name}", "url": evidence[0]["url"], "how": "exact",
                          "score": 1.0}] if st != "fail" else []))
    return rows


def _volume_finding(run_id: int, site: Site, hostile: bool) -> Finding:
    months = ["2026-01", "2026-02", "2026-03"]
    units = [
        {"unit": "市教育局", "counts": {"2026-01": 12, "2026-02": 9, "2026-03": 15}},
        {"unit": "市财政局", "counts": {"2026-01": 3, "2026-02": 0, "2026-03": 0}},
        {"unit": "市卫健委", "counts": {"2026-01": 5, "2026-02": 4, "2026-03": 2}},
        {"unit": HOSTILE if hostile else "市民政局", "counts": {"2026-01": 0, "2026-02": 0, "2026-03": 0}},
    ]
    return Finding(run_id=run_id, site_id=site.id, rubric_id=RUBRIC_ID, section_id="1", section_name="类别1",
                   item_id="V1", item_name="月度信息发布量", check_kind="monthly_volume", status="fail", credit=0.0,
                   points=0.0, max_points=0.0, message="2个单位出现空白月",
                   details={"monthly_volume": {"months": months, "quota": 5, "units": units}})


def _evidence(session, crawl: Crawl, site: Site, finding: Finding, folder: Path) -> None:  # type: ignore[no-untyped-def]
    url = finding.evidence[0]["url"]
    html = ('<html><head><title>x</title><script>document.title="pwned"</script></head><body>'
            f'<h1 onclick="alert(1)">{HOSTILE_SHORT.replace("<", "&lt;")}</h1><script>alert(2)</script>'
            '<a href="javascript:alert(3)">js</a><a href="/ok.htm">ok</a><img src="http://evil.example/x.png">'
            '<iframe src="http://evil.example/"></iframe></body></html>').encode()
    ref = write_warc(folder / "crawl.warc.gz", url, html)
    shot = folder / "shot.png"
    shot.write_bytes(png_bytes())
    crawl.warc_path = str(folder / "crawl.warc.gz")
    session.add(Page(crawl_id=crawl.id, url=url, status=200, content_type="text/html; charset=utf-8",
                     sha256="0" * 64, evidence_ref=ref, screenshot=str(shot)))


PROVINCES = ("北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
             "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
             "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
             "宁夏回族自治区", "新疆维吾尔自治区")
LEVELS = ("部属", "省属", "市属")
# Tables copied with a run's crawls, parents first; findings and scores are not copied (scoring makes them).
CRAWL_TABLES = ("sites", "crawls", "columns", "items", "pages", "links", "documents")


def replicate_run(db_url: str, run_id: int, n_sites: int) -> int:
    """Copy a run's audited sites (crawl, columns, items, pages, links, documents) until it has about `n_sites`.

    Copy k of site S is a new site (key and name suffixed with k) whose rows are S's with every id
    moved by k × the table's largest id, so foreign keys stay consistent; page URLs, WARC files and
    record ids stay the original's (copies cite the same archived responses). Every site then gets a
    province (`Site.group`) and a level tag. Returns the number of sites in the run. SQLite or PostgreSQL.
    """
    from sqlalchemy import bindparam, text, update

    from xxgk.store.models import Base
    from xxgk.store.session import make_engine

    engine = make_engine(db_url)
    tables = {name: Base.metadata.tables[name] for name in CRAWL_TABLES}
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":  # one bulk copy: no WAL double write, no fsync until the end
            conn.exec_driver_sql("PRAGMA journal_mode=MEMORY")
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.exec_driver_sql("PRAGMA cache_size=-200000")
        conn.commit()
        _copy(conn, run_id, n_sites, tables)
        conn.commit()
        ids = [r[0] for r in conn.execute(text("SELECT site_id FROM crawls WHERE run_id = :r ORDER BY site_id"),
                                          {"r": run_id})]
        sites = tables["sites"]
        conn.execute(update(sites).where(sites.c.id == bindparam("sid")).values(
            group=bindparam("grp"), tags=bindparam("tg")),
            [{"sid": sid, "grp": PROVINCES[i % len(PROVINCES)], "tg": [LEVELS[(i // len(PROVINCES)) % len(LEVELS)]]}
             for i, sid in enumerate(ids)])
        conn.commit()
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    return len(ids)


def _copy(conn: Connection, run_id: int, n_sites: int, tables: dict) -> None:
    """The INSERT … SELECT statements of `replicate_run`, one per table and copy."""
    from sqlalchemy import text

    sources = [r[0] for r in conn.execute(text("SELECT site_id FROM crawls WHERE run_id = :r ORDER BY site_id"),
                                          {"r": run_id})]
    if not sources:
        raise ValueError(f"run {run_id} has no crawls to copy")
    crawl_ids = [r[0] for r in conn.execute(text("SELECT id FROM crawls WHERE run_id = :r"), {"r": run_id})]
    top = {name: conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {name}")).scalar_one() for name in tables}
    scope = {"sites": f"id IN ({','.join(map(str, sources))})",
             "crawls": f"id IN ({','.join(map(str, crawl_ids))})"}
    in_crawls = f"crawl_id IN ({','.join(map(str, crawl_ids))})"
    copies = max(1, round(n_sites / len(sources)))
    for k in range(1, copies):
        for name, table in tables.items():
            cols, exprs = [], []
            for col in table.columns:
                q = f'"{col.name}"'
                cols.append(q)
                fk = next(iter(col.foreign_keys), None)
                if col.primary_key:
                    exprs.append(f"{q} + {k * top[name]}")
                elif fk is not None and fk.column.table.name in top and fk.column.table.name != "runs":
                    exprs.append(f"{q} + {k * top[fk.column.table.name]}")
                elif name == "sites" and col.name in ("key", "name"):
                    exprs.append(f"{q} || '·{k}'")
                else:
                    exprs.append(q)
            where = scope.get(name, in_crawls)
            conn.execute(text(f"INSERT INTO {name} ({', '.join(cols)}) SELECT {', '.join(exprs)} "
                              f"FROM {name} WHERE {where}"))
