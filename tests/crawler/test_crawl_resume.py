"""Resume: a crawl killed half-way (SIGKILL) and resumed with `run_crawl(..., resume=True)` ends
with exactly the items of an uninterrupted crawl — none lost, none duplicated — and answers the
pages it had already fetched from its WARC file instead of the network."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from dyn_server import DynServer, html
from sqlalchemy import func, select

from xxgk.store import Column, Crawl, Item, Page, Run, Site, default_db_url, session_factory

REPO = Path(__file__).resolve().parents[2]  # not from conftest: several conftest modules exist
N_COLS, N_PAGES, PER_PAGE = 8, 3, 8


def _routes() -> dict:
    nav = "<div class='sidebar'><ul>" + "".join(
        f"<li><a href='/c{c}/list1.html'>栏目{c}</a></li>" for c in range(N_COLS)) + "</ul></div>"
    routes = {"/index.html": html(nav + "<p>欢迎</p>", "示例县政府信息公开")}
    for c in range(N_COLS):
        for p in range(1, N_PAGES + 1):
            rows = "".join(
                f"<li><a href='/c{c}/a{p}_{i}.html'>栏目{c}第{p}页第{i}条通知</a><span>2024-0{p}-1{i}</span></li>"
                for i in range(PER_PAGE))
            pager = f"共{N_PAGES * PER_PAGE}条 " + (f"<a href='list{p + 1}.html'>下一页</a>" if p < N_PAGES else "")
            routes[f"/c{c}/list{p}.html"] = html(f"{nav}<div class='list'><ul>{rows}</ul></div><div class='page'>{pager}</div>",
                                                 f"栏目{c}")
            for i in range(PER_PAGE):
                routes[f"/c{c}/a{p}_{i}.html"] = html(f"<h1>栏目{c}第{p}页第{i}条通知</h1><div id='zoom'><p>正文。</p></div>")
    return routes


def _code(db_url: str, run_id: int, resume: bool) -> str:
    return (f"from crawler.runner import run_crawl\n"
            f"run_crawl({db_url!r}, {run_id}, limits={{'browser': False, 'check_links': False}}, resume={resume})\n")


def _new_run(db_url: str, url: str) -> int:
    with session_factory(db_url).begin() as s:
        run = Run(label="resume")
        s.add(run)
        s.flush()
        site = s.scalars(select(Site).where(Site.url == url)).first() or Site(url=url, name="县")
        s.add(site)
        s.flush()
        s.add(Crawl(run_id=run.id, site_id=site.id))
        return run.id


def _items(db_url: str, run_id: int) -> list[tuple]:
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        assert crawl.status == "done", (crawl.status, crawl.error)
        pages = s.scalar(select(func.count(Page.id)).where(Page.crawl_id == crawl.id))
        distinct = s.scalar(select(func.count(func.distinct(Page.url))).where(Page.crawl_id == crawl.id))
        assert pages == distinct == crawl.pages
        return sorted(
            (col.path, i.title, i.url, i.published)
            for i, col in s.execute(select(Item, Column).join(Column, Item.column_id == Column.id)
                                    .where(Item.crawl_id == crawl.id))
        )


def test_killed_crawl_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with DynServer(_routes(), delay=0.15) as srv:
        start = srv.url + "/index.html"
        db_url = default_db_url(tmp_path / "killed.sqlite")
        run_id = _new_run(db_url, start)
        proc = subprocess.Popen([sys.executable, "-c", _code(db_url, run_id, False)], cwd=REPO, env=env)
        total = 1 + N_COLS * N_PAGES * (1 + PER_PAGE)
        deadline = time.monotonic() + 60
        while len(srv.hits) < total // 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        assert proc.poll() is None, "the crawl finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with session_factory(db_url)() as s:
            assert s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one().status == "running"
        before = len(srv.hits)
        subprocess.run([sys.executable, "-c", _code(db_url, run_id, True)], cwd=REPO, env=env, check=True, timeout=120)
        refetched = len(srv.hits) - before
        resumed = _items(db_url, run_id)

        fresh_db = default_db_url(tmp_path / "fresh.sqlite")
        fresh_run = _new_run(fresh_db, start)
        subprocess.run([sys.executable, "-c", _code(fresh_db, fresh_run, False)], cwd=REPO, env=env, check=True,
                       timeout=120)
        fresh = _items(fresh_db, fresh_run)
    assert len(fresh) == N_COLS * N_PAGES * PER_PAGE
    assert resumed == fresh
    assert len(set(resumed)) == len(resumed)
    assert refetched < total  # pages already in the WARC file were replayed, not fetched again
