"""A site's identity survives URL changes: keys from the list's id or name + registrable domain."""

from __future__ import annotations

import pytest

from xxgk.errors import UserError
from xxgk.siteid import registrable_domain, site_key
from xxgk.sites import load_sites
from xxgk.store import Crawl, Run, Site, session_factory, session_scope, site_for
from xxgk.store.lifecycle import add_pending_crawl


def test_key_ignores_scheme_port_subdomain_and_path():
    keys = {site_key("郑州大学", u) for u in ("http://xxgk.zzu.edu.cn/", "https://www.zzu.edu.cn:8443/xxgk/",
                                              "http://zzu.edu.cn")}
    assert keys == {"zzu.edu.cn|郑州大学"}
    assert registrable_domain("www.henan.gov.cn") == "henan.gov.cn"
    assert site_key("样例大学001", "http://127.0.0.1:18600/") == site_key("样例大学001", "http://127.0.0.1:41234/")
    assert site_key("甲", "http://a.edu.cn/", " A-01 ") == "id:A-01"
    assert site_key("郑州大学", "http://zzu.edu.cn/") != site_key("郑州大学", "http://zzu.gov.cn/")


def test_site_list_ids_and_duplicate_identities(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("编号,名称,网址\nU1,甲大学,http://xxgk.a.edu.cn/\nU2,甲大学,http://www.a.edu.cn/\n",
                    encoding="utf-8")
    assert [r.key for r in load_sites(path)] == ["id:U1", "id:U2"]
    path.write_text("名称,网址\n甲大学,http://xxgk.a.edu.cn/\n甲大学,https://www.a.edu.cn/\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_sites(path)
    assert str(err.value) == (f"{path}:3: name: the same name and domain as line 2: one site twice? "
                              "(give each an id column to tell them apart)")


def test_site_for_keeps_history_across_url_changes_and_adopts_old_rows(tmp_path):
    factory = session_factory(f"sqlite:///{tmp_path / 'i.sqlite'}")
    with session_scope(factory) as s:
        old = Site(url="http://127.0.0.1:9/gk/", name="乙")  # stored before keys existed
        s.add(old)
        s.flush()
        a = site_for(s, site_key("甲", "http://a.edu.cn/"), "http://a.edu.cn/", "甲")
        a2 = site_for(s, site_key("甲", "https://xxgk.a.edu.cn:8443/"), "https://xxgk.a.edu.cn:8443/", "甲")
        b = site_for(s, site_key("乙", "http://127.0.0.1:9/gk/"), "http://127.0.0.1:9/gk/", "乙")
        assert a2.id == a.id and a.url == "https://xxgk.a.edu.cn:8443/"
        assert b.id == old.id and b.key == "127.0.0.1|乙"
        run = Run()
        s.add(run)
        s.flush()
        crawl = add_pending_crawl(s, run.id, a.id, "https://xxgk.a.edu.cn:8443/")
        assert isinstance(crawl, Crawl) and crawl.start_url == "https://xxgk.a.edu.cn:8443/"
