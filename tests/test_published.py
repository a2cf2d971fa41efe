"""Bulletins as they are really published: PDFs from Word/WPS, browsers and typesetters.

Each corpus bulletin is typeset again by real producers (tests/producers: reportlab
with TrueType CJK fonts, Chromium's print to PDF, python-docx through LibreOffice),
in the variants the centre's PDFs come in, and read back by the archive. Whatever
made it, the PDF gives the same bulletin as its text in corpus/: the same identity
and dates, sections, items and sub-items with their whole texts, dates and
departments, every attachment row with its 序号 and scores, the same footer; and
every character of the PDF's text lands in exactly one place of the parse.

The tests after those show that each variant has what it is there for (radicals in
Chromium's text layer, gaps in a letter-spaced one, heads and page numbers, a name
broken by a page turn, a pictured title), so that passing is not an accident of a
plain layout.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_roundtrip import assert_same_ink, ink, masthead, outline, rebuilt, table_rows

from archive.departments import gazetteer
from archive.extract import pdf_pages, pdf_text
from archive.folding import fold
from archive.furniture import is_page_number
from archive.parse import parse
from archive.repair import physical_lines
from bulletins.cli import main

from producers import typeset
from producers.bulletin import Block, bulletin, running_head
from producers.cache import CORPUS, NAMES, Producers, Variant, corpus_issue, skip_reason
from producers.variants import BY_ID, VARIANTS

CASES = [pytest.param(v, n, id=f"{v.id}-{n}") for v in VARIANTS for n in NAMES]


@pytest.fixture(scope="session")
def producers(tmp_path_factory) -> Producers:
    return Producers(tmp_path_factory.getbasetemp() / "producers")


_READ: dict[tuple[str, str], tuple[str, object]] = {}


def read(producers: Producers, variant: Variant, name: str):
    """(text, parse) of a bulletin's PDF in a variant; the variant built for the whole corpus
    on first use, and nothing read twice."""
    reason = skip_reason(variant.producer)
    if reason:
        pytest.skip(reason)
    key = (variant.id, name)
    if key not in _READ:
        producers.build(variant, list(NAMES))
        text = pdf_text(producers.path(variant, name).read_bytes(), f"{name}.pdf")
        _READ[key] = (text, parse(text))
    return _READ[key]


# --- the same bulletin, whatever made the PDF -----------------------------------------


@pytest.mark.parametrize("variant, name", CASES)
def test_the_pdf_has_the_identity_and_dates_of_the_text(producers, variant, name):
    _, issue = read(producers, variant, name)
    assert masthead(issue) == masthead(corpus_issue(name))


@pytest.mark.parametrize("variant, name", CASES)
def test_the_pdf_has_every_section_item_and_sub_item_of_the_text(producers, variant, name):
    """Labels, whole texts (as ink), dates and departments, in reading order."""
    _, issue = read(producers, variant, name)
    assert outline(issue) == outline(corpus_issue(name))


@pytest.mark.parametrize("variant, name", CASES)
def test_the_pdf_has_every_attachment_row_and_the_footer_of_the_text(producers, variant, name):
    _, issue = read(producers, variant, name)
    original = corpus_issue(name)
    assert table_rows(issue) == table_rows(original)
    assert [(a.title, a.columns) for a in issue.attachments] == [(a.title, a.columns) for a in original.attachments]
    assert issue.footer == original.footer


@pytest.mark.parametrize("variant, name", CASES)
def test_every_character_of_the_pdf_lands_in_exactly_one_place(producers, variant, name):
    text, issue = read(producers, variant, name)
    assert_same_ink(ink(rebuilt(issue)), ink("".join(physical_lines(text))))


def test_all_29_rows_of_the_2024_01_table_whichever_producer(producers):
    for variant in VARIANTS:
        if skip_reason(variant.producer):
            continue
        [attachment] = read(producers, variant, "2024-weekly-01")[1].attachments
        assert len(attachment.rows) == 29, variant.id
        assert [r.seq for r in attachment.rows][:3] == [1, 1, 3]
        assert attachment.columns == ["序号", "部门窗口", "基础分分值", "减分分值", "加分分值", "实得分值"]


# --- what each variant is there for --------------------------------------------------------


def raw_text(path: Path) -> str:
    """What a plain pdfminer reading gives (its own layout analysis, nothing folded)."""
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


RADICAL = re.compile("[\u2e80-\u2fdf]")
GAP = re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]")


def test_chromium_writes_radicals_that_the_archive_folds(producers):
    variant = BY_ID["chromium-web"]
    text, issue = read(producers, variant, "2025-monthly-01")
    raw = raw_text(producers.path(variant, "2025-monthly-01"))
    assert len(RADICAL.findall(raw)) > 100, "Chromium's text layer has radicals for 一 日 月 …"
    assert not RADICAL.search(text)
    assert issue.sections[1].items[0].label == "（一）"


def gaps(text: str) -> set[str]:
    """The gaps between two Chinese characters, with the two characters."""
    return set(GAP.findall(text))


def corpus_gaps(name: str) -> set[str]:
    """The gaps the bulletin's own text has ("以增值化改革为引擎 助力打造…")."""
    return gaps("\n".join(physical_lines((CORPUS / f"{name}.txt").read_text("utf-8"))))


@pytest.mark.parametrize("variant_id", ["reportlab-tracked", "chromium-tracked"])
def test_letter_spaced_text_has_no_gaps(producers, variant_id):
    variant = BY_ID[variant_id]
    text, _ = read(producers, variant, "2024-weekly-37")
    raw = raw_text(producers.path(variant, "2024-weekly-37"))
    assert len(GAP.findall(raw)) > 200, "a plain reading sees a gap between every two characters"
    assert gaps("\n".join(physical_lines(text))) <= corpus_gaps("2024-weekly-37")


@pytest.mark.parametrize("variant_id", ["reportlab-heads", "chromium-web", "libreoffice-word"])
def test_running_heads_and_page_numbers_are_in_the_pdf_not_in_the_text(producers, variant_id):
    variant = BY_ID[variant_id]
    name = "2024-weekly-37"
    text, issue = read(producers, variant, name)
    head = running_head(corpus_issue(name))
    raw = raw_text(producers.path(variant, name))
    assert ink(fold(raw)).count(ink(head)) >= 2, "a head on every page after the first"
    pages = pdf_pages(producers.path(variant, name).read_bytes(), "x.pdf")
    assert len(pages) >= 3
    assert all(ink(head) not in ink(line) for page in pages for line in page)
    assert not any(is_page_number(line) for page in pages for line in page)


def test_a_department_broken_by_a_page_turn_is_found(tmp_path):
    """交通运 | page turn, running head, page number | 输厅 is 交通运输厅."""
    if skip_reason("reportlab"):
        pytest.skip(skip_reason("reportlab"))
    names = tuple(n for d in gazetteer().departments for n in d.names if len(n) >= 3)
    style = typeset.Style(running_head=True, alternate=True, break_names=names)
    checked = 0
    for name in NAMES:
        issue = corpus_issue(name)
        path = tmp_path / f"break-{name}.pdf"
        broken = typeset.make(bulletin(name, issue), path, style, running_head(issue))
        if broken is None:
            continue
        pages = pdf_pages(path.read_bytes(), path.name)
        assert any(_straddles(a[-1], b[0], broken) for a, b in zip(pages, pages[1:], strict=False))
        again = parse(pdf_text(path.read_bytes(), path.name))
        assert outline(again) == outline(issue)
        department = gazetteer().resolve(broken).short_name
        assert any(department in node.departments for _, node in again.walk_items())
        checked += 1
    assert checked >= 3, "most bulletins have a name wrapped somewhere"


def _straddles(last: str, first: str, name: str) -> bool:
    return any(last.endswith(name[:cut]) and first.startswith(name[cut:]) for cut in range(1, len(name)))


@pytest.mark.parametrize("variant_id", ["reportlab-picture-landscape", "chromium-picture-landscape"])
def test_a_title_that_is_only_a_picture(producers, variant_id):
    variant = BY_ID[variant_id]
    text, issue = read(producers, variant, "2024-weekly-01")
    assert "窗口工作周报" not in ink(text.split("\f")[0])
    assert issue.kind == "weekly" and issue.issue_id == "weekly-2024-01-02"


@pytest.mark.parametrize("variant_id", ["reportlab-pages-of", "chromium-web", "reportlab-spaced-title"])
def test_issuer_and_date_on_one_line_and_a_letter_spaced_title(producers, variant_id):
    variant = BY_ID[variant_id]
    _, issue = read(producers, variant, "2024-weekly-01")
    pages = pdf_pages(producers.path(variant, "2024-weekly-01").read_bytes(), "x.pdf")
    head = pages[0][:6]
    if variant_id != "reportlab-spaced-title":
        assert any("服务中心" in line and "2024年1月16日" in line for line in head)
    assert "窗口工作周报" in head
    assert str(issue.published) == "2024-01-16"


def year_end_bulletin():
    """2024年第1期 moved to the first week of 2019, crossing the year end, without its
    publication date: the issue line's year and number alone date the week."""
    issue = corpus_issue("2024-weekly-01")
    source = bulletin("2019-weekly-01", issue)
    masthead = []
    for block in source.masthead:
        if block.text == "2024年1月16日":
            continue
        text = block.text.replace("2024年第1期", "2019年第1期").replace("（1月2日—1月5日）", "（12月31日—1月4日）")
        masthead.append(Block(block.kind, text))
    source.masthead = masthead
    return source


@pytest.mark.parametrize("variant_id", ["reportlab-gbt9704", "chromium-web", "libreoffice-word"])
def test_a_week_across_the_year_end_without_a_publication_date(producers, variant_id):
    variant = BY_ID[variant_id]
    reason = skip_reason(variant.producer)
    if reason:
        pytest.skip(reason)
    source = year_end_bulletin()
    path = producers.pdf(variant, "2019-weekly-01", source, running_head(corpus_issue("2024-weekly-01")))
    issue = parse(pdf_text(path.read_bytes(), path.name))
    assert issue.published is None
    assert (str(issue.period_start), str(issue.period_end)) == ("2018-12-31", "2019-01-04")
    assert issue.issue_id == "weekly-2018-12-31"
    assert str(issue.sections[0].items[0].date_from) == "2019-01-05"


# --- what users see of a PDF bulletin ------------------------------------------------------

SHOWN = ["chromium-web", "reportlab-tracked", "reportlab-heads", "libreoffice-word"]


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


@pytest.mark.parametrize("variant_id", SHOWN)
def test_show_json_of_a_pdf_bulletin_is_clean(producers, variant_id, tmp_path):
    """No radical, no gap between two Chinese characters, no page number, no running head."""
    variant = BY_ID[variant_id]
    reason = skip_reason(variant.producer)
    if reason:
        pytest.skip(reason)
    producers.build(variant, list(NAMES))
    runner = CliRunner()
    data = str(tmp_path / "data")
    files = [str(producers.path(variant, name)) for name in NAMES]
    result = runner.invoke(main, ["--data-dir", data, "ingest", *files], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name in NAMES:
        issue_id = corpus_issue(name).issue_id
        shown = runner.invoke(main, ["--data-dir", data, "show", issue_id, "--json"], catch_exceptions=False)
        assert shown.exit_code == 0, shown.output
        document = json.loads(shown.output)
        values = [v for v in strings(document) if re.search("[\u3400-\u9fff]", v)]  # texts, not ids
        head = ink(running_head(corpus_issue(name)))
        allowed = corpus_gaps(name)
        body = strings([document["sections"], document["attachments"], document["footer"]])
        assert not any(head in ink(value) for value in body), "a running head in the text"
        for value in values:
            assert not RADICAL.search(value), value
            assert gaps(value) <= allowed, value
            assert not any(is_page_number(line) for line in value.split("\n")), value
            assert not re.search(r"[—-] ?\d{1,2} ?[—-]|第 ?\d{1,2} ?页", value), value


def test_ingesting_a_browser_pdf_prints_no_pdfminer_warnings(producers, tmp_path):
    """Chromium's fonts have no FontBBox: pdfminer warned once per font per page on stderr."""
    import subprocess
    import sys

    variant = BY_ID["chromium-web"]
    read(producers, variant, "2024-weekly-01")
    result = subprocess.run(
        [sys.executable, "-m", "bulletins", "--data-dir", str(tmp_path / "data"), "ingest",
         str(producers.path(variant, "2024-weekly-01"))],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "新增 1" in result.stdout
