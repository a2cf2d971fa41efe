"""The `bulletins` command: the outer shell that wires archive, indexer and web together.

Each command reads its options, calls the library, and formats the result as
text or (with --json) as the JSON objects of the brief.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from archive.ingest import STATUSES, collect, ingest_file
from archive.model import Issue, Item
from archive.store import Store

from .config import DATA_ENV, DEFAULT_DATA_DIR, Config

PROGRESS_THRESHOLD = 5


def json_option(command):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(command)


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
    if len(files) >= PROGRESS_THRESHOLD and not as_json:
        with click.progressbar(
            files, label="ingesting", file=sys.stderr, item_show_func=lambda p: p.name if p else None
        ) as bar:
            outcomes = [ingest_file(store, path) for path in bar]
    else:
        outcomes = [ingest_file(store, path) for path in files]
    store.close()
    counts = Counter(o.status for o in outcomes)
    if as_json:
        echo_json({"files": [o.to_json() for o in outcomes], "summary": {s: counts[s] for s in STATUSES}})
    else:
        for o in outcomes:
            line = f"{o.status:<9} {o.issue_id or '-':<20} {o.path}"
            if o.message:
                line += f"\n          {o.message}"
            click.echo(line, err=o.status == "failed")
        summary = ", ".join(f"{counts[s]} {s}" for s in STATUSES)
        click.echo(f"{len(outcomes)} files: {summary}")
    if counts["failed"]:
        sys.exit(1)


@main.command("issues")
@json_option
@click.pass_obj
def list_issues(config: Config, as_json: bool) -> None:
    """List the issues in the archive, newest first."""
    summaries = open_store(config).summaries()
    if as_json:
        echo_json([s.to_json() for s in summaries])
        return
    if not summaries:
        click.echo("The archive is empty: add bulletins with `bulletins ingest PATH`.")
        return
    for s in summaries:
        period = f"{s.period_start}..{s.period_end}" if s.period_start else "-"
        click.echo(f"{s.issue_id:<20} {period:<23} {s.published or '-':<10} {s.items:>3} items  {s.title}")


@main.command()
@click.argument("issue_id")
@json_option
@click.pass_obj
def show(config: Config, issue_id: str, as_json: bool) -> None:
    """Show one issue (e.g. weekly-2024-09-09) in its structure."""
    issue = open_store(config).load(issue_id)
    if issue is None:
        raise click.ClickException(f"no issue '{issue_id}' in the archive; `bulletins issues` lists them")
    if as_json:
        echo_json(issue.to_json())
    else:
        click.echo(render_issue(issue))


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
        out.append(f"附件{attachment.number}：{attachment.title}（{len(attachment.rows)} 行）")
        for row in attachment.rows:
            seq = row.seq if row.seq is not None else ""
            out.append(f"  {seq!s:>3} {row.name:<14} {row.base:g} {row.deduction:g} {row.bonus:g} {row.score:g}")
    if issue.footer:
        out.append("")
        if issue.footer.report_to:
            out.append(f"报：{issue.footer.report_to}")
        if issue.footer.send_to:
            out.append(f"发：{issue.footer.send_to}")
        if issue.footer.copies is not None:
            out.append(f"（共印{issue.footer.copies}份）")
    return "\n".join(out)


def _render_item(item: Item, depth: int) -> list[str]:
    pad = "  " * depth
    span = str(item.date_from) if item.date_from == item.date_to else f"{item.date_from}..{item.date_to}"
    meta = f"[{item.anchor}] {span}"
    if item.departments:
        meta += "  " + "、".join(item.departments)
    lines = [f"{pad}{item.label}{item.text}".replace("\n", "\n" + pad), f"{pad}  {meta}"]
    for child in item.children:
        lines.extend(_render_item(child, depth + 1))
    return lines
