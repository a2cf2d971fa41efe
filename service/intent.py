"""What a query typed into the search box asks for, before it is a search for words.

Two things people type are not words to find: an issue's name (2024年第37期,
第508期, 2025年6月月报: they want that issue) and a department's name alone
(住建厅: they want what the department filter gives, every item about it,
newest first). The web's search page, its JSON and CSV twins and `bulletins
search` / `bulletins show` read a query through here, so all answer alike. A
phrase in quotes is always words ("住建厅", "第37期"): that is how to search for
the text itself.
"""

from __future__ import annotations

import re
from dataclasses import replace

from archive.departments import Department, gazetteer
from archive.lookup import IssueRef, parse_reference
from indexer.search import SearchRequest

_NOT_A_NAME = re.compile(r"[\s\"“”'()（）-]|\bOR\b|\bNOT\b")


def department_named(query: str) -> Department | None:
    """The department a query is nothing but the name of (any of its names), else None."""
    text = query.strip()
    if not text or _NOT_A_NAME.search(text):
        return None
    return gazetteer().resolve(text)


def as_department_filter(request: SearchRequest) -> SearchRequest | None:
    """The department filter a query that is only a department's name stands for (the query
    dropped, the other filters and the order kept), or None if it is not one.

    A department filter already given for another department keeps the query as words.
    """
    department = department_named(request.query)
    if department is None:
        return None
    if request.department and request.department_name != department.short_name:
        return None
    return replace(request, query="", department=department.short_name, page=1)


def issue_reference(query: str) -> IssueRef | None:
    """The issues a query names (2024年第37期, 第508期, 2025年6月月报), else None."""
    return parse_reference(query)
