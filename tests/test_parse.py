"""The parser against the golden corpus, and on any text.

Each bulletin in corpus/ is paired with tests/fixtures/<name>.json, written by
reading the bulletin (not by dumping the parser's output): its identity, its
sections, and for every item the label, how its text starts and ends, its
dates and the departments it mentions. The properties at the end feed the
parser arbitrary text and mutated bulletins: it returns an Issue or raises
ParseError, and an Issue keeps every character, unique anchors and near dates.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from test_roundtrip import assert_same_ink, ink, rebuilt

from archive.model import Issue, Item
from archive.parse import ParseError, parse, section_name
from archive.repair import physical_lines

from strategies import arbitrary_text, mutated_bulletins

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
NAMES = sorted(p.stem for p in (ROOT / "corpus").glob("*.txt"))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def load(name: str):
    text = (ROOT / "corpus" / f"{name}.txt").read_text("utf-8")
    expected = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    return parse(text), expected


@pytest.fixture(scope="module", params=NAMES)
def golden(request):
    return load(request.param)


def test_every_corpus_file_has_a_golden_fixture():
    assert NAMES and all((FIXTURES / f"{n}.json").exists() for n in NAMES)


def test_identity_kind_numbers_and_dates(golden):
    issue, expected = golden
    assert issue.issue_id == expected["issue_id"]
    assert issue.kind == expected["kind"]
    assert issue.number == expected["number"]
    assert issue.total_number == expected["total_number"]
    assert str(issue.period_start) == expected["period_start"]
    assert str(issue.period_end) == expected["period_end"]
    assert str(issue.published) == expected["published"]


def test_sections_titles_and_facet_names(golden):
    issue, expected = golden
    assert [s.number for s in issue.sections] == [s["number"] for s in expected["sections"]]
    assert [squash(s.title) for s in issue.sections] == [s["title"] for s in expected["sections"]]
    assert [s.name for s in issue.sections] == [s["name"] for s in expected["sections"]]


def test_items_per_section(golden):
    issue, expected = golden
    assert [len(s.items) for s in issue.sections] == [len(s["items"]) for s in expected["sections"]]


def check_item(item: Item, want: dict) -> None:
    where = want["anchor"]
    assert item.anchor == want["anchor"]
    assert item.label == want["label"], where
    text = squash(item.text)
    assert text.startswith(want["starts"]), where
    assert text.endswith(want["ends"]), where
    assert (str(item.date_from), str(item.date_to)) == (want["date_from"], want["date_to"]), where
    assert item.departments == want["departments"], where
    assert len(item.children) == len(want["children"]), where
    for child, child_want in zip(item.children, want["children"], strict=True):
        check_item(child, child_want)


def test_every_item_label_text_dates_and_departments(golden):
    issue, expected = golden
    for section, want in zip(issue.sections, expected["sections"], strict=True):
        for item, item_want in zip(section.items, want["items"], strict=True):
            check_item(item, item_want)


def test_attachments_and_their_table_rows(golden):
    issue, expected = golden
    assert len(issue.attachments) == len(expected["attachments"])
    for attachment, want in zip(issue.attachments, expected["attachments"], strict=True):
        assert squash(attachment.title) == want["title"]
        assert len(attachment.rows) == want["rows"]
        first = attachment.rows[0]
        assert first.to_json() | want["first_row"] == first.to_json()
        # A tied row prints no 序号 and shares the one of the row it ties with.
        rows = attachment.rows
        tied = [b.name for a, b in zip(rows, rows[1:], strict=False) if a.seq == b.seq]
        assert tied == want["tied_rows"]
        assert [r.seq for r in rows] == want.get("seqs", [r.seq for r in rows])
        assert all(r.department for r in attachment.rows), "every row names a known department"
        assert attachment.departments == want["departments"], "a table is about each it lists"
        assert [d.isoformat() for d in attachment.month] == [want["date_from"], want["date_to"]]


def test_footer_is_metadata_not_an_item(golden):
    issue, expected = golden
    assert issue.footer is not None
    assert issue.footer.copies == expected["footer"]["copies"]
    assert issue.footer.report_to.startswith("省政务管理办公室")
    assert issue.footer.send_to.endswith("直属单位。")
    texts = [item.text for _, item in issue.walk_items()]
    assert not any("报：" in t or "共印" in t for t in texts)


def test_item_texts_have_no_hard_wraps(golden):
    """A line break inside an item is a paragraph end: after a sentence or a short title."""
    issue, _ = golden
    for _, item in issue.walk_items():
        paragraphs = item.text.split("\n")
        for paragraph in paragraphs[:-1]:
            assert re.search(r"[。！？][”’]?$", paragraph) or len(paragraph) <= 18, (
                item.anchor,
                paragraph,
            )


def test_names_split_across_lines_are_rejoined():
    issue, _ = load("2025-monthly-01")
    item = next(i for _, i in issue.walk_items() if i.anchor == "s5-3")
    assert "公安厅经济犯罪侦查总队总队长李治钢" in item.text
    assert item.mentions["公安厅"] == 4
    june, _ = load("2025-monthly-june")
    item = next(i for _, i in june.walk_items() if i.anchor == "s3-1")
    assert "已获省发展和改革委批复可研" in item.text
    assert "省发展改革委" in item.departments


def test_mentions_across_the_corpus_match_a_reading():
    expected = json.loads((FIXTURES / "mentions.json").read_text("utf-8"))
    counts = dict.fromkeys(expected, 0)
    for name in NAMES:
        issue, _ = load(name)
        for _, item in issue.walk_items():
            for dept, n in item.mentions.items():
                if dept in counts:
                    counts[dept] += n
        for attachment in issue.attachments:
            for row in attachment.rows:
                if row.department in counts:
                    counts[row.department] += 1
    assert counts == expected


def test_decimal_at_the_start_of_a_wrapped_line_is_not_an_item():
    text = (
        "（9月9日—9月14日）\n四川省政府政务服务和公共资源交易服务中心 2024年9月23日\n"
        "一、政务工作动态\n（一）本周，省本级共办理政务服务事项\n4.83 万件，其中网办\n1.2 万件次。\n"
        "（二）本周，公安厅窗口开展培训。\n"
    )
    section = parse(text).sections[0]
    assert [i.label for i in section.items] == ["（一）", "（二）"]
    assert "4.83万件，其中网办1.2万件次。" in section.items[0].text


def test_a_date_right_after_a_numeric_label_is_the_items_date():
    text = (
        "2024年第1期（总第472期）\n窗口工作周报\n（1月2日—1月5日）\n2024年1月16日\n"
        "一、政务工作动态\n1.1月5日，国务院召开常务会议。\n2.1月3日，公安厅印发通知。\n"
    )
    items = parse(text).sections[0].items
    assert [(i.label, str(i.date_from)) for i in items] == [
        ("1.", "2024-01-05"),
        ("2.", "2024-01-03"),
    ]
    assert items[0].text.startswith("1月5日，")


def test_a_week_across_the_year_end_and_its_item_dates():
    text = (
        "2025年第1期（总第520期）\n窗口工作周报\n（12月30日—1月3日）\n2025年1月10日\n"
        "一、政务工作动态\n（一）12月31日，公安厅召开会议。\n（二）1月2日，商务厅印发通知。\n"
    )
    issue = parse(text)
    assert (str(issue.period_start), str(issue.period_end)) == ("2024-12-30", "2025-01-03")
    assert issue.issue_id == "weekly-2024-12-30"
    dates = [str(i.date_from) for i in issue.sections[0].items]
    assert dates == ["2024-12-31", "2025-01-02"]


def test_missing_masthead_kind_from_the_overview_heading_year_from_publication():
    text = "四川省政府政务服务和公共资源交易服务中心 2025年3月18日\n一、2025年2月总体运行情况\n2月，省本级办理事项2万件。\n"
    issue = parse(text)
    assert issue.kind == "monthly"
    assert issue.issue_id == "monthly-2025-02"
    assert (str(issue.period_start), str(issue.period_end)) == ("2025-02-01", "2025-02-28")


def test_city_bodies_are_not_provincial_departments():
    text = (
        "（9月9日—9月14日）\n2024年9月23日\n一、窗口资讯\n"
        "本周，德阳市市场监管局与成都市公安局、资阳市政务服务管理局座谈，省市场监管局参加。\n"
    )
    item = parse(text).sections[0].items[0]
    assert item.departments == ["省市场监管局"]


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "no text"),
        ("关于做好春节期间值班工作的通知\n各单位：请做好值班安排。\n", "no numbered section"),
        ("一、政务工作动态\n（一）本周，公安厅召开会议。\n", "weekly"),
        ("窗口工作周报\n一、政务工作动态\n（一）本周，公安厅召开会议。\n", "cannot identify"),
    ],
)
def test_documents_that_are_not_identifiable_bulletins_are_refused(text, reason):
    with pytest.raises(ParseError, match=reason):
        parse(text)


@pytest.mark.parametrize(
    "title, name",
    [
        ("2025 年 1 月总体运行情况", "总体运行情况"),
        ('"高效办成一件事"专项行动', "“高效办成一件事”专项行动"),
        ("厅（局）长进大厅", "厅（局）长进大厅"),
        ("综窗改革攻坚 行动", "综窗改革攻坚行动"),
    ],
)
def test_section_facet_names_drop_month_spaces_and_quote_styles(title, name):
    assert section_name(title) == name


def test_a_wrapped_masthead_still_gives_the_publication_date():
    text = "（12月9日—12月13日）\n四川省政府政务服务和公共资源交易服务中心 2024年\n 12月 25日\n一、政务工作动态\n本周，公安厅开会。\n"
    issue = parse(text)
    assert str(issue.published) == "2024-12-25"
    assert issue.issue_id == "weekly-2024-12-09"


def test_a_typed_section_filter_is_normalised_like_the_headings():
    assert section_name("三、厅(局)长进大厅") == "厅（局）长进大厅"
    assert section_name(" 政务工作 动态") == "政务工作动态"


def test_tied_rows_share_the_seq_of_the_row_they_tie_with():
    """Printed once, in the first tied row (the text copies), or centred over the tied rows
    (a PDF's merged cell: then maybe on the middle row): the same score is the same tie."""
    header = "序号\t部门窗口\t基础分\t减分\t加分\t实得分"
    rows = [
        "15\t水利厅\t100\t0\t4.5\t104.5", "\t商务厅\t100\t0\t4.5\t104.5",
        "\t生态环境厅\t100\t0\t4\t104", "17\t省卫生健康委\t100\t0\t4\t104", "\t科技厅\t100\t0\t4\t104",
        "20\t四川省税务局\t100\t0\t2.5\t102.5", "\t住房城乡建设厅\t100\t0\t2\t102",
    ]  # fmt: skip
    text = WEEK_OF_SEPTEMBER + "（一）本周。\n附件：考核结果\n" + "\n".join([header, *rows]) + "\n"
    seqs = [(r.name, r.seq) for r in parse(text).attachments[0].rows]
    assert seqs == [
        ("水利厅", 15), ("商务厅", 15), ("生态环境厅", 17), ("省卫生健康委", 17), ("科技厅", 17),
        ("四川省税务局", 20), ("住房城乡建设厅", 20),  # no tied score: the row above, as printed
    ]  # fmt: skip


@pytest.mark.parametrize(
    "issue_line, week, period",
    [
        ("2019年第1期", "（12月31日—1月4日）", ("2018-12-31", "2019-01-04")),
        ("2025年第1期（总第520期）", "（12月30日—1月3日）", ("2024-12-30", "2025-01-03")),
        ("2024年第52期（总第519期）", "（12月30日—1月3日）", ("2024-12-30", "2025-01-03")),
        ("2024年第37期", "（9月9日—9月14日）", ("2024-09-09", "2024-09-14")),
    ],
)
def test_without_a_publication_date_a_week_takes_the_year_its_issue_is_numbered_in(
    issue_line, week, period
):
    """Issue 1 of a year whose week crosses the year end starts in the year before; a week
    numbered late in the year starts in it."""
    issue = parse(f"{issue_line}\n窗口工作周报\n{week}\n一、政务工作动态\n（一）12月31日，公安厅开会。\n")
    assert issue.published is None
    assert (str(issue.period_start), str(issue.period_end)) == period
    assert issue.issue_id == f"weekly-{period[0]}"


# --- found by the properties below (each the smallest text that failed) ------------------

WEEK_OF_SEPTEMBER = "窗口工作周报\n（9月9日—9月14日）\n2024年9月23日\n一、政务工作动态\n"


def test_a_year_0000_in_the_overview_heading_is_refused_not_a_crash():
    """month_span(0, 1) raised ValueError out of parse (year 0 does not exist)."""
    with pytest.raises(ParseError):
        parse("一、0000年1月总体运行情况")


def test_a_publication_date_in_year_1_still_dates_the_items():
    """The 60 days before publication went below 0001-01-01: OverflowError."""
    issue = parse("窗口工作周报\n0001年1月5日\n一、政务工作动态\n1月3日，会议。")
    item = issue.sections[0].items[0]
    assert (str(item.date_from), str(item.date_to)) == ("0001-01-03", "0001-01-03")


def test_a_period_with_a_day_that_does_not_exist_is_no_period():
    """（2月27日—2月30日） gave a period with a start and no end, and items dated (start, None)."""
    issue = parse(
        "窗口工作周报\n（2月27日—2月30日）\n2024年3月5日\n一、政务工作动态\n本周，公安厅开会。"
    )
    assert (issue.period_start, issue.period_end) == (None, None)
    assert issue.issue_id == "weekly-2024-03-05"
    item = issue.sections[0].items[0]
    assert (item.date_from, item.date_to) == (None, None)


def test_a_leap_day_far_from_the_period_or_with_a_year_that_has_none_gives_the_period():
    """2月29日 in a week of September 2024 was 2024-02-29, half a year and more away, and
    2023年2月29日 (no such day) became 2024-02-29 too."""
    issue = parse(WEEK_OF_SEPTEMBER + "（一）2月29日，会议。\n（二）2023年2月29日，会议。\n")
    spans = [(str(i.date_from), str(i.date_to)) for i in issue.sections[0].items]
    assert spans == [("2024-09-09", "2024-09-14")] * 2


def test_the_copies_line_inside_the_body_is_text():
    """It ended the body there: the rest of the bulletin became a lead paragraph of the
    section before, printed before that section's items."""
    issue = parse(WEEK_OF_SEPTEMBER + "（共印100份）\n一")
    assert [(i.anchor, i.text) for i in issue.sections[0].items] == [("s1-1", "（共印100份）一")]
    issue = parse(
        WEEK_OF_SEPTEMBER
        + "（一）本周，公安厅开会。\n（共印100份）\n二、窗口资讯\n本周，民政厅开会。\n"
    )
    assert [s.title for s in issue.sections] == ["政务工作动态", "窗口资讯"]
    assert issue.footer is None


def test_lines_after_the_footer_stay_in_the_footer_and_never_repeat_an_anchor():
    """Each stray line after the copies line opened a lead paragraph "s1-0": two of them,
    two items anchored s1-0. And a second copies line replaced the first."""
    issue = parse(
        WEEK_OF_SEPTEMBER
        + "（一）本周。\n报：领导。\n（共印100份）\n- 5 -\n附件\n（共印90份）\n- 6 -\n"
    )
    assert [node.anchor for _, node in issue.walk_items()] == ["s1-1"]
    assert issue.footer.report_to == "领导。\n- 5 -"
    assert issue.footer.copies == 100
    assert issue.attachments[0].lines == ["- 6 -"]


def test_a_repeated_table_header_is_kept_as_a_line_of_the_attachment():
    """A table going on over a page repeats its header, which replaced the first one."""
    header = "序号\t部门窗口\t基础分\t减分\t加分\t实得分"
    issue = parse(
        WEEK_OF_SEPTEMBER + f"（一）本周。\n附件：考核结果\n{header}\n1\t公安厅\t100\t0\t2\t102\n"
        f"{header}\n2\t民政厅\t100\t0\t1\t101\n"
    )
    attachment = issue.attachments[0]
    assert attachment.columns == ["序号", "部门窗口", "基础分", "减分", "加分", "实得分"]
    assert attachment.lines == [header]
    assert [r.name for r in attachment.rows] == ["公安厅", "民政厅"]


# --- properties ------------------------------------------------------------------------
#
# The parser on text nobody wrote: fully arbitrary strings, and the corpus bulletins
# mutated the way bad extractions and careless editing mutate them. Whatever comes in,
# `parse` returns an Issue or raises ParseError; an Issue it returns keeps every
# character, gives each item an anchor of its own, and dates each item near its issue.

ARBITRARY = arbitrary_text(WEEK_OF_SEPTEMBER)


# --- what an Issue must satisfy, whatever the text ---

# "1、" is printed back as the label "1."; elsewhere the two never trade places.
SAME_LABEL = str.maketrans({"、": "."})
# In attachments and the footer, what the model keeps as a value, not as printed:
# table numbers (100.0), the attachment's printed number (附件2：), the footer's
# field labels (送： is kept as 发：, a second 报： joins the first) and colons.
RECORD_MARKS = re.compile(r"[\d.\-：:送发报]")


def tail_lines(issue: Issue) -> list[str]:
    """Attachments and footer printed back, numbers at full precision (test_roundtrip's
    `printed_lines` writes them with :g, "1.23457e+06", made for the corpus's scores)."""
    lines = []
    for attachment in issue.attachments:
        lines += [f"附件：{attachment.title}", *attachment.lines, "".join(attachment.columns)]
        for r in attachment.rows:
            scores = (r.base, r.deduction, r.bonus, r.score)
            lines.append(
                f"{r.seq or ''}{r.name}" + "".join(f"{v:f}" for v in scores if v is not None)
            )
    if issue.footer:
        lines += [f"报：{issue.footer.report_to}", f"发：{issue.footer.send_to}"]
        lines.append(f"（共印{issue.footer.copies}份）" if issue.footer.copies is not None else "")
    return lines


def assert_every_character_kept(text: str, issue: Issue) -> None:
    """No character lost or duplicated, and the body in reading order.

    test_roundtrip's conservation, adapted to text that is not a clean bulletin. The
    masthead, section headings and items printed back (`rebuilt` without attachments
    and footer) are the document's first characters, in order, character for
    character. What follows (attachments, footer: records, printed back in the
    model's order) has the same characters as the rest of the document, counted,
    except the marks of RECORD_MARKS.
    """
    document = ink("".join(physical_lines(text))).translate(SAME_LABEL)
    body = ink(rebuilt(replace(issue, attachments=[], footer=None))).translate(SAME_LABEL)
    assert_same_ink(body, document[: len(body)])
    rest = Counter(RECORD_MARKS.sub("", document[len(body) :]))
    kept = Counter(RECORD_MARKS.sub("", ink("".join(tail_lines(issue))).translate(SAME_LABEL)))
    assert kept == rest, f"lost: {rest - kept}, added: {kept - rest}"


def assert_anchors_unique(issue: Issue) -> None:
    """One place, one anchor: every anchor finds its own item and cites it, and the Issue
    serialises (the permalink page and the API read it so)."""
    nodes = [node for _, node in issue.walk_items()] + list(issue.attachments)
    anchors = [node.anchor for node in nodes]
    assert len(anchors) == len(set(anchors)), anchors
    for node in nodes:
        assert issue.find(node.anchor)[1] is node
        assert issue.citation(node.anchor)
    json.dumps(issue.to_json(), ensure_ascii=False)


NEAR = timedelta(days=184)  # half a year, and the leap day
YEAR = timedelta(days=366)
PRINTED_YEAR = re.compile(r"^(\d{4})年")


def assert_dates_near(issue: Issue) -> None:
    """Every span is ordered, and an item's date lies near the dates it was read against.

    A date without a year ("1月5日", "1月，") takes the year that puts it nearest the
    issue's period (`dates.resolve_year`); a month and day recur every year, so the
    nearest is at most half a year (NEAR) outside the period: a date further away got
    the wrong year. Without a period the window is the 60 days before publication, and
    a sub-item's window is its parent's span (as `parse._annotate_item` reads it). A
    range ends at most a year after it starts ("12月30日—1月3日"), a month spans a
    month. A year printed in the text ("2023年11月5日") is taken as printed, however
    far it is; a date that does not exist ("2月30日") gives the window itself. Labels
    nest three deep at most, so no item is more than three NEARs from its issue.
    """
    if issue.period_start is None or issue.period_end is None:
        assert issue.period_start is issue.period_end is None
        issue_window = None
        if issue.published:
            issue_window = (
                issue.published - min(timedelta(days=60), issue.published - date.min),
                issue.published,
            )
    else:
        assert issue.period_start <= issue.period_end
        issue_window = (issue.period_start, issue.period_end)

    def check(item: Item, window: tuple[date, date] | None) -> None:
        span = (item.date_from, item.date_to)
        assert (span[0] is None) == (span[1] is None), (item.anchor, span)
        if span[0] is not None:
            assert span[0] <= span[1], (item.anchor, span)
            assert span[1] - span[0] <= YEAR, (item.anchor, span)
            printed = PRINTED_YEAR.match(squash(item.text))
            if printed and span != window:
                assert span[0].year == int(printed[1]), (item.anchor, span, item.text[:20])
            elif window is None:
                raise AssertionError(f"{item.anchor} dated {span} with nothing to date it by")
            else:
                low, high = window
                assert low - NEAR <= span[0] <= high + NEAR, (item.anchor, span, window)
        for child in item.children:
            check(child, span if span[0] else window)

    for section in issue.sections:
        for item in section.items:
            check(item, issue_window)


def assert_parses_or_refuses(text: str) -> None:
    try:
        issue = parse(text)
    except ParseError:
        event("refused (ParseError)")
        return
    event("parsed")
    assert_every_character_kept(text, issue)
    assert_anchors_unique(issue)
    assert_dates_near(issue)


FUZZ = settings(deadline=None, database=None)  # nothing written into the checkout


@settings(FUZZ, max_examples=600)
@given(text=ARBITRARY)
def test_any_text_is_parsed_or_refused_with_a_parse_error(text):
    """Anything else out of parse fails an ingest with a traceback instead of a reason."""
    assert_parses_or_refuses(text)


@settings(FUZZ, max_examples=1200)
@given(text=mutated_bulletins())
def test_a_mutated_bulletin_is_parsed_or_refused_and_keeps_its_invariants(text):
    """Where the real bugs were: text close enough to a bulletin to reach every state."""
    assert_parses_or_refuses(text)
