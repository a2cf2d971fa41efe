"""The CLI's text output, in Chinese: what each command prints without --json, as plain
functions of its data.

Kept apart from the commands so that a command reads as options → library →
output, and so that one formatter (a date span, a snippet) serves every
command that shows one. Links are absolute: `link` turns an app path into one
(on --base-url, else where `serve` listens).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from archive.model import Attachment, Item
from archive.records import (
    STATUSES,
    DepartmentCount,
    DepartmentReport,
    Imports,
    IssueSummary,
    ItemLink,
    Outcome,
    VersionedIssue,
)
from indexer.search import SearchResult
from indexer.writelock import holder_in_chinese
from service.archive import Checked, IngestReport
from service.config import Config

FACETS_SHOWN = 12  # values per facet under the hits
STATUS_NAMES = {
    "added": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "duplicate": "重复",
    "failed": "失败",
}
FACET_NAMES = {"department": "部门", "section": "栏目", "kind": "类型", "year": "年份"}
KIND_NAMES = {"weekly": "周报", "monthly": "月报"}
LOOPBACK_NOTE = (
    "（链接指向本机 {root}，同事无法打开：用 --base-url 或环境变量 BULLETINS_BASE_URL "
    "设置大家访问本系统的地址。）"
)

Link = Callable[[str], str]


def span(start: date | str | None, end: date | str | None) -> str:
    """A date span as the CLI prints it: 2024-09-09, or 2024-09-09..2024-09-14; - for none."""
    if not start and not end:
        return "-"
    if start == end or not end:
        return str(start)
    return f"{start or '-'}..{end}"


def outcome(o: Outcome) -> str:
    line = f"{STATUS_NAMES[o.status]}  {o.issue_id or '-':<20} {o.path}"
    if o.supersedes:
        line += f"\n      第{o.version}版，系更正：取代 {o.supersedes}"
    if o.problem:
        line += f"\n      {o.message_zh}"
    return line


def ingest_summary(report: IngestReport) -> str:
    counts = report.counts
    summary = "，".join(f"{STATUS_NAMES[s]} {counts[s]}" for s in STATUSES)
    return f"共 {len(report.outcomes)} 个文件：{summary}"


def archive_totals(totals: tuple[int, int], data_dir: Path) -> str:
    """What the archive now holds, and where it lives (an absolute path: the folder to back up)."""
    issues, items = totals
    return f"档案共 {issues} 期、{items} 条条目，位于 {Path(data_dir).resolve()}"


def first_run(corpus: Path, data_dir: Path) -> str:
    return f"首次运行：把 {corpus} 中的各期导入档案 {Path(data_dir).resolve()} ……"


def serving(config: Config) -> str:
    line = f"正在服务：http://{config.host}:{config.port}/（按 Ctrl+C 停止）"
    if config.base_url:
        line += f"；复制的链接使用 {config.base_url}"
    return line


def waiting(holder: str, timeout: float) -> str:
    """Said when a write must wait for another process writing the index."""
    return f"正在等待检索索引：{holder_in_chinese(holder)}正在写入（最多等待 {timeout:g} 秒）"


def serving_without_store(problem: str) -> str:
    return (
        f"警告：{problem}\n警告：仍然启动：检索使用已有的索引；需要读取档案库的页面"
        "在恢复前回答 503"
    )


def index_built(issues: int) -> str:
    return f"检索索引缺失或由其他版本建立：已重建（{issues} 期）"


def reindexed(documents: int) -> str:
    return f"索引已重建：{documents} 条"


def department_query(query: str, department: str) -> str:
    return (
        f"“{query.strip()}”是部门名称：按部门“{department}”筛选，最新在前"
        f"（要按文字检索，请加引号：'\"{query.strip()}\"'）"
    )


def issue_query(query: str, found: list[IssueSummary]) -> str:
    """A query that names issues (2024年第37期): where they are, before the search for its words."""
    query = query.strip()
    if len(found) == 1:
        shown = f"{found[0].title}：bulletins show {found[0].issue_id} 显示该期"
    else:
        shown = f"{len(found)} 期：bulletins issues {query} 列出这些期"
    return f"“{query}”是期号，指{shown}；下面是按文字检索的结果"


def checked(result: Checked) -> str:
    report = result.report
    out = [f"已修复：{result.repaired.text_zh}"] if result.repaired else []
    documents = "-" if report.documents is None else report.documents
    store = "无法读取" if report.issues is None else f"{report.issues} 期、{report.items} 条"
    out.append(f"档案：{store}；索引：{documents} 条")
    out.extend(
        f"问题：{f.message_zh or f.message}\n  修复：{f.fix_zh or f.fix}" for f in report.findings
    )
    out.append("正常：索引与档案一致" if report.ok else "有问题")
    return "\n".join(out)


def imports(record: Imports) -> str:
    out = []
    if record.problems:
        out.append(f"{len(record.problems)} 个文件未能导入：")
        out.extend(f"  {p.path}\n    {p.problem.chinese}" for p in record.problems)
    out.append(f"{len(record.sources)} 个文件已导入：")
    out.extend(f"  {s.issue_id:<20} {s.ingested_at[:19]}  {s.path}" for s in record.sources)
    return "\n".join(out)


def issue_list(summaries: list[IssueSummary], filtered: bool = False) -> str:
    if not summaries:
        if filtered:
            return "没有符合条件的一期。"
        return "档案是空的：用 `bulletins ingest 路径` 导入各期。"
    return "\n".join(
        f"{s.issue_id:<20} {span(s.period_start, s.period_end):<23} {s.published or '-':<10} "
        f"{s.items:>3} 条  {s.title}"
        for s in summaries
    )


def issue(view: VersionedIssue, link: Link = str) -> str:
    """An issue as readable text: header, sections, items with dates and departments, footer;
    a corrected one says so, and which version this is."""
    issue = view.issue
    out = [issue.title]
    if issue.period_start:
        out.append(f"期间 {issue.period_start} — {issue.period_end}")
    if issue.published:
        out.append(f"印发 {issue.published}")
    out.append(f"编号 {issue.issue_id}   {link(view.version.url)}")
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
        f"v{v.version} {(v.received_at or '')[:10]} {v.source.shown}" for v in view.versions
    )
    return f"第{shown}版（{state}；{(view.corrected_at or '')[:10]} 更正）  各版本：{others}"


_NOTICES = {
    "same": "本期已更正，本条未变：现行第{current}版 {now}",
    "moved": "本期已更正，本条未变但位置有变：链接所指第{version}版 {anchor}，现为第{current}版 {now}",
    "changed": "本期已更正，本条有改动：以下为现行第{current}版 {now}；第{version}版原文见 {original}",
    "removed": "本期已更正，本条已删去：以下为第{version}版原文；现行版本见 {current_url}",
}


def item(followed: ItemLink, link: Link = str) -> str:
    """One item (or attachment) with its citation and absolute link, as the web page gives them;
    for a link to an earlier version, what the correction made of it first."""
    issue, anchor = followed.issue, followed.shown_anchor
    _, node = issue.find(anchor)
    body = "\n".join(_item_lines(node, 0)) if isinstance(node, Item) else _attachment(node)
    head = f"{issue.citation(anchor)}\n{link(issue.item_url(anchor))}"
    if followed.fate:
        notice = _NOTICES[followed.fate].format(
            current=followed.shown.current.version,
            now=anchor,
            version=followed.version,
            anchor=followed.anchor,
            original=link(followed.as_published),
            current_url=link(followed.shown.current.url),
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
            shown = "  ".join(
                f"{_facet_value(name, value)}({count})" for value, count in pairs[:FACETS_SHOWN]
            )
            more = f"  等 {len(pairs)} 项" if len(pairs) > FACETS_SHOWN else ""
            out.append(f"{FACET_NAMES.get(name, name)}：{shown}{more}")
    return "\n".join(out)


def _facet_value(facet: str, value: str) -> str:
    if facet == "kind":
        return KIND_NAMES.get(value, value)
    if facet == "year":
        return f"{value}年"
    return value


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
