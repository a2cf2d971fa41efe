"""Every document's columns, per index generation: filters, facets, order, substring search, ranking.

`index.Snapshot` makes a `DocTable` of the segments of one index generation.
A `Segment` is what one Whoosh segment holds, read once and reused by every
generation that still has it (a sync adds a small segment; the big ones stay):
its facet columns, its flat texts as UTF-8 in the column file itself (memory-
mapped: shared by every process, never decoded whole) and its `Grams`, the
character n-gram sets written beside it at index time. Sets of documents are
compressed bitmaps (pyroaring): a facet value's documents, a date range, a
query's matches, their intersections and the facet counts are C operations.

Why the n-grams. A substring scan of every flat text costs 2.4–5.8 ms per
million characters (60–120 ms at 5,000 bulletins, one per query term and per
department name); the documents that have every character bigram of a term
are found by intersecting bitmaps instead, and only those are checked for the
exact string (a term of one or two characters needs no check). Measured in
bench/README.md.
"""

from __future__ import annotations

import math
import re
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from heapq import heappush, heapreplace, nlargest, nsmallest
from itertools import accumulate, chain
from operator import add

from pyroaring import BitMap, FrozenBitMap

_ALNUM = re.compile(r"[0-9a-z]")
K1, B = 1.2, 0.75  # BM25's usual constants
_HEAD = array("Q", [0x6772616D73310000])  # the first 8 bytes of a grams file, format 1
# The spans a date filter reads (first day, last day), by the dates it filters on.
DATES = {
    "event": ("day_from", "day_to"),
    "period": ("period_from", "period_to"),
    "published": ("published", "published"),
}
MULTI_VALUED = {"department": "departments", "year": "year"}  # facet -> its column of tuples
THRESHOLD_FROM = 256  # documents matched, from which several words are ranked by threshold


def _ordinal(day: int) -> int:
    return date(day // 10000, day // 100 % 100, day % 100).toordinal() if day else 0


def _days_before(day: int, days: int) -> int:
    """The YYYYMMDD int `days` days before `day` (0 stays 0)."""
    if not day:
        return 0
    earlier = date.fromordinal(max(1, _ordinal(day) - days))
    return earlier.year * 10000 + earlier.month * 100 + earlier.day


def _code(gram: str) -> int:
    """A unigram or bigram as one number (bigrams' second character shifted by one)."""
    return ord(gram[0]) << 21 | (ord(gram[1]) + 1 if len(gram) > 1 else 0)


class Grams:
    """A segment's character unigrams and bigrams -> the (segment's) documents whose flat text has them."""

    def __init__(self, codes: array, offsets: array, blob):
        self._codes, self._offsets, self._blob = codes, offsets, blob

    @staticmethod
    def build(texts: Iterable[str]) -> bytes:
        """The file of the grams of these texts (document n is the n-th text)."""
        postings: dict[str, list[int]] = {}
        for docnum, text in enumerate(texts):
            grams = set(text)
            grams.update(map(add, text, text[1:]))
            for gram in grams:
                found = postings.get(gram)
                if found is None:
                    postings[gram] = [docnum]
                else:
                    found.append(docnum)
        keyed = sorted((_code(g), docs) for g, docs in postings.items())
        codes = array("Q", [c for c, _ in keyed])
        blobs = [FrozenBitMap(docs).serialize() for _, docs in keyed]
        offsets = array("Q", accumulate((len(b) for b in blobs), initial=0))
        return b"".join(
            [_HEAD.tobytes(), array("Q", [len(codes)]).tobytes(), codes.tobytes(), offsets.tobytes()]
            + blobs
        )

    @classmethod
    def load(cls, buffer) -> Grams:
        """Grams over a file's bytes (a memory map: the bitmaps are read when asked for)."""
        head = array("Q", bytes(buffer[:16]))
        if head[0] != _HEAD[0]:
            raise ValueError("not a grams file")
        n = head[1]
        codes = array("Q", bytes(buffer[16 : 16 + 8 * n]))
        offsets = array("Q", bytes(buffer[16 + 8 * n : 16 + 8 * (2 * n + 1)]))
        return cls(codes, offsets, memoryview(buffer)[16 + 8 * (2 * n + 1) :])

    def docs(self, gram: str) -> FrozenBitMap:
        code = _code(gram)
        at = bisect_left(self._codes, code)
        if at == len(self._codes) or self._codes[at] != code:
            return FrozenBitMap()
        return FrozenBitMap.deserialize(self._blob[self._offsets[at] : self._offsets[at + 1]])


class Scores:
    """A word's BM25 score in each document it occurs in, kept in 12 bytes a document (the
    documents as a bitmap, the scores in their order) instead of a dict's ~100 with the
    ranked list's ints: kept for every word ranked in a generation, the dicts were 130 MB
    of a server's memory after 400 searches at 5,000 bulletins."""

    __slots__ = ("docs", "_values")

    def __init__(self, docs: FrozenBitMap, values: array):
        self.docs, self._values = docs, values

    def get(self, docnum: int, default: float = 0.0) -> float:
        return self._values[self.docs.rank(docnum) - 1] if docnum in self.docs else default

    def __getitem__(self, docnum: int) -> float:
        return self._values[self.docs.rank(docnum) - 1]


@dataclass
class Segment:
    """The columns of one Whoosh segment (its own document numbers), as written: never changed."""

    kind: list[str]
    section: list[str]
    year: list[tuple[str, ...]]  # every year the event span touches
    departments: list[tuple[str, ...]]
    day_from: Sequence[int]  # event span as YYYYMMDD ints (0 for none)
    day_to: Sequence[int]
    period_from: Sequence[int]  # the period (所属期), likewise
    period_to: Sequence[int]
    published: Sequence[int]  # the publication day (印发日期), likewise
    order: Sequence[int]  # newest first when sorted in reverse
    length: Sequence[int]  # characters of the flat text
    texts: object  # the flat texts, UTF-8, each followed by b"\0" (bytes or a memory map)
    starts: Sequence[int]  # where each text starts in `texts` (one more at the end)
    grams: Grams

    def __len__(self) -> int:
        return len(self.kind)

    def text(self, docnum: int) -> str:
        return bytes(self.texts[self.starts[docnum] : self.starts[docnum + 1] - 1]).decode("utf-8")

    def containing(self, needle: str, bounded: re.Pattern | None) -> BitMap:
        """This segment's documents whose flat text has the needle (deleted ones included)."""
        grams = {needle} if len(needle) == 1 else set(map(add, needle, needle[1:]))
        sets = sorted((self.grams.docs(g) for g in grams), key=len)
        candidates = BitMap(sets[0])
        for other in sets[1:]:
            if not candidates:
                break
            candidates &= other
        if len(needle) <= 2 and bounded is None:
            return candidates
        data, starts, wanted = self.texts, self.starts, needle.encode("utf-8")
        if bounded is None:
            return BitMap(
                d for d in candidates if data.find(wanted, starts[d], starts[d + 1] - 1) >= 0
            )
        return BitMap(d for d in candidates if bounded.search(data, starts[d], starts[d + 1] - 1))

    def count(self, word: bytes, docnum: int) -> int:
        """Occurrences of a (UTF-8) word in a document's flat text."""
        return bytes(self.texts[self.starts[docnum] : self.starts[docnum + 1] - 1]).count(word)


class DocTable:
    """One index generation: its segments side by side (document n of the second segment is
    document len(first) + n), the live documents, and what searches cache until the next commit."""

    count_by_sets_above = 256

    def __init__(self, segments: list[Segment], live: Iterable[int]):
        self.segments = segments
        self.offsets = list(accumulate((len(s) for s in segments), initial=0))
        self.live = FrozenBitMap(live)
        self.kind = list(chain.from_iterable(s.kind for s in segments))
        self.section = list(chain.from_iterable(s.section for s in segments))
        self.year = list(chain.from_iterable(s.year for s in segments))
        self.departments = list(chain.from_iterable(s.departments for s in segments))
        self.day_from = _joined_array("I", (s.day_from for s in segments))
        self.day_to = _joined_array("I", (s.day_to for s in segments))
        self.period_from = _joined_array("I", (s.period_from for s in segments))
        self.period_to = _joined_array("I", (s.period_to for s in segments))
        self.published = _joined_array("I", (s.published for s in segments))
        self.order = _joined_array("q", (s.order for s in segments))
        self.length = _joined_array("I", (s.length for s in segments))
        self._inverted: dict[str, dict[str, FrozenBitMap]] = {}
        self._scores: dict[str, tuple[Scores, array, FrozenBitMap]] = {}
        self._frequencies: dict[str, int] = {}
        self._mean_length: float | None = None
        self._sorted: dict[str, tuple[array, array]] = {}
        self._span: dict[str, int] = {}

    def _segment(self, docnum: int) -> tuple[Segment, int]:
        n = bisect_right(self.offsets, docnum) - 1
        return self.segments[n], docnum - self.offsets[n]

    def text(self, docnum: int) -> str:
        segment, local = self._segment(docnum)
        return segment.text(local)

    # -- filters and facets ------------------------------------------------------

    def having(self, facet: str, value: str) -> FrozenBitMap:
        """Live documents whose facet (department, section, kind, year) has this value; cached.

        A document has each of its departments, and each year its event span touches.
        """
        if facet not in self._inverted:
            index: dict[str, list[int]] = {}
            if facet in MULTI_VALUED:
                values = getattr(self, MULTI_VALUED[facet])
                for docnum in self.live:
                    for name in values[docnum]:
                        index.setdefault(name, []).append(docnum)
            else:
                values = getattr(self, facet)
                for docnum in self.live:
                    if values[docnum]:
                        index.setdefault(values[docnum], []).append(docnum)
            self._inverted[facet] = {k: FrozenBitMap(v) for k, v in index.items()}
        return self._inverted[facet].get(value, FrozenBitMap())

    def overlapping(self, start: int | None, end: int | None, dates: str = "event") -> BitMap:
        """Live documents whose span of `dates` (DATES: the event's, the issue's period, its
        publication day) overlaps [start, end] (days as YYYYMMDD ints); none without that date.

        Only documents starting between (start - the longest span) and end can
        overlap: two bisections of the documents sorted by their first day
        narrow the scan to those.
        """
        low = start or 0
        high = end or 99999999
        _, last_days = self._days(dates)
        starts, order = self._by_first_day(dates)
        first = max(
            bisect_left(starts, _days_before(low, self._longest_span(dates))),
            bisect_right(starts, 0),  # documents without the date
        )
        last = bisect_right(starts, high)
        if low == 0:
            return BitMap(order[first:last])
        return BitMap(d for d in order[first:last] if last_days[d] >= low)

    def _days(self, dates: str) -> tuple[Sequence[int], Sequence[int]]:
        """The first and last days of each document's span of `dates`."""
        first, last = DATES[dates]
        return getattr(self, first), getattr(self, last)

    def _by_first_day(self, dates: str) -> tuple[array, array]:
        if dates not in self._sorted:
            first_days, _ = self._days(dates)
            order = array("I", sorted(self.live, key=first_days.__getitem__))
            self._sorted[dates] = (array("I", (first_days[d] for d in order)), order)
        return self._sorted[dates]

    def _longest_span(self, dates: str) -> int:
        """The longest span of `dates`, in days."""
        if dates not in self._span:
            first_days, last_days = self._days(dates)
            self._span[dates] = max(
                (_ordinal(last_days[d]) - _ordinal(first_days[d]) for d in self.live),
                default=0,
            )
        return self._span[dates]

    def count(self, facet: str, docs: BitMap | FrozenBitMap) -> Counter[str]:
        """How many of the documents have each value of a facet.

        A large set is counted by intersecting it with each value's (cached)
        documents, in C; a small one by looking its documents up.
        """
        if len(docs) > self.count_by_sets_above:
            self.having(facet, "")
            return Counter(
                {
                    v: n
                    for v, members in self._inverted[facet].items()
                    if (n := docs.intersection_cardinality(members))
                }
            )
        if facet in MULTI_VALUED:
            values = getattr(self, MULTI_VALUED[facet])
            return Counter(chain.from_iterable(values[d] for d in docs))
        values = getattr(self, facet)
        counts = Counter(values[d] for d in docs)
        counts.pop("", None)
        return counts

    # -- text ----------------------------------------------------------------------

    def containing(self, needle: str) -> BitMap:
        """Live documents whose flat text contains the (flat) needle.

        A needle that starts or ends with a letter or digit must not run on
        into more of them: "1234" is not found in "12345", nor "a" in "abc".
        """
        head = rb"(?<![0-9a-z])" if _ALNUM.match(needle[:1]) else b""
        tail = rb"(?![0-9a-z])" if _ALNUM.match(needle[-1:]) else b""
        bounded = (
            re.compile(head + re.escape(needle.encode("utf-8")) + tail) if head or tail else None
        )
        found = BitMap()
        for segment, offset in zip(self.segments, self.offsets, strict=False):
            docs = segment.containing(needle, bounded)
            if docs:
                found |= _shifted(docs, offset)
        return found & self.live

    # -- order -----------------------------------------------------------------------

    def most_relevant(self, docs: BitMap, words: list[str], n: int) -> list[int]:
        """The n documents that BM25 ranks highest for the words (counted as substrings of the flat text).

        Ties, and documents none of the words occur in (matched by a department
        tag, say), follow newest first. Each word's scores are worked out once
        per generation, for the documents it occurs in; for one word, the
        documents it occurs in are kept ranked, so a page is the first of them
        that are among `docs`.
        """
        order = self.order
        if len(words) == 1:
            scores, ranked, scored = self._word(words[0])
            if len(docs) * 8 >= len(ranked):
                top = []
                for d in ranked:
                    if d in docs:
                        top.append(d)
                        if len(top) == n:
                            return top
                return top + self.newest(docs - scored, n - len(top))
        every = [self._word(w) for w in words]
        if len(docs) > THRESHOLD_FROM:
            top = self._by_threshold(docs, every, n)
            if top is not None:
                return top
        scores = [s for s, _, _ in every]

        def score(d: int) -> tuple[float, int]:
            return sum(s.get(d, 0.0) for s in scores), order[d]

        return nlargest(n, docs, key=score)

    def _by_threshold(
        self, docs: BitMap, every: list[tuple[Scores, array, FrozenBitMap]], n: int
    ) -> list[int] | None:
        """`most_relevant` of several words by Fagin's threshold algorithm: down the words'
        ranked lists side by side, each document met scored whole, until the n-th best beats
        what any document not yet met could have (the sum of the scores at the depth reached).

        Why: a pair of common words matches thousands of documents, and scoring every one
        of them was most of such a search. The same order as scoring them all (ties by
        order, then by document number, as `nlargest` keeps them); None when the lists run
        deeper than `docs` is large (a filter that excludes the best documents), where
        scoring `docs` is cheaper.
        """
        order = self.order
        scores = [s for s, _, _ in every]
        lists = [ranked for _, ranked, _ in every]
        top: list[tuple[tuple[float, int, int], int]] = []  # the n best met: a min-heap
        met: set[int] = set()
        deepest = max(len(ranked) for ranked in lists)
        for depth in range(min(deepest, len(docs))):
            frontier = 0.0
            for word_scores, ranked in zip(scores, lists, strict=True):
                if depth >= len(ranked):
                    continue
                d = ranked[depth]
                frontier += word_scores[d]
                if d in met:
                    continue
                met.add(d)
                if d in docs:
                    key = (sum(s.get(d, 0.0) for s in scores), order[d], -d)
                    if len(top) < n:
                        heappush(top, (key, d))
                    elif key > top[0][0]:
                        heapreplace(top, (key, d))
            if len(top) == n and top[0][0][0] > frontier:
                break
        else:
            if deepest > len(docs):
                return None
            # Every list run to its end: each document with a score was met.
            ranked = [d for _, d in sorted(top, reverse=True)]
            unscored = docs - BitMap(met)
            return ranked + self.newest(unscored, n - len(ranked))
        return [d for _, d in sorted(top, reverse=True)]

    def _word(self, word: str) -> tuple[Scores, array, FrozenBitMap]:
        """A word's BM25 score in each document it occurs in, those documents best first
        (then newest), and their set."""
        if word not in self._scores:
            total = max(1, len(self.live))
            df = self._df(word)
            idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
            average = max(self._average_length(), 1)
            wanted, length = word.encode("utf-8"), self.length
            scores: dict[int, float] = {}
            for segment, offset, docs in self._unbounded(word):
                for d in docs:
                    tf = segment.count(wanted, d - offset)
                    if tf:
                        norm = K1 * (1 - B + B * length[d] / average)
                        scores[d] = idf * tf * (K1 + 1) / (tf + norm)
            # best first, ties newest first: two stable sorts on plain keys are a third of one
            # on (score, order) tuples
            ranked = sorted(scores, key=self.order.__getitem__, reverse=True)
            ranked.sort(key=scores.__getitem__, reverse=True)
            kept = Scores(FrozenBitMap(scores), array("d", (scores[d] for d in sorted(scores))))
            self._scores[word] = (kept, array("I", ranked), kept.docs)
        return self._scores[word]

    def _unbounded(self, word: str) -> Iterator[tuple[Segment, int, BitMap]]:
        """Each segment, its offset, and the live documents in it that have the word."""
        for segment, offset in zip(self.segments, self.offsets, strict=False):
            yield segment, offset, _shifted(segment.containing(word, None), offset) & self.live

    def _df(self, word: str) -> int:
        """In how many documents a word occurs (cached per generation)."""
        if word not in self._frequencies:
            self._frequencies[word] = len(self.containing(word))
        return self._frequencies[word]

    def _average_length(self) -> float:
        if self._mean_length is None:
            length = self.length
            self._mean_length = sum(length[d] for d in self.live) / max(1, len(self.live))
        return self._mean_length

    def newest(self, docs: Iterable[int], n: int) -> list[int]:
        """The n newest documents (event date, then issue, then reading order)."""
        return nlargest(n, docs, key=self.order.__getitem__)

    def oldest(self, docs: Iterable[int], n: int) -> list[int]:
        """The n oldest documents: `newest` the other way round."""
        return nsmallest(n, docs, key=self.order.__getitem__)


def _shifted(docs: BitMap, offset: int) -> BitMap:
    return docs.shift(offset) if offset else docs


def _joined_array(typecode: str, parts: Iterable[Sequence[int]]) -> array:
    out = array(typecode)
    for part in parts:
        out.extend(part)
    return out
