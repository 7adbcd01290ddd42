"""SampleServer: serves every portal over 127.0.0.1 from memory; the samples CLI."""

from __future__ import annotations

import csv
import http.client
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from xxgk.samples import generate_world
from xxgk.samples.cli import app
from xxgk.samples.server import SampleServer


@pytest.fixture(scope="module")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    generate_world(out, seed=5, n_universities=3, n_governments=0)
    return out


def _get(conn: http.client.HTTPConnection, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    conn.request(method, path)
    resp = conn.getresponse()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()


def test_serves_each_portal_on_its_own_port(small_world: Path, tmp_path: Path) -> None:
    with SampleServer(small_world) as server:
        assert len(server.urls) == 3
        ports = {urlsplit(u).port for u in server.urls.values()}
        assert len(ports) == 3
        for slug, url in server.urls.items():
            manifest = json.loads((small_world / slug / "manifest.json").read_text(encoding="utf-8"))
            parts = urlsplit(url)
            assert parts.hostname == "127.0.0.1"
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            status, headers, body = _get(conn, "/")
            assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
            assert manifest["name"] in body.decode("utf-8")
            # keep-alive: the same connection serves the next requests
            status, _, body = _get(conn, manifest["portal"])
            assert status == 200 and "基本信息" in body.decode("utf-8")
            col = next(c for c in manifest["columns"] if c["kind"] == "list" and c["items"])
            assert _get(conn, col["url"])[0] == 200
            assert _get(conn, col["items"][0]["url"])[0] == 200
            status, _, body = _get(conn, "/no/such/page.htm")
            assert status == 404 and body
            status, headers, body = _get(conn, col["url"], method="HEAD")
            assert status == 200 and body == b"" and int(headers["content-length"]) > 0
            assert _get(conn, "/manifest.json")[0] == 404  # the ground truth is never served
            conn.close()
        csv_path = server.write_sites_csv(tmp_path / "sites.csv")
        urls = list(server.urls.values())
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert [r["url"] for r in rows] == urls
    assert {r["kind"] for r in rows} == {"university"} and all(r["name"].endswith(("大学", "学院")) for r in rows)


def test_directory_paths_map_to_index(small_world: Path) -> None:
    with SampleServer(small_world) as server:
        trs = next(s for s in server.portals if s["cms"] == "trs")
        parts = urlsplit(server.urls[trs["slug"]])
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        assert _get(conn, "/xxgk/")[0] == 200
        status, headers, _ = _get(conn, "/xxgk")
        assert status == 301 and headers["location"] == "/xxgk/"
        conn.close()
    assert server.urls == {}


def test_base_port_assigns_consecutive_ports(small_world: Path) -> None:
    import socket

    with socket.socket() as probe:  # find a free range start
        probe.bind(("127.0.0.1", 0))
        base = probe.getsockname()[1]
    if base > 65000:
        pytest.skip("ephemeral port too high for a consecutive range")
    try:
        server = SampleServer(small_world, base_port=base).start()
    except OSError:
        pytest.skip("port range busy")
    try:
        assert [urlsplit(u).port for u in server.urls.values()] == [base, base + 1, base + 2]
    finally:
        server.stop()


def test_cli_generate(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["generate", "--out", str(tmp_path / "w"), "--seed", "3", "--count", "3", "--governments", "0"])
    assert result.exit_code == 0, result.output
    world = json.loads((tmp_path / "w" / "world.json").read_text(encoding="utf-8"))
    assert world["seed"] == 3 and len(world["portals"]) == 3
