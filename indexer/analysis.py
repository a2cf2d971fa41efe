"""Text analysis for the index: jieba words, and the flat text that substring search scans.

Why this design. jieba alone has known traps for search: its stock Whoosh
`ChineseAnalyzer` gives tokens character offsets as positions, so quoted
phrases never match; a query segmented in search mode is ANDed token by token,
so a word that the document's context segments differently ("吕芙蓉" inside a
longer run) is missed; single letters and digits vanish and stop words can
empty a query. The common fix, a second field of overlapping character bigrams
with positions, works but triples the postings: in our benchmark it made the
index build ~8x slower than segmenting the text, and phrase matching in pure
Python is slow at query time. So:

* `text` (Whoosh postings): jieba search-mode words, with a user dictionary
  of department names, aliases and the bulletins' recurring terms,
  lowercased, no stop words, nothing dropped for being short. They find a
  query term typed as one run whose jieba words stand apart in the text
  (公安厅培训 in "公安厅召开户籍业务培训会议"), which no substring finds.
  What they cost, measured on 500 generated bulletins (bench/): a reindex
  took 24.5 s of CPU with them, 8.4 s without (jieba's segmentation and
  Whoosh's writing of ~440,000 postings); the 400 queries of bench/querymix.py
  over the corpus give the same results either way, as words and pairs are
  separate terms there. They stay: staff type run-together terms, and the
  index is jieba's words in Whoosh by the user's choice. Ranking stays on
  substring counts in the flat text (`table.DocTable.most_relevant`), which
  counts a part of a longer word as the match it is, and keeps the results.
* `flat` (a column per Whoosh segment, memory-mapped by `table.Segment`):
  the item text normalised, lowercased, whitespace removed. A query term, a
  quoted phrase, a part of a longer word, "A卡", "12345", "的" all match by
  exact substring against it, found through its character n-grams
  (`table.Grams`) and checked in the texts they point to.

A query word is (its jieba words, ANDed) OR (its exact substring); a quoted
phrase is the exact substring alone. Changing the tokenisation below changes
`ANALYSIS_VERSION`, which forces the index to be rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from functools import lru_cache
from importlib import resources

import jieba

from archive.departments import gazetteer
from archive.repair import normalise_line

ANALYSIS_CODE = 4  # bump when tokenisation below changes

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WHITESPACE = re.compile(r"\s+")
_WORDLIKE = re.compile(rf"[{_CJK}0-9A-Za-z]")
_LOADING = threading.Lock()


def dictionary_terms() -> list[str]:
    """Words jieba must keep whole: department names and aliases, and the bulletins' own terms."""
    terms = {name for dept in gazetteer().departments for name in dept.names}
    text = resources.files("indexer").joinpath("data/terms.txt").read_text("utf-8")
    terms.update(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
    return sorted(t for t in terms if _WORDLIKE.search(t))


def segmenter() -> jieba.Tokenizer:
    """One jieba tokenizer per process, with the user dictionary loaded (by one thread: a server
    loads it in the background while it answers its first pages, a search waits for it)."""
    with _LOADING:
        return _segmenter()


@lru_cache(maxsize=1)
def _segmenter() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for term in dictionary_terms():
        tokenizer.add_word(term, freq=tokenizer.suggest_freq(term, tune=False) + 10)
    return tokenizer


segmenter.cache_clear = _segmenter.cache_clear  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def analysis_version() -> str:
    digest = hashlib.sha256("\n".join(dictionary_terms()).encode()).hexdigest()[:12]
    return f"{ANALYSIS_CODE}-{jieba.__version__}-{digest}"


def words(text: str) -> list[str]:
    """Search-mode jieba words of a text, lowercased, punctuation and spaces left out."""
    return [
        w.lower() for w, _, _ in segmenter().tokenize(text, mode="search") if _WORDLIKE.search(w)
    ]


def query_words(text: str) -> list[str]:
    """Precise-mode words of a query term (each is among the search-mode words of a text)."""
    return [w.lower() for w in segmenter().cut(text, HMM=False) if _WORDLIKE.search(w)]


def searchable(text: str) -> bool:
    """Has the text a letter, digit or CJK character (anything to search for)?"""
    return bool(_WORDLIKE.search(text))


def flat(text: str) -> str:
    """Text as substring search sees it: normalised (brackets, digits), lowercased, no whitespace."""
    return _WHITESPACE.sub("", normalise_line(text)).lower()
