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


def test_a_server_answers_pages_without_the_pdf_reader(tmp_path, archive_copy):
    """A server searches and shows what is stored: it never loads pdfminer (nor the
    cryptography it brings, ~7 MB of a server's memory) for that."""
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from service.config import Config\n"
        "from web import create_app\n"
        "client = create_app(Config.load(Path(sys.argv[1]))).test_client()\n"
        "for url in ('/', '/search?q=一件事', '/issues/', '/departments/公安厅', '/figures/'):\n"
        "    assert client.get(url, follow_redirects=True).status_code == 200, url\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(archive_copy)],
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    modules = {m.split(".")[0] for m in json.loads(done.stdout.splitlines()[-1])}
    assert modules & {"pdfminer", "cryptography"} == set()
