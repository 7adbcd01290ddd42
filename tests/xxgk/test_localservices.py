"""Port ranges for servers that tests stop and restart on the same ports."""

from __future__ import annotations

import socket

from xxgk.localservices import ephemeral_ports, free_port_range


def test_a_restartable_port_range_is_free_and_below_the_ephemeral_ports() -> None:
    low, high = ephemeral_ports()
    assert 1024 < low < high
    for _ in range(20):
        base = free_port_range(5)
        # outgoing connections take their local port from the ephemeral range: a range there can be
        # taken by a client socket while its server is down
        assert base + 5 <= low
        socks = [socket.socket() for _ in range(5)]
        try:
            for i, sock in enumerate(socks):
                sock.bind(("127.0.0.1", base + i))
        finally:
            for sock in socks:
                sock.close()
