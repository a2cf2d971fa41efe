"""archive.layout: lines from glyph positions; letter-spacing is no space, a word gap is.

Glyphs are laid out as a typesetter would (tests/glyphs.py): an ideograph one em
wide, a Latin letter or digit half an em, `tracking` (em) after every glyph.
"""

from __future__ import annotations

import pytest

from archive.layout import group_lines, line_text, page_tracking, read_lines

from glyphs import typeset


@pytest.mark.parametrize(
    "text, tracking",
    [
        ("一、政务工作动态", 0.3),
        ("2025年1月总体运行情况", 0.25),
        ("1.1月5日，国务院召开常务会议", 0.2),
        ("附件：", 0.5),
        ("（共印100份）", 0.3),
        ("本周，共计咨询1627人次", 1.0),
        ("窗口工作周报", 0.5),
    ],
)
def test_letter_spaced_text_reads_without_gaps(text, tracking):
    assert line_text(typeset(text, tracking=tracking)) == text


def test_tracking_that_the_reader_misses_at_string_starts_is_still_tracking():
    """A PDF that places each string of a line on its own (or a reader that adds Tc only
    between the glyphs of one string, as pdfminer does) has no gap where a string starts."""
    assert line_text(typeset("交通运输厅窗口建设的主题应用", tracking=0.3, every=2)) == "交通运输厅窗口建设的主题应用"
    assert line_text(typeset("交通运输厅窗口建设的主题应用", tracking=0.3, every=3)) == "交通运输厅窗口建设的主题应用"


def test_a_word_space_in_letter_spaced_text_stays_a_space():
    assert line_text(typeset("赴AI 创新中心调研", tracking=0.3)) == "赴AI 创新中心调研"
    assert line_text(typeset("共计咨询 1031 人次", tracking=0.3)) == "共计咨询 1031 人次"


def test_spaces_between_latin_words_are_kept_without_tracking():
    assert line_text(typeset("AI 创新中心")) == "AI 创新中心"
    assert line_text(typeset("Hello World Foo Bar")) == "Hello World Foo Bar"


def test_justified_text_spreads_a_line_by_less_than_a_space():
    assert line_text(typeset("省委副书记、省长施小琳强调要深入贯彻", tracking=0.04)) == "省委副书记、省长施小琳强调要深入贯彻"


def test_space_glyphs_after_every_ideograph_are_letter_spacing():
    """Some typesetters letter-space a title with spaces: 窗 口 工 作 周 报."""
    assert line_text(typeset("窗 口 工 作 周 报", tracking=0.0)) == "窗口工作周报"
    assert line_text(typeset("1 2 3 4 5")) == "1 2 3 4 5", "spaces between digits are spaces"


def test_table_cells_are_tabs_and_never_tracking():
    assert line_text(typeset("1\t自然资源厅\t100\t0\t20\t120")) == "1\t自然资源厅\t100\t0\t20\t120"
    assert line_text(typeset("1\t2\t3\t4")) == "1\t2\t3\t4"


def test_a_letter_spaced_table_row_has_the_same_cells():
    assert line_text(typeset("3\t省市场监管局\t100\t0\t14.5\t114.5", tracking=0.3)) == (
        "3\t省市场监管局\t100\t0\t14.5\t114.5"
    )


def test_a_line_of_two_glyphs_takes_the_spacing_of_its_page():
    lines = [typeset("一、政务工作动态", y=700 - 30 * i, tracking=0.4) for i in range(4)]
    short = typeset("20", y=500, tracking=0.4)
    tracking = page_tracking([*lines, short])
    assert tracking == pytest.approx(0.4)
    assert line_text(short, tracking) == "20"
    assert line_text(short) == "2 0", "alone, one gap cannot tell spacing from a space"
    assert page_tracking([typeset("一、政务工作动态"), typeset("窗口工作周报", tracking=0.5)]) == 0


def test_lines_part_by_the_size_of_their_own_glyphs():
    """Two lines of a table cell 8 points apart in 12-point type are two lines, even on a
    page of 16-point text."""
    small = typeset("省新闻出版局（省", size=12, y=365) + typeset("电影局）", size=12, y=357)
    assert [line.text for line in read_lines(small)] == ["省新闻出版局（省", "电影局）"]
    mixed = typeset("一、", y=700) + typeset("AI", x=112, y=699, size=12)
    assert len(group_lines(mixed)) == 1
