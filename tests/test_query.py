"""indexer.query: the query language users already know, and the errors it explains in Chinese.

Queries run against a tiny real index (in the test's temp dir), so each test
reads as "this query finds these texts".
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from indexdocs import document, snapshot_of

from indexer.analysis import flat, query_words, searchable
from indexer.query import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    And,
    Not,
    Or,
    QueryError,
    Term,
    highlight_terms,
    matching,
    parse_query,
    ranking_words,
)

from strategies import QUERIES, seams, soup

DOCS = {
    "police": ("公安厅召开户籍业务培训会议。", "公安厅"),
    "civil": ("民政厅召开婚姻登记业务培训会议。", "民政厅"),
    "both": ("公安厅与民政厅联合开展便民服务。", "公安厅,民政厅"),
    "housing": ("四川省住房和城乡建设厅窗口开展业务培训。", "住房城乡建设厅"),
    "window": ("推行“一窗受理”，群众只跑一个窗口。", ""),
}
EVERYTHING = set(DOCS)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    docs = [
        document(f"issue/{key}", text, departments=tuple(d for d in departments.split(",") if d))
        for key, (text, departments) in DOCS.items()
    ]
    with snapshot_of(tmp_path_factory.mktemp("query"), docs) as snapshot:
        yield snapshot


def evaluate(snapshot, query: str) -> set[int] | None:
    return matching(parse_query(query), snapshot)


def found(snapshot, query: str) -> set[str]:
    docs = evaluate(snapshot, query)
    assert docs is not None, f"{query!r} should leave something to search"
    return {snapshot.document(n).anchor for n in docs}


# --- the language -----------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        # words are ANDed
        ("公安厅", {"police", "both"}),
        ("公安厅 民政厅", {"both"}),
        ("公安厅 AND 民政厅", {"both"}),
        ("培训 会议 公安厅", {"police"}),
        # OR
        ("公安厅 OR 民政厅", {"police", "civil", "both"}),
        ("公安厅 | 民政厅", {"police", "civil", "both"}),
        ("公安厅 OR 一窗受理 OR 住建厅", {"police", "both", "window", "housing"}),
        # -word and NOT
        ("公安厅 -民政厅", {"police"}),
        ("公安厅 NOT 民政厅", {"police"}),
        ("培训 -公安厅 -民政厅", {"housing"}),
        ("-公安厅", {"civil", "housing", "window"}),
        ("NOT 公安厅", {"civil", "housing", "window"}),
        # exact phrases, ASCII and Chinese quotes
        ('"一窗受理"', {"window"}),
        ("“一窗受理”", {"window"}),
        ('"民政厅召开"', {"civil"}),
        ('"召开民政厅"', set()),
        ('"公安厅 召开"', {"police"}),  # punctuation and spaces inside quotes are not searched
        ('民政厅 "业务培训"', {"civil"}),
        ('-"业务培训"', {"both", "window"}),
        ("-“一窗受理” 窗口", {"housing"}),
        # parentheses, ASCII and full-width
        ("(公安厅 OR 民政厅) 培训", {"police", "civil"}),
        ("（公安厅 OR 民政厅）培训", {"police", "civil"}),
        ("(公安厅 OR 民政厅) -(培训 OR 联合)", set()),
        ("((住建厅))", {"housing"}),
        ("NOT (公安厅 OR 民政厅)", {"housing", "window"}),
    ],
)
def test_the_query_language(searcher, query, expected):
    assert found(searcher, query) == expected


def test_a_term_of_several_words_finds_them_apart(searcher):
    """公安厅培训 is not in any text; its words 公安厅 and 培训 are, apart, in one."""
    assert query_words("公安厅培训") == ["公安厅", "培训"]
    assert found(searcher, "公安厅培训") == {"police"}
    assert found(searcher, '"公安厅培训"') == set()


def test_a_department_typed_as_a_word_finds_it_under_its_other_names(searcher):
    """住建厅 is not in the text: the item says 四川省住房和城乡建设厅."""
    assert found(searcher, "住建厅") == {"housing"}
    assert found(searcher, "住房城乡建设厅") == {"housing"}


def test_a_quoted_department_name_is_only_the_exact_string(searcher):
    assert found(searcher, '"住建厅"') == set()


def test_operators_are_upper_case_words_only(searcher):
    """Lower-case or/not are searched as text (nothing here contains them), not as operators."""
    assert found(searcher, "公安厅 or 民政厅") == set()


# --- errors the user must correct ------------------------------------------------


@pytest.mark.parametrize(
    "query, says",
    [
        ('"一窗受理', "引号"),
        ("“一窗受理", "引号"),
        ('“一窗受理"', "引号"),
        ('公安厅 "一窗受理', "引号"),
        ("(公安厅", "括号"),
        ("（公安厅 OR 民政厅", "括号"),
        ("公安厅)", "括号"),
        ("(公安厅))", "括号"),
        ("()", "括号"),
        ("公安厅 （ ）", "括号"),
        ("公安厅 OR", "OR"),
        ("OR 公安厅", "OR"),
        ("公安厅 OR OR 民政厅", "OR"),
        ("(公安厅 OR) 民政厅", "OR"),
        ("公安厅 NOT", "NOT"),
        ("NOT", "NOT"),
        ("公安厅 NOT OR 民政厅", "NOT"),
        ("公" * (MAX_QUERY_LENGTH + 1), "过长"),
        (" ".join(["公安厅"] * (MAX_TERMS + 1)), "过多"),
        (" ".join(f'"{n}"' for n in range(MAX_TERMS + 1)), "过多"),
    ],
)
def test_bad_queries_raise_a_clear_message_in_chinese(query, says):
    with pytest.raises(QueryError) as caught:
        parse_query(query)

    message = str(caught.value)
    assert says in message
    assert CHINESE.search(message), message


def test_queries_at_the_limits_are_accepted(searcher):
    assert parse_query("公" * MAX_QUERY_LENGTH) is not None
    assert found(searcher, " ".join(["公安厅"] * MAX_TERMS)) == {"police", "both"}


def test_query_error_is_a_value_error():
    """So callers that only know ValueError still catch it."""
    assert issubclass(QueryError, ValueError)


# --- Whoosh 2.7's trap: an empty And/Or matches everything ------------------------


@pytest.mark.parametrize("query", ["", "   ", "\u3000"])
def test_an_empty_query_is_no_query(searcher, query):
    assert parse_query(query) is None
    assert evaluate(searcher, query) is None


@pytest.mark.parametrize(
    "query", ["，。！", "……", "-", "-，", "NOT ？", '""', "“”", "(，) OR (。)", "、 —"]
)
def test_a_query_that_reduces_to_nothing_is_none_not_everything(searcher, query):
    """The caller (search) turns None into an error; it must never become everything."""
    assert evaluate(searcher, query) is None


@pytest.mark.parametrize(
    "query, expected",
    [
        ("公安厅 ，", {"police", "both"}),
        ("公安厅 OR ，", {"police", "both"}),
        ('公安厅 ""', {"police", "both"}),
        ("公安厅 -，", {"police", "both"}),  # AndNot(x, Or([])) would match nothing
        ("公安厅 (，。)", {"police", "both"}),
        ("-， 公安厅", {"police", "both"}),
    ],
)
def test_parts_that_reduce_to_nothing_are_left_out(searcher, query, expected):
    assert found(searcher, query) == expected


def test_relevance_is_measured_by_the_positive_words_and_whole_phrases():
    assert ranking_words(parse_query('公安厅 "一窗受理" -培训 NOT 会议')) == ["公安厅", "一窗受理"]
    assert ranking_words(parse_query("数字政府建设")) == ["数字政府", "建设"]
    assert ranking_words(parse_query("，。")) == []


# --- what a hit highlights ---------------------------------------------------------


def test_highlight_terms_are_the_positive_terms_and_a_departments_names():
    terms = highlight_terms(parse_query('住建厅 "一窗受理" -培训 NOT 会议'))

    assert {"住建厅", "住房城乡建设厅", "一窗受理"} <= set(terms)
    assert "培训" not in terms
    assert "会议" not in terms


def test_a_control_character_in_a_query_is_a_space_and_never_joins_two_documents(searcher):
    """Found by the properties below: a NUL matched the one that ends each document in the
    table, so "会议。\\0民政厅" found the item ending in 会议。 before the one starting 民政厅."""
    assert found(searcher, "“会议。\x00民政厅”") == set()
    assert found(searcher, "公安厅\x00民政厅") == {"both"}
    assert parse_query("\x00\x1f\x85") is None


# --- properties ----------------------------------------------------------------------

QUERY_PROPERTY = settings(max_examples=500, deadline=None, database=None)  # nothing written


def terms(node) -> list[Term]:
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return terms(node.node)
    return [t for n in node.nodes for t in terms(n)]


@QUERY_PROPERTY
@given(query=QUERIES)
def test_any_text_is_a_query_tree_or_a_query_error_in_chinese(query):
    try:
        node = parse_query(query)
    except QueryError as error:
        assert CHINESE.search(str(error)), str(error)
        return
    if node is not None:
        assert isinstance(node, Term | Not | And | Or)
        for term in terms(node):  # a word is something between spaces; a phrase may be ""
            assert term.quoted or (term.text and not re.search(r"\s", term.text)), term


@QUERY_PROPERTY
@given(query=QUERIES)
def test_any_query_that_parses_can_be_evaluated_ranked_and_highlighted(searcher, query):
    """A query that parses never fails later: the search is the same code on any index."""
    try:
        node = parse_query(query)
    except QueryError:
        return
    table = searcher.table
    docs = matching(node, searcher)
    assert docs is None or docs <= table.live
    words = ranking_words(node)
    assert all(words)
    assert all(t.strip() for t in highlight_terms(node))
    if docs:
        assert set(table.most_relevant(docs, words, 3)) <= set(docs)


TEXTS = [text for text, _ in DOCS.values()]


@QUERY_PROPERTY
@given(
    phrase=st.one_of(
        seams(TEXTS), soup([*"公安厅民政召开培训会议。，“”\x00 ", "民政厅"], max_size=12)
    )
)
def test_a_quoted_phrase_finds_only_documents_that_hold_it(searcher, phrase):
    """Whatever the phrase holds, every document it finds has it in its (flat) text."""
    table = searcher.table
    try:
        node = parse_query(f"“{phrase.replace('”', '')}”")
    except QueryError:
        return
    docs = matching(node, searcher)
    if docs is None:
        assert not searchable(flat(node.text))
    else:
        assert all(flat(node.text) in table.text(d) for d in docs), node
