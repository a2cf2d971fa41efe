"""The Whoosh schema: one document per item, sub-item and attachment.

Filters and facets never go through Whoosh queries: their values are columns,
loaded once per index generation into `table.DocTable` (Whoosh 2.7's numeric
and date ranges expand into large term trees, and its unsigned ranges with
small bounds match everything). Whoosh keeps the jieba words for matching and
BM25 ranking, the columns, and the stored display fields, so a page of hits
renders and is highlighted without a round trip to the store.
"""

from __future__ import annotations

from collections import Counter

from whoosh.codec.whoosh3 import W3Codec
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema
from whoosh.system import pack_uint

from .analysis import word_analyzer, words

SCHEMA_CODE = 7  # bump when the fields below, or what `documents` puts in them, change


class Codec(W3Codec):
    """Whoosh's codec without per-block length statistics (they serve its BM25, unused here),
    and posting blocks stored uncompressed: zlib took a fifth of the index build, and the
    postings are a small part of the index next to the stored text."""

    length_stats = False

    def __init__(self, blocklimit: int = 128, compression: int = 0, inlinelimit: int = 1):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)


class WordsField(TEXT):
    """A TEXT field that counts a text's jieba words itself (or takes them counted, {word: n}).

    Whoosh's own path runs every token through the analyzer chain as a Token
    object; counting the words of `analysis.words` directly gives the same
    postings for a fraction of the work. The analyzer still serves queries.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Relevance is computed by table.DocTable, not Whoosh: no per-document lengths to keep,
        # which spares a column read for every posting when a segment is written.
        self.scorable = False

    def index(self, value, **kwargs):
        counts = value if isinstance(value, dict) else Counter(words(value))
        for word, frequency in counts.items():
            yield word.encode("utf-8"), frequency, float(frequency), pack_uint(frequency)


def make_schema() -> Schema:
    return Schema(
        item_id=ID(stored=True, unique=True),
        issue_id=ID(stored=True),
        kind=ID(stored=True, sortable=True),
        section=ID(stored=True, sortable=True),
        year=ID(sortable=True),
        department_list=ID(sortable=True),  # short names, comma-joined
        span=ID(sortable=True),  # event span as "YYYYMMDD-YYYYMMDD"
        order=ID(sortable=True),  # newest first when sorted in reverse
        flat=COLUMN(VarBytesColumn()),  # analysis.flat(text), UTF-8
        number=STORED,
        issue_title=STORED,
        section_title=STORED,
        anchor=STORED,
        label=STORED,
        departments=STORED,
        date_from=STORED,
        date_to=STORED,
        period_start=STORED,
        period_end=STORED,
        body=STORED,
        version=STORED,  # the store's signature of the issue version it came from (check)
        text=WordsField(analyzer=word_analyzer(), phrase=False),
    )
