"""Requests in Redis as JSON, never pickle: a Redis that others can reach must not run code in workers.

An entry is a JSON object `{"v": 1, "crawl": id, "run": id, "request": {...}}`. The request holds what a
worker needs to send it again and call back the crawl's spider: url, method, headers (latin-1 strings,
lossless for header bytes), body (base64), encoding, priority, dont_filter, flags, the JSON-safe part of
`meta` and `cb_kwargs`, the request class (`Request` or `FormRequest`, nothing else) and the names of
its callback and errback, which must be among `CALLBACKS`: a name is looked up on the spider only when
it is one of the spider's own request handlers, so a crafted entry cannot call anything else.

Meta values that JSON cannot hold are tagged: tuples, the adapters' `ApiCall` and scrapy-playwright's
`PageMethod` (by its method name, one of the waits in `PAGE_METHODS`, and JSON-safe arguments). Anything else is left out with a warning.
A malformed entry raises `BadEntry`: the worker logs one line and drops it, never runs it.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import logging
from typing import Any

from scrapy import FormRequest, Request

from crawler.extract.types import ApiCall

log = logging.getLogger(__name__)
VERSION = 1
# Every spider method a request may name as its callback or errback (tests/crawler: each request kind
# the spider makes round-trips). A name outside this set is refused, whatever the spider has.
CALLBACKS = frozenset({
    "parse_start", "parse_portal", "parse_hop", "parse_column", "parse_api", "parse_candidate",
    "parse_article", "parse_attachment", "parse_rendered", "parse_check", "parse_search",
    "on_error", "on_render_error", "check_error", "search_error",
})
CLASSES: dict[str, type[Request]] = {"Request": Request, "FormRequest": FormRequest}
# browser steps a queued request may ask for (waits only: a crafted entry cannot make pages run scripts)
PAGE_METHODS = frozenset({"wait_for_load_state", "wait_for_timeout", "wait_for_selector"})
TAG = "__xxgk__"


class BadEntry(ValueError):
    """A queue entry that is not a request this worker may run (bad JSON, fields, callback or class)."""


def dumps(crawl_id: int, run_id: int, request: Request, spider: Any) -> bytes:
    """The queue entry of `request` of crawl `crawl_id` (callbacks named against `spider`)."""
    envelope = {"v": VERSION, "crawl": crawl_id, "run": run_id, "request": encode(request, spider)}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(raw: bytes) -> dict[str, Any]:
    """The envelope of a queue entry: {"crawl", "run", "request"}; BadEntry unless it is one."""
    try:
        envelope = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadEntry(f"not a JSON request entry ({exc.__class__.__name__})") from None
    if not isinstance(envelope, dict) or envelope.get("v") != VERSION:
        raise BadEntry("not a request entry of this version")
    if not all(isinstance(envelope.get(k), int) and not isinstance(envelope.get(k), bool) for k in ("crawl", "run")):
        raise BadEntry("request entry without crawl and run ids")
    if not isinstance(envelope.get("request"), dict):
        raise BadEntry("request entry without a request")
    return envelope


def encode(request: Request, spider: Any) -> dict[str, Any]:
    """The JSON-safe fields of `request`; ValueError if its callback is not one of the spider's handlers."""
    kind = type(request).__name__
    if CLASSES.get(kind) is not type(request):
        raise ValueError(f"cannot queue a {type(request).__module__}.{kind}")
    return {
        "class": kind,
        "url": request.url,
        "method": request.method,
        "headers": [[_latin1(k), [_latin1(v) for v in vs]] for k, vs in request.headers.items()],
        "body": base64.b64encode(request.body).decode("ascii"),
        "encoding": request.encoding,
        "priority": request.priority,
        "dont_filter": request.dont_filter,
        "flags": [str(f) for f in request.flags],
        "meta": _safe_mapping(request.meta, request.url),
        "cb_kwargs": _safe_mapping(request.cb_kwargs, request.url),
        "callback": _handler_name(spider, request.callback),
        "errback": _handler_name(spider, request.errback),
    }


def decode(data: dict[str, Any], spider: Any) -> Request:
    """A request from `encode`'s fields, its callbacks bound to `spider`; BadEntry on anything unexpected."""
    try:
        cls = CLASSES[data["class"]]
        url, method = data["url"], data["method"]
        if not isinstance(url, str) or not isinstance(method, str):
            raise BadEntry("url and method must be strings")
        headers = [(_bytes(k), [_bytes(v) for v in vs]) for k, vs in data["headers"]]
        body = base64.b64decode(data["body"], validate=True)
        meta, cb_kwargs = _untag(data["meta"]), _untag(data["cb_kwargs"])
        if not isinstance(meta, dict) or not isinstance(cb_kwargs, dict):
            raise BadEntry("meta and cb_kwargs must be objects")
        request = cls(url, method=method, headers=headers, body=body, encoding=str(data["encoding"]),
                      priority=int(data["priority"]), dont_filter=bool(data["dont_filter"]),
                      flags=[str(f) for f in data["flags"]], meta=meta, cb_kwargs=cb_kwargs,
                      callback=_handler(spider, data["callback"]), errback=_handler(spider, data["errback"]))
    except BadEntry:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as exc:
        raise BadEntry(f"malformed request entry ({exc.__class__.__name__}: {exc})") from None
    return request


def _handler_name(spider: Any, fn: Any) -> str | None:
    if fn is None:
        return None
    name = getattr(fn, "__name__", None)
    if name not in CALLBACKS or getattr(getattr(spider, name, None), "__func__", None) is not getattr(fn, "__func__", fn):
        raise ValueError(f"callback {name!r} is not one of the spider's request handlers")
    return name


def _handler(spider: Any, name: Any) -> Any:
    if name is None:
        return None
    if name not in CALLBACKS:
        raise BadEntry(f"unknown callback {str(name)[:80]!r}")
    fn = getattr(spider, name, None)
    if not callable(fn):
        raise BadEntry(f"the spider has no callback {name!r}")
    return fn


def _latin1(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _bytes(value: Any) -> bytes:
    if not isinstance(value, str):
        raise BadEntry("header names and values must be strings")
    return value.encode("latin-1")


def _safe_mapping(values: dict[str, Any], url: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        try:
            out[str(key)] = _tag(value)
        except TypeError as exc:
            log.warning("request %s: meta %r left out of the queue entry (%s)", url, key, exc)
    return out


def _tag(value: Any) -> Any:
    """`value` as JSON-safe data, non-JSON types tagged; TypeError for a type that cannot travel."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [_tag(v) for v in value]
    if isinstance(value, tuple):
        return {TAG: "tuple", "v": [_tag(v) for v in value]}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and TAG not in value:
            return {k: _tag(v) for k, v in value.items()}
        return {TAG: "dict", "v": [[_tag(k), _tag(v)] for k, v in value.items()]}
    if isinstance(value, ApiCall):
        return {TAG: "ApiCall", "v": {f.name: _tag(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if type(value).__name__ == "PageMethod" and type(value).__module__.startswith("scrapy_playwright"):
        return {TAG: "PageMethod", "v": [value.method, _tag(list(value.args)), _tag(dict(value.kwargs))]}
    raise TypeError(f"{type(value).__name__} cannot be queued")


def _untag(value: Any) -> Any:
    """The inverse of `_tag`, building only the tagged types above."""
    if isinstance(value, list):
        return [_untag(v) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value.get(TAG)
    if tag is None:
        return {k: _untag(v) for k, v in value.items()}
    inner = value.get("v")
    if tag == "tuple":
        return tuple(_untag(v) for v in inner)
    if tag == "dict":
        return {_untag(k): _untag(v) for k, v in inner}
    if tag == "ApiCall":
        fields = {f.name for f in dataclasses.fields(ApiCall)}
        return ApiCall(**{k: _untag(v) for k, v in inner.items() if k in fields})
    if tag == "PageMethod":
        from scrapy_playwright.page import PageMethod

        method, args, kwargs = inner
        if method not in PAGE_METHODS:
            raise BadEntry(f"browser step {str(method)[:40]!r} is not allowed")
        return PageMethod(str(method), *_untag(args), **_untag(kwargs))
    raise BadEntry(f"unknown tagged value {str(tag)[:40]!r}")
