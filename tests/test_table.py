"""indexer.table: the columns that filters, facets, order, substring search and ranking run on."""

from __future__ import annotations

from datetime import date

import pytest
from indexdocs import document, snapshot_of
from pyroaring import BitMap

from indexer.analysis import words
from indexer.index import SearchIndex

DOCS = [
    # (item_id, kind, section, year, departments, span, text)
    (
        "a",
        "weekly",
        "政务工作动态",
        "2024",
        "公安厅",
        "20240909-20240909",
        "公安厅召开12345热线培训。",
    ),
    (
        "b",
        "weekly",
        "窗口资讯",
        "2024",
        "公安厅,民政厅",
        "20240901-20240930",
        "公安厅与民政厅联合办公，公安厅牵头。",
    ),
    ("c", "monthly", "窗口资讯", "2025", "民政厅", "20250101-20250131", "民政厅窗口受理A卡申请。"),
    (
        "d",
        "weekly",
        "政务工作动态",
        "2023",
        "",
        "20231106-20231110",
        "本周召开会议，讨论123456号文件。",
    ),
    (  # an item of a year-end weekly that gives no date of its own: the issue's week
        "e",
        "weekly",
        "政务工作动态",
        "2024,2025",
        "",
        "20241230-20250103",
        "年末一周：政务服务年度总结。",
    ),
    ("gone", "weekly", "窗口资讯", "2024", "公安厅", "20240101-20240101", "公安厅已删除的条目。"),
]
# The issue's own dates, (period, published), where they are not the item's span and a week later.
ISSUE_DATES = {
    "a": ("20240909-20240914", "20240923"),
    "b": ("20240901-20240930", "20241008"),
    "e": ("20241230-20250103", "20250110"),
}


def day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """The table of a real index of DOCS, "gone" deleted after it was committed."""
    docs = [
        document(
            f"issue-{item_id}/{item_id}",
            text,
            kind=kind,
            section=section,
            departments=tuple(d for d in depts.split(",") if d),
            date_from=day(span[:8]),
            date_to=day(span[9:]),
            period_start=day(period[:8]),
            period_end=day(period[9:]),
            published=day(published),
            order=int(span[:8]) * 100 + n,
        )
        for n, (item_id, kind, section, year, depts, span, text) in enumerate(DOCS)
        for period, published in [ISSUE_DATES.get(item_id, (span, span[9:]))]
    ]
    folder = tmp_path_factory.mktemp("table")
    with snapshot_of(folder, docs):
        pass
    index = SearchIndex(folder / "index")
    with index.edit() as edit:
        edit.delete_issue("issue-gone")
    with index.searching() as snapshot:
        years = [",".join(snapshot.table.year[n]) for n in range(len(DOCS) - 1)]
        assert years == [d[3] for d in DOCS[:-1]]
        yield snapshot.table
    index.close()


def ids(docs) -> set[str]:
    return {DOCS[d][0] for d in docs}


def test_deleted_documents_are_not_live_and_match_nothing(table):
    assert ids(table.live) == {"a", "b", "c", "d", "e"}
    assert "gone" not in ids(table.containing("已删除"))
    assert "gone" not in ids(table.having("department", "公安厅"))


def test_facet_values_are_inverted_into_sets(table):
    assert ids(table.having("department", "公安厅")) == {"a", "b"}
    assert ids(table.having("section", "窗口资讯")) == {"b", "c"}
    assert ids(table.having("kind", "monthly")) == {"c"}
    assert not table.having("kind", "daily")


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (20240910, 20240910, {"b"}),  # inside b's month, after a's day
        (20240909, 20240909, {"a", "b"}),
        (20240101, 20241231, {"a", "b", "e"}),
        (20250101, 20251231, {"c", "e"}),  # e's week ends in 2025
        (None, 20231231, {"d"}),
        (20250115, None, {"c"}),
    ],
)
def test_a_date_range_keeps_documents_whose_span_overlaps_it(table, start, end, expected):
    assert ids(table.overlapping(start, end)) == expected


@pytest.mark.parametrize(
    "dates, start, end, expected",
    [
        ("period", 20240915, 20240920, {"b"}),  # a's week is over, b's month is not
        ("period", 20240914, 20240914, {"a", "b"}),
        ("period", 20250101, 20251231, {"c", "e"}),  # the year-end week is in both years
        ("period", 20240101, 20241231, {"a", "b", "e"}),
        ("published", 20250101, 20251231, {"c", "e"}),  # the year-end week came out in 2025
        ("published", 20240101, 20241231, {"a", "b"}),
        ("published", 20240923, 20240923, {"a"}),
        ("published", None, 20231110, {"d"}),
        ("published", 20250111, None, {"c"}),
    ],
)
def test_the_issue_s_period_and_publication_day_are_ranges_of_their_own(
    table, dates, start, end, expected
):
    assert ids(table.overlapping(start, end, dates)) == expected


def test_a_document_without_the_date_filtered_on_is_never_selected(tmp_path):
    docs = [
        document("x/s1-1", "无印发日期。", published=None, period_start=None, period_end=None),
        document("y/s1-1", "有印发日期。"),
    ]
    with snapshot_of(tmp_path, docs) as snapshot:
        for dates in ("period", "published"):
            assert list(snapshot.table.overlapping(None, 20991231, dates)) == [1]
            assert list(snapshot.table.overlapping(None, None, dates)) == [1]


def test_the_year_facet_counts_a_document_in_each_year_its_span_touches(table):
    for year in ("2023", "2024", "2025"):
        selected = table.overlapping(int(year + "0101"), int(year + "1231"))
        assert table.having("year", year) == selected
        assert table.count("year", table.live)[year] == len(selected)


@pytest.mark.parametrize(
    "needle, expected",
    [
        ("公安厅", {"a", "b"}),
        ("a卡", {"c"}),
        ("12345", {"a"}),  # 123456 in d is another number
        ("1234", set()),
        ("召开", {"a", "d"}),
    ],
)
def test_substrings_are_found_in_the_flat_text(table, needle, expected):
    assert ids(table.containing(needle)) == expected


@pytest.mark.parametrize("facet", ["department", "section", "kind", "year"])
def test_counting_by_sets_gives_the_same_counts_as_looking_up(table, facet, monkeypatch):
    docs = table.live
    looked_up = table.count(facet, docs)
    monkeypatch.setattr(table, "count_by_sets_above", 0)
    assert table.count(facet, docs) == looked_up
    assert looked_up


def test_counts_by_looking_up(table):
    assert table.count("department", table.live) == {"公安厅": 2, "民政厅": 2}
    assert table.count("year", table.live) == {"2024": 3, "2025": 2, "2023": 1}


def test_newest_first_and_most_relevant_first(table):
    assert ids(table.newest(table.live, 1)) == {"c"}
    ranked = table.most_relevant(table.live, ["公安厅"], 2)
    assert [DOCS[d][0] for d in ranked] == ["b", "a"]  # b names it twice


def test_a_needle_is_found_through_its_grams_and_checked_whole(table):
    """b has every bigram of 政厅牵头 (政厅, 厅牵, 牵头) but not the string: a candidate only."""
    assert ids(table.containing("公安厅牵头")) == {"b"}
    assert ids(table.containing("厅召开")) == {"a"}
    assert ids(table.containing("政厅牵头")) == set()
    assert ids(table.containing("厅")) == {"a", "b", "c"}


def test_texts_come_back_as_written(table):
    assert [table.text(d) for d in sorted(table.live)] == [d[6].lower() for d in DOCS[:-1]]


def test_several_words_ranked_by_threshold_come_in_the_order_of_scoring_every_document(
    indexed_archive, monkeypatch
):
    """The threshold algorithm stops early; what it returns is what scoring all would give,
    ties included, for any words, any set of documents (a filter) and any page size."""
    import random

    import indexer.table

    index = SearchIndex(indexed_archive / "index")
    rng = random.Random(7)
    with index.searching() as snapshot:
        table = snapshot.table
        live = sorted(table.live)
        vocabulary = sorted(
            {w for d in live for w in words(snapshot.document(d).text) if len(w) > 1}
        )
        cases = 0
        for _ in range(300):
            chosen = rng.sample(vocabulary, rng.choice([2, 2, 3]))
            docs = BitMap(rng.sample(live, rng.randint(1, len(live))))
            n = rng.choice([1, 3, 20, 50])
            monkeypatch.setattr(indexer.table, "THRESHOLD_FROM", 10**9)
            everything = table.most_relevant(docs, chosen, n)
            monkeypatch.setattr(indexer.table, "THRESHOLD_FROM", 0)
            assert table.most_relevant(docs, chosen, n) == everything, (chosen, n)
            cases += bool(everything)
    index.close()
    assert cases > 100


def test_one_word_ranks_best_first_and_ties_newest_first(tmp_path):
    """A word's documents are kept ranked by score, equal scores newest first (equal texts
    score the same): a page of them is what ordering every document by (score, order) gives."""
    import random

    rng = random.Random(11)
    texts = ["公安厅窗口受理。", "公安厅与公安厅窗口。", "民政厅窗口。", "公安厅窗口办结。"]
    orders = rng.sample(range(1000, 2000), 40)
    docs = [
        document(f"issue-{n}/s{n}", texts[n % len(texts)], order=order)
        for n, order in enumerate(orders)
    ]
    with snapshot_of(tmp_path, docs) as snapshot:
        table = snapshot.table
        scores, _, _ = table._word("公安厅")
        assert len({scores[d] for d in scores.docs}) < len(scores.docs), "ties"
        for _ in range(50):
            chosen = BitMap(rng.sample(sorted(table.live), rng.randint(1, len(docs))))
            n = rng.choice([1, 3, 10, 40])
            expected = sorted(chosen, key=lambda d: (scores.get(d), table.order[d]), reverse=True)
            assert table.most_relevant(chosen, ["公安厅"], n) == expected[:n]
