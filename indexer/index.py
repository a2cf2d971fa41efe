"""The index on disk, and the only module that knows it is Whoosh.

jieba's words go into a Whoosh index with the facets as columns; the rest of
the indexer sees a `Snapshot` of one index generation (the in-memory table of
columns, the word postings, the display fields), never a Whoosh object.

The schema, by role (every field written is read):

* `issue_id`, indexed: the delete key (sync replaces an issue's documents by it);
* `text`, jieba search-mode words with their frequencies: the postings that
  find a multi-word query term whose words stand apart ("数字政府 … 建设");
* columns, loaded per segment into `table.Segment`: the facets `kind`,
  `section`, `year` (every year the event span touches), `departments`, the
  event span `day_from`/`day_to`, the issue's period `period_from`/`period_to`
  and publication day `published`, `order` and the flat text's `length`
  (BM25) as numbers, and `flat`, the text as substring search sees it
  (memory-mapped from the column file, not loaded);
* beside each segment, `<segment>.grams`: its character n-grams, written from
  the flat column by the worker that wrote the segment, or after the commit
  (`table.Grams`).
* stored, read for the page of hits shown and by check: the display fields
  the columns do not give, the text once (`body`), and `version`.

Layout in the data dir: `index` is a symlink to the live build `index-<stamp>`.
A rebuild writes a new build beside it and replaces the symlink in one rename,
so searches never see half an index; the previous build stays until the next
rebuild for searchers that still have it open. `sync` updates the live build
for the issues whose source changed. One writer at a time: every write holds
the lock on `index.lock` (`writelock`: held by the writing process, never its
worker processes, which die with it; a writer waits a bounded time and names
the holder); readers take no lock and keep seeing the last commit while a
write is under way. Each build records the analysis and
schema version it was made with; a different version means it is rebuilt.
Whoosh's scratch files (its "MAIN.tmp" folder) stay inside the build, not in
the system temp dir, where two writers of different indexes shared one folder.

Beside the link, `index.words.sqlite` is the segmentation cache
(`wordcache`): each text's words and flat text by the text's hash, so a
write segments only texts no build has seen (a reindex, or the re-ingest of
files whose text did not change, segments none and loads no dictionary). An
issue is only written again when the store's signature for it changed, and
the same content come again in other bytes keeps its signature.
"""

from __future__ import annotations

import gc
import json
import mmap
import os
import pickle
import queue
import shutil
import sys
import threading
import time
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import accumulate, chain
from operator import itemgetter
from pathlib import Path

from pyroaring import BitMap
from whoosh.codec.whoosh3 import STORED_COLUMN, W3Codec
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, FileIndex
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import SegmentReader
from whoosh.system import pack_uint
from whoosh.util import random_name
from whoosh.writing import PostingPool, SegmentWriter

from archive.sandbox import die_with_parent
from archive.store import Store

from .analysis import analysis_version, before_fork, flat, segmenter, words
from .documents import IndexDocument, documents
from .table import DocTable, Grams, Segment
from .wordcache import (
    Fresh,
    Segmented,
    Unsegmented,
    WordCache,
    key_of,
    pack,
    read_spilled,
    spill_path,
    spilled,
    unpack,
)
from .writelock import LOCK_TIMEOUT, write_lock

SCHEMA_CODE = 11  # bump when the fields below, or what `documents` puts in them, change
META = "bulletins-index.json"
INDEX_NAME = "MAIN"
PARALLEL_FROM = 16  # issues; fewer are prepared in this process
# Column values end with a separator, so that a segment's column is decoded in one call.
END_TEXT, END_VALUE, JOIN = "\0", "\n", ","
GRAMS_EXT = ".grams"  # beside a segment's files: the n-grams of its flat texts (table.Grams)


def index_version() -> str:
    return f"s{SCHEMA_CODE}-a{analysis_version()}"


class Codec(W3Codec):
    """Whoosh's codec without per-block length statistics (they serve its BM25, unused here),
    and posting blocks stored uncompressed: zlib took a fifth of the index build, and the
    postings are a small part of the index next to the stored text."""

    length_stats = False

    def __init__(self, blocklimit: int = 128, compression: int = 0, inlinelimit: int = 1):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)


# Whoosh keeps postings in memory up to limitmb before sorting runs on disk. Non-compound
# segments: a compound segment is read whole when opened (190 MB of RSS at 5,000 bulletins).
WRITER_OPTIONS = {"limitmb": 256, "codec": Codec(), "compound": False}


class WordsField(TEXT):
    """jieba's search-mode words of a text with their frequencies, counted directly.

    Whoosh's own path runs every token through an analyzer chain as a Token
    object; counting `analysis.words` gives the same postings for a fraction of
    the work. Queries never go through Whoosh's parser, so no analyzer is used.
    The value is a text's words from the segmentation cache (`Segmented`), or
    a text to segment (`Unsegmented`), whose words this writer's process keeps
    in `fresh` for the cache.
    """

    def __init__(self):
        super().__init__(phrase=False)
        self.scorable = False  # no per-document lengths: relevance is table.DocTable's

    @property
    def fresh(self) -> Fresh:
        """What this process segmented (never pickled with the schema)."""
        return self.__dict__.setdefault("_fresh", Fresh())

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_fresh"}

    def index(self, value, **kwargs):
        for word, weight, vbytes in self.postings(value):
            yield word, int(weight), weight, vbytes

    def postings(self, value) -> list[tuple[bytes, float, bytes]]:
        """(word, weight, encoded frequency) of each word of the text: what Whoosh's `index`
        gives (its frequency left out), as the writer's `_Postings` pool takes it in."""
        if isinstance(value, Segmented):
            found = unpack(value.packed)
        else:
            found = words(value.text)
            self.fresh.found[value.key] = pack(found)
        return [
            (word.encode("utf-8"), float(frequency), pack_uint(frequency))
            for word, frequency in Counter(found).items()
        ]


def make_schema() -> Schema:
    text_column = COLUMN(VarBytesColumn())
    return Schema(
        issue_id=ID(stored=True),
        text=WordsField(),
        kind=text_column,
        section=text_column,
        year=text_column,
        departments=text_column,
        flat=text_column,
        day_from=COLUMN(NumericColumn("I")),
        day_to=COLUMN(NumericColumn("I")),
        period_from=COLUMN(NumericColumn("I")),
        period_to=COLUMN(NumericColumn("I")),
        published=COLUMN(NumericColumn("I")),
        order=COLUMN(NumericColumn("q")),
        length=COLUMN(NumericColumn("I")),
        item_id=STORED,
        anchor=STORED,
        label=STORED,
        issue_title=STORED,
        number=STORED,
        section_title=STORED,
        period_start=STORED,
        period_end=STORED,
        body=STORED,
        version=STORED,
    )


def _fields(doc: IndexDocument, segmented: Segmented | Unsegmented, text: str) -> dict:
    """The Whoosh fields of a document (the inverse of `Snapshot.document`), given its words
    (or what the writer needs to find them) and its flat text."""
    return {
        "issue_id": doc.issue_id,
        "text": segmented,
        "kind": (doc.kind + END_VALUE).encode(),
        "section": (doc.section + END_VALUE).encode(),
        "year": (JOIN.join(doc.years) + END_VALUE).encode(),
        "departments": (JOIN.join(doc.departments) + END_VALUE).encode(),
        "flat": (text + END_TEXT).encode(),
        "length": len(text),
        "day_from": _day(doc.date_from),
        "day_to": _day(doc.date_to),
        "period_from": _day(doc.period_start),
        "period_to": _day(doc.period_end or doc.period_start),
        "published": _day(doc.published),
        "order": doc.order,
        "item_id": doc.item_id,
        "anchor": doc.anchor,
        "label": doc.label,
        "issue_title": doc.issue_title,
        "number": doc.number,
        "section_title": doc.section_title,
        "period_start": _iso(doc.period_start),
        "period_end": _iso(doc.period_end),
        "body": doc.text,
        "version": doc.version,
    }


class IndexStorage(FileStorage):
    """A build's folder; Whoosh's scratch storage is a folder inside it (one writer at a time
    per build, under the write lock), never one shared by every index in the system temp dir."""

    def temp_storage(self, name: str | None = None) -> FileStorage:
        return FileStorage(os.path.join(self.folder, name or "scratch.tmp")).create()


@dataclass
class SyncReport:
    added: list[str]
    removed: list[str]
    rebuilt: bool = False


def _up_to_date(folder: Path, generation: int) -> bool:
    """Is `generation` the build's latest commit? Its table of contents is there and the next
    one is not: a commit writes the next, then removes the earlier ones. Whoosh's own check
    lists the folder and matches every name in it, a thirtieth of a search page's time."""
    return (folder / TOC._filename(INDEX_NAME, generation)).exists() and not (
        folder / TOC._filename(INDEX_NAME, generation + 1)
    ).exists()


class StoredFields:
    """The display fields of one generation's documents, read from each segment's column of
    them directly. Whoosh's own path (the reader of many segments, the segment's, the codec's,
    then each field checked against the schema) was half of what reading a hit cost; a
    field the schema lacks cannot be there, as another schema is another index version."""

    def __init__(self, reader):
        self.reader = reader
        leaves = list(reader.leaf_readers())
        self._offsets = [offset for _, offset in leaves]
        self._columns = [
            leaf._perdoc._cached_reader("_stored", STORED_COLUMN) for leaf, _ in leaves
        ]

    def __getitem__(self, docnum: int) -> dict:
        at = bisect_right(self._offsets, docnum) - 1
        return self._columns[at][docnum - self._offsets[at]] or {}


class Snapshot:
    """One index generation as searches read it: the table, the word postings, the display fields."""

    def __init__(self, reader, table: DocTable, stored: StoredFields):
        self._reader = reader
        self.table = table
        self._stored = stored

    def word_docs(self, word: str) -> BitMap:
        """Live documents that have this jieba word."""
        if ("text", word) not in self._reader:
            return BitMap()
        return BitMap(self._reader.postings("text", word).all_ids()) & self.table.live

    def document(self, docnum: int) -> IndexDocument:
        stored, table = self._stored[docnum], self.table
        return IndexDocument(
            item_id=stored["item_id"],
            issue_id=stored["issue_id"],
            anchor=stored["anchor"],
            kind=table.kind[docnum],
            section=table.section[docnum],
            section_title=stored["section_title"],
            label=stored.get("label", ""),
            issue_title=stored["issue_title"],
            number=stored.get("number", ""),
            departments=table.departments[docnum],
            date_from=_date_of(table.day_from[docnum]),
            date_to=_date_of(table.day_to[docnum]),
            period_start=_date(stored.get("period_start")),
            period_end=_date(stored.get("period_end")),
            published=_date_of(table.published[docnum]),
            order=table.order[docnum],
            text=stored.get("body", ""),
            version=stored.get("version", ""),
        )


class SearchIndex:
    """The search index of one data dir, and the one snapshot that serves it."""

    def __init__(
        self,
        link: Path,
        lock_timeout: float = LOCK_TIMEOUT,
        waiting: Callable[[str], None] | None = None,
    ):
        self.link = link
        self.lock_path = link.parent / f"{link.name}.lock"
        self.lock_timeout = lock_timeout  # seconds a write waits for another process's
        self.waiting = waiting  # told who holds the lock, when a write must wait
        self._writing = threading.Lock()
        self._mutex = threading.RLock()
        self._searcher = None
        self._searcher_dir: Path | None = None
        self._searcher_link: str | None = None  # the link's text when _searcher_dir was resolved
        self._table: DocTable | None = None
        self._stored: StoredFields | None = None  # of the searcher's reader
        self._table_generation: tuple[Path, int] | None = None
        self._segments: dict[str, Segment] = {}  # by Whoosh segment id, for the build below
        self._segments_dir: Path | None = None

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
        with write_lock(self.lock_path, self.lock_timeout, self.waiting, self._writing):
            yield

    def document_count(self) -> int:
        """Documents in the live index (0 when there is none)."""
        live = self.live_dir()
        if live is None:
            return 0
        ix = FileIndex(IndexStorage(str(live), readonly=True), indexname=INDEX_NAME)
        try:
            return ix.doc_count()
        finally:
            ix.close()

    def rebuild(self, store: Store, processes: int = 1) -> int:
        """Build a fresh index from the store and swap it in; returns the number of documents.

        A store of no issue never replaces an index that has documents (EmptyStore): a
        lost or replaced archive.db looks empty, and the index is then its last copy.
        """
        signatures = store.issue_signatures()
        if not signatures and self.live_dir() is not None and self.document_count():
            documents = self.document_count()
            raise EmptyStore(
                f"the store holds no issue but the search index holds {documents} documents: "
                "the index is kept (it may be the last copy of a lost archive.db); restore "
                "archive.db from a backup, or ingest the bulletin files again "
                "(bulletins ingest FOLDER)",
                f"档案库中没有任何一期，检索索引中却有 {documents} 条：索引保留（它可能是丢失的 "
                "archive.db 的最后一份）；请从备份恢复 archive.db，或重新导入简报文件"
                "（bulletins ingest 文件夹）",
            )
        return self.build(_documents(store, sorted(signatures), signatures), signatures, processes)

    def build(
        self,
        docs: Iterable[IndexDocument],
        issues: dict[str, str] | None = None,
        processes: int = 1,
    ) -> int:
        """Index these documents as a fresh build and swap it in; `issues` is the record of what
        it holds (issue id -> the store's signature) that the next sync compares."""
        issues = issues or {}
        with self._write_lock():
            build = self._new_build_dir()
            ix = FileIndex.create(IndexStorage(str(build)), make_schema(), INDEX_NAME)
            with self._word_cache() as cache:
                with _writer(ix, build, cache, len(issues), processes) as edit:
                    edit.add_many(docs)
                cache.retain(edit.keys)
            ix.close()
            _write_grams(build)
            _write_meta(build, {"version": index_version(), "issues": issues})
            previous = self.live_dir()
            temporary = self.link.parent / f".{self.link.name}.swap-{os.getpid()}"
            temporary.unlink(missing_ok=True)
            temporary.symlink_to(build.name)
            os.replace(temporary, self.link)
            self._remove_old_builds(keep={build, previous})
            return len(edit.added)

    def sync(self, store: Store, processes: int = 1, redo: Iterable[str] = ()) -> SyncReport:
        """Bring the index in step with the store: rebuild if missing or outdated, else update changed issues.

        `redo` names issues to replace even if the index's record says they are
        current (check's repair of an index whose documents disagree with it).
        """
        if not self.is_current():
            self.rebuild(store, processes)
            return SyncReport(added=sorted(store.issue_signatures()), removed=[], rebuilt=True)
        if not redo and self.meta().get("issues", {}) == store.issue_signatures():
            return SyncReport(added=[], removed=[])  # nothing to write: no lock to wait for
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
                with self.edit(len(fresh), processes) as edit:
                    # One commit: a searcher never sees an issue removed but not yet re-added.
                    # Fresh issues are deleted too: a run killed after Whoosh's commit but
                    # before the record below was written left them in the index already.
                    for issue_id in sorted(set(stale) | set(fresh)):
                        edit.delete_issue(issue_id)
                    for doc in _documents(store, fresh, want):
                        edit.add(doc)
                _write_meta(live, {"version": meta["version"], "issues": want})
            return SyncReport(added=fresh, removed=[i for i in stale if i not in want])

    @contextmanager
    def edit(self, issues: int = 0, processes: int = 1) -> Iterator[_Edit]:
        """One commit of deletions and additions to the live build (without touching its record:
        sync writes that; check's tests use this to put the index out of step on purpose)."""
        live = self.live_dir()
        ix = FileIndex(IndexStorage(str(live)), indexname=INDEX_NAME)
        try:
            with (
                self._word_cache() as cache,
                _writer(ix, live, cache, issues, processes, timeout=30) as edit,
            ):
                yield edit
        finally:
            ix.close()
        _write_grams(live)

    @contextmanager
    def _word_cache(self) -> Iterator[WordCache]:
        """The segmentation cache beside the index (a writer's only: under the write lock)."""
        cache = WordCache(self.link.with_name(f"{self.link.name}.words.sqlite"), analysis_version())
        try:
            yield cache
        finally:
            cache.close()

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
    def searching(self) -> Iterator[Snapshot]:
        """The live snapshot, reopened when a rebuild swapped the index or refreshed after a commit.

        Searches are serialised: a Whoosh searcher is not meant for concurrent use.
        """
        with self._mutex:
            live = self._searched_dir()
            if live is None:
                raise IndexMissing("the search index has not been built: run `bulletins reindex`")
            if self._searcher is None or self._searcher_dir != live:
                if self._searcher is not None:
                    self._searcher.close()
                ix = FileIndex(IndexStorage(str(live), readonly=True), indexname=INDEX_NAME)
                self._searcher = ix.searcher()
                self._searcher_dir = live
            elif not _up_to_date(live, self._searcher.reader().generation()):
                # refresh() closes what the new searcher does not reuse; closing the old one
                # as well would close segment readers the new one shares.
                self._searcher = self._searcher.refresh()
            reader = self._searcher.reader()
            generation = (live, reader.generation())
            if self._table is None or self._table_generation != generation:
                if self._segments_dir != live:
                    self._segments, self._segments_dir = {}, live
                segments = _segments(reader, live, self._segments)
                self._segments = {k: v for k, v in self._segments.items() if v in segments}
                self._table = DocTable(segments, reader.all_doc_ids())
                self._table_generation = generation
            if self._stored is None or self._stored.reader is not reader:
                self._stored = StoredFields(reader)  # its files are the reader's: never kept past it
            yield Snapshot(reader, self._table, self._stored)

    def _searched_dir(self) -> Path | None:
        """The live directory, as live_dir() says; but while the link reads as it did when
        the searcher was opened, the directory it was resolved to then (resolving a path
        stats each of its parts: it was a twentieth of a search's time)."""
        try:
            text = os.readlink(self.link)
        except OSError:
            text = None
        if text is not None and text == self._searcher_link and self._searcher_dir is not None:
            return self._searcher_dir
        live = self.live_dir()
        self._searcher_link = text if live is not None else None
        return live

    def contents(self) -> Iterator[tuple[str, str, str]]:
        """(issue id, item id, version) of every live document, read afresh from the live build."""
        ix = FileIndex(IndexStorage(str(self.live_dir()), readonly=True), indexname=INDEX_NAME)
        try:
            with ix.searcher() as searcher:
                for fields in searcher.reader().all_stored_fields():
                    yield fields["issue_id"], fields["item_id"], fields.get("version", "")
        finally:
            ix.close()

    def warm(self, wait: bool = True) -> None:
        """Open the snapshot and load its table now, not on the first search; and jieba's
        dictionary, or with `wait=False` start loading it in a thread (a server answers its
        first pages meanwhile; a search that needs it waits for it). Never `wait=False` before
        a fork: a child would inherit the loading half done."""
        if wait:
            segmenter()
        else:
            threading.Thread(target=segmenter, name="jieba", daemon=True).start()
        with self.searching():
            pass

    def close(self) -> None:
        """Close the searcher. The table stays: a searcher reopened on the same generation (in a
        forked server worker, say) uses it again instead of loading its own copy."""
        with self._mutex:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self._stored = None


class _Edit:
    """The two changes a commit makes: an issue's documents out, documents in (their words from
    the segmentation cache where it has them; after the commit, the cache keeps what was
    segmented: `keep`)."""

    def __init__(self, writer, cache: WordCache):
        self._writer, self._cache = writer, cache
        self.keys: set[bytes] = set()  # of the texts added
        self.added: list[str] = []  # item ids
        self._flat: dict[bytes, str] = {}  # of the texts the writer segments, for the cache

    def delete_issue(self, issue_id: str) -> None:
        self._writer.delete_by_term("issue_id", issue_id)

    def add(self, doc: IndexDocument) -> None:
        self.add_many([doc])

    def add_many(self, docs: Iterable[IndexDocument]) -> None:
        for chunk in _chunks(docs, 256):
            keys = [key_of(doc.text) for doc in chunk]
            known = self._cache.get_many(set(keys))
            for doc, key in zip(chunk, keys, strict=True):
                self._add(doc, key, known.get(key))

    def _add(self, doc: IndexDocument, key: bytes, known: tuple[bytes, str] | None) -> None:
        if known is not None:
            segmented, text = Segmented(known[0]), known[1]
        else:
            if isinstance(self._writer, _Writer) and not self._writer.tasks:
                before_fork()  # a dictionary in use before the workers fork: they share it
            segmented = Unsegmented(key, doc.text)
            text = self._flat[key] = flat(doc.text).replace(END_TEXT, "")
        self._writer.add_document(**_fields(doc, segmented, text))
        self.keys.add(key)
        self.added.append(doc.item_id)

    def keep(self, folder: Path) -> None:
        """Put into the cache what this writer and its worker processes segmented."""
        ours = self._writer.schema["text"].fresh.found
        found = chain(ours.items(), read_spilled(spilled(folder)))
        self._cache.put_many((k, packed, self._flat[k]) for k, packed in found if k in self._flat)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _forget_spilled(folder: Path) -> None:
    """Remove the words a write's workers spilled (read, or left by a write that failed: they
    must never reach a cache of another analysis version)."""
    for path in spilled(folder):
        path.unlink(missing_ok=True)


class IndexMissing(RuntimeError):
    """There is no index to search yet."""


def _documents(
    store: Store, issue_ids: list[str], signatures: dict[str, str]
) -> Iterator[IndexDocument]:
    """The documents of these issues, each marked with the version of the issue it came from."""
    for issue in store.load_many(issue_ids):
        yield from documents(issue, signatures.get(issue.issue_id, ""))


@contextmanager
def _writer(ix, folder: Path, cache: WordCache, issues: int, processes: int, **options):
    """One commit to the index in `folder`; for many issues, written by `processes` workers.

    Whoosh's MpWriter forks its workers (after jieba's dictionary is loaded,
    when there is text to segment, so they share it); each analyses and writes
    a segment of its own, kept as it is (multisegment) rather than merged, so
    both cores do the segmentation and the Whoosh work, and the text is
    segmented once. What they segment comes back through files in `folder`
    and is kept in the cache once the commit succeeded.
    """
    if processes > 1 and issues >= PARALLEL_FROM:
        writer = _grouping(
            _Writer(
                ix, procs=processes, multisegment=True, batchsize=64, **WRITER_OPTIONS, **options
            )
        )
    else:
        writer = _grouping(_SegmentWriter(ix, **WRITER_OPTIONS, **options))
    _forget_spilled(folder)
    edit = _Edit(writer, cache)
    try:
        with writer:
            yield edit
        edit.keep(folder)
    except BaseException:
        _let_go(writer)
        raise
    finally:
        _forget_spilled(folder)


def _let_go(writer) -> None:
    """After a write that failed (a full disk), whatever state it left the writer in: its worker
    processes ended and Whoosh's lock on the build released.

    Why: Whoosh releases its lock when a commit succeeds, or when a cancel can close
    the segment's files; a commit that failed on a full disk did neither, and every
    later write of the same process (a server's, a test's) failed with LockError.
    """
    if isinstance(writer, _Writer):
        writer.end_tasks()
    lock = writer.writelock
    if lock is not None and getattr(lock, "fd", None) is not None:
        lock.release()


class EmptyStore(RuntimeError):
    """A rebuild refused: the store has no issue, the live index has documents (said in
    English, and in Chinese as `chinese`)."""

    def __init__(self, message: str, chinese: str) -> None:
        super().__init__(message)
        self.chinese = chinese


class _Writer(MpWriter):
    """Whoosh's parallel writer, whose worker processes die with the process that writes, are
    ended when the write fails, and fail the commit when one of them failed.

    Why: they are forked while the index is being written; orphaned by a `kill
    -9`, they went on writing a build nobody reads. Whoosh's own cancel only
    flags its copy of each worker, so after a failed write (a full disk) they
    waited on their queue for ever, and the command that wrote hung at its
    exit. And a worker that failed (the disk full under it) lost its segment
    without a word: its documents were missing from a commit that said ok.
    """

    def _new_task(self):
        task = _Task(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs,
            self.multisegment,
        )  # fmt: skip
        task.parent = os.getpid()
        self.tasks.append(task)
        task.start()
        return task

    def _enqueue(self) -> None:
        """Whoosh's hand-over of a batch of documents to a worker, as one pickle of the batch
        (`_Task._process_file` reads it) in the newest protocol: Whoosh pickled each document
        alone in protocol 2, whose every bytes value (a text's words, its flat text) is
        re-encoded as a str both ways. At 500 bulletins, dumping and loading took 0.31 s of CPU,
        now 0.06 s, and the files are 11 MB instead of 19."""
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as handle:
            pickle.dump(self.docbuffer, handle, pickle.HIGHEST_PROTOCOL)
        if len(self.tasks) < self.procs:
            self._new_task()
        self.jobqueue.put((filename, len(self.docbuffer)))
        self.docbuffer = []

    def end_tasks(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.kill()
        for task in self.tasks:
            task.join()

    def cancel(self) -> None:
        self.end_tasks()
        SegmentWriter.cancel(self)

    def _commit(self, mergetype, optimize, merge) -> None:
        """Whoosh's multisegment commit, refusing to commit without every worker's segment."""
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)
        segments = self._merge_segments(mergetype, optimize, merge)
        results = []
        while len(results) < len(self.tasks):
            try:
                results.append(self.resultqueue.get(timeout=1))
            except queue.Empty:
                if not any(task.is_alive() for task in self.tasks) and self.resultqueue.empty():
                    break  # one died without a word (killed)
        for task in self.tasks:
            task.join()
        failed = [r for r in results if r[0] == _FAILED]
        if failed or len(results) != len(self.tasks):
            code, reason = failed[0][1:] if failed else (None, "an index worker process died")
            raise OSError(code, reason) if code else OSError(reason)
        segments += [segment for _, _, segment in results]
        if self._added:
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments)
        self._finish()


_FAILED = "failed"  # what a worker puts on the result queue instead of its segment


class _Postings(PostingPool):
    """Whoosh's pool of a segment's postings, grouped by term as they come instead of sorted
    whole at the end: a writer adds a term's postings in document order, so only the terms
    are sorted. Whoosh's pool sorted every posting as a 5-tuple (and spilled runs to disk
    past `limitmb`); grouped, a cached reindex at 500 bulletins took 4 % less CPU and 18 %
    less memory (a segment of half of 5,000 bulletins, about 2 million postings, stays in
    memory)."""

    def __init__(self, tempstore, segment, limitmb: int = 128, **kwargs):
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self._terms: dict[tuple[str, bytes], list[tuple[int, float, bytes | None]]] = {}

    def add(self, item) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        postings = self._terms.get((fieldname, tbytes))
        if postings is None:
            self._terms[(fieldname, tbytes)] = postings = []
            self.fieldnames.add(fieldname)
        postings.append((docnum, weight, vbytes))

    def add_words(self, fieldname: str, docnum: int, postings) -> None:
        """A document's postings of one field, (word, weight, value) each: `add` without the
        5-tuple Whoosh's writer makes of each."""
        terms = self._terms
        for tbytes, weight, vbytes in postings:
            found = terms.get((fieldname, tbytes))
            if found is None:
                terms[(fieldname, tbytes)] = [(docnum, weight, vbytes)]
            else:
                found.append((docnum, weight, vbytes))
        self.fieldnames.add(fieldname)

    def write_to(self, fieldwriter, schema) -> None:
        """Hand the postings to the segment's field writer term by term, a block at a time:
        what Whoosh's `add_postings` does one posting at a time from `iter_postings`, the
        same bytes written (there are no spelling postings, and no per-document lengths)."""
        field = None
        for key in sorted(self._terms):
            fieldname, tbytes = key
            if fieldname != field:
                if field is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(fieldname, schema[fieldname])
                field = fieldname
            postings = self._terms[key]
            postings.sort(key=itemgetter(0))  # in order already: an O(n) check, in C
            fieldwriter.start_term(tbytes)
            _add_block_by_block(fieldwriter._postwriter, postings)
            fieldwriter.finish_term()
        if field is not None:
            fieldwriter.finish_field()

    def iter_postings(self):
        for key in sorted(self._terms):
            fieldname, tbytes = key
            postings = self._terms[key]
            postings.sort(key=itemgetter(0))  # in order already, but for a merge's deleted documents
            for docnum, weight, vbytes in postings:
                yield fieldname, tbytes, docnum, weight, vbytes

    def cleanup(self) -> None:
        self._terms = {}
        super().cleanup()


def _add_block_by_block(writer, postings: list[tuple[int, float, bytes]]) -> None:
    """A term's postings into Whoosh's postings writer (W3PostingsWriter), as its `add_posting`
    adds them one by one: a full block is written when the next posting comes."""
    limit = writer._blocklimit
    for start in range(0, len(postings), limit):
        if start:
            writer._write_block()
        block = postings[start : start + limit]
        writer._ids.extend([docnum for docnum, _, _ in block])
        weights = [weight for _, weight, _ in block]
        writer._weights.extend(weights)
        writer._values.extend([vbytes for _, _, vbytes in block if vbytes])
        top = max(weights)
        if top > writer._maxweight:
            writer._maxweight = top


class _SegmentWriter(SegmentWriter):
    """Whoosh's writer of one segment, writing the same files with less of Python's work.

    The words' postings go straight into its pool and to the segment term by
    term, a block at a time (`_Postings.write_to`), not one by one through
    Whoosh's writer, pool, field writer and postings writer (430,000 at 500
    bulletins: a sixth of a cached reindex's CPU); and what each other field
    does (indexed, stored, a column) is decided once for the schema, not asked of
    the field for each document (6,808 documents: 1.44 -> 1.18 s).
    """

    def add_document(self, **fields) -> None:
        """Whoosh's `add_document`, each field as `_plans` says; a name the plans lack (a
        boost, `_stored_…`), or a schema they cannot follow, goes Whoosh's own way."""
        value = fields.pop("text", None)
        docnum = self.docnum
        plans = self._plans()
        if plans is None or not fields.keys() <= plans.keys():
            super().add_document(**fields)
        else:
            self._check_state()
            perdoc, add_post = self.perdocwriter, self.pool.add
            columns = perdoc._colwriters  # W3PerDocWriter's, by field: made by its first value
            perdoc.start_doc(docnum)
            for name in sorted(fields):  # Whoosh's order: the stored fields' pickle keeps it
                field_value = fields[name]
                if field_value is None:
                    continue
                field, indexed, stored, column = plans[name]
                if indexed:  # an ID (not scorable: no length)
                    for tbytes, _, weight, vbytes in field.index(field_value):
                        add_post((name, tbytes, docnum, weight * 1.0, vbytes))  # boost 1.0
                if stored:
                    perdoc.add_field(name, field, field_value, 0)
                if column is not None:
                    writer = columns.get(name)
                    if writer is None:
                        perdoc.add_column_value(name, column, field.to_column_value(field_value))
                    else:
                        writer.add(docnum, field.to_column_value(field_value))
            perdoc.finish_doc()
            self._added = True
            self.docnum += 1
        if value is not None:
            self.pool.add_words("text", docnum, self.schema["text"].postings(value))

    def _plans(self) -> dict[str, tuple] | None:
        """name -> (field, indexed, stored, column) for every field but the text; None when a
        field does what this writer does not (a length, a spelling, a vector)."""
        if "_field_plans" not in self.__dict__:
            plans: dict[str, tuple] | None = {}
            for name, field in self.schema.items():
                if name == "text":
                    continue
                if (field.indexed and field.scorable) or field.separate_spelling() or field.vector:
                    plans = None
                    break
                plans[name] = (field, field.indexed, field.stored, field.column_type)
            self.__dict__["_field_plans"] = plans
        return self.__dict__["_field_plans"]

    def _flush_segment(self) -> None:
        if self.codec.length_stats:  # not this index's Codec: Whoosh's way, which writes them
            return super()._flush_segment()
        self.perdocwriter.close()
        self.pool.write_to(self.fieldwriter, self.schema)
        self.fieldwriter.close()


def _grouping(writer):
    """A Whoosh writer with its postings in a `_Postings` pool (set before any is added)."""
    writer.pool = _Postings(writer._tempstorage, writer.newsegment, limitmb=writer.pool.limit >> 20)
    return writer


class _Task(SubWriterTask):
    parent: int = 0

    def _process_file(self, filename, doc_count) -> None:
        """A batch of documents (one pickle: `_Writer._enqueue`); then what was segmented goes
        to this process's spill file."""
        storage = self.writer.temp_storage()
        with storage.open_file(filename).raw_file() as handle:
            batch = pickle.load(handle)
        for code, fields in batch:
            assert code == 0  # Whoosh's code for add_document, the only one
            self.writer.add_document(**fields)
        storage.delete_file(filename)
        self.writer.schema["text"].fresh.spill(spill_path(Path(self.storage.folder)))

    def run(self) -> None:
        """The worker's life: write its segment, with Python's cyclic garbage collector off.

        Why off: a worker allocates a tuple for every posting of its segment (2 million at
        5,000 bulletins), and each collection scanned all those alive; nothing it makes
        needs the collector (no cycles to free), and the process ends with its segment.
        A one-process reindex at 5,000 took 30.0 s instead of 33.5 s without it.
        """
        die_with_parent(self.parent)
        gc.disable()
        try:
            self._write()
        except Exception as error:  # told to the parent, which fails the commit with it
            code = error.errno if isinstance(error, OSError) else None
            self.resultqueue.put((_FAILED, code, getattr(error, "strerror", None) or str(error)))

    def _write(self) -> None:
        """Whoosh's `SubWriterTask.run` for a multisegment write, with the segment's grams
        written here, on this worker's core, before the segment is handed to the parent."""
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = _grouping(_SegmentWriter(ix, _lk=False, **self.kwargs))
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
            return
        segment = writer._finalize_segment()
        reader = SegmentReader(self.storage, writer.schema, segment)
        try:
            _write_segment_grams(reader, Path(self.storage.folder))
        finally:
            reader.close()
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=5)


# -- the table: segments read from their columns in bulk, and their n-grams ---------------


def _segments(reader, folder: Path, cache: dict[str, Segment]) -> list[Segment]:
    """The segments of a generation, in document order; those in `cache` are not read again."""
    found = []
    for leaf, _offset in reader.leaf_readers():
        name = leaf._segment.segment_id()
        if name not in cache:
            cache[name] = _read_segment(leaf, folder, name)
        found.append(cache[name])
    return found


def _read_segment(leaf, folder: Path, name: str) -> Segment:
    """One segment's columns, each decoded in one call (values end with a separator); its flat
    texts memory-mapped from the column file; its grams from the file beside it, or made now
    (a reader may open a generation before its writer has written them)."""
    texts, starts = _flat_column(leaf, folder)
    grams_path = folder / f"{name}{GRAMS_EXT}"
    try:
        grams = Grams.load(_map(grams_path))
    except (OSError, ValueError):
        grams = Grams.load(Grams.build(_decoded(texts, starts)))
    return Segment(
        kind=_facet_column(leaf, "kind"),
        section=_facet_column(leaf, "section"),
        year=_tuples(_facet_column(leaf, "year")),
        departments=_tuples(_facet_column(leaf, "departments")),
        day_from=_number_column(leaf, "day_from", "I"),
        day_to=_number_column(leaf, "day_to", "I"),
        period_from=_number_column(leaf, "period_from", "I"),
        period_to=_number_column(leaf, "period_to", "I"),
        published=_number_column(leaf, "published", "I"),
        order=_number_column(leaf, "order", "q"),
        length=_number_column(leaf, "length", "I"),
        texts=texts,
        starts=starts,
        grams=grams,
    )


def _write_grams(folder: Path) -> None:
    """Write the grams of every segment of the build that has none (new or merged segments);
    Whoosh removes those of the segments a commit merged away, with their other files."""
    ix = FileIndex(IndexStorage(str(folder), readonly=True), indexname=INDEX_NAME)
    try:
        with ix.reader() as reader:
            for leaf, _offset in reader.leaf_readers():
                _write_segment_grams(leaf, folder)
    finally:
        ix.close()


def _write_segment_grams(leaf, folder: Path) -> None:
    """The grams file of one segment, unless it has one."""
    path = folder / f"{leaf._segment.segment_id()}{GRAMS_EXT}"
    if not path.exists():
        texts, starts = _flat_column(leaf, folder)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(Grams.build(_decoded(texts, starts)))
        os.replace(temporary, path)


def _flat_column(leaf, folder: Path) -> tuple[object, array]:
    """The flat texts of a segment as the bytes of its column file, and where each starts."""
    count = leaf.doc_count_all()
    if not count or not leaf._perdoc.has_column("flat"):
        return b"\0" * count, array("Q", range(count + 1))
    lengths = leaf.column_reader("flat", translate=False)._lengths
    starts = array("Q", accumulate(lengths, initial=0))
    if not all(lengths):  # a document indexed without its text: give it an empty one
        data = b"".join(
            bytes(v) if v else END_TEXT.encode()
            for v in leaf.column_reader("flat", translate=False)
        )
        return data, array("Q", accumulate((len(v) or 1 for v in lengths), initial=0))
    return _map(folder / W3Codec.column_filename(leaf._segment, "flat")), starts


def _decoded(texts, starts: array) -> Iterator[str]:
    for n in range(len(starts) - 1):
        yield bytes(texts[starts[n] : starts[n + 1] - 1]).decode("utf-8")


def _map(path: Path) -> mmap.mmap:
    with open(path, "rb") as handle:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def _facet_column(leaf, name: str) -> list[str]:
    count = leaf.doc_count_all()
    if not leaf._perdoc.has_column(name):
        return [""] * count
    column = leaf.column_reader(name, translate=False)
    lengths = column._lengths
    if len(lengths) == count and all(lengths):
        data = column._dbfile.get(column._basepos, sum(lengths)).decode("utf-8")
        return [sys.intern(v) for v in data.split(END_VALUE)[:count]]  # one object per value
    return [bytes(v).decode("utf-8").removesuffix(END_VALUE) for v in column]


def _tuples(values: list[str]) -> list[tuple[str, ...]]:
    """A multi-valued column's values as tuples, one object per distinct value."""
    shared: dict[str, tuple[str, ...]] = {}
    return [shared.setdefault(v, tuple(v.split(JOIN)) if v else ()) for v in values]


def _number_column(leaf, name: str, typecode: str) -> array:
    count = leaf.doc_count_all()
    values = array(typecode)
    if leaf._perdoc.has_column(name):
        column = leaf.column_reader(name, translate=False)
        stored = min(column._count, count)
        values.frombytes(column._dbfile.get(column._basepos, stored * column._fixedlen))
        if values.itemsize > 1 and sys.byteorder == "little":
            values.byteswap()  # Whoosh writes numbers big-endian
    values.extend([0] * (count - len(values)))
    return values


def _day(value: date | None) -> int:
    return value.year * 10000 + value.month * 100 + value.day if value else 0


def _date_of(day: int) -> date | None:
    return date(day // 10000, day // 100 % 100, day % 100) if day else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _write_meta(build: Path, meta: dict) -> None:
    temporary = build / f".{META}.tmp"
    temporary.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    os.replace(temporary, build / META)
