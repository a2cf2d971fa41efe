"""indexer.analysis: the traps of a naive jieba + Whoosh setup, each one shown not to happen.

Most tests search a tiny real index (in the test's temp dir), through the real
query language, so they state what a user sees: this query finds that text.
A stock jieba `ChineseAnalyzer` index would fail every one of them.
"""

from __future__ import annotations

import re

import pytest
from indexdocs import document, snapshot_of

from archive.departments import gazetteer
from indexer import analysis
from indexer.analysis import analysis_version, dictionary_terms, flat, query_words, words
from indexer.query import matching, parse_query

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
