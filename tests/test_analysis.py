"""indexer.analysis: the traps of a naive jieba + Whoosh setup, each one shown not to happen.

Most tests search a tiny real index (in the test's temp dir), through the real
query language, so they state what a user sees: this query finds that text.
A stock jieba `ChineseAnalyzer` index would fail every one of them.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from indexdocs import document, snapshot_of

from archive.departments import gazetteer
from archive.parse import parse
from indexer import analysis
from indexer.analysis import analysis_version, dictionary_terms, flat, query_words, words
from indexer.documents import documents
from indexer.query import matching, parse_query

ROOT = Path(__file__).resolve().parent.parent

TEXTS = {
    "card": "形成“天府英才卡”（A卡）政务服务便利服务举措报省委组织部。",
    "one-thing": "推动21个国家重点“高效办成一件事”落地运行。",
    "fast": "启动惠企政策直达快享第三方调查。",
    "hotline": "全年受理12345热线工单3万余件。",
    "window": "公安厅和民政厅的窗口联合开展便民服务。",
    "single-window": "推行一窗受理、集成服务。",
    "plain": "省中心组织召开培训会议。",
}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    """A snapshot of a real index of TEXTS (words and flat text), keyed "issue/<key>"."""
    docs = [document(f"issue/{key}", text) for key, text in TEXTS.items()]
    with snapshot_of(tmp_path_factory.mktemp("analysis"), docs) as snapshot:
        yield snapshot


def found(snapshot, query: str) -> set[str]:
    """The keys of TEXTS that a query in the query language matches."""
    docs = matching(parse_query(query), snapshot)
    assert docs is not None, f"{query!r} should leave something to search"
    return {snapshot.document(n).anchor for n in docs}


# --- phrases: positions count tokens, not characters ---------------------------


@pytest.mark.parametrize("query", ['"天府英才卡"', "“天府英才卡”", '"政务服务便利"'])
def test_quoted_phrases_match_the_text_they_quote(searcher, query):
    assert found(searcher, query) == {"card"}


def test_a_quoted_phrase_is_a_sequence_not_a_bag_of_characters(searcher):
    assert found(searcher, '"天府卡"') == set()
    assert found(searcher, '"英才天府"') == set()


def test_the_flat_text_is_normalised_lowercased_and_without_whitespace():
    assert flat("(A卡) 办成\n一件事") == "（a卡）办成一件事"


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_the_word_postings_hold_each_texts_jieba_words(searcher, key):
    """What finds a multi-word term whose words stand apart: every search-mode word is posted."""
    [docnum] = [n for n in searcher.table.live if searcher.document(n).anchor == key]

    assert words(TEXTS[key])
    assert all(docnum in searcher.word_docs(w) for w in words(TEXTS[key]))
    assert not searcher.word_docs("不在文中的词")


# --- a word inside a longer jieba word ------------------------------------------


@pytest.mark.parametrize(
    "query, key",
    [
        ("快享", "fast"),  # jieba keeps 直达快享 whole and gives 直达, never 快享
        ("一窗", "single-window"),  # jieba keeps 一窗受理 whole and gives 受理, never 一窗
        ("效办", "one-thing"),  # across jieba's own word boundary (高效|办成)
        ("英才卡", "card"),
    ],
)
def test_a_part_of_a_longer_word_is_found(searcher, query, key):
    assert key in found(searcher, query)


def test_the_part_is_really_not_a_jieba_word_of_the_text():
    """Why the test above needs the substring match: the word field alone cannot find 快享."""
    assert "直达快享" in words(TEXTS["fast"])
    assert "快享" not in words(TEXTS["fast"])
    assert "一窗" not in words(TEXTS["single-window"])
    assert "效办" not in words(TEXTS["one-thing"])


# --- single letters and digits --------------------------------------------------


@pytest.mark.parametrize("query", ["A卡", "a卡", "A", '"（A卡）"'])
def test_a_single_ascii_letter_is_searchable(searcher, query):
    assert found(searcher, query) == {"card"}


@pytest.mark.parametrize("query", ["12345", "12345热线", '"12345热线"', "21"])
def test_numbers_are_searchable_even_inside_a_dictionary_word(searcher, query):
    expected = {"hotline"} if "12345" in query else {"one-thing"}
    assert found(searcher, query) == expected


def test_a_number_is_not_matched_inside_a_longer_number(searcher):
    assert found(searcher, "1234") == set()


# --- stop-word-like characters ------------------------------------------------


@pytest.mark.parametrize("query", ["的", "和", "和民政厅", "公安厅和民政厅的窗口"])
def test_stop_word_like_characters_do_not_empty_a_query(searcher, query):
    assert found(searcher, query) == {"window"}


def test_stop_word_like_characters_are_indexed_as_words():
    assert {"和", "的"} <= set(words(TEXTS["window"]))


# --- the user dictionary ----------------------------------------------------------

PURE = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]+")


@pytest.mark.parametrize("term", ["高效办成一件事", "直达快享", "一窗受理", "综窗", "12345热线"])
def test_recurring_terms_stay_whole(term):
    assert query_words(term) == [term.lower()]
    assert term.lower() in words(f"本周，会同{term}相关单位召开会议。")


def test_every_department_name_and_alias_stays_whole():
    names = {name for d in gazetteer().departments for name in d.names if PURE.fullmatch(name)}
    assert {"住建厅", "住房城乡建设厅", "公安厅", "省药监局"} <= names

    split = {n for n in names if query_words(n) != [n.lower()]}
    in_context = {n for n in names if n.lower() not in words(f"会同{n}和省中心召开会议")}
    assert split == set()
    assert in_context == set()


def test_the_dictionary_holds_department_names_and_the_recurring_terms():
    terms = set(dictionary_terms())
    assert {"住建厅", "住房城乡建设厅", "高效办成一件事", "直达快享", "一窗受理", "综窗"} <= terms
    assert all(t.strip() == t and t for t in terms)


# --- the analysis version --------------------------------------------------------


@pytest.fixture
def fresh_caches():
    """Clear the per-process caches before and after, so a patched dictionary takes effect and then goes."""
    analysis.segmenter.cache_clear()
    analysis.analysis_version.cache_clear()
    yield
    analysis.segmenter.cache_clear()
    analysis.analysis_version.cache_clear()


def test_the_analysis_version_changes_when_the_dictionary_changes(fresh_caches, monkeypatch):
    before = analysis_version()
    terms = dictionary_terms()
    monkeypatch.setattr(analysis, "dictionary_terms", lambda: [*terms, "蓉易办联办"])
    analysis.segmenter.cache_clear()
    analysis.analysis_version.cache_clear()

    after = analysis_version()

    assert after != before
    assert query_words("蓉易办联办") == ["蓉易办联办"]  # and the new word is used


def test_the_analysis_version_is_stable_for_the_same_dictionary(fresh_caches):
    first = analysis_version()
    analysis.analysis_version.cache_clear()

    assert analysis_version() == first


def test_a_query_term_is_segmented_once_for_the_dictionary_in_use(fresh_caches, monkeypatch):
    tokenizer = analysis.segmenter()
    calls = []
    cut = tokenizer.cut
    monkeypatch.setattr(tokenizer, "cut", lambda *a, **k: calls.append(a) or cut(*a, **k))

    first = query_words("公安厅培训")
    first.append("改过")  # a caller's list is its own
    again = query_words("公安厅培训")
    analysis._load(analysis._jieba())  # the dictionary loaded again
    reloaded = query_words("公安厅培训")

    assert first[:2] == again == reloaded == ["公安厅", "培训"]
    assert len(calls) == 2


# --- jieba's dictionary for a small job: the dictionary file ------------------------------


def generated_bulletins(folder: Path, count: int, monkeypatch) -> list[str]:
    """`count` varied bulletins from bench/make_corpus.py (its sentences recombined)."""
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "bench" / "make_corpus.py")
    make_corpus = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_corpus", make_corpus)  # for its dataclasses
    spec.loader.exec_module(make_corpus)
    return [path.read_text("utf-8") for path in make_corpus.generate(folder, count, seed=11)]


def dictionary_file(folder: Path) -> Path:
    return folder / analysis.DICTIONARY_FILE.format(version=analysis_version())


def test_the_dictionary_file_gives_the_words_and_query_words_of_jieba_s_dictionary(
    fresh_caches, tmp_path, corpus_texts, monkeypatch
):
    """Bulletins segmented as an ingest does, one at a time (its documents, and each line of
    its text as a query), with jieba's dictionary loaded, then read from the file."""
    bulletins = [
        *corpus_texts.values(),
        *generated_bulletins(tmp_path / "generated", 40, monkeypatch),
    ]
    jobs = [[d.text for d in documents(parse(text))] for text in bulletins]
    queries = [line for text in bulletins for line in text.splitlines() if line.strip()]
    queries += [w for job in jobs for text in job for w in text.split("，")]
    analysis.prepare(analysis.SMALL_JOB, tmp_path)  # a big job: loads jieba's, writes the file
    expected = [[words(text) for text in job] for job in jobs], [query_words(q) for q in queries]
    assert not analysis.compact_in_use() and dictionary_file(tmp_path).is_file()

    analysis.segmenter.cache_clear()  # a new process
    got = []
    for job in jobs:
        analysis.prepare(len(job), tmp_path)
        assert analysis.compact_in_use()
        got.append([words(text) for text in job])
    got_queries = [query_words(q) for q in queries]

    assert analysis.compact_in_use()  # jieba's dictionary was never loaded behind the test's back
    assert (got, got_queries) == expected


def with_the_file(folder: Path) -> None:
    """The dictionary file in `folder`, written by a job that loaded jieba's; then a new process."""
    analysis.prepare(analysis.SMALL_JOB, folder)
    words("省中心")
    analysis.segmenter.cache_clear()


def test_a_big_job_loads_jieba_s_dictionary_at_its_first_text(fresh_caches, tmp_path):
    with_the_file(tmp_path)

    analysis.prepare(analysis.SMALL_JOB, tmp_path)
    assert not analysis._jieba().tokenizer.initialized  # nothing loaded yet
    words("公安厅召开户籍业务培训会议")

    assert not analysis.compact_in_use()


def test_a_job_that_segments_nothing_loads_nothing(fresh_caches, tmp_path):
    """A reindex whose texts are all in the index's segmentation cache."""
    analysis.prepare(analysis.SMALL_JOB, tmp_path)

    assert not analysis._jieba().tokenizer.initialized
    assert not list(tmp_path.iterdir())


def test_a_small_job_that_segments_more_than_it_said_loads_jieba_s_dictionary(
    fresh_caches, tmp_path
):
    with_the_file(tmp_path)
    analysis.prepare(1, tmp_path)
    expected = words("公安厅召开户籍业务培训会议")

    for _ in range(analysis.SMALL_JOB):
        assert words("公安厅召开户籍业务培训会议") == expected

    assert not analysis.compact_in_use()


def test_workers_forked_by_a_small_job_share_the_file_and_by_a_big_one_jieba_s(
    fresh_caches, tmp_path
):
    with_the_file(tmp_path)
    analysis.prepare(10, tmp_path)
    analysis.before_fork()
    assert analysis.compact_in_use()

    analysis.prepare(analysis.SMALL_JOB, tmp_path)
    analysis.before_fork()
    assert not analysis.compact_in_use() and analysis._jieba().tokenizer.initialized


@pytest.mark.parametrize("state", ["missing", "damaged", "stale"])
def test_a_missing_damaged_or_stale_file_is_written_again_from_jieba_s_dictionary(
    fresh_caches, tmp_path, state
):
    path = dictionary_file(tmp_path)
    stale = tmp_path / analysis.DICTIONARY_FILE.format(version="3-0.42.1-000000000000")
    if state == "damaged":
        path.write_bytes(b"BJIEBA01" + bytes(100))
    if state == "stale":
        stale.write_bytes(b"an older analysis's file")

    analysis.prepare(1, tmp_path)  # no error: jieba's dictionary is loaded when it is needed

    assert query_words("公安厅培训") == ["公安厅", "培训"]
    assert not analysis.compact_in_use()
    assert sorted(tmp_path.glob("jieba-*.dict")) == [path]
    analysis.segmenter.cache_clear()
    analysis.prepare(1, tmp_path)
    assert analysis.compact_in_use()


def test_a_data_dir_that_cannot_be_written_still_segments(fresh_caches, tmp_path):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")

    analysis.prepare(1, blocked)

    assert query_words("公安厅培训") == ["公安厅", "培训"]


def test_jieba_is_imported_without_pkg_resources_and_says_nothing(tmp_path):
    """jieba's _compat would import pkg_resources (0.1-0.2 s) only to find its dict.txt."""
    script = (
        "import sys\nfrom indexer import analysis\n"
        "assert 'pkg_resources' not in sys.modules, 'pkg_resources imported'\n"
        "print(analysis.query_words('公安厅培训'))\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}  # no jieba cache there: it reads its dict.txt
    done = subprocess.run(
        [sys.executable, "-W", "always", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )

    assert (done.returncode, done.stdout, done.stderr) == (0, "['公安厅', '培训']\n", "")
