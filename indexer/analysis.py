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
  index is jieba's words in Whoosh by the user's choice. A text's words are
  segmented once: `wordcache` keeps them for every later build (a cached
  reindex at 500 took ~8 s of CPU in all). Ranking stays on
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

jieba's dictionary for a small job. Loading it takes ~1 s (a dict of ~500,000
words and prefixes), however few texts are then segmented: most of what
`bulletins ingest` of one bulletin took. So `prepare` lets a job that segments
fewer than SMALL_JOB texts (and every query) read the same entries from a
file in the data dir (`dictionary`, memory-mapped, written from the loaded
dictionary once per analysis version): the same words, without the load.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from archive.departments import gazetteer
from archive.repair import normalise_line

from . import dictionary


@contextmanager
def _unimportable(name: str) -> Iterator[None]:
    """`import name` fails inside the block (unless it is imported already), and only there.

    Why: jieba's _compat imports pkg_resources (0.1-0.2 s of start-up, a
    deprecation warning on a recent setuptools) only to open its own dict.txt;
    when that import fails it opens the file beside its module instead.
    """
    if name in sys.modules:
        yield
        return
    sys.modules[name] = None  # type: ignore[assignment]  # makes the import raise ImportError
    try:
        yield
    finally:
        if sys.modules.get(name, ...) is None:
            del sys.modules[name]


with _unimportable("pkg_resources"):
    import jieba

ANALYSIS_CODE = 4  # bump when tokenisation below changes
# A job that segments fewer texts than this reads the dictionary file (indexer.dictionary):
# measured on generated bulletins' documents (~150 characters), a text took 0.1-0.3 ms more
# with it, so the 1.0-1.6 s load of jieba's dict pays from 5,000-9,000 texts on; a third of
# that keeps the file the faster even where the difference is at its largest.
SMALL_JOB = 2000
DICTIONARY_FILE = "jieba-{version}.dict"

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


@dataclass
class _Jieba:
    """The process's one tokenizer and the dictionary it reads: jieba's own, loaded (FREQ is a
    dict), or a dictionary file's (`compact`) for the next `budget` texts of `words`; and the
    data dir of the job (`folder`), where a load of jieba's dictionary writes the file."""

    tokenizer: jieba.Tokenizer
    compact: bool = False
    budget: int = 0
    folder: Path | None = None
    queries: dict[str, tuple[str, ...]] = field(default_factory=dict)  # see query_words


@lru_cache(maxsize=1)
def _jieba() -> _Jieba:
    jieba.setLogLevel(logging.WARNING)
    return _Jieba(jieba.Tokenizer())


def segmenter() -> jieba.Tokenizer:
    """The process's jieba tokenizer with jieba's whole dictionary and the user dictionary
    loaded (~1 s, by one thread: a server loads it in the background while it answers its
    first pages, a search waits for it); then written as the file of the job's data dir, if
    that has none, for the next small job."""
    state = _jieba()
    if state.compact or not state.tokenizer.initialized:
        with _LOADING:
            if state.compact or not state.tokenizer.initialized:
                _load(state)
                if state.folder is not None:
                    _write_dictionary(_dictionary_file(state.folder), state.tokenizer)
    return state.tokenizer


segmenter.cache_clear = _jieba.cache_clear  # type: ignore[attr-defined]


def _load(state: _Jieba) -> None:
    loaded = jieba.Tokenizer()
    loaded.initialize()
    for term in dictionary_terms():
        loaded.add_word(term, freq=loaded.suggest_freq(term, tune=False) + 10)
    tokenizer = state.tokenizer  # a thread segmenting with it meanwhile gets the same words
    tokenizer.FREQ, tokenizer.total = loaded.FREQ, loaded.total
    tokenizer.initialized = True
    state.compact = False
    state.queries = {}


def prepare(texts: int, folder: Path) -> None:
    """Ready jieba for a job that may segment up to `texts` texts, in the data dir `folder`:
    fewer than SMALL_JOB read the dictionary file there, and so do queries; for more, the
    first text segmented loads jieba's dictionary. Nothing is loaded now: a job whose texts
    are all in the index's segmentation cache loads nothing.

    A file that is missing, of another analysis version or damaged is never an error: jieba's
    dictionary is loaded instead when a text is segmented, and the file written from it (not
    on a read-only disk).
    """
    state = _jieba()
    with _LOADING:
        state.folder = folder
        if texts < SMALL_JOB and (state.compact or _read(state, _dictionary_file(folder))):
            state.budget = SMALL_JOB  # a job that says it is small, and is trusted this far
        else:
            state.budget = 0


def prepare_queries(folder: Path) -> None:
    """Ready jieba for queries, if it is not: with the dictionary file of `folder` (a search
    answers without the ~1 s load of jieba's dictionary) or, failing that, jieba's own."""
    if not _jieba().tokenizer.initialized:
        prepare(0, folder)


def before_fork() -> None:
    """A dictionary in use before worker processes fork, so that they share it: the file's
    while a small job reads it (its pages are shared by the kernel), else jieba's, loaded now."""
    state = _jieba()
    if not (state.compact and state.budget > 0):
        segmenter()


def compact_in_use() -> bool:
    """Are words and queries read from the dictionary file now (not jieba's loaded dict)?"""
    return _jieba().compact


def _write_dictionary(path: Path, tokenizer: jieba.Tokenizer) -> None:
    """The dictionary file written from the loaded dictionary if it is not there, and those of
    other analysis versions removed."""
    if dictionary.load(path, analysis_version()) is None:
        try:
            dictionary.write(path, analysis_version(), tokenizer.FREQ, tokenizer.total)
        except (OSError, OverflowError):
            return  # a read-only or full disk: the next job loads jieba's dictionary again
    for stale in path.parent.glob(DICTIONARY_FILE.format(version="*")):
        if stale != path:
            try:
                stale.unlink(missing_ok=True)
            except OSError:
                pass  # removed at the next write


def read_file(folder: Path) -> bool:
    """Read the words of queries from the dictionary file of `folder` if no dictionary is in
    use yet and the file is there; whether it is in use now. A server that does (it never
    indexes) answers its first search at once and holds ~50 MB less than jieba's dict."""
    state = _jieba()
    with _LOADING:
        state.folder = folder
        return state.compact or _read(state, _dictionary_file(folder))


def _read(state: _Jieba, path: Path) -> bool:
    """Take the dictionary file at `path` if no dictionary is in use yet and it is usable."""
    if state.tokenizer.initialized:
        return False
    opened = dictionary.load(path, analysis_version())
    if opened is None:
        return False
    tokenizer = state.tokenizer
    tokenizer.FREQ, tokenizer.total = opened
    tokenizer.initialized = True
    state.compact = True
    state.queries = {}
    return True


def _dictionary_file(folder: Path) -> Path:
    return folder / DICTIONARY_FILE.format(version=analysis_version())


def _for_texts() -> jieba.Tokenizer:
    """The tokenizer for the next text of a job: the dictionary file's while the job is small
    (its budget of texts not spent), else jieba's own, loaded now if it was not."""
    state = _jieba()
    if state.compact and state.budget > 0:
        state.budget -= 1
        return state.tokenizer
    return segmenter()


def _for_queries() -> jieba.Tokenizer:
    """The tokenizer for a query: whichever dictionary is in use (queries are short)."""
    state = _jieba()
    return state.tokenizer if state.tokenizer.initialized else segmenter()


def frequency(word: str) -> int:
    """How common the word is in Chinese at large (jieba's count; 0 for a word it lacks)."""
    return _for_queries().FREQ.get(word) or 0


@lru_cache(maxsize=1)
def analysis_version() -> str:
    digest = hashlib.sha256("\n".join(dictionary_terms()).encode()).hexdigest()[:12]
    return f"{ANALYSIS_CODE}-{jieba.__version__}-{digest}"


def words(text: str) -> list[str]:
    """Search-mode jieba words of a text, lowercased, punctuation and spaces left out."""
    return [
        w.lower() for w, _, _ in _for_texts().tokenize(text, mode="search") if _WORDLIKE.search(w)
    ]


QUERY_WORDS_KEPT = 4096  # query terms whose words a process keeps (a search asks up to 3 times)


def query_words(text: str) -> list[str]:
    """Precise-mode words of a query term (each is among the search-mode words of a text).

    Kept per term for the dictionary in use: a search page segments each of its terms to
    match, to rank and to mark, and staff search the same terms again and again.
    """
    tokenizer, kept = _for_queries(), _jieba().queries
    found = kept.get(text)
    if found is None:
        found = tuple(w.lower() for w in tokenizer.cut(text, HMM=False) if _WORDLIKE.search(w))
        if len(kept) >= QUERY_WORDS_KEPT:
            kept.clear()
        kept[text] = found
    return list(found)


def searchable(text: str) -> bool:
    """Has the text a letter, digit or CJK character (anything to search for)?"""
    return bool(_WORDLIKE.search(text))


def flat(text: str) -> str:
    """Text as substring search sees it: normalised (brackets, digits), lowercased, no whitespace."""
    return _WHITESPACE.sub("", normalise_line(text)).lower()
