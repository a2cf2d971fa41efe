"""Repair: character normalisation and the joining of hard-wrapped lines.

The properties at the end hold for any text: repaired lines repair to themselves,
and repair removes only whitespace and zero-width marks.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from archive.folding import fold as fold_radicals
from archive.repair import (
    Layout,
    display_width,
    measure,
    normalise_line,
    physical_lines,
    separator,
)

from strategies import REPAIR_CHARACTERS, soup


@pytest.mark.parametrize(
    "raw, repaired",
    [
        ("2025 年 2 月 27 日", "2025年2月27日"),
        ("（二）12月 13日，住建厅", "（二）12月13日，住建厅"),
        ("(五)1月24日，", "（五）1月24日，"),
        ("新台阶 。", "新台阶。"),
        ("省新闻出版局 (省电影局)", "省新闻出版局（省电影局）"),
        ("咨询 1031 人次", "咨询1031人次"),
        ("１２３４５热线", "12345热线"),
        ("报:省政务管理办公室", "报：省政务管理办公室"),
        (
            "“以增值化改革为引擎 助力打造法治化营商环境”",
            "“以增值化改革为引擎 助力打造法治化营商环境”",
        ),
        ("赴天府软件园、AI 创新中心", "赴天府软件园、AI 创新中心"),
        ("第 1 期", "第1期"),
    ],
)
def test_normalise_line_brackets_digits_and_stray_spaces(raw, repaired):
    assert normalise_line(raw) == repaired


@pytest.mark.parametrize(
    "raw, repaired",
    [
        ("（⼀）1⽉2⽇，⻔⻓⻅⻛⺠⼝⼯⼼", "（一）1月2日，门长见风民口工心"),
        ("⼀、政务⼯作动态", "一、政务工作动态"),
        ("部⻔窗⼝\t⾃然资源厅", "部门窗口\t自然资源厅"),
    ],
)
def test_radicals_are_the_ideographs_they_look_like(raw, repaired):
    """Chromium/Skia text layers (Noto CJK) write Kangxi and supplement radicals."""
    assert normalise_line(raw) == repaired


def test_full_width_punctuation_is_not_made_ascii_by_the_folding():
    assert normalise_line("（一）本周，“高效办成一件事”：１２３４５。") == "（一）本周，“高效办成一件事”：12345。"


@pytest.mark.parametrize(
    "raw, repaired",
    [
        ("一 、 政 务 工 作 动 态", "一、政务工作动态"),
        ("窗 口 工 作 周 报", "窗口工作周报"),
        ("附 件 ：", "附件："),
        ("（ 共 印 1 0 0 份 ）", "（共印100份）"),
        ("本 周 ， 共 计 咨 询 1 6 2 7 人 次", "本周，共计咨询1627人次"),
        ("1 . 1 月 5 日 ，", "1.1月5日，"),
        ("公 安", "公安"),
        ("本  周 A I  创 新 中 心", "本周AI创新中心"),
        ("1\t自 然 资 源 厅\t100", "1\t自然资源厅\t100"),
    ],
)
def test_a_letter_spaced_line_copied_out_of_a_pdf_loses_its_spacing(raw, repaired):
    assert normalise_line(raw) == repaired


def test_two_ideographs_two_spaces_apart_repair_once_for_all():
    """Found by the properties below: "年  年" was left alone, its gap made one space, and
    the next repair found "年 年" letter-spaced."""
    assert physical_lines("年  年") == ["年年"]
    assert normalise_line("年年") == "年年"


@pytest.mark.parametrize(
    "line",
    ["AI 创新中心", "“以增值化改革为引擎 助力打造法治化营商环境”", "A B C", "1 2 3"],
)
def test_real_spaces_are_not_letter_spacing(line):
    assert normalise_line(line) == line


def test_table_cells_keep_their_tabs_and_an_empty_first_cell():
    assert normalise_line("\t交通运输厅\t100\t0\t20\t120") == "\t交通运输厅\t100\t0\t20\t120"


def test_physical_lines_drop_blank_lines_and_page_break_indents():
    assert physical_lines("公\n\n 安厅\r\n\n") == ["公", "安厅"]


def test_hard_wrapped_text_is_detected_with_its_width():
    wrapped = ["一二三四五六七八九十一二三四五六七八九十一二三四五六七八九"] * 8 + ["短句。"]
    layout = measure(wrapped)
    assert layout.hard_wrapped and layout.width == 58
    assert not measure(
        ["一段完整的话。" * 12, "短。", "另一段话，" * 30, "结尾。" * 3, "又一段。" * 9]
    ).hard_wrapped


def test_a_wrapped_line_joins_without_a_break_and_a_sentence_end_breaks_the_paragraph():
    layout = Layout(hard_wrapped=True, width=58)
    full = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八。"
    assert separator("到省政务服务", "大厅窗口", layout) == ""
    assert separator("工作推进情况汇报。", "全省惠企政策", layout) == "\n"
    assert separator(full, "下一行", layout) == "", "a full line may end a sentence mid-paragraph"
    assert separator("省本级综窗办件情况", "本周，", layout, title=True) == "\n"


def test_a_full_width_point_after_a_spaced_digit_is_repaired_once_for_all():
    """Found by the properties below: the point was translated before the space went."""
    assert physical_lines("1 ．5") == ["1.5"]
    assert normalise_line("1．5") == "1.5"


def test_a_letter_and_its_accent_brought_together_are_composed():
    """Found by the properties below: NFC ran before the zero-width mark between them went."""
    assert physical_lines("2\ufeffａ\ufeff\u0301") == ["2\u00e1"]
    assert normalise_line("G \u302a\u0301") == "\u01f4\u302a"


# --- properties ------------------------------------------------------------------------

ZERO_WIDTH = str.maketrans("", "", "\u200b\ufeff")
PROPERTY = settings(max_examples=600, deadline=None, database=None)  # nothing written


def ink(text: str) -> str:
    return re.sub(r"\s", "", text)


def fold(text: str) -> str:
    """Visible characters, compatibility forms decomposed: "（" and "(", "１" and "1",
    "⻔" and "门" alike."""
    return ink(unicodedata.normalize("NFKD", fold_radicals(ink(text))))


@PROPERTY
@given(text=soup(REPAIR_CHARACTERS, max_size=60))
@example(text="年 : 1")  # letter-spaced around a colon: the colon rule ran before the gaps went
@example(text="年: 1")
def test_physical_lines_of_any_text_are_non_blank_repaired_lines_that_repair_to_themselves(text):
    """Repaired text is repaired again downstream (flat text, section filters, the
    gazetteer), so it must be a fixed point."""
    lines = physical_lines(text)
    for line in lines:
        assert line.strip() and "\n" not in line and "\r" not in line
        assert line == line.strip(" ")
        assert not set(line) & set("()\u3000\u00a0\u2002\u2003\u200b\ufeff０１ａ⼀⻔⺠")
        assert normalise_line(line) == line
    assert physical_lines("\n".join(lines)) == lines


@PROPERTY
@given(text=soup(REPAIR_CHARACTERS, max_size=60))
def test_repair_removes_only_whitespace_and_zero_width_marks(text):
    """Every other character of any text is kept, in order, as itself or a form of it."""
    assert fold("".join(physical_lines(text))) == fold(text.translate(ZERO_WIDTH))


@settings(PROPERTY, max_examples=200)
@given(lines=st.lists(soup(REPAIR_CHARACTERS, min_size=1, max_size=40), max_size=12))
def test_the_joiner_answers_for_any_lines(lines):
    layout = measure(lines)
    assert layout.hard_wrapped == (layout.width > 0)
    for previous, following in zip(lines, lines[1:], strict=False):
        assert separator(previous, following, layout) in ("", "\n", " ")
        assert separator(previous, following, layout, title=True) == "\n"
    for line in lines:
        assert display_width(line) >= len(line)
