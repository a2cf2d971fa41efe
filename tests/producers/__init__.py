"""Real producers of bulletin PDFs for the tests: reportlab, Chromium, LibreOffice.

The published bulletins cannot ship with the tests, so each corpus bulletin is
typeset again as its publishers would: `bulletin` turns its text into what is
printed (masthead, headings, paragraphs, tables, footer); `typeset` (reportlab with
TrueType CJK fonts), `browser` (Chromium's print to PDF) and `office` (python-docx
and LibreOffice) lay that out with the habits of each (letter-spacing, running
heads, page numbers, ruled tables with merged cells, landscape pages). Generated
PDFs stay out of git: `cache.Producers` builds each once per test session in the
pytest temp dir.
"""
