"""The archive of one data dir: its store (the record) and its search index (derived), as one object.

The CLI, the web app and the tests open an `Archive` rather than a Store and a
SearchIndex of their own, so that what a command does to both is written
once: an ingest stores and then indexes; `bootstrap` fills an empty archive on
first run; a search answers from the index as it is, and only `ensure_index`
(which the CLI calls before it searches, the web app never) builds an index
that is missing or from another version; `close` closes what was opened.

Why here, between `archive`/`indexer` and `web`/`bulletins`: it uses both
engines, and both front ends use it, so it can live in neither engine (they
import one way) nor in a front end (the CLI imports the web app).
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from archive.ingest import STATUSES, Outcome, collect, ingest_files
from archive.reports import Reports
from archive.store import Store
from indexer import check as index_check
from indexer.check import CheckReport, Repaired
from indexer.index import SearchIndex, SyncReport
from indexer.search import SearchRequest, SearchResult, search

from .config import Config


@dataclass
class IngestReport:
    """What an ingest did: one outcome per file, then what the index took in."""

    outcomes: list[Outcome]
    index: SyncReport

    @property
    def counts(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)

    @property
    def ok(self) -> bool:
        """Every file stored or unchanged (none failed, none a duplicate)."""
        return not (self.counts["failed"] or self.counts["duplicate"])

    def to_json(self) -> dict:
        counts = self.counts
        return {
            "files": [o.to_json() for o in self.outcomes],
            "summary": {s: counts[s] for s in STATUSES},
            "index": {
                "added": self.index.added,
                "removed": self.index.removed,
                "rebuilt": self.index.rebuilt,
            },
        }


@dataclass
class Checked:
    """A check of the index against the store, after the repair if one was asked for and needed."""

    report: CheckReport
    repaired: Repaired | None = None

    def to_json(self) -> dict:
        done = self.repaired
        return {
            **self.report.to_json(),
            "repaired": done.text if done else None,
            "repaired_zh": done.text_zh if done else None,
        }


class Archive:
    """The store and the index of `config.data_dir`.

    The index is one for all threads (its searcher is serialised); the store is
    one connection per thread, opened on first use and kept for that thread's
    next requests: SQLite connections must not be shared by threads at once.
    """

    def __init__(self, config: Config):
        self.config = config
        self.index = SearchIndex(config.index_dir)
        self._local = threading.local()
        self._stores: weakref.WeakSet[Store] = weakref.WeakSet()
        self._lock = threading.Lock()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    @property
    def store(self) -> Store:
        """This thread's connection to the store."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.config.db_path)
            self._local.store = store
            with self._lock:
                self._stores.add(store)
        return store

    @property
    def reports(self) -> Reports:
        return self.store.reports

    def close(self) -> None:
        """Close every store connection this archive opened and the index's searcher."""
        with self._lock:
            stores, self._stores = list(self._stores), weakref.WeakSet()
        for store in stores:
            store.close()
        self._local = threading.local()
        self.index.close()

    # -- writing ----------------------------------------------------------

    def ingest(
        self, paths: Iterable[Path], progress: Callable[[Outcome], None] | None = None
    ) -> IngestReport:
        """Store the bulletins of `paths` (files, or folders of .pdf/.txt), then index what changed.

        `progress` is told each file's outcome as it comes.
        """
        outcomes = []
        for outcome in ingest_files(self.store, collect(paths), processes=self.config.processes):
            outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
        return IngestReport(outcomes, self.sync())

    def is_empty(self) -> bool:
        return not self.store.issue_ids()

    def bootstrap(self, corpus: Path) -> IngestReport:
        """First run: an empty archive takes in the bulletins of `corpus`; either way, the index
        is brought in step with the store (as a server start needs)."""
        if self.is_empty() and corpus.is_dir():
            return self.ingest([corpus])
        return IngestReport([], self.sync())

    def sync(self) -> SyncReport:
        """Index what the store holds and the index does not (building it if missing or outdated)."""
        return self.index.sync(self.store, processes=self.config.processes)

    def ensure_index(self) -> SyncReport | None:
        """Build the index if it is missing or from another version; None when it was current.

        A search answers from the index as it is; a caller that may take the
        time to build one (the CLI, not a web request) calls this first.
        """
        if self.index.is_current():
            return None
        return self.sync()

    def reindex(self) -> int:
        """Rebuild the index from the store and swap it in; the number of documents."""
        return self.index.rebuild(self.store, processes=self.config.processes)

    # -- reading ----------------------------------------------------------

    def search(self, request: SearchRequest, *, facets: bool = True) -> SearchResult:
        """Raises IndexMissing when the index was never built (see `ensure_index`)."""
        return search(self.index, request, facets=facets)

    def check(self, repair: bool = False) -> Checked:
        """Compare the index with the store; with `repair`, fix what was found and check again."""
        report = index_check.check(self.store, self.index)
        if not repair or report.ok:
            return Checked(report)
        done = index_check.repair(self.store, self.index, report, processes=self.config.processes)
        return Checked(index_check.check(self.store, self.index), done)

    def warm(self, wait: bool = True) -> None:
        """Load the index's searcher, table and jieba's dictionary now, not on the first search
        (the dictionary in a thread with `wait=False`: see `SearchIndex.warm`)."""
        self.index.warm(wait)
