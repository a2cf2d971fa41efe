"""archive.pdflimits, and what it is for: a PDF built to keep a reader busy is refused with its
own reason (too many pages, too much unpacked data, too slow) within the limits, never as a
scan, while the good file of the same batch is stored. The PDFs are written here by hand, as
their producers (anyone) would write them."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from archive import sandbox
from archive.extract import ExtractError, document_text
from archive.ingest import ingest_files
from archive.pdflimits import MAX_PAGES, MAX_UNPACKED, page_count
from archive.store import Store

from bulletingen import write_weeklies

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TEXT = b"BT /F1 12 Tf 72 720 Td (bulletin) Tj ET"


def pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1 0 obj first: the catalog), with a correct cross-reference."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def pages_sharing_one_stream(pages: int) -> bytes:
    """`pages` pages that draw the same content stream (object 3), as the 2,000-page file did."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R " \
           b"/Resources << /Font << /F1 4 0 R >> >> >>"  # fmt: skip
    return pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
         stream(TEXT), FONT] + [page] * pages
    )  # fmt: skip


def flate_bomb(unpacked: int) -> bytes:
    """One page whose content stream is `unpacked` bytes of spaces, Flate-compressed (~1/1000)."""
    packer = zlib.compressobj(9)
    chunk = b" " * 2**20
    packed = b"".join(packer.compress(chunk) for _ in range(unpacked // len(chunk))) + packer.flush()
    return pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
         b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
         stream(packed, b"/Filter /FlateDecode")]
    )  # fmt: skip


def forms_drawing_forms(levels: int, times: int) -> bytes:
    """A page drawing form `levels`, which draws form levels-1 `times` times, …, down to form 1,
    which draws a word: times**levels words (the 2.2 GB file: 10 times over 8 levels)."""
    first_form = 6  # objects 1-5: catalog, pages, page, its content, font
    forms = []
    for level in range(1, levels + 1):
        if level == 1:
            body, resources = TEXT, b"/Font << /F1 5 0 R >>"
        else:
            body = b" ".join([b"/Fm Do"] * times)
            resources = b"/XObject << /Fm %d 0 R >>" % (first_form + level - 2)
        forms.append(stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
                                  b"/Resources << %s >>" % resources))  # fmt: skip
    top = first_form + levels - 1
    return pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
         b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         b"/Resources << /XObject << /Fm %d 0 R >> >> >>" % top,
         stream(b"/Fm Do"), FONT, *forms]
    )  # fmt: skip


def test_the_page_tree_is_counted_before_anything_is_drawn():
    assert page_count(pages_of([b"a", b"b", b"c"]), stop=100) == 3
    assert page_count(pages_sharing_one_stream(2_000), stop=MAX_PAGES + 1) == MAX_PAGES + 1
    assert page_count(b"%PDF-1.4 not a pdf", stop=10) == 0, "for the reader to say why"


def test_a_pdf_of_too_many_pages_is_refused_as_such():
    """2,000 pages sharing one content stream ran over 300 s at 2.3 GB."""
    with pytest.raises(ExtractError) as raised:
        document_text(pages_sharing_one_stream(2_000), "pages.pdf")

    assert raised.value.problem.code == "pdf_too_many_pages"
    assert f"{MAX_PAGES:,} pages" in raised.value.reason


def test_a_flate_bomb_is_refused_at_its_budget_never_as_a_scan():
    """Flate bombs of 1 MB and 4 MB took 2.2 GB and 8.5 GB, and were then said to be scans."""
    bomb = flate_bomb(MAX_UNPACKED + 2**20)
    assert len(bomb) < MAX_UNPACKED // 500

    with pytest.raises(ExtractError) as raised:
        document_text(bomb, "bomb.pdf")

    assert raised.value.problem.code == "pdf_too_much_data"


def pages_of(lines: list[bytes]) -> bytes:
    """A page for each line of text, each its own content stream."""
    count = len(lines)
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count), FONT]  # fmt: skip
    for i, line in enumerate(lines):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * i)
        )
        objects.append(stream(b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % line))
    return pdf(objects)


def test_a_pdf_within_the_limits_reads_as_before():
    text = document_text(pages_of([b"first page", b"second page", b"third page"]), "three.pdf")

    assert [line for line in text.splitlines() if line.strip()] == [
        "first page", "second page", "third page"
    ]  # fmt: skip


def test_each_hostile_pdf_fails_alone_with_its_own_reason_and_the_good_file_is_stored(tmp_path):
    folder = tmp_path / "batch"
    good = write_weeklies(folder, 1)
    hostile = {
        "pages.pdf": pages_sharing_one_stream(2_000),
        "bomb.pdf": flate_bomb(MAX_UNPACKED + 2**20),
        "forms.pdf": forms_drawing_forms(levels=8, times=10),
    }
    for name, data in hostile.items():
        (folder / name).write_bytes(data)
    files = sorted(folder.iterdir())
    store = Store(tmp_path / "archive.db")

    outcomes = {
        Path(o.path).name: o
        for o in ingest_files(store, files, processes=2, limits=sandbox.Limits(seconds=10))
    }

    reasons = {name: outcomes[name].problem.code for name in hostile}
    assert reasons == {
        "pages.pdf": "pdf_too_many_pages",
        "bomb.pdf": "pdf_too_much_data",
        "forms.pdf": "too_slow",
    }
    assert [outcomes[p.name].status for p in good.values()] == ["added"]
    assert set(store.issue_ids()) == set(good)
