"""Why a file was not stored, in plain words: English for the CLI, Chinese for the web UI.

Why a catalogue of codes rather than message strings: the reason is stored with
the file (so the web page can list problem files later) and shown in two
languages, and tests and scripts can match the code instead of the wording.
"""

from __future__ import annotations

from dataclasses import dataclass

# code -> (English, Chinese); "{detail}" is filled from Problem.detail.
MESSAGES: dict[str, tuple[str, str]] = {
    "unreadable": ("cannot read the file ({detail})", "无法读取文件（{detail}）"),
    "unsupported": (
        "unsupported file type {detail}: only .pdf and .txt files are read",
        "不支持的文件类型 {detail}：只能导入 .pdf 和 .txt 文件",
    ),
    "not_a_file": (
        "not a regular file ({detail}): only files are read",
        "不是普通文件（{detail}）：只能导入文件",
    ),
    "empty": ("the file is empty", "文件是空的"),
    "too_large": (
        "the file is too large ({detail}): a bulletin is far smaller, is this the right file?",
        "文件过大（{detail}）：一期简报远小于此，请确认是否选错了文件",
    ),
    "pdf_damaged": (
        "the file is not a readable PDF (damaged, truncated or not a PDF at all)",
        "不是可读的 PDF 文件（文件损坏、不完整或根本不是 PDF）",
    ),
    "pdf_encrypted": (
        "the PDF is encrypted (password protected): save an unprotected copy and ingest that",
        "PDF 已加密（设有密码）：请另存一份未加密的副本再导入",
    ),
    "pdf_too_many_pages": (
        "the PDF has more than {detail} pages: a bulletin has a few, is this the right file?",
        "PDF 超过 {detail} 页：一期简报只有几页，请确认是否选错了文件",
    ),
    "pdf_too_much_data": (
        "the PDF's compressed streams unpack to more than {detail}: a bulletin's are far "
        "smaller, the file is damaged or built to overwhelm a reader",
        "PDF 的压缩内容解压后超过 {detail}：一期简报远小于此，文件可能已损坏或是恶意构造的",
    ),
    "pdf_scanned": (
        "the PDF has no text layer, it looks scanned: run OCR on it (e.g. ocrmypdf) "
        "and ingest the result",
        "PDF 没有文字层，像是扫描件：请先做文字识别（OCR，如 ocrmypdf），再导入识别后的文件",
    ),
    "binary": (
        "the file is not text but binary data (it has control characters)",
        "文件不是文本，而是二进制数据（含控制字符）",
    ),
    "binary_format": (
        "the file is not text but binary data in the {detail} format",
        "文件不是文本，而是 {detail} 格式的二进制数据",
    ),
    "encoding": (
        "the text is in no known encoding (UTF-8, UTF-16, UTF-32, GB18030)",
        "无法识别文本编码（支持 UTF-8、UTF-16、UTF-32、GB18030）",
    ),
    "too_slow": (
        "reading it took longer than {detail}: a bulletin reads in a second or two, "
        "the file is damaged or not a bulletin",
        "读取超过 {detail} 仍未完成：一期简报一两秒即可读完，文件可能已损坏或不是简报",
    ),
    "too_much_memory": (
        "reading it needed more than {detail} of memory: a bulletin needs far less, "
        "the file is damaged or not a bulletin",
        "读取所需内存超过 {detail}：一期简报远用不了这么多，文件可能已损坏或不是简报",
    ),
    "crashed": (
        "the reader stopped on it ({detail}): the file is damaged or not a bulletin",
        "读取程序在此文件上中止（{detail}）：文件可能已损坏或不是简报",
    ),
    "text_too_long": (
        "the text is too long for a bulletin ({detail}): is this the right file?",
        "文字过长，不像一期简报（{detail}）：请确认是否选错了文件",
    ),
    "item_too_long": (
        "an item is too long for a bulletin ({detail}): is this the right file?",
        "有一个条目过长，不像简报中的条目（{detail}）：请确认是否选错了文件",
    ),
    "number_out_of_range": (
        "a number in a table is out of range ({detail}): the table is damaged",
        "附件表格中有数字超出范围（{detail}）：表格已损坏",
    ),
    "no_text": ("not a bulletin: the document has no text", "不是简报：文档没有文字"),
    "no_sections": (
        "not a bulletin: no numbered section (一、…) found",
        "不是简报：找不到编号的章节（一、……）",
    ),
    "unknown_kind": (
        "not a bulletin: cannot tell whether it is a weekly (周报) or a monthly (月报)",
        "不是简报：无法判断是周报还是月报",
    ),
    "no_identity": (
        "cannot identify the bulletin: neither its period nor its publication date can be read",
        "无法确定是哪一期：既读不出期间，也读不出印发日期",
    ),
    "store_error": (
        "the archive could not store it ({detail}); what was stored before is unchanged",
        "档案库无法保存（{detail}）；此前已保存的内容不受影响",
    ),
    "store_readonly": (
        "the archive {detail} is read-only: storing needs write access to it and its folder",
        "档案库 {detail} 是只读的：保存需要对它及其所在文件夹有写权限",
    ),
    "duplicate": (
        "the same bulletin as {detail}: kept once",
        "与 {detail} 是同一期简报：只保存一份",
    ),
    "superseded": (
        "the version of this bulletin that {detail} gave, since corrected: both are kept",
        "是 {detail} 所载的这一期更正前的版本：更正前后的版本均已保存",
    ),
}


@dataclass(frozen=True)
class Problem:
    """A reason, by code, with the detail its message needs (a size, a suffix, a file)."""

    code: str
    detail: str = ""

    def __post_init__(self) -> None:
        if self.code not in MESSAGES:
            raise ValueError(f"unknown problem code {self.code!r}")

    @property
    def english(self) -> str:
        return MESSAGES[self.code][0].format(detail=self.detail)

    @property
    def chinese(self) -> str:
        return MESSAGES[self.code][1].format(detail=self.detail)


def megabytes(size: int) -> str:
    """A size for a message: "62.5 MB"."""
    return f"{size / 2**20:.1f} MB"
