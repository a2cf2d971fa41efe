"""archive.tables: a table's rows rebuilt from where its glyphs and borders are.

The tables here are laid out as a word processor lays them out: text centred in
its cell both ways, a cell that wraps on two lines, a 序号 cell merged over tied
rows (its number centred over them), borders drawn as lines (None in a row: the
cell above goes on, no border between them).
"""

from __future__ import annotations

from archive.layout import Glyph, Page, Rule
from archive.tables import page_lines

from glyphs import advance, typeset

SIZE = 10.5
LEADING = 14.0
WIDTHS = (40.0, 100.0, 50.0, 50.0, 50.0, 50.0)
OPEN = (40.0, 110.0, 70.0, 70.0, 75.0, 75.0)  # without borders, columns are set further apart
HEADER = ["序号", "部门窗口", "基础分\n分值", "减分\n分值", "加分分值", "实得分值"]


def ruled(rows: list[list[str | None]], *, left: float = 100.0, top: float = 700.0,
          widths=WIDTHS, borders: bool = True) -> tuple[list[Glyph], list[Rule]]:
    """Glyphs and border rules of a table; a row is as high as its tallest cell."""
    xs = [left]
    for width in widths:
        xs.append(xs[-1] + width)
    heights = [max(len((c or "").split("\n")) for c in row) * LEADING + 6 for row in rows]
    ys = [top]
    for height in heights:
        ys.append(ys[-1] - height)
    glyphs: list[Glyph] = []
    rules: list[Rule] = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is None:
                continue
            span = 1
            while r + span < len(rows) and rows[r + span][c] is None:
                span += 1
            middle = (ys[r] + ys[r + span]) / 2
            lines = text.split("\n")
            for i, line in enumerate(lines):
                baseline = middle + (len(lines) / 2 - i - 1) * LEADING + 0.3 * SIZE
                width = sum(advance(ch, SIZE) for ch in line)
                x = (xs[c] + xs[c + 1] - width) / 2
                glyphs += typeset(line, x=x, y=baseline, size=SIZE)
            if borders:
                rules.append(Rule(xs[c], ys[r + span] - 0.3, xs[c + 1], ys[r + span] + 0.3))
    if borders:
        rules.append(Rule(xs[0], ys[0] - 0.3, xs[-1], ys[0] + 0.3))
        rules += [Rule(x - 0.3, ys[-1], x + 0.3, ys[0]) for x in xs]
    return glyphs, rules


def rows_of(glyphs, rules=()) -> list[str]:
    page = Page(1, 595.0, 842.0, tuple(glyphs), tuple(rules))
    return [line.text for line in page_lines(page)]


TIES = [
    HEADER,
    ["1", "自然资源厅", "100", "0", "20", "120"],
    [None, "交通运输厅", "100", "0", "20", "120"],
    ["3", "省市场监管局", "100", "0", "14.5", "114.5"],
    ["17", "生态环境厅", "100", "0", "4", "104"],
    [None, "省卫生健康委", "100", "0", "4", "104"],
    [None, "科技厅", "100", "0", "4", "104"],
    ["22", "省新闻出版局（省\n电影局）", "100", "0", "1", "101"],
]
EXPECTED = [
    "序号\t部门窗口\t基础分分值\t减分分值\t加分分值\t实得分值",
    "1\t自然资源厅\t100\t0\t20\t120",
    "\t交通运输厅\t100\t0\t20\t120",
    "3\t省市场监管局\t100\t0\t14.5\t114.5",
    "17\t生态环境厅\t100\t0\t4\t104",
    "\t省卫生健康委\t100\t0\t4\t104",
    "\t科技厅\t100\t0\t4\t104",
    "22\t省新闻出版局（省电影局）\t100\t0\t1\t101",
]


def test_a_ruled_table_is_one_line_per_row_whatever_wraps_or_spans():
    """Wrapped header cells, merged 序号 cells over two and three tied rows (the number
    between two rows, or on the middle one), a name on two lines of its cell."""
    assert rows_of(*ruled(TIES)) == EXPECTED


def test_a_merged_cell_gives_its_text_to_the_first_row_it_spans():
    glyphs, rules = ruled([["序号", "名称", "分"], ["5", "甲厅", "9"], [None, "乙厅", "9"], [None, "丙厅", "9"], [None, "丁厅", "9"]],
                          widths=(40, 80, 40))
    assert rows_of(glyphs, rules) == ["序号\t名称\t分", "5\t甲厅\t9", "\t乙厅\t9", "\t丙厅\t9", "\t丁厅\t9"]


def test_a_rule_touching_the_table_adds_no_column():
    """A running head's rule right over a table at the top of a page touches its top border."""
    glyphs, rules = ruled(TIES)
    head = Rule(60.0, 700.2, 540.0, 701.0)
    assert rows_of(glyphs, [*rules, head]) == EXPECTED


def test_text_around_a_table_stays_lines_in_reading_order():
    glyphs, rules = ruled(TIES, top=600.0)
    above = typeset("附件：考核结果", x=100, y=650, size=16)
    below = typeset("报：省政务管理办公室。", x=100, y=300, size=16)
    assert rows_of(above + glyphs + below, rules) == ["附件：考核结果", *EXPECTED, "报：省政务管理办公室。"]


def test_an_unruled_table_is_rebuilt_by_column_too():
    """Without borders: the rows are the lines that fill most columns, and the rest (the
    halves of a wrapped cell, a number centred between two tied rows) joins the nearest.
    A number centred over three rows stays on the middle one: nothing tells where the
    merged cell began (the parser shares it by the tied score: test_parse)."""
    glyphs, _ = ruled(TIES, borders=False, widths=OPEN)
    assert rows_of(glyphs) == UNRULED


UNRULED = [*EXPECTED[:4], "\t生态环境厅\t100\t0\t4\t104", "17\t省卫生健康委\t100\t0\t4\t104", *EXPECTED[6:]]


def test_an_unruled_table_leaves_the_paragraphs_around_it_alone():
    glyphs, _ = ruled(TIES, borders=False, top=600.0, widths=OPEN)
    above = typeset("四川测绘局、四川消防救援总队、省贸促会窗口对新进综", x=100, y=650, size=16)
    below = typeset("（共印103份）", x=100, y=300, size=16)
    assert rows_of(above + glyphs + below) == [
        "四川测绘局、四川消防救援总队、省贸促会窗口对新进综", *UNRULED, "（共印103份）"
    ]


def test_a_line_with_a_wide_gap_is_not_a_table():
    """The issuer and the date on one masthead line: two cells, one line, no table."""
    glyphs = typeset("四川省政府政务服务和公共资源交易服务中心\t2024年9月23日", x=80, y=700, size=16)
    glyphs += typeset("一、政务工作动态", x=80, y=660, size=16)
    assert rows_of(glyphs) == ["四川省政府政务服务和公共资源交易服务中心\t2024年9月23日", "一、政务工作动态"]


def test_a_page_of_many_rules_is_a_drawing_not_a_table():
    """Thousands of strokes (a chart, a vector scan) are not searched for a grid: the pairs
    of them would take minutes."""
    strokes = tuple(Rule(x, y, x + 5, y + 0.5) for x in range(0, 500, 7) for y in range(0, 800, 9))
    glyphs, rules = ruled(TIES)
    assert rows_of(glyphs, (*rules, *strokes)) != EXPECTED
    assert "一、政务工作动态" in rows_of(typeset("一、政务工作动态", x=80, y=760, size=16), strokes)
