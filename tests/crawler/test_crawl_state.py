"""The crawl's shared state is one explicit object: every field has a local and a Redis-backed
implementation, and a spider attribute that is neither shared state nor declared per-worker fails here
(so a new field cannot silently stay per-worker in request-level distributed crawls)."""

from __future__ import annotations

import inspect

from crawler.distributed.crawlstate import COUNTERS, SharedCrawlState
from crawler.spiders.portal import PortalSpider
from crawler.spiders.state import COUNTER_FIELDS, PER_WORKER, SHARED_FIELDS, LocalCrawlState


def test_local_state_holds_exactly_the_shared_fields() -> None:
    assert set(vars(LocalCrawlState("http://x.gov.cn/", {}))) == set(SHARED_FIELDS)


def test_shared_state_implements_every_field() -> None:
    source = inspect.getsource(SharedCrawlState)
    for name in SHARED_FIELDS:
        assert isinstance(getattr(SharedCrawlState, name, None), property) or f"self.{name} =" in source, name
    assert COUNTERS == COUNTER_FIELDS


def test_spider_attributes_are_shared_state_or_declared_per_worker() -> None:
    spider = PortalSpider(crawl_id=1, site_id=1, start_url="http://x.gov.cn/", limits={})
    own = set(vars(spider)) - {"crawl_state"}
    undeclared = sorted(own - PER_WORKER - set(SHARED_FIELDS))
    assert not undeclared, f"declare these in crawler/spiders/state.py (shared or per-worker): {undeclared}"
    assert not own & set(SHARED_FIELDS)  # shared fields live on the state object, not the spider
    spider.columns["k"] = "v"  # type: ignore[assignment]
    assert spider.crawl_state.columns == {"k": "v"}
