"""Snippets: a window of an item's text around its matches, with <mark> and everything else escaped.

Done on the page shown only, from the stored text, by finding the query's
terms in it (ASCII case-insensitively), across the line breaks and spaces the
text may have inside a term: the index keeps no character offsets to reuse.

Bounded whatever an item holds: the window is chosen among the first
MAX_MATCHES matches found in the first MAX_SCAN characters, in one pass (an
item of one name 30,000 times made every search that found it take a minute).
Real items are a few hundred characters and never reach either bound.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from itertools import islice

from markupsafe import Markup, escape

SNIPPET_LENGTH = 120
LEAD = 24
MAX_SCAN = 50_000  # characters of an item searched for its matches
MAX_MATCHES = 200  # matches among which the window is chosen


def match_spans(text: str, terms: list[str], limit: int | None = None) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) of the terms in the text, longest term first at each place;
    the first `limit` of them when one is given."""
    pattern = _pattern(tuple(terms))
    if pattern is None:
        return []
    return [m.span() for m in islice(pattern.finditer(text), limit)]


@lru_cache(maxsize=256)
def _pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    """The terms as one pattern, made once for the page of hits (and for the same query again),
    not once per hit: building it was a tenth of a search's time."""
    ordered = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not ordered:
        return None
    # A term matches across the spaces and line breaks the text may have inside it.
    spelled = ("\\s*".join(re.escape(c) for c in t if not c.isspace()) for t in ordered)
    return re.compile("|".join(spelled), re.IGNORECASE)


def snippet(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> Markup:
    """The best window of `text` (the one with most matches), matches in <mark>, rest escaped."""
    flat = text.replace("\n", " ")
    spans = match_spans(flat[:MAX_SCAN], terms, MAX_MATCHES)
    start = 0
    if spans:
        starts = [s for s, _ in spans]
        best = max(  # the first span that most spans start within a window of
            range(len(spans)),
            key=lambda i: bisect_left(starts, starts[i] + length - LEAD, i) - i,
        )
        start = max(0, spans[best][0] - LEAD)
    end = min(len(flat), start + length)
    start = max(0, min(start, end - length))
    return _mark(flat, start, end, spans)


def _mark(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> Markup:
    out = ["…"] if start > 0 else []
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out += (escape(text[cursor:s]), "<mark>", escape(text[s:e]), "</mark>")
        cursor = e
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return Markup("".join(out))  # every piece of the text went through escape()
