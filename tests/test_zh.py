"""bulletins.zh: click's help in Chinese, wrapped in terminal columns as Chinese is set."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bulletins.zh import width, wrap

CLOSING = "，。、；：？！）》」』”’…"
OPENING = "（《「『“‘"


def test_a_chinese_character_takes_two_columns():
    assert width("住建厅") == 6 and width("abc") == 3 and width("第37期") == 6


def test_chinese_breaks_anywhere_and_an_ascii_word_stays_whole():
    lines = wrap("只要事件日期在此日或之后的条目（2024-09-01、2024年9月1日）。", 20)

    assert all(width(line) <= 20 for line in lines)
    assert "2024-09-01、2024年9月1日）。" not in "".join(lines[:1])
    assert any(line.startswith("2024-09-01") or "2024-09-01" in line for line in lines)
    assert "".join(lines) == "只要事件日期在此日或之后的条目（2024-09-01、2024年9月1日）。"


def test_no_line_ends_with_an_opening_mark_or_starts_with_a_closing_one():
    text = "只写一个部门名称（如 住建厅）即按部门筛选；要按文字检索部门名称，请加引号（'\"住建厅\"'）。"
    for columns in range(12, 60):
        lines = wrap(text, columns)
        assert not any(line[-1] in OPENING for line in lines), (columns, lines)
        assert not any(line[0] in CLOSING for line in lines[1:]), (columns, lines)


words = st.lists(
    st.one_of(
        st.text(st.sampled_from("政务服务窗口工作周报月住建厅"), min_size=1, max_size=12),
        st.text(st.sampled_from("abcdefgh0123456789-"), min_size=1, max_size=10),
        st.sampled_from(list(CLOSING + OPENING)),
    ),
    min_size=1,
    max_size=40,
)


@given(words, st.integers(min_value=12, max_value=80))
def test_wrapping_keeps_every_character_and_fits_the_columns(parts, columns):
    text = " ".join(parts)
    lines = wrap(text, columns)

    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        core = line.rstrip(CLOSING + " ")  # closing marks stay with the word they close
        one_word = " " not in core and core.lstrip(OPENING).isascii()
        assert width(core) <= columns or one_word, (columns, lines)
