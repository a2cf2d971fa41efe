"""The segmentation cache: each text's jieba words and flat text, by the text's hash, for one
analysis version.

Why: segmenting is most of what an index build costs (bench/: the floor), and
most builds segment texts that were segmented before: a `reindex` segments
every text of the archive again, and so does a re-ingest whose files changed
but whose texts did not. The cache keeps the words of every text indexed, so
that only new texts are segmented; it is derived like the index (a missing or
damaged cache is started afresh, a cache of another analysis version is
emptied) and lives beside it in the data dir. Only the index's writer, under
the index's write lock, opens it.

The words of a text reach Whoosh's writer (which may be a worker process) as
the value of the `text` field: `Segmented` when they are known, `Unsegmented`
(the text and its key) when the writer must segment it; a writer gives back
what it segmented (`Fresh`) to be kept.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

BATCH = 500  # keys per query
FORMAT = 2  # of the table below: a cache of another format is emptied like one of another version


def key_of(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def pack(words: list[str]) -> bytes:
    """A text's words, in order, as the cache keeps them (words never contain a line end)."""
    return zlib.compress("\n".join(words).encode("utf-8"), 1)


def unpack(packed: bytes) -> list[str]:
    data = zlib.decompress(packed).decode("utf-8")
    return data.split("\n") if data else []


@dataclass(frozen=True)
class Segmented:
    """A text whose words are known (packed)."""

    packed: bytes


@dataclass(frozen=True)
class Unsegmented:
    """A text the writer must segment; `key` files its words in the cache."""

    key: bytes
    text: str


@dataclass
class Fresh:
    """What one writer (process) segmented: key -> packed words, for the cache."""

    found: dict[bytes, bytes] = field(default_factory=dict)

    def spill(self, path: Path) -> None:
        """Append what was found so far to `path` (a worker's file, read by `read_spilled`)."""
        if self.found:
            with open(path, "ab") as handle:
                pickle.dump(self.found, handle, protocol=pickle.HIGHEST_PROTOCOL)
            self.found = {}


def read_spilled(paths: Iterable[Path]) -> Iterator[tuple[bytes, bytes]]:
    """Every (key, packed words) the workers spilled into these files."""
    for path in paths:
        with open(path, "rb") as handle:
            while True:
                try:
                    yield from pickle.load(handle).items()
                except EOFError:
                    break


class WordCache:
    """key -> (packed words, flat text) of the texts indexed with analysis `version` (the flat
    text is the analysis's too: normalising it was a fifth of a cached reindex), in SQLite."""

    def __init__(self, path: Path, version: str):
        self.path = path
        self._version = f"{FORMAT}:{version}"
        try:
            self._db = self._open(self._version)
        except sqlite3.DatabaseError:  # damaged: it is only a cache
            self._start_afresh()

    def _start_afresh(self) -> None:
        """A cache that fails (damaged, or laid out by another version of this code) is removed
        and started again: a build never fails for its cache, nor blames the archive for it."""
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self._db = self._open(self._version)

    def _open(self, version: str) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # a cache lost with a crash is rebuilt
            db.execute("CREATE TABLE IF NOT EXISTS meta (version TEXT NOT NULL)")
            row = db.execute("SELECT version FROM meta").fetchone()
            if row is None or row[0] != version:
                with db:
                    db.execute("BEGIN")
                    db.execute("DROP TABLE IF EXISTS words")
                    db.execute(
                        "CREATE TABLE words (key BLOB PRIMARY KEY, packed BLOB NOT NULL,"
                        " flat TEXT NOT NULL) WITHOUT ROWID"
                    )
                    db.execute("DELETE FROM meta")
                    db.execute("INSERT INTO meta VALUES (?)", (version,))
        except BaseException:
            db.close()
            raise
        return db

    def get_many(self, keys: Iterable[bytes]) -> dict[bytes, tuple[bytes, str]]:
        keys = list(keys)
        found: dict[bytes, tuple[bytes, str]] = {}
        try:
            for start in range(0, len(keys), BATCH):
                chunk = keys[start : start + BATCH]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, packed, flat FROM words WHERE key IN ({marks})", chunk
                )
                found.update((key, (packed, text)) for key, packed, text in rows)
        except sqlite3.DatabaseError:
            self._start_afresh()
            return {}
        return found

    def put_many(self, items: Iterable[tuple[bytes, bytes, str]]) -> None:
        """(key, packed words, flat text) of each text."""
        items = list(items)
        try:
            self._put(items)
        except sqlite3.DatabaseError:
            self._start_afresh()
            self._put(items)

    def _put(self, items: list[tuple[bytes, bytes, str]]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO words VALUES (?, ?, ?)", items)

    def retain(self, keys: set[bytes]) -> None:
        """Forget the texts not among `keys` (after a rebuild: those no longer indexed)."""
        try:
            self._retain(keys)
        except sqlite3.DatabaseError:
            self._start_afresh()

    def _retain(self, keys: set[bytes]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS kept (key BLOB PRIMARY KEY)")
            self._db.execute("DELETE FROM kept")
            self._db.executemany("INSERT OR IGNORE INTO kept VALUES (?)", ((k,) for k in keys))
            self._db.execute("DELETE FROM words WHERE key NOT IN (SELECT key FROM kept)")
            self._db.execute("DELETE FROM kept")

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM words").fetchone()[0]

    def close(self) -> None:
        self._db.close()


def spill_path(folder: Path) -> Path:
    """Where this worker process of a write in `folder` spills what it segmented."""
    return folder / f"words-{os.getpid()}.spill"


def spilled(folder: Path) -> list[Path]:
    """Every worker's spill file in `folder`."""
    return sorted(folder.glob("words-*.spill"))
