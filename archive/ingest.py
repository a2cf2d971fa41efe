"""Ingest: files in, issues stored; one outcome per file, and a failure never costs what is stored.

A file whose bytes are unchanged is skipped without being read again. A file
whose bulletin has the identity of one stored but other content is a
correction, whatever the file is called: its issue's next version, the one
before kept whole (`updated`, naming the file it supersedes). A file with the
content of a version the archive has is not stored twice: the same bulletin
under another name is a `duplicate`, as is a file of a version since
corrected; the same content in other bytes, or its file moved, is `unchanged`.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import sandbox
from .extract import ExtractError, document_text
from .model import Issue
from .parse import ParseError, parse
from .problems import Problem, megabytes
from .records import Outcome, ProblemRecord, SourceRecord
from .store import Store, now
from .versions import fingerprint

SUFFIXES = (".pdf", ".txt")
# A bulletin is 3-10 KB of text, a PDF of it well under 1 MB; a file over this is not one
# (a scan of a whole year, a video), and reading it would hold its bytes in memory.
MAX_FILE_BYTES = 50 * 2**20
# What reading one file may take (a bulletin: well under a second and 100 MB); past these the
# reader is stopped and the file fails with the limit it passed, the batch goes on.
READ_LIMITS = sandbox.Limits(seconds=60.0, memory=2**30)
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


@dataclass(frozen=True)
class Found:
    """A file to ingest, and what it is shown as: its path below the folder named, or its name."""

    path: Path
    name: str


def find(paths: Iterable[Path]) -> list[Found]:
    """Each file named, and every .pdf/.txt below each folder (sorted), with its shown name.

    Below a folder, anything but a folder with a bulletin's suffix is taken (a
    broken link, a pipe): it fails by name rather than being skipped unseen.
    """
    found: list[Found] = []
    for path in paths:
        if path.is_dir():
            below = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and not p.is_dir()
            )
            found.extend(Found(p, path_text(p.relative_to(path))) for p in below)
        else:
            found.append(Found(path, path_text(Path(path.name))))
    return found


def collect(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest: each file named, and every .pdf/.txt below each folder, sorted."""
    return [f.path for f in find(paths)]


def path_text(path: Path) -> str:
    """A path as it is shown, whatever bytes its name has: UTF-8, else GBK (GB18030), else
    its bytes escaped.

    Why: a name that is not UTF-8 (copied from a GBK Windows share) comes to
    Python with surrogates, which SQLite and the terminal refuse.
    """
    raw = os.fsencode(path)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "backslashreplace")


def key_of(path: Path) -> str:
    """The store's key of a file: its absolute path with links resolved (a link loop stays as
    named), the bytes that are not UTF-8 escaped ("\\xd6\\xdc"), so that it can be stored."""
    return os.fsencode(os.path.realpath(path)).decode("utf-8", "backslashreplace")


@dataclass
class _Read:
    """A file read and hashed, not yet parsed."""

    path: Path
    key: str
    name: str
    size: int
    sha: str


def ingest_file(store: Store, path: Path) -> Outcome:
    """Read, parse and store one file; every error becomes a failed Outcome naming the file."""
    return next(ingest_files(store, [path], processes=1))


def ingest_files(
    store: Store,
    paths: list[Path],
    processes: int = 1,
    max_bytes: int = MAX_FILE_BYTES,
    names: Mapping[Path, str] | None = None,
    limits: sandbox.Limits = READ_LIMITS,
) -> Iterator[Outcome]:
    """Ingest files in order, one Outcome each; extraction and parsing in `processes` worker processes.

    Reading, hashing and storing stay in this process (one SQLite writer);
    unchanged files are never sent to a worker. A worker reads one file at a
    time within `limits` (`sandbox`): a file that passes them fails alone. A
    file that is not stored is remembered with its reason (Store.problems)
    until it ingests cleanly. `names` says what each file is shown as (see
    `find`); a file without one is shown by its name.
    """
    names = names or {}
    problems = store.problem_paths()
    reads = [
        _read(store, path, names.get(path) or path_text(Path(path.name)), max_bytes, problems)
        for path in paths
    ]
    pending = [r for r in reads if isinstance(r, _Read)]
    parsed = sandbox.run(_parse, [r.path for r in pending], processes, limits)
    yield from _in_order(store, reads, map(_stopped_as_problem, parsed))


def _stopped_as_problem(result: Issue | Problem | sandbox.Stopped) -> Issue | Problem:
    if not isinstance(result, sandbox.Stopped):
        return result
    if result.reason == "time":
        return Problem("too_slow", f"{result.limits.seconds:g} s")
    if result.reason == "memory":
        return Problem("too_much_memory", megabytes(result.limits.memory))
    killer = f"signal {result.signal}" if result.signal else "it exited"
    return Problem("crashed", killer)


def _in_order(
    store: Store, reads: list[_Read | Outcome], parsed: Iterator[Issue | Problem]
) -> Iterator[Outcome]:
    for read in reads:
        outcome = read if isinstance(read, Outcome) else None
        try:
            if outcome is None:
                outcome = _record(store, read, next(parsed))
            if outcome.problem and os.path.lexists(outcome.path):  # a file gone is not one to list
                _remember(store, read, outcome)
            if outcome.problem and isinstance(read, _Read) and not store.refers_to(read.sha):
                store.originals.discard(read.sha)
        except sqlite3.Error as error:  # disk full, a lock held too long: this file is not stored
            key = read.key if isinstance(read, _Read) else read.path
            outcome = Outcome(key, "failed", problem=Problem("store_error", str(error)))
        yield outcome


def _remember(store: Store, read: _Read | Outcome, outcome: Outcome) -> None:
    if isinstance(read, _Read):
        sha, size, name = read.sha, read.size, read.name
    else:
        sha, size, name = None, None, read.name
        try:
            size = os.stat(outcome.path).st_size
        except OSError:
            size = None
    record = ProblemRecord(outcome.path, sha, size, now(), outcome.problem, name=name)
    store.record_problem(record)


def _read(
    store: Store, path: Path, name: str, max_bytes: int, problems: set[str]
) -> _Read | Outcome:
    key = key_of(path)
    try:
        data = read_bytes(path, max_bytes)
    except _Refused as refused:
        return Outcome(key, "failed", problem=refused.problem, name=name)
    except OSError as error:
        problem = Problem("unreadable", str(error.strerror or error))
        return Outcome(key, "failed", problem=problem, name=name)
    sha = hashlib.sha256(data).hexdigest()
    try:
        store.originals.keep(data, sha)  # also for an unchanged file stored before copies were kept
    except OSError as error:
        return Outcome(key, "failed", problem=Problem("store_error", str(error.strerror or error)))
    known = store.source(key)
    if known and known.sha256 == sha and known.issue_id:
        if key in problems:  # a bad version was put back to the stored one
            store.clear_problem(key)
        return Outcome(key, "unchanged", known.issue_id, name=name)
    return _Read(path, key, name, len(data), sha)


class _Refused(Exception):
    """A file that is not read at all (not a regular file, too large)."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.english)


def read_bytes(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; _Refused or OSError otherwise.

    Opened without blocking and checked on what was opened: a named pipe would
    wait for a writer forever, a device never ends, and the path could change
    between a check and the open.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((k for test, k in _KINDS if test(info.st_mode)), "not a file")
            raise _Refused(Problem("not_a_file", kind))
        if info.st_size > max_bytes:
            detail = f"{megabytes(info.st_size)} > {megabytes(max_bytes)}"
            raise _Refused(Problem("too_large", detail))
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew since
        detail = f"{megabytes(len(data))}+ > {megabytes(max_bytes)}"
        raise _Refused(Problem("too_large", detail))
    return data


def _parse(path: Path) -> Issue | Problem:
    """File -> Issue, or the Problem saying why not (runs in a worker process, which reads the file again
    rather than receive its bytes: a folder of PDFs is not held in memory at once)."""
    try:
        return parse(document_text(read_bytes(path), path.name))
    except _Refused as refused:
        return refused.problem
    except OSError as error:
        return Problem("unreadable", str(error.strerror or error))
    except (ExtractError, ParseError) as error:
        return error.problem


def _record(store: Store, read: _Read, result: Issue | Problem) -> Outcome:
    """Store a parsed issue: a new one, or a correction of one stored; unless it failed, or its
    content is a version the archive already has."""
    if isinstance(result, Problem):
        return Outcome(read.key, "failed", problem=result, name=read.name)
    issue, key = result, read.key
    issue_id = issue.issue_id
    record = SourceRecord(
        path=key,
        sha256=read.sha,
        size=read.size,
        ingested_at=now(),
        issue_id=issue_id,
        name=read.name,
    )
    content = fingerprint(issue)
    known = store.version_with(issue_id, content)
    if known is None:
        kept = store.versions(issue_id)
        if not kept:
            store.save(issue, record)
            return Outcome(key, "added", issue_id, version=1, name=read.name)
        version = store.correct(issue, record)
        return Outcome(
            key, "updated", issue_id, version=version, supersedes=kept[-1].source.shown,
            name=read.name,
        )  # fmt: skip
    if not known.current:  # a file of an earlier version: the archive has it and its correction
        record.issue_id = None
        store.record_source(record)
        problem = Problem("superseded", known.source.shown)
        return Outcome(key, "duplicate", issue_id, problem, name=read.name)
    other = known.source.file
    if other != key and Path(other).exists():
        record.issue_id = None
        store.record_source(record)
        problem = Problem("duplicate", known.source.shown)
        return Outcome(key, "duplicate", issue_id, problem, name=read.name)
    store.repoint(issue_id, record, content)  # the same content: in other bytes, or moved
    return Outcome(key, "unchanged", issue_id, version=known.version, name=read.name)
