"""The latency world: distinct loopback hosts, realistic latency, 429 rate limits, per-host logs."""

from __future__ import annotations

import statistics
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from xxgk.samples.latency import LatencyModel, LatencyServer, host_address, window_peak
from xxgk.samples.v3 import generate_set


@pytest.fixture(scope="module")
def v3_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_set(tmp_path_factory.mktemp("v3"), "dev").parent


def _get(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=20) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def test_profiles_are_log_normal_with_a_slow_tail() -> None:
    profiles = LatencyModel().draw(2000, seed=19)
    medians = sorted(p.median for p in profiles)
    assert 0.25 < statistics.median(medians) < 0.5
    assert medians[int(0.95 * len(medians))] > 1.0  # the slow tail
    assert medians[-1] <= 6.0 and medians[0] >= 0.05
    assert 0.05 < sum(1 for p in profiles if p.rate) / len(profiles) < 0.15
    assert LatencyModel().draw(50, seed=19) == LatencyModel().draw(50, seed=19)


def test_host_addresses_are_distinct_and_never_the_usual_loopback() -> None:
    addresses = {host_address(i) for i in range(2000)}
    assert len(addresses) == 2000
    assert "127.0.0.1" not in addresses and all(a.startswith("127.1.") for a in addresses)


def test_each_host_serves_its_portal_and_logs_its_requests(v3_world: Path) -> None:
    with LatencyServer(v3_world, 10, model=LatencyModel(scale=0.0, limited_share=0.0)) as server:
        urls = list(server.urls.values())
        assert len(set(urls)) == 10
        status, body, headers = _get(urls[0])
        assert status == 200 and b"<html" in body.lower()
        assert _get(urls[1] + "no/such/page.htm")[0] == 404
        # host 8 serves the same portal as host 0 (8 portals), under its own address
        assert _get(urls[8])[1].replace(urls[8].encode()[:-1], b"") == body.replace(urls[0].encode()[:-1], b"")
    assert len(server.logs[host_address(0)].times) == 1
    assert server.logs[host_address(1)].statuses == [404]


def test_latency_is_applied_per_host(v3_world: Path) -> None:
    model = LatencyModel(scale=1.0, limited_share=0.0, stall_p=0.0)
    with LatencyServer(v3_world, 3, model=model) as server:
        url = server.urls[next(iter(server.urls))]
        t0 = time.perf_counter()
        _get(url)
        took = time.perf_counter() - t0
    median = server.profiles[0].median
    assert took >= median * 0.2  # jitter σ 0.35: a draw below a fifth of the median is ~1e-5 likely


def test_a_rate_limited_host_answers_429_with_retry_after(v3_world: Path) -> None:
    model = LatencyModel(scale=0.0, limited_share=1.0, limit_rate=1.0)
    with LatencyServer(v3_world, 1, model=model) as server:
        url = next(iter(server.urls.values()))
        answers = [_get(url) for _ in range(6)]  # burst of 3, then refused
    codes = [a[0] for a in answers]
    assert codes[:3] == [200, 200, 200] and 429 in codes[3:]
    assert next(a[2] for a in answers if a[0] == 429)["Retry-After"] == "2"


def test_window_peak() -> None:
    assert window_peak([], 1.0) == 0
    assert window_peak([0.0, 0.5, 0.99, 1.0, 3.0], 1.0) == 3
    assert window_peak([0.0, 1.0, 2.0], 1.0) == 1


def test_every_kth_host_serves_the_js_portal(v3_world: Path, tmp_path: Path) -> None:
    from xxgk.samples.latency import js_portals, js_world

    js_dir = js_world(tmp_path / "js")
    assert [p["slug"] for p in js_portals(js_dir)] == ["g02"]  # the Empire portal with a script-written menu
    model = LatencyModel(scale=0.0, limited_share=0.0)
    with LatencyServer(v3_world, 9, model=model, js_dir=js_dir, js_every=3) as server:
        names = list(server.urls)
        assert [server.is_js(i) for i in range(9)] == [False, False, True] * 3
        assert all(names[i].startswith("g02-") for i in (2, 5, 8))
        assert not any(n.startswith("g02-") for i, n in enumerate(names) if i % 3 != 2)
        status, body, _ = _get(server.urls[names[2]] + "xxgk/index.html")
        assert status == 200
        assert b"chnlMenus" in body and b"self.xxgk.invalid" not in body  # the menu a script writes
        status, body, _ = _get(server.urls[names[0]])
        assert status == 200 and b"chnlMenus" not in body
