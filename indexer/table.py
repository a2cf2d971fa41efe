"""Every document's columns in memory, per index generation: filters, facets, order, substring scans.

Made by `index.Snapshot`'s loader from the Whoosh columns once per index
generation, then shared by every search until the next commit. Filters that
repeat (a department's documents, a section, a kind) are inverted once per
generation and cached; a date range is a scan of two integer arrays; a facet
is a count over a list; a substring is a scan of the flat texts. Deleted
documents are not `live` and have empty texts, so no scan can return them.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from heapq import nlargest
from itertools import chain

_ALNUM = re.compile(r"[0-9a-z]")
K1, B = 1.2, 0.75  # BM25's usual constants


def _ordinal(day: int) -> int:
    return date(day // 10000, day // 100 % 100, day % 100).toordinal() if day else 0


def _days_before(day: int, days: int) -> int:
    """The YYYYMMDD int `days` days before `day` (0 stays 0)."""
    if not day:
        return 0
    earlier = date.fromordinal(max(1, _ordinal(day) - days))
    return earlier.year * 10000 + earlier.month * 100 + earlier.day


def _joined(texts: list[str]) -> dict:
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    starts.append(at)
    return {"joined": "".join(text + "\0" for text in texts), "starts": starts}


@dataclass
class DocTable:
    live: frozenset[int]
    kind: list[str]
    section: list[str]
    year: list[str]
    departments: list[tuple[str, ...]]
    day_from: Sequence[int]  # event span as YYYYMMDD ints (0 for none)
    day_to: Sequence[int]
    order: Sequence[int]  # newest first when sorted in reverse
    joined: str  # every document's flat text, each followed by "\0"
    starts: list[int]  # where each document's text starts in `joined` (one extra entry at the end)
    count_by_sets_above: int = 256
    _inverted: dict[str, dict[str, frozenset[int]]] = field(default_factory=dict, repr=False)
    _frequencies: dict[str, int] = field(default_factory=dict, repr=False)
    _mean_length: float | None = field(default=None, repr=False)
    _sorted: tuple[list[int], list[int]] | None = field(default=None, repr=False)
    _span: int | None = field(default=None, repr=False)

    @classmethod
    def of(cls, texts: list[str], **columns) -> DocTable:
        """A table of these columns, with the flat texts joined for scanning."""
        return cls(**columns, **_joined(texts))

    def having(self, facet: str, value: str) -> frozenset[int]:
        """Documents whose facet (department, section, kind, year) has this value; cached per generation.

        Built from `live`, so that every set holds the same int objects (a document
        number above 256 is an object of its own; one copy per set would cost
        megabytes at 70,000 documents).
        """
        if facet not in self._inverted:
            index: dict[str, set[int]] = {}
            if facet == "department":
                for docnum in self.live:
                    for name in self.departments[docnum]:
                        index.setdefault(name, set()).add(docnum)
            else:
                values = getattr(self, facet)
                for docnum in self.live:
                    if values[docnum]:
                        index.setdefault(values[docnum], set()).add(docnum)
            self._inverted[facet] = {k: frozenset(v) for k, v in index.items()}
        return self._inverted[facet].get(value, frozenset())

    def overlapping(self, start: int | None, end: int | None) -> set[int]:
        """Documents whose event span [from, to] overlaps [start, end] (days as YYYYMMDD ints).

        Only documents starting between (start - the longest span) and end can
        overlap: two bisections of the documents sorted by their first day
        narrow the scan to those.
        """
        low = start or 0
        high = end or 99999999
        starts, order = self._by_first_day()
        first = bisect_left(starts, _days_before(low, self._longest_span()))
        last = bisect_right(starts, high)
        day_to = self.day_to
        return {d for d in order[first:last] if day_to[d] >= low}

    def _by_first_day(self) -> tuple[list[int], list[int]]:
        if self._sorted is None:
            order = sorted(self.live, key=self.day_from.__getitem__)
            self._sorted = ([self.day_from[d] for d in order], order)
        return self._sorted

    def _longest_span(self) -> int:
        """The longest event span, in days."""
        if self._span is None:
            self._span = max(
                (_ordinal(self.day_to[d]) - _ordinal(self.day_from[d]) for d in self.live),
                default=0,
            )
        return self._span

    def text(self, docnum: int) -> str:
        return self.joined[self.starts[docnum] : self.starts[docnum + 1] - 1]

    def containing(self, needle: str) -> set[int]:
        """Documents whose flat text contains the (flat) needle.

        One pass of str.find over all texts joined, jumping to the next document
        at each hit. A needle that starts or ends with a letter or digit must not
        run on into more of them: "1234" is not found in "12345", nor "a" in "abc".
        """
        head = r"(?<![0-9a-z])" if _ALNUM.match(needle[:1]) else ""
        tail = r"(?![0-9a-z])" if _ALNUM.match(needle[-1:]) else ""
        bounded = re.compile(head + re.escape(needle) + tail) if head or tail else None
        docs: set[int] = set()
        joined, starts, find = self.joined, self.starts, self.joined.find
        at = find(needle)
        while at >= 0:
            docnum = bisect_right(starts, at) - 1
            end = starts[docnum + 1]
            if bounded is None or bounded.search(joined, starts[docnum], end - 1):
                docs.add(docnum)
            at = find(needle, end)
        return docs

    def count(self, facet: str, docs: set[int] | frozenset[int]) -> Counter[str]:
        """How many of the documents have each value of a facet.

        A large set is counted by intersecting it with each value's (cached)
        documents, in C; a small one by looking its documents up.
        """
        if len(docs) > self.count_by_sets_above:
            self.having(facet, "")
            return Counter(
                {v: n for v, members in self._inverted[facet].items() if (n := len(docs & members))}
            )
        if facet == "department":
            departments = self.departments
            return Counter(chain.from_iterable(departments[d] for d in docs))
        values = getattr(self, facet)
        counts = Counter(values[d] for d in docs)
        counts.pop("", None)
        return counts

    def most_relevant(self, docs: set[int], words: list[str], n: int) -> list[int]:
        """The n documents that BM25 ranks highest for the words (counted as substrings of the flat text).

        Ties, and documents none of the words occur in (matched by a department
        tag, say), follow newest first.
        """
        total = max(1, len(self.live))
        average = self._average_length()
        weights = [
            (w, math.log(1 + (total - df + 0.5) / (df + 0.5)))
            for w in words
            for df in [self._df(w)]
        ]

        joined, starts = self.joined, self.starts

        def score(d: int) -> tuple[float, str]:
            start, end = starts[d], starts[d + 1] - 1
            norm = K1 * (1 - B + B * (end - start) / max(average, 1))
            value = 0.0
            for word, idf in weights:
                tf = joined.count(word, start, end)
                if tf:
                    value += idf * tf * (K1 + 1) / (tf + norm)
            return value, self.order[d]

        return nlargest(n, docs, key=score)

    def _df(self, word: str) -> int:
        """In how many documents a word occurs (cached per generation: a scan of all texts)."""
        if word not in self._frequencies:
            self._frequencies[word] = len(self.containing(word))
        return self._frequencies[word]

    def _average_length(self) -> float:
        if self._mean_length is None:
            self._mean_length = (len(self.joined) - len(self.starts) + 1) / max(1, len(self.live))
        return self._mean_length

    def newest(self, docs: Iterable[int], n: int) -> list[int]:
        """The n newest documents (event date, then issue, then reading order)."""
        return nlargest(n, docs, key=self.order.__getitem__)
