"""The variants the tests typeset the corpus in: what the centre's PDFs come as."""

from __future__ import annotations

from . import browser, office, typeset
from .cache import Variant

VARIANTS = [
    # The official-document layout: justified lines, "— 2 —", a ruled table with merged
    # 序号 cells and wrapped header cells, continued over a page with its header repeated.
    Variant("reportlab", "gbt9704", typeset.Style()),
    # An older typesetter: every character spaced out, digits included, "- 2 -", a Hei face
    # for the text too, names wrapping in a narrow column.
    Variant("reportlab", "tracked", typeset.Style(tracking=0.25, body_font="zenhei", page_number="- {n} -", name_width=100)),
    Variant("reportlab", "heads", typeset.Style(running_head=True, alternate=True, page_number="第{n}页")),
    Variant("reportlab", "pages-of", typeset.Style(page_number="{n}/{total}", issuer_date_one_line=True)),
    Variant("reportlab", "spaced-title", typeset.Style(title_tracking=0.5, page_number="第 {n} 页 共 {total} 页", name_width=100)),
    Variant("reportlab", "picture-landscape", typeset.Style(title_picture=True, landscape_table=True, running_head=True)),
    # A page printed from a browser: radicals in the text layer, justified, letter-spaced
    # title, @page heads and numbers alternating, <table> with rowspan and <br>.
    Variant("chromium", "web", browser.Style()),
    Variant("chromium", "tracked", browser.Style(letter_spacing=0.25, alternate=False, page_number='"- " counter(page) " -"')),
    Variant("chromium", "picture-landscape", browser.Style(title_picture=True, landscape_table=True, issuer_date_one_line=False, page_number='counter(page) "/" counter(pages)')),
    # Word: a .docx in the GB/T 9704 layout exported by LibreOffice.
    Variant("libreoffice", "word", office.Style()),
]  # fmt: skip
BY_ID = {v.id: v for v in VARIANTS}
