"""A scheduled audit that judges: a schedule with an assertion file runs a real audit of the sample world,
ends as `violations` with the lines the ground truth predicts, and the webhook receiver and the SMTP
server started here both get the summary."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json

import pytest

from xxgk.localservices import free_port_range
from xxgk.samples import generate_world
from xxgk.samples.server import SampleServer
from xxgk.schedule import add_schedule, run_due
from xxgk.store import Schedule, session_factory, session_scope

pytestmark = pytest.mark.e2e


def test_scheduled_run_fails_its_assertions_and_notifies(tmp_path, receivers):
    hook, inbox = receivers
    world = tmp_path / "world"
    generate_world(world, seed=2024, n_universities=2, n_governments=0)
    portals = json.loads((world / "world.json").read_text(encoding="utf-8"))["portals"]
    truth = {p["name"]: json.loads((world / p["slug"] / "manifest.json").read_text(encoding="utf-8"))["checklist"]
             for p in portals}
    missing = {name: sorted((i for i, t in items.items() if t.get("status") == "fail"), key=int)
               for name, items in truth.items()}
    defective = next(name for name, items in missing.items() if items)
    required = missing[defective][:2]
    rules = tmp_path / "assert.yaml"
    rules.write_text(f"rules:\n  - require_pass: {json.dumps(required)}\nnotify:\n  webhook: {hook.url}\n"
                     f"  email:\n    to: [office@example.org]\n    smtp: '{inbox.address}'\n", encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'xxgk.sqlite'}"
    factory = session_factory(db_url)
    with SampleServer(world, base_port=free_port_range(len(portals))) as server:
        sites = tmp_path / "sites.csv"
        server.write_sites_csv(sites)
        now = dt.datetime(2026, 12, 1, 1, 59)
        with session_scope(factory) as s:
            add_schedule(s, "monthly", "0 2 1 * *", sites, "moe-university-checklist-2014", tmp_path / "out",
                         tz="Asia/Shanghai", assertions=rules, now=now)
        results = run_due(factory, db_url, now=dt.datetime(2027, 1, 2))
    assert [(r.name, r.status) for r in results] == [("monthly", "violations")]
    names = {i: truth[defective][i].get("name", "") for i in required}
    expected = [f"{rules}:2: {defective}: item {i} " for i in required]
    lines = results[0].error.split("; ")
    assert [ln[: len(e)] for ln, e in zip(lines, expected, strict=True)] == expected, (lines, names)
    assert all(ln.endswith(f": fail (require_pass {'、'.join(required)})") for ln in lines)
    with session_scope(factory) as s:
        row = s.query(Schedule).one()
        assert (row.last_status, row.last_run_id) == ("violations", results[0].run_id)
    assert len(hook.received) == 1 and hook.received[0]["status"] == "fail"
    assert [v["text"] for v in hook.received[0]["violations"]] == lines
    mail = email.message_from_bytes(inbox.messages[0].content, policy=email.policy.default)
    assert mail.get_body(("plain",)).get_content().splitlines()[1:] == lines
    # the report itself shows the verdict, one entry per violation
    (index,) = (tmp_path / "out").glob("*/index.html")
    html = index.read_text(encoding="utf-8")
    box = html.split('id="assertions">', 1)[1].split("</div>", 1)[0]
    assert f"未通过 {len(required)} 条" in box and box.count("<li>未通过：") == len(required)
    assert all(f"item {i} " in box for i in required)
