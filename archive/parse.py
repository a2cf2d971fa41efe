"""Parse the repaired text of a bulletin into an Issue.

One pass over the physical lines. Each line either opens a block of the
grammar (masthead line, section heading, item label, attachment, footer) or
continues the block before it. A match only counts as structure where the
bulletin allows it: a heading must carry the next numeral, a label the next
number at its level (or 1 to open a sub-list), and nothing opens right after a
line that stops mid-sentence. That is what keeps "4.83 万件" at the start of a
wrapped line inside its item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import grammar
from .dates import item_span, month_span, safe_date, week_period
from .departments import Gazetteer, gazetteer
from .model import Attachment, AttachmentRow, Footer, Issue, Item, Section, parse_chinese_numeral
from .problems import Problem
from .repair import (
    Layout,
    ends_open,
    is_title,
    looks_unfinished,
    measure,
    normalise_line,
    paged_lines,
    separator,
)


class ParseError(ValueError):
    """The text is not a bulletin, or not one that can be identified (`problem` says which)."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.problem = Problem(code, detail)
        super().__init__(self.problem.english)


# A bulletin is 2-4 thousand characters of text, its longest item under a thousand. Past these
# limits (far past any bulletin) a file is not one, and reading it on would cost every later
# step (departments, the index, each snippet of a search) time in proportion.
MAX_TEXT = 200_000
MAX_ITEM = 20_000

_MONTHLY_OVERVIEW = re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?:份)?总体运行情况")
_QUOTES = str.maketrans({'"': None, "「": "“", "」": "”", "『": "“", "』": "”"})


def parse(text: str, *, departments: Gazetteer | None = None) -> Issue:
    """Text of one bulletin (as extracted) -> Issue with dates and departments."""
    if len(text) > MAX_TEXT:
        raise ParseError("text_too_long", f"{len(text):,} characters > {MAX_TEXT:,}")
    paged = paged_lines(text)
    lines = [line for _, line in paged]
    pages = [page for page, _ in paged] if "\f" in text else [None] * len(paged)
    if not lines:
        raise ParseError("no_text")
    start = _first_section(lines)
    if start is None:
        raise ParseError("no_sections")
    layout = measure(lines)
    masthead = _read_masthead(lines[:start])
    body = _Body(layout)
    for index in range(start, len(lines)):
        body.page = pages[index]
        body.feed(lines[index], last=index == len(lines) - 1)
    sections = body.finish()
    issue = _identify(masthead, sections)
    issue.sections = sections
    issue.attachments = body.attachments
    issue.footer = body.footer
    for _, item in issue.walk_items():
        if len(item.text) > MAX_ITEM:
            detail = f"{item.anchor}: {len(item.text):,} characters > {MAX_ITEM:,}"
            raise ParseError("item_too_long", detail)
    _annotate(issue, departments or gazetteer())
    return issue


def _first_section(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        found = grammar.match(grammar.BODY_RULES[:1], line)
        if found and found[1]["numeral"] == "一" and len(found[1]["title"]) <= 40:
            return index
    return None


@dataclass
class _Masthead:
    header: list[str] = field(default_factory=list)
    name: str | None = None
    year: int | None = None
    number: int | None = None
    total: int | None = None
    week: tuple[int, int, int, int] | None = None
    published: object = None


def _read_masthead(lines: list[str]) -> _Masthead:
    head = _Masthead(header=list(lines))
    text = re.sub(r"\s+", "", "".join(lines))
    for rule, pattern in grammar.HEADER_RULES:
        m = pattern.search(text)
        if not m:
            continue
        text = text[: m.start()] + "\0" + text[m.end() :]
        if rule == "title":
            head.name = m["name"]
        elif rule == "issue_line":
            head.year = int(m["year"]) if m["year"] else None
            head.number = int(m["number"])
            head.total = int(m["total"]) if m["total"] else None
        elif rule == "period":
            m2 = int(m["m2"] or m["m1"])
            head.week = (int(m["m1"]), int(m["d1"]), m2, int(m["d2"]))
        elif rule == "published":
            head.published = safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return head


def _identify(head: _Masthead, sections: list[Section]) -> Issue:
    """Kind, numbers and dates from what the masthead and the first heading allow."""
    overview = _MONTHLY_OVERVIEW.match(sections[0].title) if sections else None
    if head.name:
        kind = "weekly" if head.name == "窗口工作周报" else "monthly"
    elif head.week:
        kind = "weekly"
    elif overview or any(s.name == "总体运行情况" for s in sections):
        kind = "monthly"
    elif head.total is not None:
        kind = "weekly"
    else:
        raise ParseError("unknown_kind")
    issue = Issue(kind=kind, number=head.number, total_number=head.total, year=head.year)
    issue.header = head.header
    issue.published = head.published
    if kind == "weekly" and head.week:
        issue.period_start, issue.period_end = week_period(
            *head.week, year=head.year, published=issue.published, number=head.number
        )
    if kind == "monthly" and overview:
        month = int(overview["m"])
        if 1 <= month <= 12:
            issue.period_start, issue.period_end = month_span(int(overview["y"]), month)
    if issue.period_start is None and issue.published is None:
        raise ParseError("no_identity")
    return issue


def section_name(title: str) -> str:
    """The facet name of a section: no numbering, month prefix, spaces or ASCII quote marks.

    Also applied to what a user types as a section filter ("三、厅(局)长进大厅").
    """
    name = re.sub(r"\s+", "", normalise_line(title))
    name = re.sub(rf"^[{grammar.CN_NUM}]{{1,3}}、", "", name)
    name = grammar.SECTION_MONTH_PREFIX.sub("", name)
    if name.count('"') == 2:
        name = name.replace('"', "“", 1).replace('"', "”", 1)
    return name.translate(_QUOTES)


class _Text:
    """A paragraph under construction: physical lines joined as `repair.separator` says."""

    def __init__(self, layout: Layout, first: str = "", *, title: bool = False):
        self.layout = layout
        self.parts = [first] if first else []
        self.last = first
        self.title = title

    def add(self, line: str) -> None:
        if self.parts:
            self.parts.append(separator(self.last, line, self.layout, title=self.title))
        self.parts.append(line)
        self.last = line
        self.title = False

    def value(self) -> str:
        return "".join(self.parts)


@dataclass
class _Open:
    """An item being read, with the style and number of its label."""

    style: str
    number: int
    item: Item
    text: _Text


class _Body:
    def __init__(self, layout: Layout):
        self.layout = layout
        self.sections: list[Section] = []
        self.attachments: list[Attachment] = []
        self.footer: Footer | None = None
        self.state = "body"
        self.stack: list[_Open] = []
        self.closed: list[_Open] = []
        self.lead: _Text | None = None
        self.target: _Text | None = None
        self.footer_field: str | None = None
        self.footer_text: dict[str, _Text] = {}
        self.previous = ""
        self.wrapped_title: str | None = None  # "section" or "attachment" whose title may go on
        self.page: int | None = None  # of the line being fed (a PDF's; None for a text)
        self.lead_page: int | None = None

    def feed(self, line: str, *, last: bool = False) -> None:
        found = grammar.match(grammar.BODY_RULES, line) if not ends_open(self.previous) else None
        if found is not None and self._structure(found[0], found[1], line, last):
            rule, m = found
            opens_title = rule == "section" or (rule == "attachment" and bool(m["title"]))
            titled = opens_title and (
                self.layout.is_full(line)
                or looks_unfinished(line)
                or not grammar.HEADING_ENDINGS.search(line)
            )
            self.wrapped_title = found[0] if titled else None
        elif self.wrapped_title and self._extend_title(line):
            self.wrapped_title = self.wrapped_title if self.layout.is_full(line) else None
        else:
            self.wrapped_title = None
            self._continue(line)
        self.previous = line

    def _extend_title(self, line: str) -> bool:
        """A heading that reached the margin goes on in the next line, if that line reads like a title."""
        if len(line) > 30 or re.search(r"[，、。；：,;:！？]", line):
            return False
        if self.wrapped_title == "section":
            section = self.sections[-1]
            section.title += line
            section.name = section_name(section.title)
            return True
        if "\t" in line or grammar.TABLE_HEADER.match(line) or grammar.table_row(line):
            return False
        self.attachments[-1].title += line
        return True

    def _structure(self, rule: str, m: re.Match[str], line: str, last: bool) -> bool:
        if rule == "section" and self.state == "body":
            return self._section(m)
        if rule == "attachment":
            self._attachment(m)
            return True
        if rule in grammar.FOOTER_RULES:
            return self._footer(rule, m, last)
        if rule in grammar.LABEL_RULES and self.state == "body" and self.sections:
            return self._label(rule, m, line)
        return False

    def _section(self, m: re.Match[str]) -> bool:
        number = parse_chinese_numeral(m["numeral"])
        if number != len(self.sections) + 1 or len(m["title"]) > 40:
            return False
        self._close_section()
        title = m["title"].strip()
        self.sections.append(Section(number=number, title=title, name=section_name(title)))
        self.lead = None
        self.target = None
        return True

    def _label(self, style: str, m: re.Match[str], line: str) -> bool:
        raw = m["num"]
        number = parse_chinese_numeral(raw) if style == "label_cn" else int(raw)
        if number is None:
            return False
        levels = [o.style for o in self.stack]
        if style in levels:
            level = levels.index(style)
            if number != self.stack[level].number + 1:
                return False
            self._pop_to(level)
        elif number != 1:
            return False
        parent = self.stack[-1].item if self.stack else None
        siblings = parent.children if parent else self.sections[-1].items
        position = len(siblings) + 1
        anchor = (
            f"{parent.anchor}-{position}" if parent else f"s{self.sections[-1].number}-{position}"
        )
        label = _label_text(style, raw)
        text = m["text"].strip()
        item = Item(anchor=anchor, label=label, text="", page=self.page)
        siblings.append(item)
        title = is_title(text, self.layout) and not self.layout.is_full(line)
        opened = _Open(style, number, item, _Text(self.layout, text, title=title))
        self.stack.append(opened)
        self.target = opened.text
        return True

    def _attachment(self, m: re.Match[str]) -> None:
        self._close_section()
        title = (m["title"] or "").strip()
        number = int(m["number"]) if m["number"] else None
        current = self.attachments[-1] if self.attachments else None
        continues = (
            self.state == "attachment"
            and current
            and not title
            and number in (None, current.number)
        )
        if continues:
            current.lines.append(m.group(0))
        else:
            self.attachments.append(
                Attachment(number=len(self.attachments) + 1, title=title, page=self.page)
            )
        self.state = "attachment"
        self.target = None

    def _footer(self, rule: str, m: re.Match[str], last: bool) -> bool:
        """报：/发： open the footer; （共印N份） closes it.

        The copies line ends a bulletin: it counts once, only after 报/发 or as the
        last line, and it leaves the field before it open. A line after it (a page
        label) goes on in the footer: it used to become the lead paragraph of the
        last section, printed before that section's items (a second such lead
        repeated the anchor "sN-0"), and a second copies line replaced the first.
        """
        if self.state == "body" and not self.sections:
            return False
        if rule == "copies" and (
            (self.state != "footer" and not last)
            or (self.footer is not None and self.footer.copies is not None)
        ):
            return False
        self._close_section()
        self.state = "footer"
        self.footer = self.footer or Footer()
        if rule == "copies":
            self.footer.copies = int(m["copies"])
            self.target = self.footer_text[self.footer_field] if self.footer_field else None
            return True
        self.footer_field = rule
        text = self.footer_text.setdefault(rule, _Text(self.layout))
        text.add(m["text"].strip())
        self.target = text
        return True

    def _continue(self, line: str) -> None:
        if self.state == "attachment":
            self._attachment_line(line)
        elif self.target is not None:
            self.target.add(line)
        elif self.sections:
            if self.lead is None:
                self.lead, self.lead_page = _Text(self.layout), self.page
            self.lead.add(line)
            self.target = self.lead
        elif self.state == "footer" and self.footer_field:
            self.footer_text[self.footer_field].add(line)

    def _attachment_line(self, line: str) -> None:
        attachment = self.attachments[-1]
        row = grammar.table_row(line)
        # The first header names the columns; a repeated one (the table goes on over a
        # page) is kept as a line, where it used to replace the first.
        if grammar.TABLE_HEADER.match(line) and not attachment.columns:
            attachment.columns = [
                re.sub(r"\s+", "", c) for c in re.split(r"\t+|\s{2,}", line) if c.strip()
            ]
        elif row:
            attachment.rows.append(_row(row, attachment.number))
        elif not attachment.title and "\t" not in line:
            attachment.title = line
        else:
            attachment.lines.append(line)

    def _pop_to(self, level: int) -> None:
        while len(self.stack) > level:
            self.closed.append(self.stack.pop())

    def _close_section(self) -> None:
        """Finish the open section: item texts, and its lead paragraph."""
        self._pop_to(0)
        for opened in self.closed:
            opened.item.text = opened.text.value()
        self.closed = []
        if self.sections and self.lead is not None:
            section = self.sections[-1]
            number = section.number
            if section.items:
                section.items.insert(
                    0,
                    Item(
                        anchor=f"s{number}-0", label="", text=self.lead.value(), page=self.lead_page
                    ),
                )
            else:
                section.items.append(
                    Item(
                        anchor=f"s{number}-1", label="", text=self.lead.value(), page=self.lead_page
                    )
                )
        self.lead = None
        self.target = None

    def finish(self) -> list[Section]:
        self._close_section()
        for attachment in self.attachments:
            share_tied_seqs(attachment.rows)
        if self.footer is not None:
            for rule, text in self.footer_text.items():
                setattr(self.footer, rule, text.value())
        return self.sections


def _label_text(style: str, raw: str) -> str:
    if style == "label_dot":
        return f"{raw}."
    return f"（{raw}）"


# Digits a table's number may have: a score or a count has a few; past this a float keeps
# neither its value (400 digits are `inf`, which no JSON can hold) nor its meaning.
MAX_DIGITS = 15


def _number(text: str, where: str) -> float:
    if len(text.lstrip("-").replace(".", "")) > MAX_DIGITS:
        raise ParseError("number_out_of_range", f"{where}: {text[:16]}… ({len(text)} chars)")
    return float(text)


def _row(row: grammar.TableRow, attachment: int) -> AttachmentRow:
    where = f"附件{attachment} {row.name.strip()[:20]}"
    return AttachmentRow(
        seq=int(row.seq) if row.seq else None,
        name=row.name.strip(),
        department=None,
        base=_number(row.base, where),
        deduction=_number(row.deduction, where),
        bonus=_number(row.bonus, where),
        score=_number(row.score, where),
    )


def share_tied_seqs(rows: list[AttachmentRow]) -> None:
    """Tied rows share their 序号: a row printed without one takes it from the row it ties with.

    A tie prints its number once: in the first tied row in the text copies (the rows
    below it blank), or vertically centred over the tied rows in a PDF's merged cell,
    which can put it on a middle row. So the number comes from the run of rows with the
    same score around the blank one (above first); failing that, from the row above.
    """
    for index, row in enumerate(rows):
        if row.seq is not None:
            continue
        run = _same_score_run(rows, index)
        numbered = [rows[i].seq for i in run if rows[i].seq is not None]
        if numbered:
            row.seq = numbered[0]
        elif index > 0:
            row.seq = rows[index - 1].seq


def _same_score_run(rows: list[AttachmentRow], index: int) -> list[int]:
    """Indices of the rows next to `index` with its score: above it (nearest first), then below."""
    score = rows[index].score
    above = []
    for i in range(index - 1, -1, -1):
        if rows[i].score != score:
            break
        above.append(i)
    below = []
    for i in range(index + 1, len(rows)):
        if rows[i].score != score:
            break
        below.append(i)
    return above + below


def _annotate(issue: Issue, departments: Gazetteer) -> None:
    """Item dates and department mentions; attachment rows resolved to departments."""
    for section in issue.sections:
        for item in section.items:
            _annotate_item(item, issue, departments, None)
    for attachment in issue.attachments:
        for row in attachment.rows:
            found = departments.resolve(row.name)
            row.department = found.short_name if found else None


def _annotate_item(item: Item, issue: Issue, departments: Gazetteer, parent: Item | None) -> None:
    start, end = issue.period_start, issue.period_end
    if parent is not None and parent.date_from:
        start, end = parent.date_from, parent.date_to
    item.date_from, item.date_to = item_span(item.text, start, end, issue.published)
    item.mentions = departments.mentions(item.text)
    for child in item.children:
        _annotate_item(child, issue, departments, item)
