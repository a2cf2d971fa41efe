"""The `bulletins` command: the outer shell that wires archive, indexer and web together.

Each command reads its options, calls the archive (`service.archive.Archive`,
opened for the data dir and closed when the command ends), and prints the
result as text (`render`) or, with --json, as the JSON the API gives.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import click

from archive.departments import did_you_mean, gazetteer
from archive.figures import SERIES_BY_KEY
from archive.ingest import Outcome, collect
from archive.model import parse_ref
from archive.schema import SchemaError
from indexer.query import QueryError
from indexer.search import MAX_PAGE, SearchRequest
from service.archive import Archive
from service.config import BASE_URL_ENV, DATA_ENV, DEFAULT_DATA_DIR, Config
from service.export import EXPORT_LIMIT, hits_csv
from service.feed import atom_feed
from service.report import GROUPINGS, report_docx
from web.feeds import search_feed_of
from web.figures import all_figures_csv, figures_csv, series_data, series_json
from web.related import item_with_related
from web.reports import ItemNotFound, build_report

from . import render
from .options import department_names, filter_options, output_options, search_options

PROGRESS_THRESHOLD = 5  # files; fewer are ingested without a progress bar


class Commands(click.Group):
    """The command group; an archive this version cannot open is a clear error, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SchemaError as error:
            raise click.ClickException(str(error)) from None


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=DATA_ENV,
    default=DEFAULT_DATA_DIR,
    show_default=True,
    help=f"Folder of the archive (SQLite store and search index); also ${DATA_ENV}.",
)
@click.option(
    "--base-url",
    envvar=BASE_URL_ENV,
    help="Address staff reach the archive at, for the absolute links of feeds, reports and "
    f"exports (e.g. https://bulletins.example.gov.cn); also ${BASE_URL_ENV}.",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path, base_url: str | None) -> None:
    """Searchable archive of the bulletins of the Sichuan government service centre.

    四川省政务服务中心《窗口工作周报》《政务窗口月报》检索归档工具。
    """
    archive = Archive(Config.load(data_dir, base_url=base_url))
    ctx.call_on_close(archive.close)
    ctx.obj = archive


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_options()
@click.pass_obj
def ingest(archive: Archive, paths: tuple[Path, ...], output: str) -> None:
    """Read bulletins (.pdf/.txt files or folders of them) into the archive.

    Unchanged files are skipped; a changed file replaces its issue; a file that
    fails is reported by name and the others are still stored (exit status 1).
    """
    files = collect(paths)
    if not files:
        raise click.ClickException("no .pdf or .txt files found in the given paths")
    shown = output == "text" and len(files) >= PROGRESS_THRESHOLD
    with progress(len(files), shown) as tick:
        report = archive.ingest(files, progress=tick)
    if output == "json":
        echo_json(report.to_json())
    else:
        for outcome in report.outcomes:
            click.echo(render.outcome(outcome), err=outcome.status == "failed")
        click.echo(render.ingest_summary(report))
    if not report.ok:
        sys.exit(1)


@contextmanager
def progress(files: int, shown: bool) -> Iterator[Callable[[Outcome], None]]:
    """A progress bar on stderr, moved on by each outcome (a callback that does nothing if not shown)."""
    if not shown:
        yield lambda _outcome: None
        return
    with click.progressbar(
        length=files,
        label="ingesting",
        file=sys.stderr,
        item_show_func=lambda o: Path(o.path).name if o else None,
    ) as bar:
        yield lambda outcome: bar.update(1, outcome)


@main.command()
@click.option(
    "--repair", is_flag=True, help="Fix what is found (from the store, never touching it)."
)
@output_options()
@click.pass_obj
def check(archive: Archive, repair: bool, output: str) -> None:
    """Verify that the search index holds every stored item once, in its stored version.

    Reports each disagreement with the command that fixes it; exit status 1 if
    any remains (after --repair, if given).
    """
    result = archive.check(repair=repair)
    if output == "json":
        echo_json(result.to_json())
    else:
        click.echo(render.checked(result))
    if not result.report.ok:
        sys.exit(1)


@main.command()
@output_options()
@click.pass_obj
def imports(archive: Archive, output: str) -> None:
    """List the files the archive was built from, and those it could not store (with why)."""
    record = archive.reports.imports()
    if output == "json":
        echo_json(record.to_json())
    else:
        click.echo(render.imports(record))


@main.command("issues")
@output_options()
@click.pass_obj
def list_issues(archive: Archive, output: str) -> None:
    """List the issues in the archive, newest first."""
    summaries = archive.reports.summaries()
    if output == "json":
        echo_json([s.to_json() for s in summaries])
    else:
        click.echo(render.issue_list(summaries))


@main.command()
@click.argument("ref", metavar="ISSUE_ID[/vN][/ANCHOR]")
@output_options()
@click.pass_obj
def show(archive: Archive, ref: str, output: str) -> None:
    """Show one issue (weekly-2024-09-09) or one item of it (weekly-2024-09-09/s2-3).

    An item is shown with its citation and permalink, as the web page gives them.
    A corrected issue has versions: weekly-2024-09-09/v1 is the first as it was
    published, weekly-2024-09-09/v2/s2-3 an item of the second; an item without
    a version is one of the first, shown as the correction left it.
    """
    parsed = parse_ref(ref)
    if parsed is None:
        raise click.BadParameter(
            f"'{ref}' is no issue or item: weekly-2024-09-09, weekly-2024-09-09/s2-3, "
            "weekly-2024-09-09/v2/s2-3",
            param_hint="ISSUE_ID",
        )
    issue_id, version, anchor = parsed
    store = archive.store
    known = store.versions(issue_id)
    if not known:
        raise click.ClickException(
            f"no issue '{issue_id}' in the archive; `bulletins issues` lists them"
        )
    if anchor is None:
        view = store.issue_view(issue_id, version)
        if view is None:
            raise click.ClickException(f"{issue_id} has versions 1 to {known[-1].version} only")
        if output == "json":
            echo_json(view.to_json())
        else:
            click.echo(render.issue(view))
        return
    followed = store.follow(issue_id, version, anchor)
    if followed is None:
        named = f" version {version}" if version else ""
        raise click.ClickException(f"{known[-1].title}{named} has no item '{anchor}'")
    if output == "json":
        indexed(archive)  # its related items come from the index
        echo_json(item_with_related(archive.index, followed))
    else:
        click.echo(render.item(followed))


@main.command("search")
@click.argument("query", required=False, default="")
@search_options
@output_options(csv="Print every hit (not one page) as CSV, as the web export does.")
@click.pass_obj
def search_command(archive: Archive, query: str, params: dict, output: str) -> None:
    """Search the items: words (AND), OR, -word / NOT, "exact phrase", with filters.

    With filters, QUERY may be empty: everything matching is listed, newest first.
    """
    try:
        request = SearchRequest.from_params({"q": query, **params})
        if not request.has_criteria:
            raise QueryError("请给出查询词或筛选条件（--dept、--section、--kind、--from、--to）")
        if output == "csv":
            request = replace(request, page=1, limit=EXPORT_LIMIT)
        built = archive.ensure_index()
        if built is not None:
            click.echo(
                f"the search index was missing or from another version: built it "
                f"({len(built.added)} issues)",
                err=True,
            )
        result = archive.search(request, facets=output != "csv")
    except QueryError as error:
        raise click.UsageError(str(error)) from None
    if output == "csv":
        click.echo(hits_csv(result.hits, lambda hit: hit.url), nl=False)
    elif output == "json":
        echo_json(result.to_json())
    else:
        click.echo(render.result(result))


@main.command()
@click.pass_obj
def reindex(archive: Archive) -> None:
    """Rebuild the search index from the archive (swapped in atomically)."""
    click.echo(f"index rebuilt: {archive.reindex()} documents")


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
    archive: Archive, host: str | None, port: int | None, corpus: Path, threads: int, workers: int
) -> None:
    """Serve the web UI and JSON API (building the archive from --corpus on first run)."""
    from web import create_app

    from .server import ListenError, run

    config = archive.config
    config = replace(config, host=host or config.host, port=port or config.port)
    if archive.is_empty() and corpus.is_dir():
        click.echo(f"first run: ingesting {corpus} into {config.data_dir}", err=True)
    for outcome in archive.bootstrap(corpus).outcomes:
        if outcome.status == "failed":
            click.echo(f"  failed: {outcome.message}", err=True)
    archive.close()  # the app opens its own, in each server process
    app = create_app(config)
    click.echo(f"serving on http://{config.host}:{config.port}/  (Ctrl+C to stop)", err=True)
    try:
        run(app, config.host, config.port, threads=threads, workers=workers)
    except ListenError as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.argument("name", required=False, shell_complete=department_names)
@click.option(
    "--page",
    default=1,
    show_default=True,
    type=click.IntRange(1, MAX_PAGE),
    help="Page of the department's items (50 a page).",
)
@output_options()
@click.pass_obj
def departments(archive: Archive, name: str | None, page: int, output: str) -> None:
    """List departments with their item counts, or show one (any of its names).

    For one department: its items newest first, mentions per month, and its rows
    in the 窗口考核结果 attachments.
    """
    if name is None:
        listing = archive.reports.departments()
        if output == "json":
            echo_json([entry.to_json() for entry in listing])
        else:
            click.echo(render.departments(listing))
        return
    department = gazetteer().resolve(name)
    if department is None:
        hint = did_you_mean(gazetteer().suggest(name))
        raise click.ClickException(
            f"unknown department '{name}'; "
            + (f"{hint} " if hint else "")
            + "`bulletins departments` lists them"
        )
    report = archive.reports.department_report(department, page)
    if output == "json":
        echo_json(report.to_json())
    else:
        click.echo(render.department(report))


def base_url(config: Config) -> str:
    """Where links in feeds and reports point: --base-url, else where `serve` listens by default."""
    return config.base_url or f"http://{config.host}:{config.port}"


def permalink(config: Config) -> Callable[[str], str]:
    """An item's permalink (its path) as an absolute link on the base URL."""
    return lambda path: base_url(config) + path


def indexed(archive: Archive) -> None:
    """Build the index first if it is missing (a report or a feed of a search reads it)."""
    built = archive.ensure_index()
    if built is not None:
        click.echo(f"the search index was missing: built it ({len(built.added)} issues)", err=True)


@main.command()
@click.argument("series", required=False)
@click.option("--dept", help="For an assessment series: one department (any of its names).")
@output_options(csv="Print the points as CSV, as the web export does.")
@click.pass_obj
def figures(archive: Archive, series: str | None, dept: str | None, output: str) -> None:
    """The figures the bulletins report (数据): the series, or the points of one.

    Without SERIES: every series with its span and latest value. With it: its
    points oldest first, each with the item it was read from; values that
    contradict their neighbours are marked.
    """
    store, link = archive.store, permalink(archive.config)
    if series is None:
        summaries = store.figures.series()
        if output == "csv":
            click.echo(all_figures_csv(store, link), nl=False)
        elif output == "json":
            echo_json({"series": [s.to_json() for s in summaries]})
        else:
            for s in summaries:
                latest = (
                    f"{s.latest.figure.printed}（{s.latest.figure.period_end}）"
                    if s.latest
                    else f"{s.departments} 个部门"
                )
                click.echo(
                    f"{s.series.key:<28} {s.series.name}（{s.series.unit}）  {s.issues} 期  最新 {latest}"
                )
        return
    if series not in SERIES_BY_KEY:
        raise click.ClickException(f"unknown series '{series}'; `bulletins figures` lists them")
    department = None
    if dept:
        found = gazetteer().resolve(dept)
        department = found.short_name if found else dept
    data = series_data(store, series, department)
    if output == "csv":
        click.echo(figures_csv(data["points"] or data["latest"], data["flags"], link), nl=False)
    elif output == "json":
        echo_json(series_json(data))
    else:
        for p in data["points"] or data["latest"]:
            f = p.figure
            flag = data["flags"].get(f.key)
            start = f.period_start.isoformat() if f.period_start else "…"
            who = f"{f.department}  " if f.department else ""
            click.echo(
                f"{start}..{f.period_end}  {who}{f.value:g} {f.unit}（{f.printed}）  "
                f"{p.issue_title} [{f.item_id}]" + (f"  ！{flag}" if flag else "")
            )


@main.command()
@click.argument("query", required=False, default="")
@filter_options
@click.option(
    "--item",
    "items",
    multiple=True,
    metavar="ISSUE_ID/ANCHOR",
    help="An item to report (repeat it, in order), instead of a search.",
)
@click.option(
    "--group",
    type=click.Choice(GROUPINGS),
    default="issue",
    show_default=True,
    help="Group the items by issue or by department.",
)
@click.option("--title", default="", help="The report's title.")
@click.option(
    "--docx",
    "docx_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this .docx file.",
)
@output_options()
@click.pass_obj
def report(
    archive: Archive, query: str, params: dict, items, group, title, docx_path, output
) -> None:
    """A report of chosen items (--item …) or of a whole search, as Word (--docx FILE) or JSON.

    The document the web's 下载 Word gives: each item with its text, its
    citation and its link (on --base-url).
    """
    request = None
    try:
        if not items:
            request = SearchRequest.from_params({"q": query, **params})
            if not request.has_criteria:
                raise QueryError("请给出 --item，或查询词与筛选条件（--dept、--from、--to 等）")
            indexed(archive)
        built = build_report(
            archive.store,
            archive.index,
            list(items),
            request,
            group,
            title,
            permalink(archive.config),
        )
    except (QueryError, ValueError) as error:
        raise click.UsageError(str(error)) from None
    except ItemNotFound as error:
        raise click.ClickException(f"no item {error} in the archive") from None
    if docx_path:
        docx_path.write_bytes(report_docx(built))
        click.echo(f"{docx_path}: {len(built.items)} items")
    elif output == "json":
        echo_json(built.to_json())
    else:
        raise click.UsageError("give --docx FILE (or --json)")


@main.command()
@click.argument("query", required=False, default="")
@filter_options
@click.pass_obj
def feed(archive: Archive, query: str, params: dict) -> None:
    """The Atom feed of a search (订阅), as /search.atom gives it, with links on --base-url."""
    try:
        request = SearchRequest.from_params({"q": query, **params})
    except QueryError as error:
        raise click.UsageError(str(error)) from None
    indexed(archive)
    shown = urlencode(request.params(page=None, limit=None, sort=None))
    suffix = f"?{shown}" if shown else ""
    root = base_url(archive.config)
    data = search_feed_of(
        archive.store,
        archive.index,
        request,
        self_link=f"{root}/search.atom{suffix}",
        page_link=f"{root}/search{suffix}",
        link=permalink(archive.config),
    )
    sys.stdout.buffer.write(atom_feed(data))
