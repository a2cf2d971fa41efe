"""The CLI's text output: what each command prints without --json, as plain functions of its data.

Kept apart from the commands so that a command reads as options → library →
output, and so that one formatter (a date span, a snippet) serves every
command that shows one.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date

from archive.ingest import STATUSES, Outcome
from archive.model import Attachment, Item
from archive.records import (
    DepartmentCount,
    DepartmentReport,
    Imports,
    IssueSummary,
    ItemLink,
    VersionedIssue,
)
from indexer.search import SearchResult
from service.archive import Checked, IngestReport

FACETS_SHOWN = 12  # values per facet under the hits


def span(start: date | str | None, end: date | str | None) -> str:
    """A date span as the CLI prints it: 2024-09-09, or 2024-09-09..2024-09-14; - for none."""
    if not start and not end:
        return "-"
    if start == end or not end:
        return str(start)
    return f"{start or '-'}..{end}"


def outcome(o: Outcome) -> str:
    line = f"{o.status:<9} {o.issue_id or '-':<20} {o.path}"
    if o.supersedes:
        line += f"\n          version {o.version}, a correction: supersedes {o.supersedes}"
    if o.message:
        line += f"\n          {o.message}"
    return line


def ingest_summary(report: IngestReport) -> str:
    counts = report.counts
    summary = ", ".join(f"{counts[s]} {s}" for s in STATUSES)
    return f"{len(report.outcomes)} files: {summary}"


def checked(result: Checked) -> str:
    report = result.report
    out = [f"repaired: {result.repaired}"] if result.repaired else []
    documents = "-" if report.documents is None else report.documents
    out.append(f"store: {report.issues} issues, {report.items} items; index: {documents} documents")
    out.extend(f"problem: {f.message}\n  fix: {f.fix}" for f in report.findings)
    out.append("ok: the index agrees with the store" if report.ok else "not ok")
    return "\n".join(out)


def imports(record: Imports) -> str:
    out = []
    if record.problems:
        out.append(f"{len(record.problems)} files not stored:")
        out.extend(
            f"  {p.path}\n    {p.problem.english}\n    {p.problem.chinese}" for p in record.problems
        )
    out.append(f"{len(record.sources)} files stored:")
    out.extend(f"  {s.issue_id:<20} {s.ingested_at[:19]}  {s.path}" for s in record.sources)
    return "\n".join(out)


def issue_list(summaries: list[IssueSummary]) -> str:
    if not summaries:
        return "The archive is empty: add bulletins with `bulletins ingest PATH`."
    return "\n".join(
        f"{s.issue_id:<20} {span(s.period_start, s.period_end):<23} {s.published or '-':<10} "
        f"{s.items:>3} items  {s.title}"
        for s in summaries
    )


def issue(view: VersionedIssue) -> str:
    """An issue as readable text: header, sections, items with dates and departments, footer;
    a corrected one says so, and which version this is."""
    issue = view.issue
    out = [issue.title]
    if issue.period_start:
        out.append(f"期间 {issue.period_start} — {issue.period_end}")
    if issue.published:
        out.append(f"印发 {issue.published}")
    out.append(f"id {issue.issue_id}   {view.version.url}")
    if len(view.versions) > 1:
        out.append(_versions_line(view))
    for section in issue.sections:
        out.append("")
        out.append(section.heading)
        for item in section.items:
            out.extend(_item_lines(item, 1))
    for attachment in issue.attachments:
        out.append("")
        out.append(_attachment(attachment))
    if issue.footer:
        out.append("")
        if issue.footer.report_to:
            out.append(f"报：{issue.footer.report_to}")
        if issue.footer.send_to:
            out.append(f"发：{issue.footer.send_to}")
        if issue.footer.copies is not None:
            out.append(f"（共印{issue.footer.copies}份）")
    return "\n".join(out)


def _versions_line(view: VersionedIssue) -> str:
    shown = view.issue.version
    state = "现行" if view.is_current else f"更正前，现行为第{view.current.version}版"
    others = "  ".join(
        f"v{v.version} {(v.received_at or '')[:10]} {v.source.file}" for v in view.versions
    )
    return f"第{shown}版（{state}；{(view.corrected_at or '')[:10]} 更正）  各版本：{others}"


_NOTICES = {
    "same": "本期已更正，本条未变：现行第{current}版 {now}",
    "moved": "本期已更正，本条未变但位置有变：链接所指第{version}版 {anchor}，现为第{current}版 {now}",
    "changed": "本期已更正，本条有改动：以下为现行第{current}版 {now}；第{version}版原文见 {original}",
    "removed": "本期已更正，本条已删去：以下为第{version}版原文；现行版本见 {current_url}",
}


def item(followed: ItemLink) -> str:
    """One item (or attachment) with its citation and permalink, as the web page gives them;
    for a link to an earlier version, what the correction made of it first."""
    issue, anchor = followed.issue, followed.shown_anchor
    _, node = issue.find(anchor)
    body = "\n".join(_item_lines(node, 0)) if isinstance(node, Item) else _attachment(node)
    head = f"{issue.citation(anchor)}\n{issue.item_url(anchor)}"
    if followed.fate:
        notice = _NOTICES[followed.fate].format(
            current=followed.shown.current.version,
            now=anchor,
            version=followed.version,
            anchor=followed.anchor,
            original=followed.as_published,
            current_url=followed.shown.current.url,
        )
        head = f"{notice}\n{head}"
    return f"{head}\n\n{body}"


def _attachment(attachment: Attachment) -> str:
    lines = [f"附件{attachment.number}：{attachment.title}（{len(attachment.rows)} 行）"]
    for row in attachment.rows:
        seq = row.seq if row.seq is not None else ""
        scores = " ".join(_score(v) for v in (row.base, row.deduction, row.bonus, row.score))
        lines.append(f"  {seq!s:>3} {row.name:<14} {scores}")
    return "\n".join(lines)


def _item_lines(item: Item, depth: int) -> list[str]:
    pad = "  " * depth
    meta = f"[{item.anchor}] {span(item.date_from, item.date_to)}" + _departments(item.departments)
    lines = [f"{pad}{item.label}{item.text}".replace("\n", "\n" + pad), f"{pad}  {meta}"]
    for child in item.children:
        lines.extend(_item_lines(child, depth + 1))
    return lines


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _departments(names: Iterable[str]) -> str:
    names = list(names)
    return "  " + "、".join(names) if names else ""


def result(result: SearchResult) -> str:
    """Hits as a readable list: issue, section, label, date, departments, snippet; then facets."""
    request = result.request
    out = [f"{result.total} 条结果（第 {request.page}/{result.pages} 页）"]
    for n, hit in enumerate(result.hits, (request.page - 1) * request.limit + 1):
        out.append("")
        label = f" {hit.label}" if hit.label else ""
        out.append(f"{n}. {hit.issue_title} · {hit.section_title}{label}  [{hit.item_id}]")
        out.append(f"   {span(hit.date_from, hit.date_to)}{_departments(hit.departments)}")
        out.append("   " + plain_snippet(hit.snippet))
    for name, pairs in result.facets.items():
        if pairs:
            out.append("")
            shown = "  ".join(f"{value}({count})" for value, count in pairs[:FACETS_SHOWN])
            out.append(f"{name}: {shown}")
    return "\n".join(out)


def plain_snippet(snippet: str) -> str:
    """A highlighted snippet for the terminal: matches in 【】, HTML entities undone."""
    text = snippet.replace("<mark>", "【").replace("</mark>", "】")
    return html.unescape(text)


def departments(listing: list[DepartmentCount]) -> str:
    """Departments by item count, most mentioned first, each once with its other names."""
    ranked = sorted(listing, key=lambda entry: -entry.items)
    return "\n".join(
        f"{e.items:>5}  {e.department.short_name}（{e.department.full_name}）"
        + (f"  又称：{'、'.join(e.department.aliases)}" if e.department.aliases else "")
        for e in ranked
    )


def department(report: DepartmentReport) -> str:
    d = report.department
    tables = f"（含考核表 {report.tables} 期）" if report.tables else ""
    out = [
        f"{d.short_name}（{d.full_name}）：{report.total} 条条目{tables}，第 {report.page}/{report.pages} 页"
    ]
    if report.months:
        out.append("每月：" + "  ".join(f"{m}:{n}" for m, n in report.months))
    for a in report.assessments:
        out.append(
            f"考核：{a.issue_title} {a.title} 名次 {a.row.seq or '并列'} 实得分 {_score(a.row.score)}"
        )
    for i in report.items:
        label = f" {i.label}" if i.label else ""
        out.append(f"\n{i.issue_title} · {i.section_title}{label}  [{i.item_id}]")
        out.append(f"   {span(i.date_from, i.date_to)}  {' '.join(i.text.split())[:80]}…")
    return "\n".join(out)
