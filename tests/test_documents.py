"""indexer.documents: an issue's items, sub-items and attachments as index documents."""

from __future__ import annotations

from dataclasses import replace

from archive.extract import document_text
from archive.parse import parse
from indexer.documents import documents


def _weekly(corpus_dir):
    path = corpus_dir / "2024-weekly-37.txt"
    return parse(document_text(path.read_bytes(), path.name))


def test_documents_come_in_reading_order_newest_first_by_their_order(corpus_dir):
    docs = list(documents(_weekly(corpus_dir)))

    assert len({d.order for d in docs}) == len(docs)
    same_day = [d for d in docs if (d.date_from, d.date_to) == (docs[0].date_from, docs[0].date_to)]
    assert [d.order for d in same_day] == sorted((d.order for d in same_day), reverse=True)


def test_no_two_documents_of_a_weekly_and_a_monthly_of_the_same_dates_tie_in_order(corpus_dir):
    """Tied, they were sorted by where a build happened to put them: two builds of one archive
    gave a page of hits in two orders."""
    weekly = _weekly(corpus_dir)
    monthly = replace(weekly, kind="monthly")

    orders = [d.order for d in documents(weekly)] + [d.order for d in documents(monthly)]

    assert len(set(orders)) == len(orders)
    pairs = zip(documents(weekly), documents(monthly), strict=True)
    assert all(w.order > m.order for w, m in pairs), "the weekly first (KINDS), always"
