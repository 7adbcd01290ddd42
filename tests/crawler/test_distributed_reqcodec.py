"""Request mode keeps requests in Redis as JSON (`reqcodec`), never pickle.

Every kind of request the portal spider makes round-trips with its callbacks, meta (tuples, `ApiCall`,
browser steps), headers and body; a planted pickle, bad JSON or an unknown callback or class is dropped
with one logged line and never run — checked through the real queue and dispatcher on a real Redis.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import pickle

import pytest
import scrapy

from crawler.cms import by_name
from crawler.distributed import reqcodec
from crawler.distributed.rqueue import Child, RequestQueue
from crawler.distributed.rscheduler import Dispatcher
from crawler.extract.types import ApiCall
from crawler.spiders.portal import PortalSpider
from xxgk.store import Crawl, Run, Site, session_factory

URL = "http://127.0.0.1:9/"


def _crawl(db_url: str) -> tuple[int, int]:
    with session_factory(db_url).begin() as s:
        run, site = Run(label="codec", config={"mode": "ranking"}), Site(url=URL, name="x")
        s.add_all([run, site])
        s.flush()
        crawl = Crawl(run_id=run.id, site_id=site.id)
        s.add(crawl)
        s.flush()
        return run.id, crawl.id


@pytest.fixture()
def ctx(tmp_path, redis_url):
    db_url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    run_id, crawl_id = _crawl(db_url)
    queue = RequestQueue(redis_url, f"codec-{os.getpid()}-{tmp_path.name}")
    dispatcher = Dispatcher(queue, session_factory(db_url))
    context = dispatcher.context(crawl_id, run_id)
    assert context is not None
    yield dispatcher, context
    for key in queue.r.scan_iter(f"{queue.ns}:*"):
        queue.r.delete(key)


def _every_kind(spider) -> list[scrapy.Request]:
    """One request of each kind, built by the spider's own request builders where it has them."""
    spider.browser, spider.max_rendered = True, 10
    adapter = by_name("generic")
    reqs = [
        spider._request(URL, spider.parse_start, 0, kind="home"),
        spider._request(URL + "xxgk/", spider.parse_portal, 1, kind="portal"),
        spider._request(URL + "hop", spider.parse_hop, 1, kind="other", hop={"url": URL + "hop", "n": 1}),
        spider._request(URL + "col/", spider.parse_column, 2, kind="list", column="c1", first=True),
        spider._request(URL + "cand/", spider.parse_candidate, 2, kind="candidate",
                        cand={"node": {"url": URL + "cand/", "name": "机构职能", "children": []},
                              "parent": None, "names": ["机构职能", "领导信息"]}),
        spider._request(URL + "a.htm", spider.parse_article, 3, kind="article", column="c1",
                        item_url=URL + "a.htm", listed_title="关于印发《办法》的通知"),
        spider._request(URL + "f.pdf", spider.parse_attachment, 4, kind="attachment", item_url=URL + "a.htm",
                        att_name="附件1.pdf", att_type="pdf", listed_title="通知"),
        spider._api_request(ApiCall(URL + "dataproxy.jsp", "POST", form={"page": "2", "col": "1"},
                                    state={"page": 2, "span": (1, 20), "names": ["一", "二"]}),
                            "c2", adapter, 2, first=True),
        spider._api_request(ApiCall(URL + "api.json", form={"p": "1"}), "c3", adapter, 2),
        spider._render(URL + "js/", 2, "empty list", role="list", column="c4"),
        spider._check(URL + "dead", "HEAD", True),
        spider._check("http://example.invalid/x", "HEAD", False),
        scrapy.FormRequest(URL + "search", formdata={"q": "信息公开", "t": "1"}, callback=spider.parse_search,
                           errback=spider.search_error, meta={"kind": "search", "handle_httpstatus_all": True},
                           dont_filter=True),
    ]
    assert all(r is not None for r in reqs)
    reqs[0].headers["Referer"] = URL + "中文".encode().decode("latin-1")  # raw bytes in a header survive
    reqs[0].cb_kwargs["extra"] = ("a", 1)
    reqs[9].meta["playwright_page_init_callback"] = lambda page, request: None  # cannot travel: left out
    return reqs


def test_every_request_kind_round_trips(ctx) -> None:
    _dispatcher, context = ctx
    spider = context.spider
    for req in _every_kind(spider):
        raw = reqcodec.dumps(context.crawl_id, context.run_id, req, spider)
        assert b"\x80" not in raw[:2] and json.loads(raw)["crawl"] == context.crawl_id  # JSON, not a pickle
        got = reqcodec.decode(reqcodec.loads(raw)["request"], spider)
        assert type(got) is type(req)
        assert (got.url, got.method, got.body, got.priority, got.dont_filter) == \
               (req.url, req.method, req.body, req.priority, req.dont_filter)
        assert got.headers == req.headers
        assert got.callback == req.callback and got.errback == req.errback  # bound to the same spider
        meta = {k: v for k, v in req.meta.items() if k != "playwright_page_init_callback"}
        if "playwright_page_methods" in meta:
            pm, = got.meta.pop("playwright_page_methods")
            want, = meta.pop("playwright_page_methods")
            assert (pm.method, pm.args, pm.kwargs) == (want.method, want.args, want.kwargs)
        assert got.meta == meta
        assert got.cb_kwargs == req.cb_kwargs
    api = [r for r in _every_kind(spider) if r.meta.get("kind") == "api"][0]
    call = reqcodec.decode(json.loads(reqcodec.dumps(1, 1, api, spider))["request"], spider).meta["call"]
    assert isinstance(call, ApiCall) and call.state["span"] == (1, 20)


def test_every_handler_of_the_spider_may_be_named_and_nothing_else() -> None:
    handlers = {name for name, _ in inspect.getmembers(PortalSpider, inspect.isfunction)
                if name.startswith("parse_") or name.endswith("_error")}
    assert handlers <= reqcodec.CALLBACKS
    assert all(callable(getattr(PortalSpider, name, None)) for name in reqcodec.CALLBACKS)


def _good(context) -> dict:
    req = context.spider._request(URL + "x", context.spider.parse_column, 1, kind="list", column="c")
    return json.loads(reqcodec.dumps(context.crawl_id, context.run_id, req, context.spider))


class Boom:
    """Unpickling this runs code: it must never happen in a worker."""

    def __reduce__(self):
        return (os.system, ("touch /tmp/xxgk-pwned-by-pickle",))


def _bad_entries(context) -> dict[str, bytes]:
    env = _good(context)
    unknown_cb = json.loads(json.dumps(env))
    unknown_cb["request"]["callback"] = "close"  # a real spider method, but no request handler
    dunder = json.loads(json.dumps(env))
    dunder["request"]["errback"] = "__init__"
    klass = json.loads(json.dumps(env))
    klass["request"]["class"] = "os.system"
    step = json.loads(json.dumps(env))
    step["request"]["meta"]["playwright_page_methods"] = [{"__xxgk__": "PageMethod", "v": ["evaluate", ["1"], {}]}]
    body = json.loads(json.dumps(env))
    body["request"]["body"] = "not base64!"
    legacy = pickle.dumps({"crawl": context.crawl_id, "run": context.run_id, "request": Boom()})
    return {"pickle": legacy, "pickle-proto0": pickle.dumps(Boom(), protocol=0), "garbage": b"\xff\xfe{",
            "json-list": b"[1, 2]", "unknown callback": json.dumps(unknown_cb).encode(),
            "dunder errback": json.dumps(dunder).encode(), "class": json.dumps(klass).encode(),
            "browser step": json.dumps(step).encode(), "body": json.dumps(body).encode()}


def test_bad_entries_are_refused_by_the_codec(ctx) -> None:
    _dispatcher, context = ctx
    for name, raw in _bad_entries(context).items():
        with pytest.raises(reqcodec.BadEntry):
            reqcodec.decode(reqcodec.loads(raw)["request"], context.spider)
            pytest.fail(f"{name}: accepted")


def test_planted_entries_in_the_queue_are_dropped_never_run(ctx, caplog, tmp_path) -> None:
    """Entries pushed straight into Redis: the dispatcher pops each, logs one line and drops it;
    a pickle is never unpickled (its payload would create a file), and the crawl's counter is intact."""
    dispatcher, context = ctx
    queue = dispatcher.queue
    marker = "/tmp/xxgk-pwned-by-pickle"
    if os.path.exists(marker):
        os.unlink(marker)
    bad = _bad_entries(context)
    good = reqcodec.dumps(context.crawl_id, context.run_id, _request(context), context.spider)
    queue.commit(context.crawl_id, "", [], [Child(f"bad-{i}", "127.0.0.1:9", float(i), "", raw)
                                            for i, raw in enumerate(bad.values())]
                 + [Child("good", "127.0.0.1:9", 100.0, "", good)])
    outstanding = int(queue.r.hget(queue.crawl_key(context.crawl_id, "n"), "outstanding") or 0)
    queue.host_limit = 0
    taken = []
    with caplog.at_level(logging.ERROR, logger="crawler.distributed.rscheduler"):
        for _ in range(len(bad) + 1):
            popped = queue.pop()
            assert popped is not None
            req = dispatcher.take(popped)
            if req is not None:
                taken.append((popped.id, req))
    assert not os.path.exists(marker), "a queued pickle was unpickled"
    assert [i for i, _ in taken] == ["good"]  # only the well-formed request runs
    assert taken[0][1].url == URL + "y"
    lines = [r for r in caplog.records if "dropping queue entry" in r.getMessage()]
    assert len(lines) == len(bad) and all("\n" not in r.getMessage() for r in lines)
    assert queue.pop() is None and queue.r.hlen(f"{queue.ns}:entries") == 1  # only the good one is left
    # entries that named this crawl were committed (its counter went down), foreign ones just dropped
    left = int(queue.r.hget(queue.crawl_key(context.crawl_id, "n"), "outstanding") or 0)
    named = sum(1 for raw in bad.values() if raw[:1] == b"{")
    assert left == outstanding - named


def _request(context) -> scrapy.Request:
    return context.spider._request(URL + "y", context.spider.parse_column, 1, kind="list", column="c")


def test_legacy_pickle_bytes_are_not_json() -> None:
    raw = pickle.dumps({"a": 1})
    with pytest.raises(reqcodec.BadEntry):
        reqcodec.loads(raw)
