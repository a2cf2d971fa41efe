"""jieba's dictionary as a file that a small job maps instead of loading (see `analysis.prepare`).

Why: a jieba Tokenizer holds its dictionary as a dict of ~500,000 entries
(every word and every prefix of one, with its frequency); building it (a
marshal.load of jieba's cache, then our user dictionary) takes ~1 s however
few texts are segmented: most of the time `bulletins ingest` of one bulletin
took. This file holds the same entries (the tokenizer's final FREQ, with the
user dictionary, and its total) as an open-addressing hash table that is
memory-mapped: opening it costs milliseconds, a lookup reads a few pages.
`Frequencies` is a read-only mapping over it that a Tokenizer takes as its
FREQ: the same answers, so the same words. A lookup costs ~1 µs instead of a
dict's ~50 ns, so a big job still loads the dict.

The file is derived like the index: named for the analysis version, written
atomically, checked (size and CRC-32) when opened; a file that is missing,
stale or damaged is not used (`load` returns None) and is written again.

Layout (little-endian): HEADER, the version (UTF-8, padded to 8 bytes), then
`slots` (uint32, a power of two of them: entry number + 1, 0 when empty;
linear probing from the CRC-32 of the key's UTF-8), `offsets` (uint32, where
each entry's key starts in `keys`, and one past the last), `freqs` (uint32),
`keys` (the UTF-8 keys end to end). The CRC-32 covers it all (its own field as 0).
"""

from __future__ import annotations

import mmap
import os
import secrets
import struct
import zlib
from array import array
from collections.abc import Iterator, Mapping
from itertools import accumulate
from pathlib import Path

MAGIC = b"BJIEBA01"
HEADER = struct.Struct("<8sQQQII")  # magic, total, entries, slots, crc32 of the rest, version bytes
_MISSING = object()
MEMO_LIMIT = 1 << 18  # lookups remembered (~30 MB at most) before the memo starts again


def write(path: Path, version: str, freq: Mapping[str, int], total: int) -> None:
    """Write the dictionary (a tokenizer's FREQ and total) to `path`, atomically."""
    keys = [key.encode("utf-8") for key in freq]
    size = 1 << max(3, (2 * len(keys)).bit_length())  # under half full: short probes
    mask = size - 1
    slots = array("I", bytes(4 * size))
    for entry, key in enumerate(keys, 1):
        slot = zlib.crc32(key) & mask
        while slots[slot]:
            slot = (slot + 1) & mask
        slots[slot] = entry
    offsets = array("I", accumulate(map(len, keys), initial=0))
    freqs = array("I", freq.values())  # OverflowError past 2**32 - 1 (jieba's are < 10**6)
    tag = version.encode("utf-8")
    body = [_padded(tag), slots.tobytes(), _padded(offsets.tobytes()), freqs.tobytes(), *keys]
    crc = zlib.crc32(HEADER.pack(MAGIC, total, len(keys), size, 0, len(tag)))
    for part in body:
        crc = zlib.crc32(part, crc)
    header = HEADER.pack(MAGIC, total, len(keys), size, crc, len(tag))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with open(temporary, "xb") as out:  # no fsync: a file cut short by a crash fails its CRC
            out.write(header)
            out.writelines(body)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def load(path: Path, version: str) -> tuple[Frequencies, int] | None:
    """(the mapping, jieba's total) of the file, or None if it is missing, of another version
    or damaged (never an error: the caller loads jieba's own dictionary instead)."""
    try:
        with open(path, "rb") as file:
            data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, unreadable, or empty (ValueError)
        return None
    try:
        return Frequencies(data, version), _total(data)
    except ValueError:
        data.close()
        return None


class Frequencies(Mapping):
    """A read-only str -> int mapping over a dictionary file, as a jieba Tokenizer's FREQ."""

    def __init__(self, data: mmap.mmap, version: str):
        """ValueError when `data` is not a whole, undamaged dictionary file of `version`."""
        if len(data) < HEADER.size:
            raise ValueError("too short")
        magic, _total, entries, size, crc, tag_length = HEADER.unpack_from(data)
        slots = HEADER.size + _padded_length(tag_length)
        offsets = slots + 4 * size
        freqs = offsets + _padded_length(4 * (entries + 1))
        keys = freqs + 4 * entries
        if (
            magic != MAGIC
            or data[HEADER.size : HEADER.size + tag_length] != version.encode("utf-8")
            or size & (size - 1)
            or size <= entries
            or len(data) < keys
        ):
            raise ValueError("not a dictionary file of this version")
        (keys_length,) = struct.unpack_from("<I", data, offsets + 4 * entries)
        header = HEADER.pack(magic, _total, entries, size, 0, tag_length)
        with memoryview(data) as whole:
            if (
                keys_length != len(data) - keys
                or zlib.crc32(whole[HEADER.size :], zlib.crc32(header)) != crc
            ):
                raise ValueError("damaged")
        if hasattr(mmap, "MADV_DONTNEED"):
            # The check read every page; handed back to the page cache, they count in a
            # process's memory again only as its lookups touch them (12 MB of a server).
            data.madvise(mmap.MADV_DONTNEED)
        view = memoryview(data)
        self._slots = view[slots:offsets].cast("I")
        self._offsets = view[offsets : offsets + 4 * (entries + 1)].cast("I")
        self._freqs = view[freqs:keys].cast("I")
        self._keys = data
        self._start = keys
        self._mask = size - 1
        self._memo: dict[str, int | None] = {}

    def _find(self, key: str) -> int | None:
        found = self._memo.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        encoded = key.encode("utf-8")
        slots, offsets, keys, start = self._slots, self._offsets, self._keys, self._start
        slot = zlib.crc32(encoded) & self._mask
        while entry := slots[slot]:
            begin, end = offsets[entry - 1] + start, offsets[entry] + start
            if end - begin == len(encoded) and keys[begin:end] == encoded:
                found = self._freqs[entry - 1]
                break
            slot = (slot + 1) & self._mask
        else:
            found = None
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[key] = found
        return found

    def __getitem__(self, key: str) -> int:
        found = self._find(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(key) is not None

    def get(self, key, default=None):
        found = self._find(key) if isinstance(key, str) else None
        return default if found is None else found

    def __len__(self) -> int:
        return len(self._freqs)

    def __iter__(self) -> Iterator[str]:
        offsets, start = self._offsets, self._start
        for entry in range(len(self._freqs)):
            begin, end = offsets[entry] + start, offsets[entry + 1] + start
            yield self._keys[begin:end].decode("utf-8")


def _total(data: mmap.mmap) -> int:
    return HEADER.unpack_from(data)[1]


def _padded_length(length: int) -> int:
    return -(-length // 8) * 8


def _padded(data: bytes) -> bytes:
    return data + bytes(_padded_length(len(data)) - len(data))
