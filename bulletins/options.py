"""Options that several commands share, as decorators (the way sqlite-utils' `output_options` is).

Why decorators: the name, the help and the values of an option are written
once, so `search` and whatever else lists hits take the same filters, and
every command that prints data takes --json the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import click
from click.shell_completion import CompletionItem

from archive.departments import gazetteer
from indexer.search import SORTS

OUTPUTS = ("text", "json", "csv")


def output_options(*, csv: str | None = None) -> Callable:
    """--json (and, when `csv` says what it prints, --csv): the command gets `output`, one of
    OUTPUTS ("text" when neither is given; the last one given wins)."""

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def with_output(*args, output: str | None, **kwargs):
            return command(*args, output=output or "text", **kwargs)

        if csv is not None:
            with_output = click.option("--csv", "output", flag_value="csv", help=csv)(with_output)
        return click.option(
            "--json", "output", flag_value="json", help="Print JSON instead of text."
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


SEARCH_OPTIONS = (
    click.option(
        "--dept",
        help="Only items about this department (any of its names, e.g. 住建厅).",
        shell_complete=department_names,
    ),
    click.option("--section", help="Only items of this section (e.g. 政务工作动态)."),
    click.option(
        "--kind", type=click.Choice(["weekly", "monthly"]), help="Only weeklies or monthlies."
    ),
    click.option(
        "--from",
        "date_from",
        metavar="YYYY-MM-DD",
        help="Items whose event date span ends on or after this day.",
    ),
    click.option(
        "--to",
        "date_to",
        metavar="YYYY-MM-DD",
        help="Items whose event date span starts on or before this day.",
    ),
    click.option(
        "--sort",
        type=click.Choice(SORTS),
        default="relevance",
        show_default=True,
        help="Order of hits.",
    ),
    click.option("--limit", default="20", show_default=True, help="Hits per page (1-100)."),
    click.option("--page", default="1", show_default=True, help="Page number."),
)
# option's variable -> the URL parameter it is (SearchRequest.from_params reads both alike)
SEARCH_PARAMS = {
    "dept": "dept",
    "section": "section",
    "kind": "kind",
    "date_from": "from",
    "date_to": "to",
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
        return command(*args, params=params, **kwargs)

    for option in reversed(SEARCH_OPTIONS[:5]):  # dept, section, kind, from, to
        with_params = option(with_params)
    return with_params
