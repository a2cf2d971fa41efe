"""Shared fixtures: the corpus, a fresh data dir, a CLI runner, and archives built once.

Kept generic on purpose: test modules add their own local fixtures where they
need something more specific.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.ingest import collect, ingest_file, ingest_files
from archive.store import Store
from indexer.index import SearchIndex
from service.config import Config

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


@pytest.fixture(scope="session")
def indexed_archive(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """A data dir with the corpus stored and indexed, built once per session (never written)."""
    data = tmp_path_factory.mktemp("indexed") / "data"
    store = Store(data / "archive.db")
    assert all(o.status == "added" for o in ingest_files(store, collect([corpus_dir])))
    SearchIndex(data / "index").sync(store)
    store.close()
    return data


@pytest.fixture
def archive_copy(indexed_archive: Path, tmp_path: Path) -> Path:
    """A data dir of this test's own: a copy of `indexed_archive`, free to write to."""
    return Path(shutil.copytree(indexed_archive, tmp_path / "data", symlinks=True))
