"""Round trips: a bulletin keeps its structure through typesetting, extraction and rewrapping.

Three properties of `archive.parse.parse`, on the five real bulletins in corpus/:

1. PDF round trip. A bulletin typeset as a PDF (tests/pdfgen.py, body wrapped at
   28 characters a line, tables as rows of cells) and read back with
   `archive.extract.pdf_text` parses to the same issue as its text: identity,
   sections, every item and sub-item (anchor, label, dates, departments, text),
   attachment tables and footer.
2. Conservation. Every non-whitespace character of the normalised document lands
   in exactly one place of the parse: the Issue printed back in reading order has
   the same characters, in the same order, as `repair.physical_lines(text)`.
3. Rewrapping. Breaking the lines of a bulletin (masthead, paragraphs, footer)
   at any width from 8 to 40 characters, the same for the whole document or one
   per paragraph, with blank lines and page-break spaces sprinkled in, changes
   nothing in its structure and still loses or duplicates no character. Section
   headings wrapped at the margin have a test of their own.

"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.extract import pdf_text
from archive.model import Issue
from archive.parse import parse
from archive.repair import physical_lines

from pdfgen import make_pdf
from strategies import rewrapped, wrap

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
NAMES = sorted(path.name for path in CORPUS.glob("*.txt"))
BODY_WIDTH = 28  # characters a line, about what the bulletins print


# --- what "the same structure" means -------------------------------------------------


def ink(text: str) -> str:
    """The non-whitespace characters of `text`, in order."""
    return re.sub(r"\s", "", text)


@functools.cache
def source(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


@functools.cache
def parsed(name: str) -> Issue:
    """The parse of a corpus file as it is stored (shared: tests only read it)."""
    return parse(source(name))


def masthead(issue: Issue) -> dict:
    return {
        "issue_id": issue.issue_id,
        "kind": issue.kind,
        "number": issue.number,
        "total_number": issue.total_number,
        "period": (issue.period_start, issue.period_end),
        "published": issue.published,
    }


def outline(issue: Issue) -> list[tuple]:
    """Sections and, in reading order, every item and sub-item, with its text as ink.

    A list (not a dict) so that a failure shows the first entry that differs.
    """
    entries: list[tuple] = []
    for section in issue.sections:
        entries.append(("section", section.number, section.title, section.name))
        for item in section.items:
            for node in item.walk():
                dates = (node.date_from, node.date_to)
                entries.append((node.anchor, node.label, *dates, node.departments, ink(node.text)))
    return entries


def table_rows(issue: Issue) -> list[list[tuple]]:
    return [
        [(r.seq, r.name, r.department, r.base, r.deduction, r.bonus, r.score) for r in a.rows]
        for a in issue.attachments
    ]


def assert_same_ink(rebuilt: str, body: str) -> None:
    """Equal ink, or a message pointing at the first character that went astray."""
    if rebuilt == body:
        return
    differing = (i for i, (a, b) in enumerate(zip(rebuilt, body, strict=False)) if a != b)
    at = next(differing, min(len(rebuilt), len(body)))
    raise AssertionError(
        f"the parse {'drops' if len(rebuilt) < len(body) else 'adds or moves'} text; "
        f"first difference at character {at}:\n"
        f"  parse: …{rebuilt[max(0, at - 20) : at + 20]}…\n"
        f"  text:  …{body[max(0, at - 20) : at + 20]}…"
    )


# --- printing an Issue back ------------------------------------------------------------


def number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def printed_lines(issue: Issue) -> list[tuple[str, str]]:
    """Every line the bulletin prints, in reading order, as (kind, line).

    kind is "heading" for a section heading ("一、政务工作动态"); "table" for a row of
    tab-separated cells; "text" for every other line: a masthead line, a paragraph
    (an item's label and text up to its next "\\n"), an attachment's title and loose
    lines, a footer field.
    """
    lines = [("text", line) for line in issue.header]
    for section in issue.sections:
        lines.append(("heading", f"{section.numeral}、{section.title}"))
        for item in section.items:
            for node in item.walk():
                first, *more = node.text.split("\n")
                lines.append(("text", node.label + first))
                lines.extend(("text", paragraph) for paragraph in more)
    for attachment in issue.attachments:
        lines.append(("text", f"附件：{attachment.title}"))
        lines.extend(("text", line) for line in attachment.lines)
        if attachment.columns:
            lines.append(("table", "\t".join(attachment.columns)))
        for before, r in zip([None, *attachment.rows], attachment.rows, strict=False):
            scores = (r.base, r.deduction, r.bonus, r.score)
            tied = before is not None and before.seq == r.seq  # a tie prints its 序号 once
            cells = ["" if tied or r.seq is None else str(r.seq), r.name, *map(number, scores)]
            lines.append(("table", "\t".join(cells)))
    if issue.footer:
        if issue.footer.report_to:
            lines.append(("text", f"报：{issue.footer.report_to}"))
        if issue.footer.send_to:
            lines.append(("text", f"发：{issue.footer.send_to}"))
        if issue.footer.copies is not None:
            lines.append(("text", f"（共印{issue.footer.copies}份）"))
    return lines


def rebuilt(issue: Issue) -> str:
    """The Issue printed back: where each piece of the document was kept, in order."""
    return "".join(line for _, line in printed_lines(issue))


# --- 1. PDF round trip -----------------------------------------------------------------


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """name -> the text read back from the bulletin typeset at BODY_WIDTH characters a line.

    Every line is wrapped, the masthead too: the issuer-and-date line of three of
    the bulletins ("四川省…中心 2024年 12月 25日", 33–34 characters) comes back in two.
    """
    folder = tmp_path_factory.mktemp("printed")

    @functools.cache
    def read_back(name: str) -> str:
        pdf = make_pdf(source(name), folder / f"{Path(name).stem}.pdf", chars_per_line=BODY_WIDTH)
        text = pdf_text(pdf.read_bytes(), pdf.name)
        assert max(len(line) for line in text.split("\n") if "\t" not in line) == BODY_WIDTH
        return text

    return read_back


@pytest.mark.parametrize("name", NAMES)
def test_pdf_round_trip_keeps_the_identity_and_the_dates(printed, name):
    assert masthead(parse(printed(name))) == masthead(parsed(name))


@pytest.mark.parametrize("name", NAMES)
def test_pdf_round_trip_keeps_every_section_and_item(printed, name):
    assert outline(parse(printed(name))) == outline(parsed(name))


@pytest.mark.parametrize("name", NAMES)
def test_pdf_round_trip_keeps_attachment_rows_and_footer(printed, name):
    back, original = parse(printed(name)), parsed(name)
    assert table_rows(back) == table_rows(original)
    assert back.footer == original.footer


@pytest.mark.parametrize("name", NAMES)
def test_pdf_round_trip_loses_no_character(printed, name):
    text = printed(name)
    assert_same_ink(ink(rebuilt(parse(text))), ink("".join(physical_lines(text))))


@pytest.mark.parametrize(
    "name",
    [name for name in NAMES if parsed(name).attachments],
)
def test_pdf_round_trip_keeps_attachment_titles(printed, name):
    back = parse(printed(name))
    assert [a.title for a in back.attachments] == [a.title for a in parsed(name).attachments]


# --- 2. conservation -------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_character_of_the_body_lands_in_exactly_one_place(name):
    """Header lines, headings, labels and texts, attachment title, page label, columns and
    rows, footer: printed back in order, they are the document, character for character."""
    assert_same_ink(ink(rebuilt(parsed(name))), ink("".join(physical_lines(source(name)))))


# --- 3. rewrapping ---------------------------------------------------------------------


def assert_same_structure(text: str, original: Issue) -> None:
    again = parse(text)
    assert masthead(again) == masthead(original)
    assert outline(again) == outline(original)
    assert [len(a.rows) for a in again.attachments] == [len(a.rows) for a in original.attachments]
    assert table_rows(again) == table_rows(original)
    assert again.footer == original.footer
    assert_same_ink(ink(rebuilt(again)), ink("".join(physical_lines(text))))


REWRAP_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,  # nothing written into the checkout
)


@pytest.mark.parametrize("name", NAMES)
@REWRAP_SETTINGS
@given(data=st.data())
def test_rewrapping_the_whole_document_at_one_width_keeps_the_structure(name, data):
    original = parsed(name)
    text = data.draw(rewrapped(printed_lines(original), per_paragraph=False), label="text")
    assert_same_structure(text, original)


@pytest.mark.parametrize("name", NAMES)
@REWRAP_SETTINGS
@given(data=st.data())
def test_rewrapping_each_paragraph_at_its_own_width_keeps_the_structure(name, data):
    original = parsed(name)
    text = data.draw(rewrapped(printed_lines(original), per_paragraph=True), label="text")
    assert_same_structure(text, original)


def wrapped_at(width: int, text: str) -> str:
    return "\n".join(piece for line in text.split("\n") for piece in wrap(line, width))


WEEKLY_HEADING = (
    "（9月9日—9月14日）\n2024年9月23日\n一、智慧政务能力提升项目推进情况\n"
    "（一）9 月 9 日，省中心党委书记、主任吕芙蓉组织召开智慧政务能力提升项目攻坚动员会议，"
    "传达学习省政府专题会议纪要。\n（二）9 月 11 日，省中心召开 2024 年第 6 次窗口首席事务代表工作例会。\n"
)
MONTHLY_HEADING = (
    "政务窗口月报\n第 1 期\n2025 年 2 月 27 日\n一、2025 年 1 月总体运行情况\n"
    "1 月，省本级办理政务服务事项 2.7 万件。各进驻部门（单位）窗口共受理政务服务事项全程网办 "
    "2.55 万件，办结政务服务事项全程网办 2.62 万件。\n"
    "二、政务工作动态\n（一）1 月 2 日，省政府召开会议专题研究社会保障卡“一卡通”工作。\n"
)


@pytest.mark.parametrize(
    "text, width",
    [
        pytest.param(WEEKLY_HEADING, 10, id="weekly-10"),
        pytest.param(WEEKLY_HEADING, 12, id="weekly-12"),
        pytest.param(WEEKLY_HEADING, 14, id="weekly-14"),
        pytest.param(MONTHLY_HEADING, 12, id="monthly-12"),
        pytest.param(MONTHLY_HEADING, 16, id="monthly-16"),
    ],
)
def test_a_section_heading_wrapped_at_the_margin_keeps_its_title(text, width):
    """The property above, with the section headings wrapped too (every line at `width`)."""
    whole, wrapped = parse(text), parse(wrapped_at(width, text))
    assert wrapped.issue_id == whole.issue_id
    assert [s.title for s in wrapped.sections] == [s.title for s in whole.sections]
    assert [n.anchor for _, n in wrapped.walk_items()] == [n.anchor for _, n in whole.walk_items()]
