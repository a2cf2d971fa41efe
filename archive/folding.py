"""Fold look-alike code points to the ideographs they stand for.

Why: text layers written by Chromium/Skia with Noto CJK fonts, and by some WPS
exports, map everyday characters to Kangxi Radicals (U+2F00–U+2FD5) and CJK
Radicals Supplement (U+2E80–U+2EFF) code points: "⼀" for 一, "⻔" for 门. They
look the same and match nothing: no label "（一）", no department "⻔…". NFKC
would fold the Kangxi block but not the supplement (⻔ ⻓ ⻛ ⺠ ⻅), and applied to
the whole text it turns full-width punctuation into ASCII; so the table comes
from Unicode's EquivalentUnifiedIdeograph data (data/radicals.tsv), restricted
to the two radical blocks, and is applied to these code points only.

Where a font with simplified glyphs (Noto CJK SC, the fonts these PDFs are made with)
draws a radical with the glyph of another ideograph than Unicode's equivalent, that
ideograph is what the text said: ⼾ is 户 (户籍, 账户), not 戶 (SIMPLIFIED_GLYPHS, found
by comparing the fonts' cmaps; the other differences are ideographs of the extensions
that these radicals never stand for in running text).

The same happens to one punctuation mark: Noto CJK draws 破折号 "—" (U+2014) with
the glyph it shares with HORIZONTAL BAR, and the text layer says U+2015 "―" (old
GB 2312 tables map A1AA there too). Folded back, the period （1月2日―1月5日） reads.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from importlib import resources

RADICAL_BLOCKS = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF))
PUNCTUATION = {0x2015: "\u2014"}  # HORIZONTAL BAR -> EM DASH
SIMPLIFIED_GLYPHS = {0x2F3E: 0x6237, 0x2E95: 0x5F50, 0x2EAB: 0x7F52}  # ⼾ 户, ⺕ 彐, ⺫ 罒
_FOLDED = re.compile("[\u2e80-\u2fdf\u2015]")


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    text = resources.files("archive").joinpath("data/radicals.tsv").read_text("utf-8")
    table = dict(PUNCTUATION)
    for line in text.splitlines():
        if line and not line.startswith("#"):
            radical, ideograph = line.split("\t")[:2]
            table[int(radical, 16)] = chr(int(ideograph, 16))
    return table


def fold(text: str) -> str:
    """`text` with every radical that stands for a unified ideograph replaced by it,
    and the horizontal bar by the dash it stands for."""
    if _FOLDED.search(text) is None:  # the common case: one scan, no copy
        return text
    return text.translate(_table())


def generate(source: str) -> str:
    """data/radicals.tsv from the text of EquivalentUnifiedIdeograph.txt (ranges expanded)."""
    rows = []
    for line in source.splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        codes, target = (field.strip() for field in data.split(";"))
        first, _, last = codes.partition("..")
        for code in range(int(first, 16), int(last or first, 16) + 1):
            if any(low <= code <= high for low, high in RADICAL_BLOCKS):
                ideograph = SIMPLIFIED_GLYPHS.get(code, int(target, 16))
                note = f"\t(Unicode: {target})" if ideograph != int(target, 16) else ""
                rows.append(f"{code:04X}\t{ideograph:04X}\t{chr(code)}\t{chr(ideograph)}{note}")
    version = next((line for line in source.splitlines() if line.startswith("# Equiv")), "")
    header = (
        f"# Radicals -> unified ideographs, from {version.lstrip('# ')}\n"
        "# (Debian package unicode-data, /usr/share/unicode/EquivalentUnifiedIdeograph.txt),\n"
        "# Kangxi Radicals and CJK Radicals Supplement only; where Noto CJK SC draws the radical\n"
        "# as another ideograph, that one (folding.SIMPLIFIED_GLYPHS). Regenerate with\n"
        "#   python -m archive.folding /usr/share/unicode/EquivalentUnifiedIdeograph.txt\n"
        "# radical\tideograph\t(the two characters, for reading)\n"
    )
    return header + "\n".join(rows) + "\n"


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        sys.stdout.write(generate(handle.read()))
