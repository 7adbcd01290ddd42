"""The store sits below everything: importing it loads no crawler, scoring, reports or CLI code, and
its modules import only SQLAlchemy, Alembic, the store itself and the `xxgk.errors` leaf."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

STORE = Path(__file__).resolve().parents[2] / "xxgk" / "store"
ALLOWED = ("sqlalchemy", "alembic", "xxgk.store", "xxgk.errors", "__future__")


def test_importing_the_store_loads_nothing_above_it():
    code = ("import json, sys, xxgk.store, xxgk.store.lifecycle; "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('crawler', 'scoring', 'reports', 'typer', 'scrapy') or m in ('xxgk.cli', 'xxgk.pipeline', 'xxgk.config'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=STORE.parents[1])
    assert json.loads(out.stdout) == []


def test_store_modules_import_only_what_is_below_them():
    stdlib = sys.stdlib_module_names
    wrong = []
    for path in sorted(STORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for name in names:
                if name.split(".")[0] not in stdlib and not name.startswith(ALLOWED):
                    wrong.append(f"{path.relative_to(STORE)}: {name}")
    assert wrong == []
