"""Shared fixtures: the corpus, a fresh data dir, a CLI runner, and an archive ingested once.

Kept generic on purpose: test modules add their own local fixtures where they
need something more specific.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.ingest import collect, ingest_file
from archive.store import Store
from web.config import Config

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The folder of the five bundled bulletins (corpus/*.txt)."""
    return CORPUS_DIR


@pytest.fixture(scope="session")
def corpus_texts(corpus_dir: Path) -> dict[str, str]:
    """Each bundled bulletin's text by file stem, e.g. {"2024-weekly-37": "…"}."""
    return {path.stem: path.read_text("utf-8") for path in sorted(corpus_dir.glob("*.txt"))}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty archive folder for one test (not created: the code under test does that)."""
    return tmp_path / "data"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def ingested_store(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path):
    """A Store with the corpus ingested once per session; its data dir is `.path.parent`.

    Read-only for the tests that share it: a test that writes makes its own.
    """
    config = Config.load(tmp_path_factory.mktemp("ingested"))
    store = Store(config.db_path)
    outcomes = [ingest_file(store, path) for path in collect([corpus_dir])]
    failed = [o for o in outcomes if o.status != "added"]
    assert not failed, f"the corpus should ingest cleanly: {failed}"
    yield store
    store.close()
