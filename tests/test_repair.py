"""Repair: character normalisation and the joining of hard-wrapped lines."""

from __future__ import annotations

import pytest

from archive.repair import Layout, measure, normalise_line, physical_lines, separator


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
    ],
)
def test_normalise_line_brackets_digits_and_stray_spaces(raw, repaired):
    assert normalise_line(raw) == repaired


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
