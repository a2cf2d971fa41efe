"""click in Chinese: the help's headings, the help option, and the errors click itself raises.

Why here and not through gettext: click asks gettext for its few words, and a
catalogue would apply only where the user's locale is Chinese; the staff's
terminals are set to anything. These classes give the `bulletins` command
Chinese headings (用法、选项、命令) and turn click's usage errors into Chinese
sentences where they are shown, once, for every command; the messages of our
own parameter types (below) are Chinese to begin with.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Mapping

import click
from click.shell_completion import CompletionItem

HEADINGS = {
    "Usage": "用法",
    "Options": "选项",
    "Commands": "命令",
    "Arguments": "参数",
    "Positional arguments": "参数",
}


def width(text: str) -> int:
    """Columns a terminal gives the text: a Chinese character takes two (click counts one)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_TOKENS = re.compile(r"[\x21-\x7e]+|\s+|.", re.S)  # an ASCII word, a space, or one character
_NO_LINE_START = "，。、；：？！）》」』”’…"
_NO_LINE_END = "（《「『“‘"
_CJK_BREAK = re.compile(r"(?<=[^\x00-\x7f])[ \t]*\n\s*(?=[^\x00-\x7f])")


def wrap(text: str, columns: int) -> list[str]:
    """Lines of at most `columns` columns: Chinese breaks between any two characters (but not
    before a closing mark, nor after an opening one), ASCII words stay whole."""
    lines: list[str] = []
    line = ""
    text = _CJK_BREAK.sub("", text)  # a line break inside Chinese text is no space
    for token in _TOKENS.findall(" ".join(text.split())):
        if token.isspace():
            if line:
                line += " "
            continue
        if line and width(line + token) > columns and token[0] not in _NO_LINE_START:
            kept = line.rstrip()
            carried = ""
            while len(kept) > 1 and kept[-1] in _NO_LINE_END:  # an opening mark goes with its word
                kept, carried = kept[:-1], kept[-1] + carried
            lines.append(kept)
            line = carried
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


class Formatter(click.HelpFormatter):
    """click's help layout, measured in terminal columns."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
        for n, paragraph in enumerate(paragraphs):
            if n:
                self.write("\n")
            for line in wrap(paragraph, max(self.width - self.current_indent, 20)):
                self.write(f"{indent}{line}\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((width(first) for first, _ in rows), default=0), col_max)
        first_col += col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, max(self.width - first_col - self.current_indent - 2, 10))
            self.write((lines[0] if lines else "") + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class Context(click.Context):
    formatter_class = Formatter


class _Chinese:
    """Chinese words where click puts its own: the usage line, the help option, short help."""

    context_class = Context

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def get_short_help_str(self, limit: int = 45) -> str:
        """The help's first sentence (to its 。), cut to the columns there are."""
        if self.short_help or not self.help:  # type: ignore[attr-defined]
            return super().get_short_help_str(limit)  # type: ignore[misc]
        first = self.help.strip().split("\n\n")[0].split("。")[0]  # type: ignore[attr-defined]
        first = " ".join(first.split())
        if width(first) <= limit:
            return first
        while width(first + "…") > limit:
            first = first[:-1]
        return first + "…"

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option


class Command(_Chinese, click.Command):
    pass


class Group(_Chinese, click.Group):
    """The command group: Chinese help for it and its commands, and click's errors in Chinese."""

    command_class = Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.ClickException as error:
            show(error)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("已中止。", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def show(error: click.ClickException) -> None:
    """What click's `ClickException.show` prints, in Chinese."""
    if isinstance(error, click.UsageError) and error.ctx is not None:
        ctx = error.ctx
        click.echo(ctx.get_usage(), err=True)
        if ctx.command.get_help_option(ctx) is not None:
            command = ctx.command_path
            click.echo(f"运行“{command} {ctx.help_option_names[0]}”查看帮助。", err=True)
        click.echo("", err=True)
    click.echo(f"错误：{message(error)}", err=True)


_EXTRA = re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$")


def message(error: click.ClickException) -> str:
    """The error's message in Chinese (ours are already; click's own are translated here)."""
    if isinstance(error, click.NoSuchOption):
        text = f"没有选项 {error.option_name}"
        if error.possibilities:
            text += f"，您要找的是不是：{'、'.join(sorted(error.possibilities))}？"
        return text
    no_such_command = getattr(click.exceptions, "NoSuchCommand", None)
    if no_such_command is not None and isinstance(error, no_such_command):
        text = f"没有命令 {error.command_name}"
        if error.possibilities:
            text += f"，您要找的是不是：{'、'.join(sorted(error.possibilities))}？"
        return text
    if isinstance(error, click.MissingParameter):
        hint = _hint(error)
        kind = {"argument": "参数", "option": "选项"}.get(error.param_type or "", "参数")
        return f"缺少{kind} {hint}" if hint else f"缺少{kind}"
    if isinstance(error, click.BadParameter):
        hint = _hint(error)
        return f"{hint} 的值无效：{error.message}" if hint else f"值无效：{error.message}"
    if isinstance(error, click.BadOptionUsage) and "requires an argument" in error.message:
        return f"选项 {error.option_name} 后面要给一个值"
    if isinstance(error, click.BadOptionUsage) and "does not take a value" in error.message:
        return f"选项 {error.option_name} 不带值"
    extra = _EXTRA.match(error.message)
    if extra:
        return f"多余的参数：{extra['args']}"
    if error.message == "Missing command.":
        return "缺少命令"
    return error.message


def _hint(error: click.BadParameter) -> str:
    if error.param_hint is not None:
        hint = error.param_hint
        return " / ".join(hint) if not isinstance(hint, str) else hint
    if error.param is not None:
        return error.param.get_error_hint(error.ctx) if error.ctx else error.param.name or ""
    return ""


# --- parameter types that say what they want in Chinese ------------------------------


class Whole(click.ParamType):
    """A whole number in a range: `--limit 20`, `--page 2`."""

    name = "integer"

    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "N"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 12:
                self.fail(f"应是整数，而不是“{str(value)[:40]}”", param, ctx)
            number = int(text)
        if not self.low <= number <= self.high:
            self.fail(f"应在 {self.low} 到 {self.high} 之间，而不是 {number}", param, ctx)
        return number


class Named(click.ParamType):
    """One of a few values, each under its English name and its Chinese ones (`--kind 周报`)."""

    name = "choice"

    def __init__(self, names: Mapping[str, str]):
        self.names = dict(names)  # what may be typed -> the value

    @property
    def values(self) -> list[str]:
        return list(dict.fromkeys(self.names.values()))

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "|".join(name for name in self.names if not name.isascii())

    def convert(self, value, param, ctx) -> str:
        found = self.names.get(str(value).strip())
        if found is None:
            self.fail(f"只能是 {'、'.join(self.names)} 之一，而不是“{str(value)[:40]}”", param, ctx)
        return found

    def shell_complete(self, ctx, param, incomplete: str) -> list[CompletionItem]:
        return [CompletionItem(name) for name in self.names if name.startswith(incomplete)]


KIND = Named({"周报": "weekly", "月报": "monthly", "weekly": "weekly", "monthly": "monthly"})
SORT = Named(
    {
        "相关度": "relevance",
        "最新": "date",
        "最早": "oldest",
        "relevance": "relevance",
        "date": "date",
        "oldest": "oldest",
    }
)
