"""Text files as saved by Windows or Linux tools, in any common Chinese encoding; and the
error every unreadable bulletin file ends as.

Apart from `archive.extract` (which reads PDFs with pdfminer) so that what only shows a
stored text file (the web app's original-file view) starts without the PDF reader.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from .problems import Problem

_BOMS = (  # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class ExtractError(Exception):
    """A file could not be turned into text; the message says which file and why."""

    def __init__(self, path: Path | str, code: str, detail: str = "") -> None:
        self.path = Path(path)
        self.problem = Problem(code, detail)
        self.reason = self.problem.english
        super().__init__(f"{self.path.name}: {self.reason}")


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file of unknown encoding, as saved by Windows or Linux tools.

    Why this order: a BOM is unambiguous; NUL bytes never occur in UTF-8 or GB18030
    text, so many of them mean BOM-less UTF-16; strict UTF-8 rarely accepts
    GB-encoded Chinese by accident, while GB18030 accepts most byte sequences.
    """
    kind = _binary_kind(data)
    if kind:
        raise ExtractError(name, "binary_format", kind)
    text = _decode(data)
    if text is None:
        controls = sum(data.count(b) for b in _CONTROL_BYTES)
        raise ExtractError(name, "binary" if controls > CONTROL_SHARE * len(data) else "encoding")
    if _looks_binary(text):
        raise ExtractError(name, "binary")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Signatures of the binary files most often saved or renamed as .txt by mistake.
_SIGNATURES = (
    (b"PK\x03\x04", "ZIP: .docx, .xlsx, .zip"),
    (b"\xd0\xcf\x11\xe0", "OLE: .doc, .xls, .wps"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"\x7fELF", "ELF"),
    (b"MZ", "EXE"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
CONTROL_SHARE = 0.01  # text with more control characters than this is binary data
_CONTROL_BYTES = [bytes([b]) for b in [*range(0, 9), 0x0B, *range(0x0E, 0x20), 0x7F]]


def _binary_kind(data: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def _looks_binary(text: str) -> bool:
    """Decoded text that is binary data: GB18030 decodes most byte soups, but not into text
    without control characters, which a bulletin (tabs and line ends aside) never has."""
    return len(_CONTROL.findall(text)) > CONTROL_SHARE * len(text)


def _decode(data: bytes) -> str | None:
    """The text in the first encoding that fits, or None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _try(data[len(bom) :], encoding)
    nuls = data.count(0)
    if nuls > len(data) // 10:
        odd = data[1::2].count(0)  # ASCII in UTF-16-LE has its NUL in the second byte
        return _try(data, "utf-16-le" if odd > nuls - odd else "utf-16-be")
    return _try(data, "utf-8") or _try(data, "gb18030")


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None
