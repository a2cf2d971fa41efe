"""Shared fixtures: the corpus, a fresh data dir, a CLI runner, and the one session archive.

The session archive is the bundled corpus stored and indexed once, through
`service.archive.Archive` as the CLI does it. The tests that only read share
it (its store, the web app and the CLI all open it); a test that writes takes
a copy of its own (`archive_copy`). Test modules add their own local fixtures
where they need something more specific.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from archive.store import Store
from service.archive import Archive
from service.config import Config
from web import create_app
from web.context import archive_of

from bulletingen import YEAR_END, YEAR_END_ISSUE, write_corrections

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"

# Nothing written into the checkout (.hypothesis/), and no deadlines on a shared 2-core machine.
settings.register_profile("bulletins", database=None, deadline=None)
settings.load_profile("bulletins")


HYPOTHESIS_HOME = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis keeps caches (unicode data, the constants of the code under test) in a home
    dir, ./.hypothesis unless told: this run's own temp dir, so that nothing is written in the
    checkout and two runs at once share nothing."""
    home = Path(tempfile.mkdtemp(prefix="bulletins-hypothesis-"))
    config.stash[HYPOTHESIS_HOME] = home
    set_hypothesis_home_dir(home)


def pytest_unconfigure(config: pytest.Config) -> None:
    home = config.stash.get(HYPOTHESIS_HOME, None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-screenshot",
        action="store_true",
        help="Write docs/screenshot-search.png (tests/test_e2e.py); otherwise it goes to a temp dir.",
    )


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
def indexed_archive(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """The data dir of the session archive: the corpus stored and indexed (never written)."""
    data = tmp_path_factory.mktemp("indexed") / "data"
    with Archive(Config.load(data)) as archive:
        report = archive.ingest([corpus_dir])
    assert [o.status for o in report.outcomes] == ["added"] * 5, report.outcomes
    return data


@pytest.fixture(scope="session")
def corrected_archive(tmp_path_factory: pytest.TempPathFactory, indexed_archive: Path) -> Path:
    """A data dir of the session archive plus three weeklies, each then corrected by a file under
    another name (bulletingen.write_corrections), stored and indexed (never written)."""
    root = tmp_path_factory.mktemp("corrected")
    data = Path(shutil.copytree(indexed_archive, root / "data", symlinks=True))
    firsts, corrections = write_corrections(root / "bulletins")
    with Archive(Config.load(data)) as archive:
        assert {o.status for o in archive.ingest(firsts).outcomes} == {"added"}
        report = archive.ingest(corrections)
    assert [(o.status, o.version) for o in report.outcomes] == [("updated", 2)] * 3
    return data


@pytest.fixture(scope="session")
def year_end_archive(tmp_path_factory: pytest.TempPathFactory, indexed_archive: Path) -> Path:
    """A data dir of the session archive plus a weekly whose week spans the new year
    (bulletingen.YEAR_END: 2024-12-30 to 2025-01-03, published 2025-01-08), stored and indexed."""
    root = tmp_path_factory.mktemp("year-end")
    data = Path(shutil.copytree(indexed_archive, root / "data", symlinks=True))
    source = root / "2025-weekly-01.txt"
    source.write_text(YEAR_END, "utf-8")
    with Archive(Config.load(data)) as archive:
        [outcome] = archive.ingest([source]).outcomes
    assert (outcome.status, outcome.issue_id) == ("added", YEAR_END_ISSUE)
    return data


@pytest.fixture(scope="session")
def ingested_store(indexed_archive: Path):
    """The session archive's store (read-only: a test that writes makes its own)."""
    store = Store(indexed_archive / "archive.db")
    yield store
    store.close()


@pytest.fixture
def archive_copy(indexed_archive: Path, tmp_path: Path) -> Path:
    """A data dir of this test's own: a copy of `indexed_archive`, free to write to."""
    return Path(shutil.copytree(indexed_archive, tmp_path / "data", symlinks=True))


@pytest.fixture(scope="session")
def app(indexed_archive: Path):
    """The web app on the session archive, as a server runs it (errors become pages)."""
    app = create_app(Config.load(indexed_archive))
    app.config["TESTING"] = False  # user input must never raise: errors become pages
    yield app
    archive_of(app).close()


@pytest.fixture(scope="session")
def client(app):
    return app.test_client()
