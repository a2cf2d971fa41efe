"""Issues from the store -> index documents: one per item, sub-item and attachment.

`IndexDocument` is the one shape of a document on its way into the index and
back out of it: `indexer.index` writes its fields (and only there are they
named as Whoosh fields), the snapshot gives it back, `search.Hit` is made of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from archive.model import ATTACHMENT_SECTION, KINDS, Attachment, Issue, Item, Section, item_id


@dataclass(frozen=True)
class IndexDocument:
    item_id: str  # "<issue_id>/<anchor>", "<issue_id>/v2/<anchor>" in a corrected issue
    issue_id: str
    anchor: str
    kind: str
    section: str  # the facet's name of the section ("附件" for an attachment)
    section_title: str  # as shown: "二、窗口资讯", "附件1：…"
    label: str  # the item's number as printed, "" for a lead paragraph or an attachment
    issue_title: str
    number: str  # 期 as printed, "" when the issue has none
    departments: tuple[str, ...]  # short names
    date_from: date | None  # the event span (the issue's period when the item gives none)
    date_to: date | None
    period_start: date | None  # the issue's own dates: its period (所属期) …
    period_end: date | None
    published: date | None  # … and its publication date (印发日期)
    order: int  # newest first when sorted in reverse: event start, issue date, reading order, kind
    text: str
    version: str = ""  # the store's signature of the issue version it came from (check)

    @property
    def years(self) -> tuple[str, ...]:
        """Every year the event span touches: the year facet counts a document under each, as
        a year's filter (its span overlapping that year) selects it in each."""
        if not self.date_from:
            return ()
        last = (self.date_to or self.date_from).year
        return tuple(str(y) for y in range(self.date_from.year, max(last, self.date_from.year) + 1))


def documents(issue: Issue, version: str = "") -> Iterator[IndexDocument]:
    """Every retrievable unit of an issue, in reading order."""
    position = 0
    for section, item in issue.walk_items():
        position += 1
        yield _item_document(issue, section, item, position, version)
    for attachment in issue.attachments:
        position += 1
        yield _attachment_document(issue, attachment, position, version)


def _document(
    issue: Issue,
    position: int,
    start: date | None,
    end: date | None,
    version: str,
    **fields,
) -> IndexDocument:
    start = start or issue.period_start or issue.published
    end = end or issue.period_end or start
    issued = issue.period_start or issue.published
    return IndexDocument(
        issue_id=issue.issue_id,
        kind=issue.kind,
        number=str(issue.number) if issue.number is not None else "",
        issue_title=issue.title,
        date_from=start,
        date_to=end,
        period_start=issue.period_start,
        period_end=issue.period_end,
        published=issue.published,
        order=_order(start, issued, position, issue.kind),
        version=version,
        **fields,
    )


def _item_document(
    issue: Issue, section: Section, item: Item, position: int, version: str
) -> IndexDocument:
    return _document(
        issue,
        position,
        item.date_from,
        item.date_to,
        version,
        item_id=item_id(issue.issue_id, item.anchor, issue.version),
        anchor=item.anchor,
        label=item.label,
        section=section.name,
        section_title=f"{section.numeral}、{section.title}",
        departments=tuple(item.departments),
        text=item.text,
    )


def _attachment_document(
    issue: Issue, attachment: Attachment, position: int, version: str
) -> IndexDocument:
    """An attachment is found by its text and by the departments its table lists."""
    start, end = attachment.month or (None, None)
    return _document(
        issue,
        position,
        start,
        end,
        version,
        item_id=item_id(issue.issue_id, attachment.anchor, issue.version),
        anchor=attachment.anchor,
        label="",
        section=ATTACHMENT_SECTION,
        section_title=f"附件{attachment.number}：{attachment.title}",
        departments=tuple(attachment.departments),
        text=attachment.text,
    )


def _order(start: date | None, issued: date | None, position: int, kind: str) -> int:
    """Newest first when sorted in reverse: event start, issue date, reading order, and the kind
    last, so that no two documents tie (a weekly and a monthly of the same dates have items
    at the same places; tied, they came in the order the index build happened to write them,
    which two builds of one archive need not share)."""
    kinds = len(KINDS)
    by_date = (_ordinal(start) * 1_000_000 + _ordinal(issued)) * 10_000 + 9999 - position
    return by_date * kinds + kinds - 1 - KINDS.index(kind)


def _ordinal(value: date | None) -> int:
    """Days since 0001-01-01 (0 for no date: sorted last when newest come first)."""
    return value.toordinal() if value else 0
