"""The index on disk: built from the store, kept in step with it, swapped in atomically.

Layout in the data dir: `index` is a symlink to the live build `index-<stamp>`.
A rebuild writes a new build beside it and replaces the symlink in one rename,
so searches never see half an index; the previous build stays until the next
rebuild for searchers that still have it open. `sync` updates the live build
for the issues whose source changed. One writer at a time: every write holds
an exclusive lock on `index.lock`; readers take no lock and keep seeing the
last commit while a write is under way. Each build records the analysis and
schema version it was made with; a different version means it is rebuilt.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as windex
from whoosh.searching import Searcher

from archive.store import Store

from .analysis import analysis_version, segmenter
from .documents import documents
from .schema import SCHEMA_CODE, Codec, make_schema
from .table import DocTable

META = "bulletins-index.json"
# Whoosh keeps postings in memory up to limitmb before sorting runs on disk. Its codec's
# per-block length statistics serve its own BM25, which this index does not use (relevance is
# table.DocTable's); without them a segment is written without a length lookup per posting.
WRITER_OPTIONS = {"limitmb": 256, "codec": Codec(), "compound": False}
PARALLEL_FROM = 16  # issues; fewer are prepared in this process


def index_version() -> str:
    return f"s{SCHEMA_CODE}-a{analysis_version()}"


@dataclass
class SyncReport:
    added: list[str]
    removed: list[str]
    rebuilt: bool = False


class SearchIndex:
    """The search index of one data dir, and the one searcher that serves it."""

    def __init__(self, link: Path):
        self.link = link
        self.lock_path = link.parent / f"{link.name}.lock"
        self._mutex = threading.RLock()
        self._searcher: Searcher | None = None
        self._searcher_dir: Path | None = None
        self._table: DocTable | None = None
        self._table_generation: tuple[Path, int] | None = None

    # -- state ------------------------------------------------------------

    def live_dir(self) -> Path | None:
        return (
            self.link.resolve() if self.link.is_symlink() and self.link.resolve().is_dir() else None
        )

    def meta(self) -> dict:
        live = self.live_dir()
        if live is None or not (live / META).exists():
            return {}
        return json.loads((live / META).read_text("utf-8"))

    def is_current(self) -> bool:
        return self.meta().get("version") == index_version()

    # -- writing ----------------------------------------------------------

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        self.link.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def rebuild(self, store: Store, processes: int = 1) -> int:
        """Build a fresh index from the store and swap it in; returns the number of documents."""
        with self._write_lock():
            build = self._new_build_dir()
            ix = windex.create_in(str(build), make_schema())
            signatures = store.issue_signatures()
            count = 0
            with _writer(ix, len(signatures), processes) as writer:
                for doc in _documents(store, sorted(signatures), signatures):
                    writer.add_document(**_clean(doc))
                    count += 1
            ix.close()
            _write_meta(build, {"version": index_version(), "issues": signatures})
            previous = self.live_dir()
            temporary = self.link.parent / f".{self.link.name}.swap-{os.getpid()}"
            temporary.unlink(missing_ok=True)
            temporary.symlink_to(build.name)
            os.replace(temporary, self.link)
            self._remove_old_builds(keep={build, previous})
            return count

    def sync(self, store: Store, processes: int = 1, redo: Iterable[str] = ()) -> SyncReport:
        """Bring the index in step with the store: rebuild if missing or outdated, else update changed issues.

        `redo` names issues to replace even if the index's record says they are
        current (check's repair of an index whose documents disagree with it).
        """
        if not self.is_current():
            self.rebuild(store, processes)
            return SyncReport(added=sorted(store.issue_signatures()), removed=[], rebuilt=True)
        with self._write_lock():
            live = self.live_dir()
            meta = json.loads((live / META).read_text("utf-8"))
            have: dict[str, str] = meta.get("issues", {})
            want = store.issue_signatures()
            forced = set(redo)
            stale = sorted(
                i for i in have.keys() | forced if want.get(i) != have.get(i) or i in forced
            )
            fresh = sorted(i for i in want if have.get(i) != want[i] or i in forced)
            if stale or fresh:
                ix = windex.open_dir(str(live))
                with _writer(ix, len(fresh), processes, timeout=30) as writer:
                    # One commit: a searcher never sees an issue removed but not yet re-added.
                    # Fresh issues are deleted too: a run killed after Whoosh's commit but
                    # before the record below was written left them in the index already.
                    for issue_id in sorted(set(stale) | set(fresh)):
                        writer.delete_by_term("issue_id", issue_id)
                    for doc in _documents(store, fresh, want):
                        writer.add_document(**_clean(doc))
                ix.close()
                _write_meta(live, {"version": meta["version"], "issues": want})
            return SyncReport(added=fresh, removed=[i for i in stale if i not in want])

    def leftovers(self) -> list[Path]:
        """What an interrupted rebuild left behind: unfinished builds (no record written) and
        swap links. The previous build is not one: searchers may still read it."""
        live = self.live_dir()
        found = [
            p
            for p in self.link.parent.glob(f"{self.link.name}-*")
            if p.is_dir() and p.resolve() != live and not (p / META).exists()
        ]
        found += self.link.parent.glob(f".{self.link.name}.swap-*")
        return sorted(found)

    def remove_leftovers(self) -> list[Path]:
        with self._write_lock():
            found = self.leftovers()
            for path in found:
                if path.is_symlink() or path.is_file():
                    path.unlink(missing_ok=True)
                else:
                    shutil.rmtree(path, ignore_errors=True)
            return found

    def _new_build_dir(self) -> Path:
        """A fresh directory for a build; a second rebuild within the same second gets its own."""
        stem = f"{self.link.name}-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}"
        for n in range(1000):
            build = self.link.parent / (stem if n == 0 else f"{stem}-{n}")
            try:
                build.mkdir(parents=True)
                return build
            except FileExistsError:
                continue
        raise FileExistsError(f"cannot create a new build directory beside {self.link}")

    def _remove_old_builds(self, keep: set[Path | None]) -> None:
        for path in self.link.parent.glob(f"{self.link.name}-*"):
            if path.is_dir() and path.resolve() not in {k.resolve() for k in keep if k}:
                shutil.rmtree(path, ignore_errors=True)

    # -- reading ----------------------------------------------------------

    @contextmanager
    def searching(self) -> Iterator[tuple[Searcher, DocTable]]:
        """The live searcher and its table, reopened when a rebuild swapped the index or refreshed after a commit.

        Searches are serialised: a Whoosh searcher is not meant for concurrent use.
        """
        with self._mutex:
            live = self.live_dir()
            if live is None:
                raise IndexMissing("the search index has not been built: run `bulletins reindex`")
            if self._searcher is None or self._searcher_dir != live:
                if self._searcher is not None:
                    self._searcher.close()
                self._searcher = windex.open_dir(str(live)).searcher()
                self._searcher_dir = live
            elif not self._searcher.up_to_date():
                # refresh() closes what the new searcher does not reuse; closing the old one
                # as well would close segment readers the new one shares.
                self._searcher = self._searcher.refresh()
            generation = (live, self._searcher.reader().generation())
            if self._table is None or self._table_generation != generation:
                self._table = DocTable.load(self._searcher.reader())
                self._table_generation = generation
            yield self._searcher, self._table

    def warm(self) -> None:
        """Open the searcher, load its table and jieba's dictionary now, not on the first search."""
        segmenter()
        with self.searching():
            pass

    def close(self) -> None:
        """Close the searcher. The table stays: a searcher reopened on the same generation (in a
        forked server worker, say) uses it again instead of loading its own copy."""
        with self._mutex:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None


def _documents(store: Store, issue_ids: list[str], signatures: dict[str, str]) -> Iterator[dict]:
    """The documents of these issues, each marked with the version of the issue it came from."""
    for issue_id in issue_ids:
        issue = store.load(issue_id)
        if issue is not None:
            for doc in documents(issue):
                doc["version"] = signatures.get(issue_id, "")
                yield doc


@contextmanager
def _writer(ix, issues: int, processes: int, **options):
    """A Whoosh writer; for many issues, one that segments and writes in `processes` worker processes.

    Whoosh's MpWriter forks its workers (after jieba's dictionary is loaded
    here, so they share it); each analyses and writes a segment of its own,
    kept as it is (multisegment) rather than merged, so both cores do the
    segmentation and the Whoosh work, and the text is segmented once.
    """
    if processes > 1 and issues >= PARALLEL_FROM:
        segmenter()
        writer = ix.writer(
            procs=processes, multisegment=True, batchsize=64, **WRITER_OPTIONS, **options
        )
    else:
        writer = ix.writer(**WRITER_OPTIONS, **options)
    with writer:
        yield writer


class IndexMissing(RuntimeError):
    """There is no index to search yet."""


def _clean(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if v is not None}


def _write_meta(build: Path, meta: dict) -> None:
    temporary = build / f".{META}.tmp"
    temporary.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    os.replace(temporary, build / META)
