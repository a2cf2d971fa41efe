"""Text analysis for the index: jieba words plus overlapping character bigrams.

Why two fields. jieba alone has known traps for search: its stock Whoosh
`ChineseAnalyzer` gives tokens character offsets as positions, so quoted
phrases never match; a query segmented in search mode is ANDed token by token,
so a word that the document's context segments differently ("吕芙蓉" inside a
longer run) is missed; single letters and digits vanish and stop words can
empty a query. So every item is indexed twice:

* `text`: jieba search-mode words (with a user dictionary of department names,
  aliases and the bulletins' recurring terms), lowercased, no stop words,
  nothing dropped for being short. Good for ranking.
* `grams`: every CJK character and every overlapping bigram, ASCII words and
  numbers whole, all with *sequential* positions (one per character), so any
  substring of the text is a phrase of bigrams. Exact for phrases and
  substrings.

A query word is searched as (jieba words of it, ANDed) OR (its bigram phrase),
a quoted phrase as the bigram phrase alone. Changing anything here changes
`ANALYSIS_VERSION`, which forces the index to be rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import re
from functools import lru_cache
from importlib import resources

import jieba
from whoosh.analysis import LowercaseFilter, Token, Tokenizer

from archive.departments import gazetteer

ANALYSIS_CODE = 3  # bump when tokenisation below changes

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[0-9A-Za-z]+(?:\.[0-9]+)*")
_WORDLIKE = re.compile(rf"[{_CJK}0-9A-Za-z]")


def dictionary_terms() -> list[str]:
    """Words jieba must keep whole: department names and aliases, and the bulletins' own terms."""
    terms = {name for dept in gazetteer().departments for name in dept.names}
    text = resources.files("indexer").joinpath("data/terms.txt").read_text("utf-8")
    terms.update(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
    return sorted(t for t in terms if _WORDLIKE.search(t))


@lru_cache(maxsize=1)
def segmenter() -> jieba.Tokenizer:
    """One jieba tokenizer per process, with the user dictionary loaded."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for term in dictionary_terms():
        tokenizer.add_word(term, freq=tokenizer.suggest_freq(term, tune=False) + 10)
    return tokenizer


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


def grams(text: str) -> list[tuple[str, int]]:
    """(token, position) of the bigram field: each CJK char and bigram, ASCII runs whole."""
    out: list[tuple[str, int]] = []
    pos = 0
    for run in _RUNS.finditer(text):
        chunk = run.group()
        if chunk[0].isascii():
            out.append((chunk.lower(), pos))
            pos += 1
            continue
        for i, char in enumerate(chunk):
            out.append((char, pos))
            if i + 1 < len(chunk):
                out.append((chunk[i : i + 2], pos))
            pos += 1
    return out


def gram_phrase(text: str) -> list[str]:
    """The tokens of the bigram field that spell `text` at consecutive positions.

    A CJK run gives its bigrams; its last character is added when more tokens
    follow (or the run is one character), so positions stay consecutive.
    """
    runs = [m.group() for m in _RUNS.finditer(text)]
    out: list[str] = []
    for index, chunk in enumerate(runs):
        if chunk[0].isascii():
            out.append(chunk.lower())
            continue
        out.extend(chunk[i : i + 2] for i in range(len(chunk) - 1))
        if len(chunk) == 1 or index + 1 < len(runs):
            out.append(chunk[-1])
    return out


class WordTokenizer(Tokenizer):
    """jieba search-mode words with sequential positions."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for word, start, end in segmenter().tokenize(value, mode="search"):
            if not _WORDLIKE.search(word):
                continue
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            pos += 1
            yield token


class GramTokenizer(Tokenizer):
    """Characters and overlapping bigrams with one position per character."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, pos in grams(value):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + pos
            yield token


def word_analyzer():
    return WordTokenizer() | LowercaseFilter()


def gram_analyzer():
    return GramTokenizer()
