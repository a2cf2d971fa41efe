"""Options that several commands share, as decorators (the way sqlite-utils' `output_options` is).

Why decorators: the name, the help and the values of an option are written
once, so `search` and whatever else lists hits take the same filters, and
every command that prints data takes --json (and --csv) the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import click
from click.shell_completion import CompletionItem

from archive.departments import gazetteer
from indexer.search import MAX_LIMIT, MAX_PAGE

from .zh import KIND, SORT, Whole

OUTPUTS = ("text", "json", "csv")


def output_options(*, csv: str | None = None) -> Callable:
    """--json (and, when `csv` says what it prints, --csv): the command gets `output`, one of
    OUTPUTS ("text" when neither is given). Both at once is a usage error: which to print?"""

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def with_output(*args, as_json: bool, as_csv: bool = False, **kwargs):
            if as_json and as_csv:
                raise click.UsageError("--json 与 --csv 只能选一个")
            output = "json" if as_json else "csv" if as_csv else "text"
            return command(*args, output=output, **kwargs)

        if csv is not None:
            with_output = click.option("--csv", "as_csv", is_flag=True, help=csv)(with_output)
        return click.option(
            "--json", "as_json", is_flag=True, help="输出 JSON（与网页 /api/… 相同），而不是文字。"
        )(with_output)

    return decorate


def department_names(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of a department: its listed names holding what was typed, short names
    first, each with the short name it stands for (the web's <datalist> offers the same)."""
    typed = "".join(incomplete.split())
    return [
        CompletionItem(name, help=short if short != name else None)
        for name, short in gazetteer().completions()
        if typed in name
    ]



KIND_OPTION = click.option("--kind", type=KIND, help="只要周报或月报（也可写 weekly、monthly）。")

SEARCH_OPTIONS = (
    click.option(
        "--dept",
        metavar="部门",
        help="只要提及该部门的条目（任一名称，如 住建厅）。",
        shell_complete=department_names,
    ),
    click.option("--section", metavar="栏目", help="只要该栏目的条目（如 政务工作动态）。"),
    KIND_OPTION,
    click.option(
        "--from",
        "date_from",
        metavar="日期",
        help="只要事件日期在此日或之后的条目（2024-09-01、2024年9月1日，或整月 2024年9月）。",
    ),
    click.option(
        "--to",
        "date_to",
        metavar="日期",
        help="只要事件日期在此日或之前的条目（写法同 --from；整月指该月最后一天）。",
    ),
    click.option(
        "--period-from",
        "period_from",
        metavar="日期",
        help="只要所属期（该期所属的周或月）在此日或之后结束的各期的条目（写法同 --from）。",
    ),
    click.option(
        "--period-to",
        "period_to",
        metavar="日期",
        help="只要所属期在此日或之前开始的各期的条目（写法同 --to）。",
    ),
    click.option(
        "--published-from",
        "published_from",
        metavar="日期",
        help="只要印发日期在此日或之后的各期的条目（写法同 --from）。",
    ),
    click.option(
        "--published-to",
        "published_to",
        metavar="日期",
        help="只要印发日期在此日或之前的各期的条目（写法同 --to）。",
    ),
    click.option(
        "--sort",
        type=SORT,
        default="relevance",
        help="排序：相关度（默认；没有检索词时即最新）、最新或最早在前。",
    ),
    click.option(
        "--limit",
        type=Whole(1, MAX_LIMIT),
        default=20,
        help=f"每页条数，1 到 {MAX_LIMIT} 的整数（默认 20）。",
    ),
    click.option(
        "--page",
        type=Whole(1, MAX_PAGE),
        default=1,
        help=f"第几页，1 到 {MAX_PAGE} 的整数（默认 1）。",
    ),
)
FILTERS = 9  # the first options: dept, section, kind and the three date ranges
# option's variable -> the URL parameter it is (SearchRequest.from_params reads both alike)
SEARCH_PARAMS = {
    "dept": "dept",
    "section": "section",
    "kind": "kind",
    "date_from": "from",
    "date_to": "to",
    "period_from": "period_from",
    "period_to": "period_to",
    "published_from": "published_from",
    "published_to": "published_to",
    "sort": "sort",
    "limit": "limit",
    "page": "page",
}


def search_options(command: Callable) -> Callable:
    """The filters, order and page of a search; the command gets them as `params`, the URL
    parameters of the web's /search (so both validate them in one place)."""

    @functools.wraps(command)
    def with_params(*args, **kwargs):
        params = {url: kwargs.pop(name) for name, url in SEARCH_PARAMS.items()}
        params = {k: str(v) for k, v in params.items() if v is not None}
        return command(*args, params=params, **kwargs)

    for option in reversed(SEARCH_OPTIONS):
        with_params = option(with_params)
    return with_params


def filter_options(command: Callable) -> Callable:
    """The filters of a search without its order and page, for commands that take every hit of
    it (report, feed); the command gets them as `params`, as `search_options` gives them."""

    @functools.wraps(command)
    def with_params(*args, **kwargs):
        params = {url: kwargs.pop(name) for name, url in SEARCH_PARAMS.items() if name in kwargs}
        params = {k: str(v) for k, v in params.items() if v is not None}
        return command(*args, params=params, **kwargs)

    for option in reversed(SEARCH_OPTIONS[:FILTERS]):
        with_params = option(with_params)
    return with_params
