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
import multiprocessing
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .extract import ExtractError, document_text
from .model import Issue
from .parse import ParseError, parse
from .problems import Problem, megabytes
from .records import ProblemRecord, SourceRecord
from .store import Store, now
from .versions import fingerprint

SUFFIXES = (".pdf", ".txt")
STATUSES = ("added", "updated", "unchanged", "duplicate", "failed")
# A bulletin is 3-10 KB of text, a PDF of it well under 1 MB; a file over this is not one
# (a scan of a whole year, a video), and reading it would hold its bytes in memory.
MAX_FILE_BYTES = 50 * 2**20


@dataclass
class Outcome:
    path: str
    status: str  # one of STATUSES
    issue_id: str | None = None
    problem: Problem | None = None
    version: int | None = None  # the version of the issue the file gave (or is)
    supersedes: str | None = None  # for a correction: the file of the version it replaced

    @property
    def message(self) -> str:
        """The problem in English, naming the file: "scan.pdf: the PDF has no text layer…"."""
        return f"{Path(self.path).name}: {self.problem.english}" if self.problem else ""

    @property
    def message_zh(self) -> str:
        return f"{Path(self.path).name}：{self.problem.chinese}" if self.problem else ""

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "issue_id": self.issue_id,
            "version": self.version,
            "supersedes": self.supersedes,
            "code": self.problem.code if self.problem else None,
            "message": self.message,
            "message_zh": self.message_zh,
        }


def collect(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest: each file named, and every .pdf/.txt below each folder, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            )
        else:
            files.append(path)
    return files


@dataclass
class _Read:
    """A file read and hashed, not yet parsed."""

    path: Path
    key: str
    size: int
    sha: str


def ingest_file(store: Store, path: Path) -> Outcome:
    """Read, parse and store one file; every error becomes a failed Outcome naming the file."""
    return next(ingest_files(store, [path], processes=1))


def ingest_files(
    store: Store, paths: list[Path], processes: int = 1, max_bytes: int = MAX_FILE_BYTES
) -> Iterator[Outcome]:
    """Ingest files in order, one Outcome each; extraction and parsing in `processes` worker processes.

    Reading, hashing and storing stay in this process (one SQLite writer);
    unchanged files are never sent to a worker. A file that is not stored is
    remembered with its reason (Store.problems) until it ingests cleanly.
    """
    problems = store.problem_paths()
    reads = [_read(store, path, max_bytes, problems) for path in paths]
    pending = [r for r in reads if isinstance(r, _Read)]
    jobs = [r.path for r in pending]
    if processes > 1 and len(pending) > 1:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            yield from _in_order(store, reads, pool.imap(_parse, jobs, chunksize=4))
    else:
        yield from _in_order(store, reads, map(_parse, jobs))


def _in_order(
    store: Store, reads: list[_Read | Outcome], parsed: Iterator[Issue | Problem]
) -> Iterator[Outcome]:
    for read in reads:
        outcome = read if isinstance(read, Outcome) else None
        try:
            if outcome is None:
                outcome = _record(store, read, next(parsed))
            if outcome.problem and Path(outcome.path).exists():  # a file gone is not one to list
                _remember(store, read, outcome)
            if outcome.problem and isinstance(read, _Read) and not store.refers_to(read.sha):
                store.originals.discard(read.sha)
        except sqlite3.Error as error:  # disk full, a lock held too long: this file is not stored
            key = read.key if isinstance(read, _Read) else read.path
            outcome = Outcome(key, "failed", problem=Problem("store_error", str(error)))
        yield outcome


def _remember(store: Store, read: _Read | Outcome, outcome: Outcome) -> None:
    sha, size = (read.sha, read.size) if isinstance(read, _Read) else (None, None)
    if size is None:
        try:
            size = Path(outcome.path).stat().st_size
        except OSError:
            size = None
    store.record_problem(ProblemRecord(outcome.path, sha, size, now(), outcome.problem))


def _read(store: Store, path: Path, max_bytes: int, problems: set[str]) -> _Read | Outcome:
    key = str(path.resolve())
    try:
        size = path.stat().st_size
        if size > max_bytes:
            detail = f"{megabytes(size)} > {megabytes(max_bytes)}"
            return Outcome(key, "failed", problem=Problem("too_large", detail))
        data = path.read_bytes()
    except OSError as error:
        return Outcome(key, "failed", problem=Problem("unreadable", str(error.strerror or error)))
    sha = hashlib.sha256(data).hexdigest()
    try:
        store.originals.keep(data, sha)  # also for an unchanged file stored before copies were kept
    except OSError as error:
        return Outcome(key, "failed", problem=Problem("store_error", str(error.strerror or error)))
    known = store.source(key)
    if known and known.sha256 == sha and known.issue_id:
        if key in problems:  # a bad version was put back to the stored one
            store.clear_problem(key)
        return Outcome(key, "unchanged", known.issue_id)
    return _Read(path, key, len(data), sha)


def _parse(path: Path) -> Issue | Problem:
    """File -> Issue, or the Problem saying why not (runs in a worker process, which reads the file again
    rather than receive its bytes: a folder of PDFs is not held in memory at once)."""
    try:
        return parse(document_text(path.read_bytes(), path.name))
    except OSError as error:
        return Problem("unreadable", str(error.strerror or error))
    except (ExtractError, ParseError) as error:
        return error.problem


def _record(store: Store, read: _Read, result: Issue | Problem) -> Outcome:
    """Store a parsed issue: a new one, or a correction of one stored; unless it failed, or its
    content is a version the archive already has."""
    if isinstance(result, Problem):
        return Outcome(read.key, "failed", problem=result)
    issue, key = result, read.key
    issue_id = issue.issue_id
    record = SourceRecord(
        path=key, sha256=read.sha, size=read.size, ingested_at=now(), issue_id=issue_id
    )
    known = store.version_with(issue_id, fingerprint(issue))
    if known is None:
        kept = store.versions(issue_id)
        if not kept:
            store.save(issue, record)
            return Outcome(key, "added", issue_id, version=1)
        version = store.correct(issue, record)
        return Outcome(key, "updated", issue_id, version=version, supersedes=kept[-1].source.file)
    if not known.current:  # a file of an earlier version: the archive has it and its correction
        record.issue_id = None
        store.record_source(record)
        return Outcome(key, "duplicate", issue_id, Problem("superseded", known.source.file))
    other = known.source.file
    if other != key and Path(other).exists():
        record.issue_id = None
        store.record_source(record)
        return Outcome(key, "duplicate", issue_id, Problem("duplicate", other))
    store.repoint(issue_id, record)  # the same content: in other bytes, or its file moved
    return Outcome(key, "unchanged", issue_id, version=known.version)
