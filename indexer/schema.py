"""The Whoosh schema: one document per item, sub-item and attachment.

Facet and filter fields are IDs (not NUMERIC: Whoosh 2.7's unsigned numeric
ranges with small bounds match everything) and sortable, so facets and the
date order are read from columns instead of stored fields. The display fields
are stored so a page of hits renders, and is highlighted, without a round trip
to the store.
"""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from .analysis import gram_analyzer, word_analyzer

SCHEMA_CODE = 2  # bump when the fields below change


def make_schema() -> Schema:
    return Schema(
        item_id=ID(stored=True, unique=True),
        issue_id=ID(stored=True),
        kind=ID(stored=True, sortable=True),
        number=ID(stored=True),
        total_number=ID(stored=True),
        section=ID(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        departments=KEYWORD(stored=True, commas=True, scorable=False, lowercase=False),
        department_list=ID(sortable=True),  # the same names, comma-joined, as a column for facets
        date_from=DATETIME(stored=True, sortable=True),
        date_to=DATETIME(stored=True, sortable=True),
        period_start=DATETIME(stored=True),
        period_end=DATETIME(stored=True),
        published=DATETIME(stored=True),
        order=ID(sortable=True),  # newest first when sorted in reverse
        issue_title=STORED,
        section_title=STORED,
        anchor=STORED,
        label=STORED,
        body=STORED,
        text=TEXT(analyzer=word_analyzer(), phrase=False),
        grams=TEXT(analyzer=gram_analyzer(), phrase=True),
    )
