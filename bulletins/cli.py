"""The `bulletins` command: the outer shell that wires archive, indexer and web together.

Each command reads its options, calls the archive (`service.archive.Archive`,
opened for the data dir and closed when the command ends), and prints the
result as text in Chinese (`render`) or, with --json, as the JSON the API
gives (its stable English codes kept), or with --csv as the web's .csv twins.

What only some commands use (Flask and the web's twins, python-docx, feeds,
the figures' series) is imported inside those commands: `bulletins ingest`
starts in a fraction of the time without them (tests/test_cli.py keeps it so).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import click

from archive.departments import did_you_mean, gazetteer
from archive.lookup import IssueRef, parse_reference
from archive.model import parse_ref
from archive.records import Outcome
from archive.schema import SchemaError
from archive.store import StoreError, describe
from indexer.index import EmptyStore
from indexer.query import QueryError
from indexer.search import MAX_PAGE, YEARS, SearchRequest, UnknownDepartment
from indexer.writelock import IndexBusy
from service.archive import Archive, SyncFailed
from service.config import BASE_URL_ENV, DATA_ENV, DEFAULT_DATA_DIR, Config, ConfigError
from service.export import (
    EXPORT_LIMIT,
    departments_csv,
    imports_csv,
    issues_csv,
    items_csv,
)
from service.intent import as_department_filter, issue_reference
from service.report import GROUPINGS

from . import render
from .options import KIND_OPTION, department_names, filter_options, output_options, search_options
from .zh import Group, Whole

PROGRESS_THRESHOLD = 5  # files; fewer are ingested without a progress bar


class Commands(Group):
    """The command group: an archive this version cannot open, a damaged or read-only store, an
    index another process keeps locked are each a sentence saying what to do, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (SchemaError, StoreError, SyncFailed, IndexBusy, EmptyStore) as error:
            raise click.ClickException(error.chinese) from None
        except sqlite3.DatabaseError as error:
            archive = ctx.obj if isinstance(ctx.obj, Archive) else None
            path = archive.config.db_path if archive else Path("archive.db")
            raise click.ClickException(describe(error, path).chinese) from None


def said_waiting(config: Config) -> Callable[[str], None]:
    """What a command says on stderr when it must wait for another process writing the index."""

    def say(holder: str) -> None:
        click.echo(render.waiting(holder, config.lock_timeout), err=True)

    return say


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    metavar="文件夹",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=DATA_ENV,
    default=DEFAULT_DATA_DIR,
    help=f"档案所在的文件夹（SQLite 档案、检索索引和原文件），默认 ./{DEFAULT_DATA_DIR}；"
    f"也可用环境变量 ${DATA_ENV}。",
)
@click.option(
    "--base-url",
    metavar="地址",
    envvar=BASE_URL_ENV,
    help="大家访问本系统的地址（如 https://bulletins.example.gov.cn）：复制的链接和引用、"
    f"CSV、订阅和命令输出中的链接都用它；也可用环境变量 ${BASE_URL_ENV}。",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path, base_url: str | None) -> None:
    """四川省政务服务中心《窗口工作周报》《政务窗口月报》检索归档工具。

    Searchable archive of the bulletins of the Sichuan government service centre.
    """
    try:
        config = Config.load(data_dir, base_url=base_url)
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    archive = Archive(config, waiting=said_waiting(config))
    ctx.call_on_close(archive.close)
    ctx.obj = archive


def link_of(archive: Archive) -> Callable[[str], str]:
    """A path of the web app -> its absolute link (on --base-url, else where `serve` listens)."""
    return archive.config.absolute


def note_loopback(archive: Archive) -> None:
    """Links on this computer's address reach no colleague: say so, once, on stderr."""
    if archive.config.base_url is None:
        click.echo(render.LOOPBACK_NOTE.format(root=archive.config.absolute("")), err=True)


@main.command()
@click.argument("paths", metavar="路径...", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_options()
@click.pass_obj
def ingest(archive: Archive, paths: tuple[Path, ...], output: str) -> None:
    """把各期文件（.pdf/.txt，或装有它们的文件夹）导入档案。

    未改动的文件跳过；改动过的文件替换它那一期；出错的文件逐个列出，其余照常保存
    （此时退出状态为 1）。
    """
    from archive.ingest import collect  # the file readers (pdfminer): only an ingest needs them

    files = collect(paths)
    if not files:
        raise click.ClickException("所给路径中没有 .pdf 或 .txt 文件")
    shown = output == "text" and len(files) >= PROGRESS_THRESHOLD
    with progress(len(files), shown) as tick:
        report = archive.ingest(paths, progress=tick)
    if output == "json":
        echo_json(report.to_json())
    else:
        for outcome in report.outcomes:
            click.echo(render.outcome(outcome), err=outcome.status == "failed")
        click.echo(render.ingest_summary(report))
        click.echo(render.archive_totals(archive.reports.totals(), archive.config.data_dir))
    if report.index_error:
        click.echo(f"错误：{report.index_error.chinese}", err=True)
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
        label="正在导入",
        file=sys.stderr,
        item_show_func=lambda o: Path(o.path).name if o else None,
    ) as bar:
        yield lambda outcome: bar.update(1, outcome)


@main.command()
@click.option("--repair", is_flag=True, help="修复发现的问题（依据档案重建索引，不改动档案）。")
@output_options()
@click.pass_obj
def check(archive: Archive, repair: bool, output: str) -> None:
    """检查检索索引是否与档案一致：每条存档条目都在索引中、只有一次、是存档的版本。

    列出每处不一致及修复的命令；若仍有问题（--repair 之后），退出状态为 1。
    """
    result = archive.check(repair=repair)
    if output == "json":
        echo_json(result.to_json())
    else:
        click.echo(render.checked(result))
    if not result.report.ok:
        sys.exit(1)


@main.command()
@output_options(csv="输出 CSV（与网页 /imports.csv 相同）。")
@click.pass_obj
def imports(archive: Archive, output: str) -> None:
    """列出档案来自哪些文件，以及未能导入的文件和原因。"""
    record = archive.reports.imports()
    if output == "json":
        echo_json(record.to_json())
    elif output == "csv":
        click.echo(imports_csv(record, link_of(archive)), nl=False)
    else:
        click.echo(render.imports(record))


@main.command("issues")
@click.argument("reference", metavar="[期号]", required=False)
@click.option("--year", metavar="年份", type=Whole(*YEARS), help="只列这一年的各期（期号上的年份）。")
@KIND_OPTION
@output_options(csv="输出 CSV（与网页 /issues.csv 相同）。")
@click.pass_obj
def list_issues(
    archive: Archive, reference: str | None, year: int | None, kind: str | None, output: str
) -> None:
    """列出档案中的各期，最新在前；可按期号（如 第1期、2024年周报）、年份和类型筛选。"""
    ref = issue_filter(reference, year, kind)
    summaries = archive.reports.summaries(ref=ref)
    if output == "json":
        echo_json([s.to_json() for s in summaries])
    elif output == "csv":
        click.echo(issues_csv(summaries, link_of(archive)), nl=False)
    else:
        click.echo(render.issue_list(summaries, filtered=ref is not None))


def issue_filter(reference: str | None, year: int | None, kind: str | None) -> IssueRef | None:
    """The issues an `issues REFERENCE --year --kind` means, as the web's /issues/?q=&year=&kind=."""
    ref = IssueRef()
    if reference:
        ref = parse_reference(reference)
        if ref is None:
            raise click.UsageError(
                f"“{reference[:40]}”不是期号：可写 2024年第37期、第508期 或 2025年6月月报"
            )
    if kind and ref.kind and kind != ref.kind:
        return IssueRef(issue_id="-")  # nothing is both
    ref = replace(ref, kind=kind or ref.kind, year=year if year is not None else ref.year)
    return ref if ref != IssueRef() else None


@main.command()
@click.argument("name", metavar="编号或期号")
@output_options()
@click.pass_obj
def show(archive: Archive, name: str, output: str) -> None:
    """显示一期或其中的一条，条目附引用和链接，与网页所给相同。

    一期可写编号 weekly-2024-09-09，或期号 2024年第37期、第508期、2025年6月月报；一条写
    weekly-2024-09-09/s2-3。更正过的一期有多个版本：weekly-2024-09-09/v1 是第一版原样，
    weekly-2024-09-09/v2/s2-3 是第二版的一条；不写版本的条目指第一版的那一条，按更正后的样子显示。
    """
    store = archive.store
    issue_id, version, anchor = resolve(archive, name)
    known = store.versions(issue_id)
    if anchor is None:
        view = store.issue_view(issue_id, version)
        if view is None:
            raise click.ClickException(f"{issue_id} 只有第1至第{known[-1].version}版")
        if output == "json":
            echo_json(view.to_json())
        else:
            click.echo(render.issue(view, link_of(archive)))
            note_loopback(archive)
        return
    followed = store.follow(issue_id, version, anchor)
    if followed is None:
        named = f"第{version}版" if version else ""
        raise click.ClickException(f"{known[-1].title}{named}中没有编号为“{anchor}”的条目")
    if output == "json":
        from web.related import item_with_related

        indexed(archive)  # its related items come from the index
        echo_json(item_with_related(archive.index, followed))
    else:
        click.echo(render.item(followed, link_of(archive)))
        note_loopback(archive)


def resolve(archive: Archive, name: str) -> tuple[str, int | None, str | None]:
    """(issue_id, version, anchor) of an issue, a version or an item as the user names it (an
    id, or an issue's number: 2024年第37期); a clear error for a name of nothing stored."""
    store = archive.store
    parsed = parse_ref(name)
    if parsed is None or (parsed[1:] == (None, None) and not store.versions(parsed[0])):
        found = issue_by_reference(archive, name)
        parsed = (found, None, None) if found else parsed
    if parsed is None:
        raise click.BadParameter(
            f"“{name}”不是一期或一条的编号：可写 weekly-2024-09-09、weekly-2024-09-09/s2-3、"
            "weekly-2024-09-09/v2/s2-3，或期号 2024年第37期",
            param_hint="编号或期号",
        )
    if not store.versions(parsed[0]):
        raise click.ClickException(f"档案中没有“{parsed[0]}”这一期；`bulletins issues` 列出各期")
    return parsed


@main.command()
@click.argument("name", metavar="编号或期号")
@click.option(
    "-o",
    "--output",
    "target",
    metavar="文件",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="写到这个文件（默认以原文件名写在当前文件夹，不覆盖已有文件）；写 - 则输出到标准输出。",
)
@click.pass_obj
def original(archive: Archive, name: str, target: Path | None) -> None:
    """取出一期收录时的原文件，原样写出（网页上的“下载”）。

    weekly-2024-09-09（或期号 2024年第37期）是现行版本的文件；更正过的一期，
    weekly-2024-09-09/v1 是第一版的文件。
    """
    issue_id, version, anchor = resolve(archive, name)
    if anchor is not None:
        raise click.BadParameter(
            f"原文件属于一期，不属于一条：写 {issue_id}" + (f"/v{version}" if version else ""),
            param_hint="编号或期号",
        )
    view = archive.store.issue_view(issue_id, version)
    if view is None:
        last = archive.store.versions(issue_id)[-1].version
        raise click.ClickException(f"{issue_id} 只有第1至第{last}版")
    source = view.issue.source
    data = archive.store.originals.read(source.sha256) if source else None
    if data is None:
        raise click.ClickException(f"{view.issue.title}的原文件没有保存在档案中：重新导入该文件即可。")
    if str(target) == "-":
        sys.stdout.buffer.write(data)  # the bytes as they are (a PDF, a GBK text)
        return
    path = target or Path(source.name)
    if target is None and path.exists():
        raise click.ClickException(f"{path} 已存在：用 -o 指定要写的文件")
    path.write_bytes(data)
    click.echo(f"已写出 {path}（{len(data)} 字节，第{view.issue.version}版：{source.name}）")


def issue_by_reference(archive: Archive, name: str) -> str | None:
    """The id of the issue a reference names (2024年第37期); several are listed and are an error."""
    ref = parse_reference(name)
    if ref is None:
        return None
    found = archive.reports.find_issues(ref)
    if len(found) > 1:
        raise click.ClickException(
            f"“{name}”有 {len(found)} 期，请用编号指明：\n" + render.issue_list(found)
        )
    return found[0].issue_id if found else None


@main.command("search")
@click.argument("query", metavar="[检索词]", required=False, default="")
@search_options
@output_options(csv="把全部结果（不止一页）输出为 CSV，与网页导出相同。")
@click.pass_obj
def search_command(archive: Archive, query: str, params: dict, output: str) -> None:
    """检索条目：多个词同时出现（空格分隔）、A OR B、-词 或 NOT 词 排除、"完整短语"，可加筛选。

    有筛选条件时检索词可以省略：列出全部符合的条目，最新在前。只写一个部门名称（如 住建厅）
    即按部门筛选；要按文字检索部门名称，请加引号（'"住建厅"'）。写的是期号（如 2024年第37期）
    时，另说明是哪一期、怎样打开（bulletins show）。
    """
    try:
        request = SearchRequest.from_params({"q": query, **params})
        if not request.has_criteria:
            raise QueryError("请给出检索词或筛选条件（--dept、--section、--kind、--from、--to）")
        filtered = as_department_filter(request)
        if filtered is not None:
            click.echo(render.department_query(query, filtered.department_name), err=True)
            request = replace(filtered, page=request.page)
        named = issue_reference(query)
        found = archive.reports.find_issues(named) if named is not None else []
        if found:
            click.echo(render.issue_query(query, found), err=True)
        built = archive.ensure_index()
        if built is not None:
            click.echo(render.index_built(len(built.added)), err=True)
        result = archive.export(request) if output == "csv" else archive.search(request)
    except QueryError as error:
        raise click.UsageError(str(error)) from None
    if output == "csv":
        click.echo(items_csv(result.hits, link_of(archive)), nl=False)
    elif output == "json":
        echo_json(result.to_json())
    else:
        click.echo(render.result(result))


@main.command()
@click.pass_obj
def reindex(archive: Archive) -> None:
    """依据档案重建检索索引（建好后一次换上）。"""
    click.echo(render.reindexed(archive.reindex()))


@main.command()
@click.option("--host", metavar="地址", default=None, help="监听的地址（默认 127.0.0.1；内网访问用 0.0.0.0）。")
@click.option("--port", default=None, type=Whole(1, 65535), help="监听的端口（默认 8080）。")
@click.option(
    "--corpus",
    metavar="文件夹",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("corpus"),
    help="首次运行（档案为空）时导入的文件夹，默认 corpus。",
)
@click.option(
    "--threads",
    default=8,
    type=Whole(1, 256),
    help="每个服务进程最多同时处理的请求数（默认 8）：请求依次处理，正在处理的请求耗时较长时，下一个才同时开始。",
)
@click.option(
    "--workers",
    default=1,
    type=Whole(1, 64),
    help="共用端口的服务进程数（默认 1）：2 核的服务器上用 2 可使吞吐量翻倍（内存也翻倍）。",
)
@click.pass_obj
def serve(
    archive: Archive, host: str | None, port: int | None, corpus: Path, threads: int, workers: int
) -> None:
    """提供网页界面和 JSON 接口（首次运行时先从 --corpus 建立档案）。"""
    from web import create_app

    from .server import ListenError, run

    config = archive.config
    config = replace(config, host=host or config.host, port=port or config.port)
    first_run = False
    try:
        first_run = archive.is_empty() and corpus.is_dir() and not archive.store.readonly
        if first_run:
            click.echo(render.first_run(corpus, config.data_dir), err=True)
        report = archive.bootstrap(corpus)
    except (StoreError, sqlite3.DatabaseError) as error:
        problem = error if isinstance(error, StoreError) else describe(error, config.db_path)
        click.echo(render.serving_without_store(problem.chinese), err=True)
    else:
        for outcome in report.outcomes:
            if outcome.status == "failed":
                click.echo(f"  失败：{outcome.message_zh}", err=True)
        if report.index_error:
            click.echo(f"警告：仍用上次完好的索引服务：{report.index_error.chinese}", err=True)
        if first_run:
            click.echo(render.archive_totals(archive.reports.totals(), config.data_dir), err=True)
    archive.close()  # the app opens its own, in each server process
    app = create_app(config)
    click.echo(render.serving(config), err=True)
    try:
        run(app, config.host, config.port, threads=threads, workers=workers)
    except ListenError as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.argument("name", metavar="[部门]", required=False, shell_complete=department_names)
@click.option(
    "--page",
    default=1,
    type=Whole(1, MAX_PAGE),
    help="某部门条目的第几页（每页 50 条，默认 1）。",
)
@output_options(csv="输出 CSV：部门列表，或某部门的全部条目（与网页 .csv 相同）。")
@click.pass_obj
def departments(archive: Archive, name: str | None, page: int, output: str) -> None:
    """列出各部门及提及它们的条目数，或显示一个部门（任一名称）。

    一个部门：提及它的条目（最新在前）、每月提及数，以及它在窗口考核结果中的各行。
    """
    if name is None:
        listing = archive.reports.departments()
        if output == "json":
            echo_json([entry.to_json() for entry in listing])
        elif output == "csv":
            click.echo(departments_csv(listing, link_of(archive)), nl=False)
        else:
            click.echo(render.departments(listing))
        return
    department = gazetteer().resolve(name)
    if department is None:
        hint = did_you_mean(gazetteer().suggest(name))
        raise click.ClickException(
            f"未知部门：{name}" + (f"。{hint}" if hint else "") + "（`bulletins departments` 列出各部门）"
        )
    if output == "csv":
        items = archive.reports.department_report(department, 1, EXPORT_LIMIT).items
        click.echo(items_csv(items, link_of(archive)), nl=False)
        return
    report = archive.reports.department_report(department, page)
    if output == "json":
        echo_json(report.to_json())
    else:
        click.echo(render.department(report))


def indexed(archive: Archive) -> None:
    """Build the index first if it is missing (a report or a feed of a search reads it)."""
    built = archive.ensure_index()
    if built is not None:
        click.echo(render.index_built(len(built.added)), err=True)


@main.command()
@click.argument("series", metavar="[数列]", required=False)
@click.option("--dept", metavar="部门", help="考核类数列：只看一个部门（任一名称）。")
@output_options(csv="把各点输出为 CSV，与网页导出相同。")
@click.pass_obj
def figures(archive: Archive, series: str | None, dept: str | None, output: str) -> None:
    """各期报告的数字（数据）：列出各数列，或一个数列的各点。

    不给数列：每个数列及其起止和最新值。给出数列：各点由旧到新，各附所出自的条目；与前后
    明显不符的值会标出。
    """
    from archive.figures import SERIES_BY_KEY
    from web.figures import all_figures_csv, figures_csv, series_data, series_json

    store, link = archive.store, link_of(archive)
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
        raise click.ClickException(f"没有数列“{series}”；`bulletins figures` 列出各数列")
    department = None
    if dept:
        found = gazetteer().resolve(dept)
        if found is None:
            raise click.UsageError(str(UnknownDepartment(dept)))
        department = found.short_name
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
@click.argument("query", metavar="[检索词]", required=False, default="")
@filter_options
@click.option(
    "--item",
    "items",
    multiple=True,
    metavar="编号/条目",
    help="要放进报告的条目（可重复，按给出的顺序），而不是一次检索的结果。",
)
@click.option(
    "--group",
    type=click.Choice(GROUPINGS),
    default="issue",
    help="按期（issue，默认）或按部门（department）分组。",
)
@click.option("--title", metavar="标题", default="", help="报告的标题。")
@click.option(
    "--docx",
    "docx_path",
    metavar="文件",
    type=click.Path(dir_okay=False, path_type=Path),
    help="把报告写入这个 .docx 文件。",
)
@output_options()
@click.pass_obj
def report(
    archive: Archive, query: str, params: dict, items, group, title, docx_path, output
) -> None:
    """把选定的条目（--item …）或一次检索的全部结果做成报告：Word（--docx 文件）或 JSON。

    与网页的“下载 Word”相同：每条附其文字、引用和链接（用 --base-url）。
    """
    from service.word import report_docx
    from web.reports import ItemNotFound, build_report

    request = None
    try:
        if not items:
            request = SearchRequest.from_params({"q": query, **params})
            if not request.has_criteria:
                raise QueryError("请给出 --item，或检索词与筛选条件（--dept、--from、--to 等）")
            indexed(archive)
        built = build_report(
            archive.store, archive.index, list(items), request, group, title, link_of(archive)
        )
    except (QueryError, ValueError) as error:
        raise click.UsageError(str(error)) from None
    except ItemNotFound as error:
        raise click.ClickException(f"档案中没有条目 {error}") from None
    if docx_path:
        docx_path.write_bytes(report_docx(built))
        click.echo(f"{docx_path}：{len(built.items)} 条")
    elif output == "json":
        echo_json(built.to_json())
    else:
        raise click.UsageError("请给出 --docx 文件（或 --json）")


@main.command()
@click.argument("query", metavar="[检索词]", required=False, default="")
@filter_options
@click.pass_obj
def feed(archive: Archive, query: str, params: dict) -> None:
    """一次检索的 Atom 订阅源（订阅），与 /search.atom 相同，链接用 --base-url。"""
    from service.feed import atom_feed
    from web.feeds import search_feed_of

    try:
        request = SearchRequest.from_params({"q": query, **params})
    except QueryError as error:
        raise click.UsageError(str(error)) from None
    indexed(archive)
    shown = urlencode(request.params(page=None, limit=None, sort=None))
    suffix = f"?{shown}" if shown else ""
    root = archive.config.absolute("")
    data = search_feed_of(
        archive.store,
        archive.index,
        request,
        self_link=f"{root}/search.atom{suffix}",
        page_link=f"{root}/search{suffix}",
        link=link_of(archive),
    )
    sys.stdout.buffer.write(atom_feed(data))
