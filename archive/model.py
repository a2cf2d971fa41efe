"""The domain: a bulletin (Issue) and its parts, as plain dataclasses.

Every later stage (store, index, web, CLI) passes these around; `to_json`
methods give the shapes of the brief so no layer builds dicts of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from .dates import month_span

KINDS = ("weekly", "monthly")
KIND_NAMES = {"weekly": "窗口工作周报", "monthly": "政务窗口月报"}
ATTACHMENT_SECTION = "附件"  # the section an attachment is listed under, beside the items


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# Identities and permalinks: every id and URL path the JSON shapes give is made here, so a
# link printed by the CLI, returned by the API and rendered in a page is the same string.


#
# A corrected bulletin has later versions. An item is named by its place in one version, so
# an item of a later version says which: "weekly-2024-09-09/v2/s2-3"; without a version an
# item id (and a link) means the bulletin as first published, so every one ever copied keeps
# its meaning. The version is its number, never a row id.


def item_id(issue_id: str, anchor: str, version: int = 1) -> str:
    """ "weekly-2024-09-09/s2-3"; in the second version "weekly-2024-09-09/v2/s2-3"."""
    return (
        f"{issue_id}/{version_segment(version)}/{anchor}" if version > 1 else f"{issue_id}/{anchor}"
    )


def version_segment(version: int) -> str:
    return f"v{version}"


def attachment_anchor(number: int) -> str:
    return f"a{number}"


def issue_url(issue_id: str, version: int | None = None) -> str:
    """The issue's page (its current version), or the page of one version of it."""
    return f"/issues/{issue_id}/{version_segment(version)}" if version else f"/issues/{issue_id}"


def item_url(issue_id: str, anchor: str, version: int = 1) -> str:
    return f"/items/{item_id(issue_id, anchor, version)}"


_REF = re.compile(
    r"^(?P<issue>[a-z]+-[0-9-]+)(?:/v(?P<version>[1-9][0-9]{0,3}))?(?:/(?P<anchor>[sa][0-9-]+))?$"
)


def parse_ref(text: str) -> tuple[str, int | None, str | None] | None:
    """An issue or item as named in links and ids: (issue_id, version or None, anchor or None).

    "weekly-2024-09-09", "weekly-2024-09-09/s2-3", "weekly-2024-09-09/v2",
    "weekly-2024-09-09/v2/s2-3"; None for anything else.
    """
    m = _REF.match(text.strip().strip("/"))
    if not m:
        return None
    return m["issue"], int(m["version"]) if m["version"] else None, m["anchor"]


def department_url(short_name: str) -> str:
    return f"/departments/{short_name}"


@dataclass(frozen=True)
class Citation:
    """Where an item is, as a Chinese office writes it in a report: the issue (with its
    publication date), then the place in it (section, item, the item's own date)."""

    issue: str  # 《窗口工作周报》2024年第37期（总第508期，2024年9月23日印发）
    place: str  # 一、智慧政务能力提升项目推进情况 第（二）项（2024年9月11日）

    @property
    def text(self) -> str:
        return self.issue + self.place

    def with_link(self, url: str) -> str:
        """The citation followed by the item's absolute link, as 复制引用 copies it."""
        return f"{self.text} {url}"


def item_place(labels: list[str]) -> str:
    """An item's place by its labels, outermost first: ["（二）"] -> 第（二）项,
    ["（二）", "1."] -> 第（二）项第1点, ["1."] -> 第1项; an unnumbered paragraph has none."""
    words = ("项", "点")
    parts = []
    for depth, label in enumerate(labels):
        if not label:
            continue
        shown = label.rstrip(".．、")
        parts.append(f"第{shown}{words[depth]}" if depth < len(words) else shown)
    return "".join(parts)


def cn_date(day: date) -> str:
    """2024-09-23 -> 2024年9月23日."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_span(start: date, end: date | None) -> str:
    """A date span as the bulletins print it: 2024年9月11日, 2024年9月9日—9月14日,
    2025年1月 (a whole month), 2024年12月30日—2025年1月3日."""
    if end is None or end == start:
        return cn_date(start)
    if start.day == 1 and (start.year, start.month) == (end.year, end.month) and _month_end(end):
        return f"{start.year}年{start.month}月"
    if start.year == end.year:
        return f"{cn_date(start)}—{end.month}月{end.day}日"
    return f"{cn_date(start)}—{cn_date(end)}"


def _month_end(day: date) -> bool:
    return (day + timedelta(days=1)).month != day.month


@dataclass
class Item:
    """One numbered (or the one unnumbered) entry of a section: the unit of retrieval."""

    anchor: str  # place in the bulletin: "s2-3", "s6-2-1"; "s2-0" for a lead paragraph
    label: str  # as printed, normalised: "（三）", "1.", "" for an unnumbered paragraph
    text: str  # repaired text without the label; paragraphs separated by "\n"
    date_from: date | None = None
    date_to: date | None = None
    mentions: dict[str, int] = field(default_factory=dict)  # department short name -> count
    children: list[Item] = field(default_factory=list)
    page: int | None = None  # of the PDF, where the item starts; None for a text file

    @property
    def departments(self) -> list[str]:
        return list(self.mentions)

    def walk(self):
        """This item and its sub-items, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def to_json(self, issue_id: str, version: int = 1) -> dict:
        return {
            "item_id": item_id(issue_id, self.anchor, version),
            "anchor": self.anchor,
            "url": item_url(issue_id, self.anchor, version),
            "label": self.label,
            "date_from": iso(self.date_from),
            "date_to": iso(self.date_to),
            "departments": self.departments,
            "text": self.text,
            "page": self.page,
            "children": [c.to_json(issue_id, version) for c in self.children],
        }


@dataclass
class Section:
    number: int  # 1-based, from the heading's numeral
    title: str  # as printed (repaired): "2025年1月总体运行情况", "“高效办成一件事”专项行动"
    name: str  # normalised for the facet: "总体运行情况", "“高效办成一件事”专项行动"
    items: list[Item] = field(default_factory=list)

    @property
    def numeral(self) -> str:
        return chinese_numeral(self.number)

    @property
    def heading(self) -> str:
        """As printed: "一、智慧政务能力提升项目推进情况"."""
        return section_heading(self.number, self.title)

    def to_json(self, issue_id: str, version: int = 1) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "name": self.name,
            "items": [i.to_json(issue_id, version) for i in self.items],
        }


@dataclass
class AttachmentRow:
    """A row of the 窗口考核结果 table; tied rows share their 序号 (printed once, in the first)."""

    seq: int | None  # None only when no 序号 is printed and no row above gives one
    name: str  # 部门窗口 as printed
    department: str | None  # short name from the gazetteer
    base: float | None
    deduction: float | None
    bonus: float | None
    score: float | None

    def to_json(self) -> dict:
        return {
            "seq": self.seq,
            "name": self.name,
            "department": self.department,
            "base": self.base,
            "deduction": self.deduction,
            "bonus": self.bonus,
            "score": self.score,
        }


_TITLED_MONTH = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月")


@dataclass
class Attachment:
    """An attachment (a 窗口考核结果 table): retrieved as one unit, like an item, by anchor "a1"."""

    number: int  # 1-based; anchor "a1"
    title: str
    columns: list[str] = field(default_factory=list)
    rows: list[AttachmentRow] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # printed lines that are not table rows
    page: int | None = None  # of the PDF, where the attachment starts; None for a text file

    @property
    def anchor(self) -> str:
        return attachment_anchor(self.number)

    @property
    def departments(self) -> list[str]:
        """The departments its table lists, each once, in the table's order: a table is about
        each department it scores, as an item is about each it mentions."""
        return list(dict.fromkeys(r.department for r in self.rows if r.department))

    @property
    def month(self) -> tuple[date, date] | None:
        """The month its title names ("2023年11月省政务服务大厅…考核结果"): the span it reports on."""
        m = _TITLED_MONTH.search(self.title)
        if not m or not 1 <= int(m["m"]) <= 12:
            return None
        start, end = month_span(int(m["y"]), int(m["m"]))
        return (start, end) if start and end else None

    @property
    def text(self) -> str:
        """The attachment as text: its title, then one line per table row (what search reads)."""
        lines = [self.title]
        for row in self.rows:
            seq = f"{row.seq}. " if row.seq is not None else ""
            scores = "，".join(
                f"{name}{value:g}"
                for name, value in (
                    ("基础分", row.base),
                    ("减分", row.deduction),
                    ("加分", row.bonus),
                    ("实得分", row.score),
                )
                if value is not None
            )
            lines.append(f"{seq}{row.name}：{scores}")
        return "\n".join(lines)

    def to_json(self, issue_id: str, version: int = 1) -> dict:
        month = self.month
        return {
            "item_id": item_id(issue_id, self.anchor, version),
            "anchor": self.anchor,
            "url": item_url(issue_id, self.anchor, version),
            "title": self.title,
            "date_from": iso(month[0]) if month else None,
            "date_to": iso(month[1]) if month else None,
            "departments": self.departments,
            "columns": self.columns,
            "rows": [r.to_json() for r in self.rows],
            "lines": self.lines,
            "page": self.page,
        }


@dataclass
class Footer:
    """Distribution footer (报/发/共印N份): metadata, never items."""

    report_to: str = ""
    send_to: str = ""
    copies: int | None = None

    def to_json(self) -> dict:
        return {"report_to": self.report_to, "send_to": self.send_to, "copies": self.copies}


@dataclass
class Source:
    """The file an issue was read from (not part of its identity).

    `file` is where the server read it (the store's key); what is shown is
    `shown`: the path below the folder it was ingested from, or its name. A
    page or an API never shows where the server keeps its files.
    """

    file: str
    sha256: str
    relative: str | None = None  # below the folder it was ingested from, when recorded

    @property
    def shown(self) -> str:
        return self.relative or shown_name(self.file)

    @property
    def name(self) -> str:
        """The file's name without its folders (written on Windows or not)."""
        return self.file.replace("\\", "/").rsplit("/", 1)[-1]

    def to_json(self) -> dict:
        return {"file": self.shown, "sha256": self.sha256}


def shown_name(path: str) -> str:
    """What a file recorded without the folder it came from is shown as: its name."""
    return path.rsplit("/", 1)[-1]


@dataclass
class Issue:
    kind: str  # "weekly" | "monthly"
    number: int | None = None  # 期
    year: int | None = None  # the year printed on the issue line ("2024年第37期")
    total_number: int | None = None  # 总期
    period_start: date | None = None
    period_end: date | None = None
    published: date | None = None
    header: list[str] = field(default_factory=list)  # header lines as printed (repaired)
    sections: list[Section] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    footer: Footer | None = None
    source: Source | None = None
    version: int = 1  # 1 as first published; a correction is the next

    @property
    def issue_id(self) -> str:
        """Identity from content: kind and first day of the period (or covered month)."""
        if self.kind == "monthly" and self.period_start:
            return f"monthly-{self.period_start:%Y-%m}"
        anchor_day = self.period_start or self.published
        if anchor_day is None:
            raise ValueError("an issue needs a period or a publication date for its identity")
        return f"{self.kind}-{anchor_day.isoformat()}"

    @property
    def name(self) -> str:
        return KIND_NAMES[self.kind]

    @property
    def title(self) -> str:
        """Citation title: 《窗口工作周报》2024年第37期（总第508期）, or by period when unnumbered."""
        head = f"《{self.name}》"
        if self.number is not None:
            year = self.year or (self.period_start or self.published or date.min).year
            text = f"{head}{year}年第{self.number}期" if year > 1 else f"{head}第{self.number}期"
            if self.total_number is not None:
                text += f"（总第{self.total_number}期）"
            return text
        if self.kind == "monthly" and self.period_start:
            return f"{head}{self.period_start.year}年{self.period_start.month}月"
        if self.period_start and self.period_end:
            return f"{head}{self.period_start.year}年{period_label(self.period_start, self.period_end)}"
        if self.published:
            return f"{head}{self.published.year}年{self.published.month}月{self.published.day}日"
        return head

    @property
    def url(self) -> str:
        return issue_url(self.issue_id)

    def walk_items(self):
        """Every item and sub-item with its section, in reading order."""
        for section in self.sections:
            for item in section.items:
                for node in item.walk():
                    yield section, node

    def to_json(self) -> dict:
        issue_id = self.issue_id
        return {
            "issue_id": issue_id,
            "version": self.version,
            "kind": self.kind,
            "number": self.number,
            "total_number": self.total_number,
            "period_start": iso(self.period_start),
            "period_end": iso(self.period_end),
            "published": iso(self.published),
            "title": self.title,
            "url": self.url,
            "header": self.header,
            "sections": [s.to_json(issue_id, self.version) for s in self.sections],
            "attachments": [a.to_json(issue_id, self.version) for a in self.attachments],
            "footer": self.footer.to_json() if self.footer else None,
            "source": self.source.to_json() if self.source else None,
        }

    def find(self, anchor: str) -> tuple[Section | None, Item | Attachment] | None:
        """The item, sub-item or attachment at an anchor ("s2-3", "s6-2-1", "a1"), with its section."""
        for attachment in self.attachments:
            if attachment.anchor == anchor:
                return None, attachment
        for section, item in self.walk_items():
            if item.anchor == anchor:
                return section, item
        return None

    def item_to_json(self, anchor: str) -> dict | None:
        """One item, sub-item or attachment, with its issue, section and citation: the shape of
        /api/items/ID/ANCHOR and of `bulletins show ID/ANCHOR --json`. None if there is none.

        `section` and `section_title` mean what they mean in a search hit: the facet name,
        and the heading as printed (None for an attachment, which is in no section).
        """
        found = self.find(anchor)
        if found is None:
            return None
        section, node = found
        return {
            **node.to_json(self.issue_id, self.version),
            "issue_id": self.issue_id,
            "issue_title": self.title,
            "section": section.name if section else None,
            "section_title": section.heading if section else None,
            "citation": self.citation(anchor),
        }

    @property
    def source_line(self) -> str:
        """The issue as a report cites it: its title with the publication date inside the
        brackets, 《窗口工作周报》2024年第37期（总第508期，2024年9月23日印发）."""
        published = f"{cn_date(self.published)}印发" if self.published else ""
        if not published:
            return self.title
        if self.title.endswith("）"):
            return f"{self.title[:-1]}，{published}）"
        return f"{self.title}（{published}）"

    def cite(self, anchor: str) -> Citation | None:
        """How to cite one item, sub-item or attachment (None if the issue has no such anchor)."""
        found = self.find(anchor)
        if found is None:
            return None
        section, node = found
        if isinstance(node, Attachment):
            return Citation(self.source_line, f"附件{node.number}：{node.title}")
        path = anchor.split("-")
        items, labels = section.items, []
        for depth in range(1, len(path)):
            prefix = "-".join(path[: depth + 1])
            current = next(i for i in items if i.anchor == prefix)
            labels.append(current.label)
            items = current.children
        place = section_heading(section.number, section.title)
        where = item_place(labels)
        if where:
            place += " " + where
        if (node.date_from, node.date_to) != (self.period_start, self.period_end) and node.date_from:
            place += f"（{cn_span(node.date_from, node.date_to)}）"
        return Citation(self.source_line, place)

    def citation(self, anchor: str) -> str | None:
        """The citation's text: 《窗口工作周报》2024年第37期（总第508期，2024年9月23日印发）
        一、智慧政务能力提升项目推进情况 第（二）项（2024年9月11日）."""
        found = self.cite(anchor)
        return found.text if found else None

    def item_id(self, anchor: str) -> str:
        """The id of one of its items, in this version ("weekly-2024-09-09/v2/s2-3")."""
        return item_id(self.issue_id, anchor, self.version)

    def item_url(self, anchor: str) -> str:
        """The permalink of one of its items, in this version."""
        return item_url(self.issue_id, anchor, self.version)

    def item_count(self) -> int:
        return sum(1 for _ in self.walk_items())


def period_label(start: date, end: date) -> str:
    """9月9日—9月14日, as the bulletins print a week."""
    return f"{start.month}月{start.day}日—{end.month}月{end.day}日"


NUMERALS = "一二三四五六七八九"


def section_heading(number: int, title: str) -> str:
    """A section's heading as the bulletins print it: its numeral, 、, its title."""
    return f"{chinese_numeral(number)}、{title}"


def chinese_numeral(n: int) -> str:
    """1..99 as Chinese numerals: 一, 十, 十二, 二十一."""
    if n < 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else NUMERALS[tens - 1]
    return head + "十" + (NUMERALS[ones - 1] if ones else "")


def parse_chinese_numeral(text: str) -> int | None:
    """Inverse of chinese_numeral for 一..九十九; None for anything else."""
    if not text or any(c not in NUMERALS + "十" for c in text):
        return None
    if "十" not in text:
        return NUMERALS.index(text) + 1 if len(text) == 1 else None
    head, _, tail = text.partition("十")
    if len(head) > 1 or len(tail) > 1:
        return None
    tens = NUMERALS.index(head) + 1 if head else 1
    ones = NUMERALS.index(tail) + 1 if tail else 0
    return tens * 10 + ones
