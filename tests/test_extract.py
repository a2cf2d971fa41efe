"""archive.extract: text files in any common Chinese encoding, and PDFs in reading order."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from archive.extract import ExtractError, decode_text, pdf_pages, pdf_text, read_document

from pdfgen import make_encrypted_pdf, make_image_only_pdf, make_pdf

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CHINESE = "四川省政务服务中心\n（一）惠企政策“直达快享”：1031 人次。\n"
TABLE = (
    "序号\t部门窗口\t基础分 分值\t减分 分值\t加分分值\t实得分值\n"
    "1\t自然资源厅\t100\t0\t20\t120\n"
    "\t交通运输厅\t100\t0\t20\t120\n"
    "3\t省市场监管局\t100\t0\t14.5\t114.5\n"
)


def ink(text: str) -> str:
    """The non-whitespace characters of `text`, in order."""
    return re.sub(r"\s", "", text)


# --- text files ---------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding, bom",
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("gb18030", b""),
        ("gbk", b""),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
    ],
)
def test_text_file_is_decoded_whatever_its_encoding(tmp_path, encoding, bom):
    path = tmp_path / "2024-37.txt"
    path.write_bytes(bom + CHINESE.encode(encoding))
    assert read_document(path) == CHINESE


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised_by_its_nul_bytes(encoding):
    assert decode_text("2024-37: 1031 人次".encode(encoding), "x.txt") == "2024-37: 1031 人次"


def test_line_ends_are_normalised_to_newline():
    assert decode_text("一\r\n二\r三\n".encode("gbk"), "x.txt") == "一\n二\n三\n"


def test_undecodable_text_names_the_file():
    with pytest.raises(ExtractError, match=r"^bad\.txt: .*encoding"):
        decode_text(b"\x81\xff\xfe\x80" * 10, "bad.txt")


# --- PDFs that read ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_pdf_round_trip_keeps_every_character_in_order_without_page_numbers(tmp_path, name):
    source = (CORPUS / name).read_text(encoding="utf-8")
    pdf = make_pdf(source, tmp_path / f"{Path(name).stem}.pdf")
    text = read_document(pdf)
    assert ink(text) == ink(source)  # a page number left in ("—1—") would break this
    assert not re.search(r"^— \d+ —$", text, re.M)


def test_table_rows_stay_lines_of_tab_separated_cells_in_column_order(tmp_path):
    text = read_document(make_pdf(TABLE, tmp_path / "table.pdf"))
    assert text.splitlines() == TABLE.splitlines()


def test_tied_row_keeps_its_empty_first_cell(tmp_path):
    source = (CORPUS / "2024-weekly-01.txt").read_text(encoding="utf-8")
    lines = read_document(make_pdf(source, tmp_path / "2024-weekly-01.pdf")).splitlines()
    rows = [line for line in source.splitlines() if "\t" in line]
    assert [line for line in lines if "\t" in line] == rows
    assert "\t交通运输厅\t100\t0\t20\t120" in lines
    assert "\t四川地震局\t100\t-12.5\t0\t87.5" in lines


def test_space_glyphs_between_words_survive(tmp_path):
    line = "本周，共计咨询 1031 人次、受理 455 件。"
    assert read_document(make_pdf(line, tmp_path / "a.pdf")) == line


def test_pages_stay_recoverable_parted_by_a_form_feed_line(tmp_path):
    """Extraction is a function of the bytes, and keeps the page each line is on (a link
    to the page an item starts on needs it); repair drops the form feed as blank."""
    source = (CORPUS / "2024-weekly-37.txt").read_text(encoding="utf-8")
    data = make_pdf(source, tmp_path / "37.pdf").read_bytes()
    pages = pdf_pages(data, "37.pdf")
    text = pdf_text(data, "37.pdf")
    assert len(pages) >= 3
    assert text.split("\n\f\n") == ["\n".join(lines) for lines in pages]
    assert pdf_text(data, "37.pdf") == text


# --- files that do not read -------------------------------------------------------


def assert_refused(path: Path, reason: str) -> None:
    with pytest.raises(ExtractError) as caught:
        read_document(path)
    assert path.name in str(caught.value)
    assert reason in str(caught.value)
    assert caught.value.path == path


def test_encrypted_pdf_is_refused(tmp_path):
    assert_refused(make_encrypted_pdf("四川省", tmp_path / "2024-37.pdf"), "encrypted")


def test_random_bytes_are_not_a_readable_pdf(tmp_path):
    path = tmp_path / "noise.pdf"
    path.write_bytes(random.Random(0).randbytes(4096))
    assert_refused(path, "not a readable PDF")


def test_truncated_pdf_is_not_a_readable_pdf(tmp_path):
    whole = make_pdf(CHINESE * 40, tmp_path / "whole.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[: len(whole) // 2])
    assert_refused(path, "not a readable PDF")


@pytest.mark.parametrize("name, content", [("a.pdf", b""), ("b.txt", b""), ("c.txt", b" \r\n\t")])
def test_empty_file_is_refused(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert_refused(path, "empty")


def test_pdf_without_text_layer_is_refused(tmp_path):
    assert_refused(make_image_only_pdf(tmp_path / "scan.pdf"), "no text layer")


def test_unsupported_suffix_is_refused(tmp_path):
    path = tmp_path / "2024-37.docx"
    path.write_bytes(b"PK\x03\x04")
    assert_refused(path, "unsupported file type")
