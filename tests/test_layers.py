"""Imports point one way: corpus → archive → indexer → service → web → bulletins (the CLI).

An engine never imports what is built on it, so each layer can be read, tested
and replaced without the ones above; the service layer is where the front ends
meet the engines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["archive", "indexer", "service", "web", "bulletins"]  # each may import those before it


def imported_packages(path: Path) -> set[str]:
    """The project's packages a module imports (absolute imports; relative ones stay inside)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in LAYERS)
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_imports_only_the_layers_below_it(layer):
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    modules = sorted((ROOT / layer).glob("*.py"))
    assert modules
    wrong = {
        path.name: sorted(imported_packages(path) - allowed)
        for path in modules
        if imported_packages(path) - allowed
    }
    assert not wrong, f"{layer} imports what is built on it: {wrong}"
