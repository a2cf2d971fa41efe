"""The `bulletins` command: the outer shell that wires archive, indexer and web together.

Each command reads its options, calls the library, and formats the result as
text or (with --json) as the JSON objects of the brief.
"""

from __future__ import annotations

import html
import json
import os
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import click

from archive.departments import gazetteer
from archive.ingest import STATUSES, collect, ingest_files
from archive.model import Attachment, Issue, Item, item_url
from archive.store import Store
from indexer.index import SearchIndex
from indexer.query import QueryError
from indexer.search import MAX_PAGE, SORTS, SearchRequest, SearchResult, search
from service.config import DATA_ENV, DEFAULT_DATA_DIR, Config
from service.export import EXPORT_LIMIT, hits_csv

PROGRESS_THRESHOLD = 5
WORKERS = max(1, min(4, os.cpu_count() or 1))  # processes that parse and segment in parallel


def json_option(command):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(
        command
    )


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=DATA_ENV,
    default=DEFAULT_DATA_DIR,
    show_default=True,
    help=f"Folder of the archive (SQLite store and search index); also ${DATA_ENV}.",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path) -> None:
    """Searchable archive of the bulletins of the Sichuan government service centre.

    四川省政务服务中心《窗口工作周报》《政务窗口月报》检索归档工具。
    """
    ctx.obj = Config.load(data_dir)


def open_store(config: Config) -> Store:
    return Store(config.db_path)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
@click.pass_obj
def ingest(config: Config, paths: tuple[Path, ...], as_json: bool) -> None:
    """Read bulletins (.pdf/.txt files or folders of them) into the archive.

    Unchanged files are skipped; a changed file replaces its issue; a file that
    fails is reported by name and the others are still stored (exit status 1).
    """
    files = collect(paths)
    if not files:
        raise click.ClickException("no .pdf or .txt files found in the given paths")
    store = open_store(config)
    stream = ingest_files(store, files, processes=WORKERS)
    if len(files) >= PROGRESS_THRESHOLD and not as_json:
        with click.progressbar(
            stream,
            length=len(files),
            label="ingesting",
            file=sys.stderr,
            item_show_func=lambda o: Path(o.path).name if o else None,
        ) as bar:
            outcomes = list(bar)
    else:
        outcomes = list(stream)
    index_report = SearchIndex(config.index_dir).sync(store, processes=WORKERS)
    store.close()
    counts = Counter(o.status for o in outcomes)
    if as_json:
        echo_json(
            {
                "files": [o.to_json() for o in outcomes],
                "summary": {s: counts[s] for s in STATUSES},
                "index": {
                    "added": index_report.added,
                    "removed": index_report.removed,
                    "rebuilt": index_report.rebuilt,
                },
            }
        )
    else:
        for o in outcomes:
            line = f"{o.status:<9} {o.issue_id or '-':<20} {o.path}"
            if o.message:
                line += f"\n          {o.message}"
            click.echo(line, err=o.status == "failed")
        summary = ", ".join(f"{counts[s]} {s}" for s in STATUSES)
        click.echo(f"{len(outcomes)} files: {summary}")
    if counts["failed"] or counts["duplicate"]:
        sys.exit(1)


@main.command()
@click.option(
    "--repair", is_flag=True, help="Fix what is found (from the store, never touching it)."
)
@json_option
@click.pass_obj
def check(config: Config, repair: bool, as_json: bool) -> None:
    """Verify that the search index holds every stored item once, in its stored version.

    Reports each disagreement with the command that fixes it; exit status 1 if
    any remains (after --repair, if given).
    """
    from indexer.check import check as run_check
    from indexer.check import repair as run_repair

    store = open_store(config)
    index = SearchIndex(config.index_dir)
    report = run_check(store, index)
    repaired = None
    if repair and not report.ok:
        before = report
        repaired = run_repair(store, index, before, processes=WORKERS)
        report = run_check(store, index)
    store.close()
    if as_json:
        echo_json({**report.to_json(), "repaired": repaired})
    else:
        if repaired:
            click.echo(f"repaired: {repaired}")
        click.echo(
            f"store: {report.issues} issues, {report.items} items; "
            f"index: {'-' if report.documents is None else report.documents} documents"
        )
        for finding in report.findings:
            click.echo(f"problem: {finding.message}\n  fix: {finding.fix}")
        click.echo("ok: the index agrees with the store" if report.ok else "not ok")
    if not report.ok:
        sys.exit(1)


@main.command()
@json_option
@click.pass_obj
def imports(config: Config, as_json: bool) -> None:
    """List the files the archive was built from, and those it could not store (with why)."""
    store = open_store(config)
    problems, sources = store.reports.problems(), store.reports.sources()
    store.close()
    if as_json:
        echo_json(
            {
                "problems": [p.to_json() for p in problems],
                "sources": [s.to_json() for s in sources],
            }
        )
        return
    if problems:
        click.echo(f"{len(problems)} files not stored:")
        for p in problems:
            click.echo(f"  {p.path}\n    {p.problem.english}\n    {p.problem.chinese}")
    click.echo(f"{len(sources)} files stored:")
    for s in sources:
        click.echo(f"  {s.issue_id:<20} {s.ingested_at[:19]}  {s.path}")


@main.command("issues")
@json_option
@click.pass_obj
def list_issues(config: Config, as_json: bool) -> None:
    """List the issues in the archive, newest first."""
    summaries = open_store(config).reports.summaries()
    if as_json:
        echo_json([s.to_json() for s in summaries])
        return
    if not summaries:
        click.echo("The archive is empty: add bulletins with `bulletins ingest PATH`.")
        return
    for s in summaries:
        period = f"{s.period_start}..{s.period_end}" if s.period_start else "-"
        click.echo(
            f"{s.issue_id:<20} {period:<23} {s.published or '-':<10} {s.items:>3} items  {s.title}"
        )


@main.command()
@click.argument("issue_id")
@json_option
@click.pass_obj
def show(config: Config, issue_id: str, as_json: bool) -> None:
    """Show one issue (weekly-2024-09-09) or one item of it (weekly-2024-09-09/s2-3).

    An item is shown with its citation and permalink, as the web page gives them.
    """
    issue_id, _, anchor = issue_id.partition("/")
    issue = open_store(config).load(issue_id)
    if issue is None:
        raise click.ClickException(
            f"no issue '{issue_id}' in the archive; `bulletins issues` lists them"
        )
    if not anchor:
        click.echo(
            json.dumps(issue.to_json(), ensure_ascii=False, indent=2)
            if as_json
            else render_issue(issue)
        )
        return
    found = issue.find(anchor)
    if found is None:
        raise click.ClickException(f"{issue.title} has no item '{anchor}'")
    section, node = found
    if as_json:
        data = node.to_json(issue.issue_id)
        data.update(
            issue_id=issue.issue_id, issue_title=issue.title, citation=issue.citation(anchor)
        )
        echo_json(data)
        return
    click.echo(issue.citation(anchor))
    click.echo(item_url(issue.issue_id, anchor))
    click.echo("")
    if isinstance(node, Item):
        click.echo("\n".join(_render_item(node, 0)))
    else:
        click.echo(render_attachment(node))


def render_issue(issue: Issue) -> str:
    """An issue as readable text: header, sections, items with dates and departments, footer."""
    out = [issue.title]
    if issue.period_start:
        out.append(f"期间 {issue.period_start} — {issue.period_end}")
    if issue.published:
        out.append(f"印发 {issue.published}")
    out.append(f"id {issue.issue_id}   {issue.url}")
    for section in issue.sections:
        out.append("")
        out.append(f"{section.numeral}、{section.title}")
        for item in section.items:
            out.extend(_render_item(item, 1))
    for attachment in issue.attachments:
        out.append("")
        out.append(render_attachment(attachment))
    if issue.footer:
        out.append("")
        if issue.footer.report_to:
            out.append(f"报：{issue.footer.report_to}")
        if issue.footer.send_to:
            out.append(f"发：{issue.footer.send_to}")
        if issue.footer.copies is not None:
            out.append(f"（共印{issue.footer.copies}份）")
    return "\n".join(out)


def render_attachment(attachment: Attachment) -> str:
    lines = [f"附件{attachment.number}：{attachment.title}（{len(attachment.rows)} 行）"]
    for row in attachment.rows:
        seq = row.seq if row.seq is not None else ""
        scores = " ".join(
            f"{v:g}" if v is not None else "-"
            for v in (row.base, row.deduction, row.bonus, row.score)
        )
        lines.append(f"  {seq!s:>3} {row.name:<14} {scores}")
    return "\n".join(lines)


def _render_item(item: Item, depth: int) -> list[str]:
    pad = "  " * depth
    span = (
        str(item.date_from)
        if item.date_from == item.date_to
        else f"{item.date_from}..{item.date_to}"
    )
    meta = f"[{item.anchor}] {span}"
    if item.departments:
        meta += "  " + "、".join(item.departments)
    lines = [f"{pad}{item.label}{item.text}".replace("\n", "\n" + pad), f"{pad}  {meta}"]
    for child in item.children:
        lines.extend(_render_item(child, depth + 1))
    return lines


@main.command("search")
@click.argument("query", required=False, default="")
@click.option("--dept", help="Only items about this department (any of its names, e.g. 住建厅).")
@click.option("--section", help="Only items of this section (e.g. 政务工作动态).")
@click.option(
    "--kind", type=click.Choice(["weekly", "monthly"]), help="Only weeklies or monthlies."
)
@click.option(
    "--from",
    "date_from",
    metavar="YYYY-MM-DD",
    help="Items whose event date span ends on or after this day.",
)
@click.option(
    "--to",
    "date_to",
    metavar="YYYY-MM-DD",
    help="Items whose event date span starts on or before this day.",
)
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="relevance",
    show_default=True,
    help="Order of hits.",
)
@click.option("--limit", default="20", show_default=True, help="Hits per page (1-100).")
@click.option("--page", default="1", show_default=True, help="Page number.")
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="Print every hit (not one page) as CSV, as the web export does.",
)
@json_option
@click.pass_obj
def search_command(
    config: Config,
    query: str,
    dept,
    section,
    kind,
    date_from,
    date_to,
    sort,
    limit,
    page,
    as_csv,
    as_json,
):
    """Search the items: words (AND), OR, -word / NOT, "exact phrase", with filters.

    With filters, QUERY may be empty: everything matching is listed, newest first.
    """
    params = {
        "q": query,
        "dept": dept,
        "section": section,
        "kind": kind,
        "from": date_from,
        "to": date_to,
        "sort": sort,
        "limit": limit,
        "page": page,
    }
    try:
        request = SearchRequest.from_params(params)
        if not request.has_criteria:
            raise QueryError("请给出查询词或筛选条件（--dept、--section、--kind、--from、--to）")
        if as_csv:
            request = replace(request, page=1, limit=EXPORT_LIMIT)
        result = search(open_index(config), request, facets=not as_csv)
    except QueryError as error:
        raise click.UsageError(str(error)) from None
    if as_csv:
        click.echo(hits_csv(result.hits, lambda hit: hit.url), nl=False)
    elif as_json:
        echo_json(result.to_json())
    else:
        click.echo(render_result(result))


@main.command()
@click.pass_obj
def reindex(config: Config) -> None:
    """Rebuild the search index from the archive (swapped in atomically)."""
    store = open_store(config)
    count = SearchIndex(config.index_dir).rebuild(store, processes=WORKERS)
    store.close()
    click.echo(f"index rebuilt: {count} documents")


def open_index(config: Config) -> SearchIndex:
    """The index of the data dir, built or brought up to date first if needed."""
    index = SearchIndex(config.index_dir)
    if not index.is_current():
        store = open_store(config)
        index.sync(store)
        store.close()
    return index


def render_result(result: SearchResult) -> str:
    """Hits as a readable list: issue, section, label, date, departments, snippet."""
    request = result.request
    out = [f"{result.total} 条结果（第 {request.page}/{result.pages} 页）"]
    for n, hit in enumerate(result.hits, (request.page - 1) * request.limit + 1):
        span = (
            str(hit.date_from)
            if hit.date_from == hit.date_to
            else f"{hit.date_from}..{hit.date_to}"
        )
        out.append("")
        out.append(f"{n}. {hit.issue_title} · {hit.section_title} {hit.label}  [{hit.item_id}]")
        meta = span + ("  " + "、".join(hit.departments) if hit.departments else "")
        out.append(f"   {meta}")
        out.append("   " + plain_snippet(hit.snippet))
    for name, pairs in result.facets.items():
        if pairs:
            out.append("")
            out.append(f"{name}: " + "  ".join(f"{value}({count})" for value, count in pairs[:12]))
    return "\n".join(out)


def plain_snippet(snippet: str) -> str:
    """A highlighted snippet for the terminal: matches in 【】, HTML entities undone."""
    text = snippet.replace("<mark>", "【").replace("</mark>", "】")
    return html.unescape(text)


@main.command()
@click.option(
    "--host",
    default=None,
    help="Address to listen on (default 127.0.0.1; 0.0.0.0 for the intranet).",
)
@click.option("--port", default=None, type=int, help="Port to listen on (default 8080).")
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("corpus"),
    show_default=True,
    help="Folder ingested on first run, when the archive is empty.",
)
@click.option("--threads", default=8, show_default=True, help="Threads of each server process.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    help="Server processes sharing the port: 2 on a 2-core server doubles throughput (and memory).",
)
@click.pass_obj
def serve(
    config: Config, host: str | None, port: int | None, corpus: Path, threads: int, workers: int
) -> None:
    """Serve the web UI and JSON API (building the archive from --corpus on first run)."""
    from web import create_app

    from .server import ListenError, run

    config = replace(config, host=host or config.host, port=port or config.port)
    store = open_store(config)
    if not store.issue_ids() and corpus.is_dir():
        click.echo(f"first run: ingesting {corpus} into {config.data_dir}", err=True)
        for outcome in ingest_files(store, collect([corpus]), processes=WORKERS):
            if outcome.status == "failed":
                click.echo(f"  failed: {outcome.message}", err=True)
    SearchIndex(config.index_dir).sync(store, processes=WORKERS)
    store.close()
    app = create_app(config)
    click.echo(f"serving on http://{config.host}:{config.port}/  (Ctrl+C to stop)", err=True)
    try:
        run(app, config.host, config.port, threads=threads, workers=workers)
    except ListenError as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.argument("name", required=False)
@click.option(
    "--page",
    default=1,
    show_default=True,
    type=click.IntRange(1, MAX_PAGE),
    help="Page of the department's items (50 a page).",
)
@json_option
@click.pass_obj
def departments(config: Config, name: str | None, page: int, as_json: bool) -> None:
    """List departments with their item counts, or show one (any of its names).

    For one department: its items newest first, mentions per month, and its rows
    in the 窗口考核结果 attachments.
    """
    store = open_store(config)
    if name is None:
        counts = store.reports.department_counts()
        listing = [(d, counts.get(d.short_name, 0)) for d in gazetteer().departments]
        if as_json:
            echo_json(
                [
                    {**d.to_json(), "url": f"/departments/{d.short_name}", "items": n}
                    for d, n in listing
                ]
            )
        else:
            for d, n in sorted(listing, key=lambda pair: -pair[1]):
                click.echo(f"{n:>5}  {d.short_name}（{d.full_name}）")
        return
    department = gazetteer().resolve(name)
    if department is None:
        raise click.ClickException(
            f"unknown department '{name}'; `bulletins departments` lists them"
        )
    report = store.reports.department_report(department, page)
    if as_json:
        echo_json(report.to_json())
        return
    out = [
        f"{department.short_name}（{department.full_name}）：{report.total} 条条目，第 {page}/{report.pages} 页"
    ]
    if report.months:
        out.append("每月：" + "  ".join(f"{m}:{n}" for m, n in report.months))
    for a in report.assessments:
        out.append(
            f"考核：{a.issue_title} {a.title} 名次 {a.row.seq or '并列'} 实得分 {a.row.score:g}"
        )
    for item in report.items:
        span = (
            item.date_from
            if item.date_from == item.date_to
            else f"{item.date_from}..{item.date_to}"
        )
        out.append(
            f"\n{item.issue_title} · {item.section_title} {item.label}  [{item.issue_id}/{item.anchor}]"
        )
        out.append(f"   {span}  {item.text[:80]}…")
    click.echo("\n".join(out))
