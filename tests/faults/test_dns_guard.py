"""A host name whose DNS answer is a metadata address is refused when it is resolved, before any
connection. The test resolves a name of this machine's /etc/hosts (no DNS query) and, in the
crawling process only, counts its loopback answer as a metadata address."""

from __future__ import annotations

from pathlib import Path

import pytest
from catalogue import LIMITS, _page
from dyn_server import html
from fault_audit import guarded_crawl
from hostile_server import HostileServer

AS_METADATA = ("import ipaddress, crawler.scope as scope\n"
               "scope.METADATA_ADDRESSES.add(ipaddress.ip_address('127.0.0.1'))\n")


def _hosts_name() -> str | None:
    """A name other than localhost that /etc/hosts maps to 127.0.0.1."""
    try:
        lines = Path("/etc/hosts").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split("#", 1)[0].split()
        if parts and parts[0] == "127.0.0.1":
            names = [n for n in parts[1:] if n != "localhost" and not n.endswith(".localhost")]
            if names:
                return names[0]
    return None


@pytest.mark.parametrize("patched", [False, True], ids=["resolves", "metadata-answer-refused"])
def test_names_resolving_to_metadata_are_refused(tmp_path: Path, patched: bool) -> None:
    name = _hosts_name()
    if name is None:
        pytest.skip("no name other than localhost maps to 127.0.0.1 in /etc/hosts")
    from sqlalchemy import select
    from storekit import add_run_with_sites

    from xxgk.store import Crawl, default_db_url, session_factory

    routes = {"/index.html": _page(html("<p>欢迎</p>", "示例乡政府信息公开"))}
    with HostileServer(routes) as srv:
        db_url = default_db_url(tmp_path / "store.sqlite")
        with session_factory(db_url).begin() as s:
            run_id = add_run_with_sites(s, {"乡": f"http://{name}:{srv.httpd.server_address[1]}/index.html"})
        guarded_crawl(db_url, run_id, LIMITS, tmp_path / "connects.log", prelude=AS_METADATA if patched else "")
        hits = srv.count("/index.html")
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
    if not patched:
        assert hits == 1 and crawl.status == "done"
        return
    assert hits == 0 and crawl.status == "failed", (crawl.status, crawl.error)
    assert f"refused: {name} resolves to metadata address 127.0.0.1" in (crawl.error or "")
