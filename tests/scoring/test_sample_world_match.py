"""Cross-check: the matcher agrees with the sample world's ground truth (manifest `checklist`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from scoring.match import Matcher
from scoring.rubric import find_rubric, load_rubric


@dataclass
class _Col:
    id: int
    name: str
    path: str
    url: str | None
    parent_id: int | None


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    samples = pytest.importorskip("xxgk.samples")
    out = tmp_path_factory.mktemp("world")
    return Path(samples.generate_world(out, seed=2024))


def test_matcher_agrees_with_manifests(world: Path) -> None:
    matcher = Matcher(load_rubric(find_rubric("moe-university-checklist-2014")))
    disagreements: list[str] = []
    agreed = 0
    for portal in json.loads(world.read_text(encoding="utf-8"))["portals"]:
        if portal.get("kind", "university") != "university":
            continue  # the checklist does not apply to government portals (scored not_applicable)
        man = json.loads((world.parent / portal["manifest"]).read_text(encoding="utf-8"))
        raw = man["columns"] + man.get("other_columns", [])
        index = {c["path"]: i for i, c in enumerate(raw)}
        cols = [_Col(i, c["name"], c["path"], c["url"] or f"#{i}", index.get(c["parent"] or "", None))
                for i, c in enumerate(raw)]
        found = matcher.match_columns(cols)
        for item_id, entry in man["checklist"].items():
            truth = set(entry["columns"])
            got = {m.url for m in found[item_id] if m.confident}
            agreed += len(truth & got)
            for url in sorted(truth ^ got):
                side = "missed" if url in truth else "wrong"
                disagreements.append(f"{portal['slug']} item {item_id} {side}: {url}")
    assert agreed > 300
    assert disagreements == []
