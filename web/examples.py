"""The home page's examples, taken from the archive being served and checked to find something.

Examples written into a template find nothing in another archive (and the
first thing a new user tries is an example). So they are made from what is
stored: the most mentioned departments, and the quoted terms the bulletins
themselves print (“一窗受理”, “高效办成一件事”) in those departments' items; each
is searched before it is shown, and one that finds nothing is left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from archive.departments import gazetteer
from indexer.index import IndexMissing
from indexer.query import QueryError
from indexer.search import SearchRequest
from service.archive import Archive

_QUOTED = re.compile(r"“([\u4e00-\u9fff]{2,8})”")
RECENT = 5  # items read per department for its quoted terms


@dataclass(frozen=True)
class Example:
    query: str
    what: str  # what it shows, in a few words
    found: int


def examples(archive: Archive, departments: list[str]) -> list[Example]:
    """Up to four examples that find something now: a department with a term, a phrase, one
    department or another, and a word left out."""
    terms: Counter[str] = Counter()
    by_department: dict[str, list[str]] = {}
    for name in departments:
        department = gazetteer().resolve(name)
        texts = [i.text for i in archive.reports.department_report(department, 1, RECENT).items]
        found = [t for text in texts for t in _QUOTED.findall(text) if t not in name]
        by_department[name] = found
        terms.update(found)
    candidates: list[tuple[str, str]] = []
    for name, found in by_department.items():
        if found:
            candidates.append((f"{name} {Counter(found).most_common(1)[0][0]}", "部门与关键词同时出现"))
            break
    if terms:
        candidates.append((f'"{terms.most_common(1)[0][0]}"', "完整短语"))
    if len(departments) >= 2:
        candidates.append((f"{departments[0]} OR {departments[1]}", "任一出现"))
    if departments and terms:
        term = terms.most_common(1)[0][0]
        candidates.append((f"{term} -{departments[0]}", "排除某词"))
    out = []
    for query, what in candidates:
        total = _found(archive, query)
        if total:
            out.append(Example(query, what, total))
    return out


def _found(archive: Archive, query: str) -> int:
    try:
        request = SearchRequest.from_params({"q": query, "limit": "1"})
        return archive.search(request, facets=False, snippets=False).total
    except (QueryError, IndexMissing):
        return 0
