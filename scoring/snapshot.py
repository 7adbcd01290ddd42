"""The rubric as scored, in the form reports need: pass mark, method, sections and item weights.

Scoring stores this beside its findings (`RubricSnapshot`), so a report renders the values the scores
were computed with even when the rubric file has changed since. `content_hash` fingerprints the parsed
rubric (not the file's bytes), so a comment or layout edit of the YAML does not count as a change.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from scoring.schema import Rubric


def content_hash(rubric: Rubric) -> str:
    """sha256 of the parsed rubric, canonical JSON: equal for files that score alike."""
    text = json.dumps(rubric.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rubric_snapshot(rubric: Rubric) -> dict[str, Any]:
    """Title, version, total, kind and words, and the sections with their items' names, weights and veto flags."""
    return {
        "title": rubric.title, "version": rubric.version, "total": rubric.total,
        "source": str(rubric.source), "kind": rubric.rubric_kind, "vocabulary": dict(rubric.vocabulary),
        "sections": [{"id": s.id, "name": s.name, "max_points": s.max_points,
                      "items": [{"id": i.id, "name": i.name, "max_points": i.max_points, "veto": i.veto}
                                for i in s.items]}
                     for s in rubric.sections],
    }
