"""Retry-After values: seconds or an HTTP date (crawler.retry_after)."""

from __future__ import annotations

from crawler.retry_after import retry_after_seconds


def test_delta_seconds_and_http_dates() -> None:
    assert retry_after_seconds(b"20") == 20.0
    assert retry_after_seconds(" 3 ") == 3.0
    now = 784111777.0  # Sun, 06 Nov 1994 08:49:37 GMT
    assert retry_after_seconds("Sun, 06 Nov 1994 08:50:37 GMT", now=now) == 60.0
    assert retry_after_seconds("Sun, 06 Nov 1994 08:40:37 GMT", now=now) == 0.0  # in the past: at once


def test_unreadable_values_are_ignored() -> None:
    assert retry_after_seconds(None) is None
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(b"-5") is None
