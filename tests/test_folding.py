"""archive.folding: radicals written for everyday characters are folded to the ideographs."""

from __future__ import annotations

import unicodedata

import pytest

from archive.folding import fold

KANGXI = range(0x2F00, 0x2FD5 + 1)
SUPPLEMENT = [c for c in range(0x2E80, 0x2EF3 + 1) if unicodedata.name(chr(c), "")]
# The supplement's radicals that stand for no unified ideograph (EquivalentUnifiedIdeograph
# lists them as comments): they stay as they are.
WITHOUT_EQUIVALENT = {0x2E80}


# CJK Unified Ideographs, Extension A, and Extensions B-H (by range: Python's own
# Unicode database may be older than the data file's, Unicode 15).
UNIFIED = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x323AF))


def unified(char: str) -> bool:
    return any(low <= ord(char) <= high for low, high in UNIFIED)


@pytest.mark.parametrize("block", [KANGXI, SUPPLEMENT], ids=["kangxi", "supplement"])
def test_every_radical_of_both_blocks_folds_to_a_unified_ideograph(block):
    for code in block:
        folded = fold(chr(code))
        if code in WITHOUT_EQUIVALENT:
            assert folded == chr(code)
        else:
            assert len(folded) == 1 and unified(folded), f"U+{code:04X} {chr(code)} -> {folded}"


def test_the_kangxi_block_agrees_with_its_compatibility_decompositions():
    """All but ⼾, whose glyph in simplified-Chinese fonts is 户 (NFKC says 戶)."""
    for code in KANGXI:
        expected = "户" if code == 0x2F3E else unicodedata.normalize("NFKC", chr(code))
        assert fold(chr(code)) == expected


def test_a_radical_is_the_ideograph_a_simplified_chinese_font_draws_it_as():
    """Chromium wrote 户籍 as ⼾籍 (Noto CJK SC shares the glyph); Unicode's equivalent is 戶."""
    assert fold("⼾籍、⽤⼾") == "户籍、用户"


def test_the_supplement_radicals_nfkc_leaves_alone_are_folded():
    assert fold("⻔⻓⻛⺠⻅") == "门长风民见"
    assert unicodedata.normalize("NFKC", "⻔⻓⻛⺠⻅") == "⻔⻓⻛⺠⻅"


def test_the_everyday_characters_chromium_writes_as_radicals():
    written = "⼀⼝⼯⽉⽇⼼⻔⻓⻅⻛⺠⼈⼊⼤⼩⼦⼗⽣⽤⽥⽬⽰⾏⾼⾃⽔⽕⽊⾦⼟⾔⻋⻢⻚⼒⼟⽅⽆⾯⾥"
    assert fold(written) == "一口工月日心门长见风民人入大小子十生用田目示行高自水火木金土言车马页力土方无面里"


def test_text_without_radicals_is_returned_as_it_is():
    text = "（一）1月2日，省政府召开会议。ABC （１２） ⿰"
    assert fold(text) is text or fold(text) == text
    assert fold("⿰") == "⿰"  # an ideographic description character is not a radical


def test_the_horizontal_bar_is_the_dash_of_a_period():
    """Noto CJK's em dash glyph is shared with U+2015, which the text layer then says."""
    assert fold("（1月2日―1月5日）") == "（1月2日—1月5日）"
