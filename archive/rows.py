"""An Issue as the rows of the store's tables, and back: pure functions, no SQLite.

Why apart from the store: the mapping is where a field gets lost or a
sub-item lands under the wrong parent, and it can be checked on its own (any
issue, its rows in any order) without a database; the store only moves rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date

from .model import Attachment, AttachmentRow, Footer, Issue, Item, Section, Source, item_id

TABLES = (
    "issues", "sections", "items", "item_departments", "attachments", "attachment_rows",
)  # fmt: skip


@dataclass
class IssueRows:
    """One issue's rows, table by table (each row a dict of column -> value)."""

    issues: list[dict] = field(default_factory=list)  # one row
    sections: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    item_departments: list[dict] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    attachment_rows: list[dict] = field(default_factory=list)

    def tables(self) -> Iterator[tuple[str, list[dict]]]:
        """(table, rows) in an order that inserts parents before their parts."""
        for table in TABLES:
            yield table, getattr(self, table)


def to_rows(issue: Issue, source: Source) -> IssueRows:
    """The rows that store `issue`, read from the file `source`."""
    issue_id = issue.issue_id
    footer = issue.footer or Footer()
    rows = IssueRows()
    rows.issues.append(
        {
            "issue_id": issue_id,
            "version": issue.version,
            "kind": issue.kind,
            "number": issue.number,
            "total_number": issue.total_number,
            "year": issue.year,
            "period_start": _iso(issue.period_start),
            "period_end": _iso(issue.period_end),
            "published": _iso(issue.published),
            "title": issue.title,
            "header": json.dumps(issue.header, ensure_ascii=False),
            "report_to": footer.report_to,
            "send_to": footer.send_to,
            "copies": footer.copies,
            "source_path": source.file,
            "source_sha256": source.sha256,
        }
    )
    position = 0
    for section in issue.sections:
        rows.sections.append(
            {
                "issue_id": issue_id,
                "number": section.number,
                "title": section.title,
                "name": section.name,
            }
        )
        for top in section.items:
            for item, parent, depth in _walk(top, None, 0):
                position += 1
                key = item_id(issue_id, item.anchor)
                rows.items.append(
                    {
                        "item_id": key,
                        "issue_id": issue_id,
                        "section_number": section.number,
                        "anchor": item.anchor,
                        "parent_anchor": parent.anchor if parent else None,
                        "position": position,
                        "depth": depth,
                        "label": item.label,
                        "text": item.text,
                        "date_from": _iso(item.date_from),
                        "date_to": _iso(item.date_to),
                        "page": item.page,
                    }
                )
                rows.item_departments.extend(
                    {"item_id": key, "department": name, "mentions": count, "ord": ord_}
                    for ord_, (name, count) in enumerate(item.mentions.items())
                )
    for attachment in issue.attachments:
        rows.attachments.append(
            {
                "issue_id": issue_id,
                "number": attachment.number,
                "title": attachment.title,
                "columns": json.dumps(attachment.columns, ensure_ascii=False),
                "lines": json.dumps(attachment.lines, ensure_ascii=False),
                "page": attachment.page,
            }
        )
        rows.attachment_rows.extend(
            {
                "issue_id": issue_id,
                "attachment_number": attachment.number,
                "position": i,
                **row.to_json(),
            }
            for i, row in enumerate(attachment.rows, 1)
        )
    return rows


def group_rows(tables: dict[str, Iterable[dict]]) -> dict[str, IssueRows]:
    """The rows of many issues, table by table (as one query per table reads them) -> each
    issue's rows, by issue id. A department's row names its item, not its issue: it goes
    with its item's issue (a row whose item is not among them is left out)."""
    grouped: dict[str, IssueRows] = {}
    for row in tables.get("issues", ()):
        grouped[row["issue_id"]] = IssueRows(issues=[row])
    issue_of_item: dict[str, str] = {}
    for table in TABLES:
        if table in ("issues", "item_departments"):
            continue
        for row in tables.get(table, ()):
            rows = grouped.get(row["issue_id"])
            if rows is not None:
                getattr(rows, table).append(row)
                if table == "items":
                    issue_of_item[row["item_id"]] = row["issue_id"]
    for row in tables.get("item_departments", ()):
        issue_id = issue_of_item.get(row["item_id"])
        if issue_id is not None:
            grouped[issue_id].item_departments.append(row)
    return grouped


def from_rows(rows: IssueRows) -> Issue:
    """The issue that `to_rows` gave these rows for; the rows may come in any order."""
    [row] = rows.issues
    issue = Issue(
        kind=row["kind"],
        number=row["number"],
        total_number=row["total_number"],
        year=row["year"],
        period_start=_date(row["period_start"]),
        period_end=_date(row["period_end"]),
        published=_date(row["published"]),
        header=json.loads(row["header"] or "[]"),
        footer=Footer(row["report_to"] or "", row["send_to"] or "", row["copies"])
        if (row["report_to"] or row["send_to"] or row["copies"] is not None)
        else None,
        source=Source(row["source_path"], row["source_sha256"], row.get("source_name")),
        version=row.get("version") or 1,
    )
    mentions: dict[str, dict[str, int]] = {}
    for r in sorted(rows.item_departments, key=lambda r: (r["item_id"], r["ord"])):
        mentions.setdefault(r["item_id"], {})[r["department"]] = r["mentions"]
    sections = {
        r["number"]: Section(number=r["number"], title=r["title"], name=r["name"])
        for r in sorted(rows.sections, key=lambda r: r["number"])
    }
    by_anchor: dict[str, Item] = {}
    for r in sorted(rows.items, key=lambda r: r["position"]):
        item = Item(
            anchor=r["anchor"],
            label=r["label"],
            text=r["text"],
            date_from=_date(r["date_from"]),
            date_to=_date(r["date_to"]),
            mentions=mentions.get(r["item_id"], {}),
            page=r.get("page"),
        )
        by_anchor[item.anchor] = item
        if r["parent_anchor"]:
            by_anchor[r["parent_anchor"]].children.append(item)
        else:
            sections[r["section_number"]].items.append(item)
    issue.sections = list(sections.values())
    attachments = {
        a["number"]: Attachment(
            number=a["number"],
            title=a["title"],
            columns=json.loads(a["columns"] or "[]"),
            lines=json.loads(a["lines"] or "[]"),
            page=a.get("page"),
        )
        for a in sorted(rows.attachments, key=lambda a: a["number"])
    }
    for r in sorted(rows.attachment_rows, key=lambda r: (r["attachment_number"], r["position"])):
        attachments[r["attachment_number"]].rows.append(attachment_row(r))
    issue.attachments = list(attachments.values())
    return issue


def attachment_row(r: dict) -> AttachmentRow:
    """An attachment row from a row of the store (which has more columns than it needs)."""
    return AttachmentRow(**{f.name: r[f.name] for f in fields(AttachmentRow)})


def _walk(item: Item, parent: Item | None, depth: int):
    yield item, parent, depth
    for child in item.children:
        yield from _walk(child, item, depth + 1)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
