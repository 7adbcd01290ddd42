"""CrawlSettings: strict for what a user types, lenient for what an older run stored."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from xxgk.config import AuditConfig
from xxgk.errors import UserError
from xxgk.settings import RUN_CONFIG_KEY, CrawlSettings, read_settings_file
from xxgk.store import Run, session_factory


def xxgk(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}  # help text on one line per option
    return subprocess.run([sys.executable, "-m", "xxgk", *args], capture_output=True, text=True, timeout=300, env=env)


def test_one_default_per_setting_and_the_run_stores_them_all():
    stored = AuditConfig().as_dict()[RUN_CONFIG_KEY]
    assert stored["max_seconds"] == 1800 and stored["max_pages"] == 5000
    assert set(stored) == set(CrawlSettings.model_fields)
    assert CrawlSettings.of_run({RUN_CONFIG_KEY: stored}) == CrawlSettings()


def test_an_old_runs_settings_load_with_warnings(caplog):
    old = {"mode": "ranking", RUN_CONFIG_KEY: {"max_pages": 10, "max_seconds": 60, "obey_robots": False,
                                               "crawl_budget": 3, "timeout": "soon"}}
    with caplog.at_level(logging.WARNING, logger="xxgk.settings"):
        got = CrawlSettings.of_run(old, run_id=7)
    assert (got.max_pages, got.max_seconds, got.obey_robots) == (10, 60, False)
    assert got.timeout == CrawlSettings().timeout and got.max_depth == CrawlSettings().max_depth
    warned = " / ".join(r.getMessage() for r in caplog.records)
    assert "run 7 crawl settings: ignoring unknown setting 'crawl_budget'" in warned
    assert "timeout='soon' is not valid, using the default" in warned
    assert CrawlSettings.of_run({}) == CrawlSettings() == CrawlSettings.of_run(None)
    assert CrawlSettings.of_run({RUN_CONFIG_KEY: ["not", "a", "mapping"]}) == CrawlSettings()


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"max_pages": 0}, "max_pages", "greater than or equal to 1, got 0"),
    ({"delay": "slow"}, "delay", "valid number"),
    ({"log_level": "LOUD"}, "log_level", "'LOUD'"),
    ({"max_pagez": 5}, "max_pagez", "unknown crawl setting"),
])
def test_a_bad_value_a_user_gave_is_one_line_naming_the_field(values, field, words):
    with pytest.raises(UserError) as err:
        CrawlSettings.parse(values, source="crawl.toml")
    assert err.value.field == field and words in str(err.value)
    assert str(err.value).startswith(f"crawl.toml: {field}: ") and "\n" not in str(err.value)


def test_parse_accepts_what_a_file_or_json_gives():
    got = CrawlSettings.parse({"max_pages": "12", "fetch_articles": "false", "workers": None})
    assert (got.max_pages, got.fetch_articles, got.workers) == (12, False, None)
    assert CrawlSettings.coerce(got) is got and CrawlSettings.coerce(None) == CrawlSettings()


def test_settings_file_errors_name_the_file(tmp_path):
    with pytest.raises(UserError, match="settings file not found"):
        read_settings_file(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("max_pages = 10\nmax_depth =\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"bad\.toml: not valid TOML: .*line 2"):
        read_settings_file(bad)
    nested = tmp_path / "nested.toml"
    nested.write_text("[crawl]\nmax_pages = 10\n", encoding="utf-8")
    with pytest.raises(UserError, match="nested.toml: crawl: crawl settings are top-level"):
        read_settings_file(nested)


def test_cli_bad_settings_are_one_line(tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text("name,url\n甲大学,http://127.0.0.1:9/\n", encoding="utf-8")
    db = str(tmp_path / "db.sqlite")
    res = xxgk("audit", str(sites), "--db", db, "--max-pages", "0")
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        "error: --max-pages: Input should be greater than or equal to 1, got 0"]
    conf = tmp_path / "crawl.toml"
    conf.write_text('max_depth = "deep"\n', encoding="utf-8")
    res = xxgk("audit", str(sites), "--db", db, "--settings", str(conf))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.strip().splitlines() == [
        f"error: {conf}: max_depth: Input should be a valid integer, unable to parse string as an integer, "
        "got 'deep'"]
    assert not (tmp_path / "db.sqlite").exists()  # rejected before a run was created


def test_cli_help_shows_the_models_defaults():
    res = xxgk("audit", "--help")
    assert "[default: 5000]" in res.stdout and "[default: 1800]" in res.stdout


def test_cli_maps_file_and_typed_flags_into_the_stored_run(tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text("name,url\n甲大学,http://127.0.0.1:9/\n", encoding="utf-8")  # refused at once
    conf = tmp_path / "crawl.toml"
    conf.write_text("max_pages = 7\nmax_depth = 3\nretries = 0\nmax_seconds = 99\n", encoding="utf-8")
    db = tmp_path / "db.sqlite"
    res = xxgk("audit", str(sites), "--db", str(db), "--out", str(tmp_path / "out"), "--quiet",
               "--settings", str(conf), "--max-pages", "9", "--ignore-robots")
    assert res.returncode == 0, res.stderr[-2000:]
    with session_factory(f"sqlite:///{db}")() as s:
        stored = s.get(Run, 1).config[RUN_CONFIG_KEY]
    got = CrawlSettings.of_run({RUN_CONFIG_KEY: stored})
    # typed flags win over the file; the file wins over defaults, also for a flag left at its default
    assert (got.max_pages, got.max_depth, got.retries, got.max_seconds, got.obey_robots) == (9, 3, 0, 99, False)
    assert set(stored) == set(CrawlSettings.model_fields)
