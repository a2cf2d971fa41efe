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

import errno
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from archive.departments import gazetteer
from archive.problems import Problem
from archive.records import STATUSES, Outcome
from archive.reports import Reports
from archive.store import Store, StoreError
from indexer import analysis
from indexer import check as index_check
from indexer.check import CheckReport, Repaired
from indexer.index import EmptyStore, SearchIndex, SyncReport, index_version
from indexer.search import SearchRequest, SearchResult, search
from indexer.writelock import IndexBusy

from .config import Config
from .export import EXPORT_LIMIT


@dataclass
class IngestReport:
    """What an ingest did: one outcome per file, then what the index took in (or why it could
    not: `index_error`, with what to run once that is fixed)."""

    outcomes: list[Outcome]
    index: SyncReport
    index_error: SyncFailed | None = None

    @property
    def counts(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)

    @property
    def ok(self) -> bool:
        """Every file stored or unchanged (none failed, none a duplicate), and all indexed."""
        return not (self.counts["failed"] or self.counts["duplicate"] or self.index_error)

    def to_json(self) -> dict:
        counts = self.counts
        return {
            "files": [o.to_json() for o in self.outcomes],
            "summary": {s: counts[s] for s in STATUSES},
            "index": {
                "added": self.index.added,
                "removed": self.index.removed,
                "rebuilt": self.index.rebuilt,
                "error": str(self.index_error) if self.index_error else None,
            },
        }


SYNC_LATER = "bulletins check --repair"  # what finishes an index that could not be brought in step


class SyncFailed(RuntimeError):
    """The index could not be brought in step with the store; what is stored is kept, the index
    serves what it had, and the message says what to run once the cause is fixed (in English,
    and in Chinese as `chinese`)."""

    def __init__(self, message: str, chinese: str = "") -> None:
        super().__init__(message)
        self.chinese = chinese or message


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

    def __init__(self, config: Config, waiting: Callable[[str], None] | None = None):
        """`waiting` is told who holds the index's write lock when a write must wait for it."""
        self.config = config
        self.index = SearchIndex(config.index_dir, config.lock_timeout, waiting)
        self._local = threading.local()
        self._stores: weakref.WeakSet[Store] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._exporting = threading.Lock()  # one export at a time: see `export`

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
        # The file readers (pdfminer, ~70 ms of imports) only here: a reindex or a search
        # starts without them.
        from archive.ingest import find, ingest_files, key_of

        store = self.store
        found = find(paths)
        names = {f.path: f.name for f in found}
        files = [f.path for f in found]
        if store.readonly:  # each file fails, saying why; nothing is read
            unwritable = (
                Problem("store_readonly", str(store.path))
                if "read-only" in str(store.unwritable)
                else Problem("store_error", str(store.unwritable))
            )
            outcomes_of = (Outcome(key_of(f.path), "failed", None, unwritable, f.name) for f in found)
        else:
            gazetteer()  # built before the readers fork (they parse with it): once, not in each
            outcomes_of = ingest_files(store, files, self.config.processes, names=names)
        outcomes = []
        for outcome in outcomes_of:
            outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
        try:
            return IngestReport(outcomes, self.sync())
        except SyncFailed as error:
            return IngestReport(outcomes, SyncReport([], []), error)

    def is_empty(self) -> bool:
        return not self.store.issue_ids()

    def bootstrap(self, corpus: Path) -> IngestReport:
        """First run: an empty archive takes in the bulletins of `corpus`; either way, the index
        is brought in step with the store (as a server start needs)."""
        if self.is_empty() and corpus.is_dir() and not self.store.readonly:
            return self.ingest([corpus])
        try:
            return IngestReport([], self.sync())
        except SyncFailed as error:
            return IngestReport([], SyncReport([], []), error)

    def sync(self) -> SyncReport:
        """Index what the store holds and the index does not (building it if missing or outdated).

        SyncFailed when it cannot (a full or read-only disk, a writer that kept the lock, a
        store that looks empty beside a full index): the live index stays as it was.
        """
        try:
            self._ready_jieba()
            return self.index.sync(self.store, processes=self.config.processes)
        except (IndexBusy, EmptyStore) as error:
            raise SyncFailed(str(error), error.chinese) from error
        except OSError as error:
            raise _unwritable(error) from error

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
        try:
            self._ready_jieba(rebuild=True)
            return self.index.rebuild(self.store, processes=self.config.processes)
        except OSError as error:
            raise _unwritable(error) from error

    def _ready_jieba(self, rebuild: bool = False) -> None:
        """Ready jieba for the texts the index is about to take in: those of the issues whose
        signature it lacks, or all. A few (a new bulletin's) are segmented with the dictionary
        file of the data dir, without the ~1 s load of jieba's dictionary (analysis.prepare)."""
        store = self.store
        signatures = store.issue_signatures()
        meta = {} if rebuild else self.index.meta()
        if meta.get("version") == index_version():
            have = meta.get("issues", {})
            changed = [i for i, signature in signatures.items() if have.get(i) != signature]
        else:
            changed = list(signatures)
        small = len(changed) < analysis.SMALL_JOB  # an issue holds a document at least
        texts = store.document_count(changed) if small else len(changed)
        analysis.prepare(texts, self.config.data_dir)

    # -- reading ----------------------------------------------------------

    def search(
        self, request: SearchRequest, *, facets: bool = True, snippets: bool = True
    ) -> SearchResult:
        """Raises IndexMissing when the index was never built (see `ensure_index`)."""
        analysis.prepare_queries(self.config.data_dir)
        return search(self.index, request, facets=facets, snippets=snippets)

    def export(self, request: SearchRequest) -> SearchResult:
        """Every hit of a search, up to EXPORT_LIMIT, without snippets or facets (a CSV has
        neither), one export at a time in this process.

        Why one at a time: an export reads thousands of hits while holding the index's
        snapshot, which every search of the process shares; exports that wait for each
        other keep a search behind one export at most, not behind all of them.
        """
        with self._exporting:
            return self.search(
                replace(request, page=1, limit=EXPORT_LIMIT), facets=False, snippets=False
            )

    def check(self, repair: bool = False) -> Checked:
        """Compare the index with the store; with `repair`, fix what was found and check again.

        A store that cannot even be opened is the check's finding, not an error of its own.
        """
        try:
            store = self.store
        except StoreError as error:
            documents = index_check.document_count(self.index)
            return Checked(CheckReport(None, None, documents, [index_check.damaged(error)]))
        report = index_check.check(store, self.index)
        if not repair or report.ok:
            return Checked(report)
        try:
            done = index_check.repair(store, self.index, report, processes=self.config.processes)
        except OSError as error:
            raise _unwritable(error) from error
        return Checked(index_check.check(store, self.index), done)

    def warm(self, wait: bool = True) -> None:
        """Load the index's searcher and table now, not on the first search, and ready jieba
        for queries: with the dictionary file of the data dir if it is there (analysis.read_file),
        else by loading jieba's dictionary (in a thread with `wait=False`: see `SearchIndex.warm`)."""
        if analysis.read_file(self.config.data_dir):
            with self.index.searching():
                pass
        else:
            self.index.warm(wait)


def _unwritable(error: OSError) -> SyncFailed:
    reason = error.strerror or str(error)
    readonly = error.errno == errno.EROFS or isinstance(error, PermissionError)
    return SyncFailed(
        f"the search index could not be written ({reason}"
        f"{': the data dir is read-only' if readonly else ''}); it serves what it held before: "
        f"once that is fixed (free space, write access), run `{SYNC_LATER}`",
        f"检索索引无法写入（{reason}{'：数据目录是只读的' if readonly else ''}）；"
        f"检索仍使用此前的索引：问题解决后（腾出空间、取得写权限），请运行 `{SYNC_LATER}`",
    )
