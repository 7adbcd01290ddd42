"""One crawl's spider state in Redis, for request-level distributed crawls.

The portal spider keeps its crawl state in plain sets and dicts (`requested`, `url_key`, `columns`,
`col_pages`, `skip_keys`, `scope`, counters, facts). `SharedState` gives a spider the same shapes over
Redis keys `<ns>:c:<crawl id>:…`: reads go to Redis (members found are cached: nothing is ever removed),
writes are buffered as Redis commands and applied by `RequestQueue.commit` in the same Lua script that
marks the request done and queues its children. So a request's effects on the shared state land
exactly once, together with its children, or not at all (its worker died: the request is re-delivered
and recomputes them).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from typing import Any

import redis

from crawler.extract.html import Scope
from crawler.records import ColumnRecord
from crawler.spiders.state import COUNTER_FIELDS

COUNTERS = COUNTER_FIELDS


class SharedState:
    """Buffered writes and cached reads of one crawl's keys; `begin` starts a request's view."""

    def __init__(self, r: redis.Redis, namespace: str, crawl_id: int) -> None:
        self.r = r
        self.prefix = f"{namespace}:c:{crawl_id}:"
        self.ops: list[list[Any]] = []
        self.counters: dict[str, int] = {}
        self.deltas: dict[str, int] = {}
        self.meta: dict[str, str] = {}
        self.meta_set: dict[str, tuple[str, bool]] = {}  # name → (value, only if unset)
        self.views: list[Any] = []  # shared structures whose cached adds wait for the commit

    def key(self, name: str) -> str:
        return self.prefix + name

    def begin(self) -> tuple[list[str], list[str]]:
        """Start a request: fresh write buffer, counters and crawl facts read in one round trip;
        returns (scope URLs, skip keys) for the spider to refresh its views."""
        self.ops = []
        self.deltas = {}
        self.meta_set = {}
        for view in self.views:  # an earlier request that never committed: forget its adds
            view.pending.clear()
            view.absent.clear()
        pipe = self.r.pipeline(transaction=False)
        pipe.hgetall(self.key("n"))
        pipe.hgetall(self.key("m"))
        pipe.lrange(self.key("scope"), 0, -1)
        pipe.smembers(self.key("skip"))
        n, m, scope, skip = pipe.execute()
        self.counters = {k.decode(): int(v) for k, v in n.items()}
        self.meta = {k.decode(): v.decode() for k, v in m.items()}
        return [u.decode() for u in scope], [k.decode() for k in skip]

    def take_ops(self) -> list[list[Any]]:
        """The buffered writes of this request (counters and facts included); clears the buffer."""
        ops = self.ops
        for name, delta in self.deltas.items():
            if delta:
                ops.append(["HINCRBY", self.key("n"), name, delta])
        for name, (value, nx) in self.meta_set.items():
            ops.append(["HSETNX" if nx else "HSET", self.key("m"), name, value])
        self.ops, self.deltas, self.meta_set = [], {}, {}
        return ops

    def committed(self) -> None:
        """The request's writes are in Redis: its adds become known for later requests."""
        for view in self.views:
            view.confirm()

    # ---- counters and crawl-level values ----------------------------------------------------

    def counter(self, name: str) -> int:
        return self.counters.get(name, 0) + self.deltas.get(name, 0)

    def set_counter(self, name: str, value: int) -> None:
        self.deltas[name] = value - self.counters.get(name, 0)

    def get(self, name: str) -> str | None:
        if name in self.meta_set:
            return self.meta_set[name][0]
        return self.meta.get(name)

    def put(self, name: str, value: str | None, *, first: bool = False) -> None:
        """Set a crawl-level value (first=True: only if no worker set it yet)."""
        if value is None:
            return
        if first and self.get(name) is not None:
            return
        self.meta_set[name] = (value, first)


class SharedSet:
    """A set over a Redis set: membership asked once per member, adds buffered until the commit."""

    def __init__(self, state: SharedState, name: str) -> None:
        self.state = state
        self.key = state.key(name)
        self.known: set[str] = set()  # in Redis
        self.pending: set[str] = set()  # added by the request in progress
        self.absent: set[str] = set()  # not in Redis when this request looked (prefetched)
        state.views.append(self)

    def confirm(self) -> None:
        self.known |= self.pending
        self.pending.clear()

    def prefetch(self, pipe: Any, members: list[str]) -> Any:
        """Queue one SMISMEMBER on `pipe`; the returned function records its answer."""
        todo = [m for m in members if m not in self.known and m not in self.pending]
        if todo:
            pipe.smismember(self.key, todo)

        def record(answer: list[int]) -> None:
            for m, hit in zip(todo, answer, strict=True):
                (self.known if hit else self.absent).add(m)

        return record if todo else None

    def __contains__(self, member: object) -> bool:
        if member in self.known or member in self.pending:
            return True
        if member in self.absent:
            return False
        if self.state.r.sismember(self.key, member):  # type: ignore[arg-type]
            self.known.add(member)  # type: ignore[arg-type]
            return True
        return False

    def add(self, member: str) -> None:
        if member not in self.known and member not in self.pending:
            self.pending.add(member)
            self.state.ops.append(["SADD", self.key, member])

    def __ior__(self, members: Iterable[str]) -> SharedSet:
        for m in members:
            self.add(m)
        return self

    def __len__(self) -> int:
        return int(self.state.r.scard(self.key)) + len(self.pending)

    def __iter__(self) -> Iterator[str]:
        return iter({m.decode() for m in self.state.r.smembers(self.key)} | self.pending)


class SharedHash:
    """A str → str dict over a Redis hash (values never change once set, so they are cached)."""

    def __init__(self, state: SharedState, name: str) -> None:
        self.state = state
        self.key = state.key(name)
        self.known: dict[str, str] = {}
        self.pending: dict[str, str] = {}
        self.absent: set[str] = set()
        state.views.append(self)

    def confirm(self) -> None:
        self.known.update(self.pending)
        self.pending.clear()

    def prefetch(self, pipe: Any, fields: list[str]) -> Any:
        """Queue one HMGET on `pipe`; the returned function records its answer."""
        todo = [f for f in fields if f not in self.known and f not in self.pending]
        if todo:
            pipe.hmget(self.key, todo)

        def record(answer: list[bytes | None]) -> None:
            for f, raw in zip(todo, answer, strict=True):
                if raw is None:
                    self.absent.add(f)
                else:
                    self.known[f] = raw.decode()

        return record if todo else None

    def _load(self, field: str) -> str | None:
        if field in self.pending:
            return self.pending[field]
        if field in self.known:
            return self.known[field]
        if field in self.absent:
            return None
        raw = self.state.r.hget(self.key, field)
        if raw is None:
            return None
        self.known[field] = raw.decode()
        return self.known[field]

    def __contains__(self, field: object) -> bool:
        return isinstance(field, str) and self._load(field) is not None

    def __getitem__(self, field: str) -> str:
        value = self._load(field)
        if value is None:
            raise KeyError(field)
        return value

    def get(self, field: str, default: Any = None) -> Any:
        value = self._load(field)
        return default if value is None else value

    def __setitem__(self, field: str, value: Any) -> None:
        self.pending[field] = str(value)
        self.state.ops.append(["HSET", self.key, field, str(value)])


class SharedDepths(SharedHash):
    """Column key → depth of its first page (ints)."""

    def get(self, field: str, default: Any = None) -> Any:
        value = self._load(field)
        return default if value is None else int(value)


class SharedColumns(SharedHash):
    """Column key → `ColumnRecord` (as JSON); `put` writes back a record whose status changed."""

    def __init__(self, state: SharedState, name: str) -> None:
        super().__init__(state, name)
        self.records: dict[str, ColumnRecord] = {}

    def __getitem__(self, field: str) -> ColumnRecord:  # type: ignore[override]
        rec = self.records.get(field)
        if rec is None:
            rec = self.records[field] = ColumnRecord(**json.loads(super().__getitem__(field)))
        return rec

    def __setitem__(self, field: str, rec: ColumnRecord) -> None:  # type: ignore[override]
        self.records[field] = rec
        self.put(rec)

    def put(self, rec: ColumnRecord) -> None:
        raw = json.dumps(rec.__dict__, ensure_ascii=False)
        self.pending[rec.key] = raw
        self.state.ops.append(["HSET", self.key, rec.key, raw])

    def confirm(self) -> None:
        super().confirm()
        self.records = {k: v for k, v in self.records.items() if k in self.known}


class SharedColumnPages:
    """Column key → the set of its list-page URLs already requested (`col_pages`)."""

    def __init__(self, state: SharedState) -> None:
        self.state = state
        self.sets: dict[str, SharedSet] = {}

    def _set(self, key: str) -> SharedSet:
        s = self.sets.get(key)
        if s is None:
            s = self.sets[key] = SharedSet(self.state, "seen:" + key)
        return s

    def __setitem__(self, key: str, urls: Iterable[str]) -> None:
        self._set(key).__ior__(urls)

    def setdefault(self, key: str, default: Iterable[str]) -> SharedSet:
        # the spider adds the page itself right after: adding the default always is the same
        s = self._set(key)
        s |= default
        return s


class SharedScope(Scope):
    """The crawl's scope: its start URL plus hosts any worker added (a Redis list, re-read per request)."""

    def __init__(self, state: SharedState, start_url: str) -> None:
        self.state = state
        self.start_url = start_url
        super().__init__(start_url)

    def add(self, url: str) -> None:
        if url not in self:
            self.state.ops.append(["RPUSH", self.state.key("scope"), url])
        Scope.add(self, url)

    def refresh(self, urls: list[str]) -> None:
        """Start a request from what Redis holds (an uncommitted request's adds are forgotten)."""
        self.netlocs, self.domains = set(), set()
        for url in [self.start_url, *urls]:
            Scope.add(self, url)


class SharedSkip(set):
    """Portal / home page keys (never columns): re-read per request, adds buffered."""

    def __init__(self, state: SharedState) -> None:
        super().__init__()
        self.state = state

    def refresh(self, keys: list[str]) -> None:
        set.clear(self)
        set.update(self, keys)

    def add(self, key: str) -> None:  # type: ignore[override]
        if key not in self:
            self.state.ops.append(["SADD", self.state.key("skip"), key])
        set.add(self, key)

    def __ior__(self, keys: Iterable[str]) -> SharedSkip:  # type: ignore[override]
        for k in keys:
            self.add(k)
        return self


class SharedFacts(dict):
    """Site facts: every write is also buffered for the crawl's `facts` hash."""

    def __init__(self, state: SharedState, initial: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.state = state
        for k, v in (initial or {}).items():
            self[k] = v

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, value)
        self.state.ops.append(["HSET", self.state.key("facts"), name, json.dumps(value, ensure_ascii=False)])

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        for k, v in dict(*args, **kwargs).items():
            self[k] = v


def prefetch(state: SharedState, lookups: list[tuple[Any, list[str]]]) -> None:
    """Answer many membership questions in one round trip (e.g. every link of a page)."""
    pipe = state.r.pipeline(transaction=False)
    records = [view.prefetch(pipe, list(dict.fromkeys(items))) for view, items in lookups]
    answers = iter(pipe.execute()) if any(records) else iter(())
    for rec in records:
        if rec is not None:
            rec(next(answers))


def wall_t0(state: SharedState) -> float:
    """The crawl's start (epoch seconds), as the start task recorded it."""
    return float(state.get("t0") or time.time())


def _counter_field(name: str) -> property:
    def get(self: SharedCrawlState) -> int:
        return self.state.counter(name)

    def put(self: SharedCrawlState, value: int) -> None:
        self.state.set_counter(name, value)

    return property(get, put)


def _value_field(name: str, first: bool) -> property:
    def get(self: SharedCrawlState) -> Any:
        return self.state.get(name)

    def put(self: SharedCrawlState, value: Any) -> None:
        self.state.put(name, value, first=first)

    return property(get, put)


class SharedCrawlState:
    """`crawler.spiders.state.LocalCrawlState`'s fields over Redis: every field of `SHARED_FIELDS`
    is a view here (sets, hashes, counters, first-writer-wins values)."""

    scheduled = _counter_field("scheduled")
    articles_requested = _counter_field("articles_requested")
    attachments_requested = _counter_field("attachments_requested")
    rendered_requested = _counter_field("rendered_requested")
    candidates_requested = _counter_field("candidates_requested")
    unread_pages = _counter_field("unread_pages")
    stop_reason = _value_field("stop_reason", first=True)
    failed = _value_field("failed", first=False)
    portal_url = _value_field("portal_url", first=False)
    search_query = _value_field("search_query", first=True)

    def __init__(self, state: SharedState, start_url: str, facts: dict[str, Any]) -> None:
        self.state = state
        self.scope = SharedScope(state, start_url)
        self.columns = SharedColumns(state, "cols")
        self.url_key = SharedHash(state, "urlkey")
        self.col_pages = SharedColumnPages(state)
        self.col_depth = SharedDepths(state, "depth")
        self.requested = SharedSet(state, "req")
        self.skip_keys = SharedSkip(state)
        self.facts = SharedFacts(state, facts)

    @property
    def search_form(self) -> dict[str, Any] | None:
        raw = self.state.get("search_form")
        return json.loads(raw) if raw else None

    @search_form.setter
    def search_form(self, value: dict[str, Any] | None) -> None:
        if value is not None:
            self.state.put("search_form", json.dumps(value, ensure_ascii=False), first=True)
