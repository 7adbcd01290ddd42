"""Import direction, read from the source (function-local imports included, so none can hide a cycle):

    leaves (xxgk.errors, .config, .settings, .chromium, .yamlfile, .tablefile) ← xxgk.store
        ← crawler, scoring ← reports ← the app on top (pipeline, history, schedule, verify, CLI …)

The sample world is a leaf on the side: only the CLI offers it (`xxgk demo`, `xxgk samples`).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("xxgk", "crawler", "scoring", "reports")
LEAVES = ("xxgk", "xxgk.errors", "xxgk.pagemeta", "xxgk.siteid", "xxgk.namenorm", "xxgk.config", "xxgk.settings", "xxgk.chromium", "xxgk.cores", "xxgk.yamlfile", "xxgk.tablefile", "xxgk.termtext", "xxgk.filenames")


def layer(module: str) -> str:
    if module.startswith("xxgk.samples"):
        return "samples"
    if module in LEAVES:
        return "leaf"
    if module.startswith("xxgk.store"):
        return "store"
    top = module.split(".")[0]
    return "app" if top == "xxgk" else top


# layer → the layers it may import
ALLOWED = {
    "leaf": {"leaf"},
    "store": {"leaf", "store"},
    "crawler": {"leaf", "store", "crawler"},
    "scoring": {"leaf", "store", "scoring"},
    "reports": {"leaf", "store", "scoring", "reports"},
    "app": {"leaf", "store", "crawler", "scoring", "reports", "app"},
    "samples": {"leaf", "samples"},
}
SAMPLES_OFFERED_BY = {"xxgk.cli"}


def modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts[:-1]) if rel.name == "__init__" else list(rel.parts)
            out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Project modules `name` imports anywhere in its body (TYPE_CHECKING blocks excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for n in ast.walk(node)}
    found: set[str] = set()
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            cands = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = name.split(".") if is_pkg else name.split(".")[:-1]
                pkg = pkg[: len(pkg) - (node.level - 1)]
                base = ".".join([*pkg, base] if base else pkg)
            cands = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for cand in cands:
            while cand and cand not in known:
                cand = cand.rpartition(".")[0]
            if cand and cand != name:
                found.add(cand)
    return found


GRAPH = {name: imports(name, path, set(modules())) for name, path in modules().items()}


def test_every_import_goes_down_the_layers() -> None:
    wrong = sorted(f"{m} → {t}" for m, targets in GRAPH.items() for t in targets
                   if layer(t) not in ALLOWED[layer(m)] and not (layer(t) == "samples" and m in SAMPLES_OFFERED_BY))
    assert wrong == []


def test_no_import_cycles_between_modules() -> None:
    """Tarjan's strongly connected components over the whole import graph: none has two modules.
    (A package importing its own submodules is not a cycle; a submodule importing its package's
    __init__ back is, and is reported.)"""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH.get(v, ()):
            if w.startswith(v + "."):  # a package loading its own submodules
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert cycles == []
