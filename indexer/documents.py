"""Issues from the store -> Whoosh documents: one per item, sub-item and attachment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from archive.model import ATTACHMENT_SECTION, Attachment, Issue, Item, Section

from .analysis import flat


def documents(issue: Issue) -> Iterator[dict]:
    """Every retrievable unit of an issue, in reading order."""
    position = 0
    for section, item in issue.walk_items():
        position += 1
        yield _item_document(issue, section, item, position)
    for attachment in issue.attachments:
        position += 1
        yield _attachment_document(issue, attachment, position)


def _base(issue: Issue, position: int, start: date | None, end: date | None, text: str) -> dict:
    start = start or issue.period_start or issue.published
    end = end or issue.period_end or start
    issued = issue.period_start or issue.published
    return {
        "issue_id": issue.issue_id,
        "kind": issue.kind,
        "number": str(issue.number) if issue.number is not None else "",
        "issue_title": issue.title,
        "year": str(start.year) if start else "",
        "span": f"{_day(start)}-{_day(end)}",
        "date_from": _iso(start),
        "date_to": _iso(end),
        "period_start": _iso(issue.period_start),
        "period_end": _iso(issue.period_end),
        "order": f"{_day(start)}{_day(issued)}{9999 - position:04d}",
        "body": text,
        "text": text,
        "flat": flat(text).encode("utf-8"),
    }


def _item_document(issue: Issue, section: Section, item: Item, position: int) -> dict:
    doc = _base(issue, position, item.date_from, item.date_to, item.text)
    departments = ",".join(item.departments)
    doc.update(
        item_id=f"{issue.issue_id}/{item.anchor}",
        anchor=item.anchor,
        label=item.label,
        section=section.name,
        section_title=f"{section.numeral}、{section.title}",
        departments=departments,
        department_list=departments,
    )
    return doc


def _attachment_document(issue: Issue, attachment: Attachment, position: int) -> dict:
    """An attachment is found by its text and by the departments its table lists."""
    start, end = attachment.month or (None, None)
    doc = _base(issue, position, start, end, attachment.text)
    departments = ",".join(attachment.departments)
    doc.update(
        item_id=f"{issue.issue_id}/{attachment.anchor}",
        anchor=attachment.anchor,
        label="",
        section=ATTACHMENT_SECTION,
        section_title=f"附件{attachment.number}：{attachment.title}",
        departments=departments,
        department_list=departments,
    )
    return doc


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: date | None) -> str:
    return f"{value:%Y%m%d}" if value else "00000000"
