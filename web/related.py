"""Related items: up to five items of other issues that share an item's departments and words.

Found through the index's public search, so they always follow what the index
holds. An item's most telling words are those it repeats that few documents
of the archive hold (tf × idf, the document frequencies counted by the index
itself, so 政务 and 窗口, in every other item, weigh nothing). The candidates are
the best matches of those words, alone and within each of its first two
departments (or that department's newest items); they are ranked by the
share of the item's departments they name plus the share of the weight of
its telling words they hold, then by their id: computed from the texts alone, so a reindex of the same archive
gives the same list.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from archive.model import Attachment
from archive.records import ItemLink
from indexer.analysis import flat, frequency, query_words
from indexer.index import SearchIndex
from indexer.search import Hit, SearchRequest, search

MAX_RELATED = 5
CANDIDATE_WORDS = 8  # words of the item whose document frequency is looked up
QUERY_WORDS = 6  # the most telling of them, searched for
POOL = 15  # best matches of each search considered (each a hit read from the index: the cost)
DEPARTMENTS = 2  # of the item's departments, the first ones searched for
COMMON = 0.05  # a word in more than 5% of the documents tells nothing
_CJK_WORD = re.compile(r"[\u3400-\u9fff]{2,}")


@dataclass(frozen=True)
class Related:
    hit: Hit
    shared_departments: tuple[str, ...]
    shared_words: tuple[str, ...]

    def to_json(self) -> dict:
        return {
            **self.hit.to_json(),
            "shared_departments": list(self.shared_departments),
            "shared_words": list(self.shared_words),
        }


def telling_words(
    index: SearchIndex, text: str, departments: list[str], frequencies: dict[str, int]
) -> dict[str, float]:
    """The item's most telling words with their weights (tf × idf over the archive).

    `frequencies` caches the document frequencies of one index generation (a
    common word costs a scan of the texts the first time it is looked up).
    """
    names = {flat(d) for d in departments}
    counts = Counter(
        w for w in query_words(text) if _CJK_WORD.fullmatch(w) and flat(w) not in names
    )
    # Which words to look up: the repeated ones, then those rarest in Chinese at large (jieba's
    # own word counts), as the archive's counts cost a search each.
    candidates = sorted(counts, key=lambda w: (-counts[w], frequency(w), w))[:CANDIDATE_WORDS]
    if "" not in frequencies:
        frequencies[""] = _count(index, "")
    total = frequencies[""]
    weights: dict[str, float] = {}
    for word in candidates:
        if word not in frequencies:
            frequencies[word] = _count(index, f'"{word}"')
        df = frequencies[word]
        if 1 < df <= max(10, COMMON * total):  # found elsewhere, and not everywhere
            weights[word] = counts[word] * math.log(total / df)
    best = sorted(weights, key=lambda w: (-weights[w], w))[:QUERY_WORDS]
    return {w: weights[w] for w in best}


def related_items(
    index: SearchIndex,
    issue_id: str,
    text: str,
    departments: list[str],
    frequencies: dict[str, int] | None = None,
) -> list[Related]:
    """Up to five items of other issues, most related first; never the item's own issue."""
    words = telling_words(index, text, departments, {} if frequencies is None else frequencies)
    query = " OR ".join(f'"{w}"' for w in words)
    requests = [SearchRequest(query=query, limit=POOL)] if words else []
    for department in departments[:DEPARTMENTS]:  # what else it says of its first departments
        requests.append(SearchRequest(query=query, department=department, limit=POOL))
        if words:  # and, should none of those hold its words, their newest items
            requests.append(SearchRequest(department=department, sort="date", limit=MAX_RELATED))
    pool: dict[str, Hit] = {}
    for request in requests:
        for hit in search(index, request, facets=False, snippets=False).hits:
            pool.setdefault(hit.item_id, hit)
    ranked = []
    for hit in pool.values():
        if hit.issue_id == issue_id or hit.anchor.startswith("a"):
            continue
        body = flat(hit.text)
        shared_departments = tuple(d for d in departments if d in hit.departments)
        shared_words = tuple(w for w in words if flat(w) in body)
        score = len(shared_departments) / max(1, len(departments)) + sum(
            words[w] for w in shared_words
        ) / max(1e-9, sum(words.values()))
        ranked.append((-score, hit.item_id, Related(hit, shared_departments, shared_words)))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in ranked[:MAX_RELATED]]


def _count(index: SearchIndex, query: str) -> int:
    return search(index, SearchRequest(query=query, limit=1), facets=False, snippets=False).total


def item_with_related(
    index: SearchIndex, followed: ItemLink, frequencies: dict[str, int] | None = None
) -> dict:
    """An item a link leads to (ItemLink.to_json: the item, and what a correction made of it)
    with its related items, as /api/items and `bulletins show ID/ANCHOR --json` give it."""
    issue, anchor = followed.issue, followed.shown_anchor
    _, node = issue.find(anchor)
    related = (
        []
        if isinstance(node, Attachment)
        else related_items(index, issue.issue_id, node.text, node.departments, frequencies)
    )
    return {**followed.to_json(), "related": [r.to_json() for r in related]}
