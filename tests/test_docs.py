"""The README's promises and the CLI's help: its two commands, CI running the same test command,
its screenshot, and every command and option documented (sqlite-utils' test_docs.py)."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bulletins.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")
COMMANDS = sorted(main.commands)


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README)


def usage_lines() -> list[str]:
    """The lines of the README's Usage block, an indented line joined to the one above: one or
    more per command, with its options."""
    usage = README[README.index("## Usage") :]
    block = re.search(r"```sh\n(.+?)\n```", usage, re.S).group(1)
    lines: list[str] = []
    for line in block.splitlines():
        if line.startswith(" ") and lines:
            lines[-1] += line
        else:
            lines.append(line)
    return lines


def options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option) and not p.hidden]


def test_readme_starts_with_the_run_and_test_commands():
    run, test = readme_commands()[:2]
    assert "pip install" in run and "bulletins" in run
    assert "pip install -e '.[test]'" in test and "pytest" in test


def test_the_test_command_installs_the_browser_it_needs():
    """The e2e tests drive Debian's chromium: the test command installs it and a CJK font."""
    test = readme_commands()[1]
    assert test.startswith("apt-get update && apt-get install -y ")
    assert "chromium" in test and "fonts-wqy-microhei" in test
    assert "playwright install" not in test, "no browser download: Debian's chromium is used"


def test_ci_runs_exactly_the_readme_test_command():
    test = readme_commands()[1]
    assert test in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()


def test_readme_shows_the_search_page_screenshot_and_says_how_to_take_it_again():
    """The screenshot of tests/test_e2e.py is shown near the top of the README; the suite writes
    it only when asked (a test run changes no tracked file)."""
    line = "![检索页面](docs/screenshot-search.png)"
    assert line in README.splitlines()
    assert README.index(line) < README.index("## Usage"), "right after the two commands"
    assert (ROOT / "docs" / "screenshot-search.png").read_bytes().startswith(b"\x89PNG")
    assert "--update-screenshot" in README


# --- the CLI's help ---------------------------------------------------------------


def test_the_group_has_help_text():
    assert main.help and main.help.strip()


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_text(name):
    command: click.Command = main.commands[name]
    assert command.help and command.help.strip(), f"`bulletins {name}` has no help text"

    result = CliRunner().invoke(main, [name, "--help"], catch_exceptions=False)

    assert result.exit_code == 0
    first_line = command.help.strip().splitlines()[0]
    # Chinese wraps between any two characters: compare without the line breaks
    assert re.sub(r"\s+", "", first_line) in re.sub(r"\s+", "", result.output)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_has_help_text(name):
    for option in options(main.commands[name]):
        assert option.help, f"`bulletins {name} {option.opts[0]}` has no help text"


def test_the_group_options_have_help_text_and_are_in_the_readme():
    for option in options(main):
        assert option.help, f"`bulletins {option.opts[0]}` has no help text"
        assert option.opts[0] in README, f"`bulletins {option.opts[0]}` is not in the README"


# --- the README's Usage ------------------------------------------------------------

GROUP_OPTIONS = {opt for option in options(main) for opt in option.opts}


def usage_commands() -> list[list[str]]:
    """The arguments of each `bulletins …` line of the Usage block, as the shell splits them
    (the comment after # dropped)."""
    commands = []
    for line in usage_lines():
        words = shlex.split(line, comments=True)
        if ">" in words:  # the shell's redirection, not the command's
            words = words[: words.index(">")]
        if words and words[0] == "bulletins":
            commands.append(words[1:])
    return commands


def command_of(args: list[str]) -> tuple[str, list[str]]:
    """The command a line runs and its own arguments, past the group's options and their values."""
    rest = list(args)
    while rest and rest[0] in GROUP_OPTIONS:
        rest = rest[2:]
    return rest[0], rest[1:]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_its_options_are_in_the_readme_usage(name):
    lines = [args for args in usage_commands() if command_of(args)[0] == name]
    assert lines, f"`bulletins {name}` is not in the README's Usage"
    shown = {word for args in lines for word in command_of(args)[1]}
    for option in options(main.commands[name]):
        assert option.opts[0] in shown, (
            f"`bulletins {name} {option.opts[0]}` is not in the README's Usage"
        )


def test_the_readme_usage_names_no_command_that_does_not_exist():
    assert {command_of(args)[0] for args in usage_commands()} <= set(COMMANDS)


def test_the_readme_usage_says_how_to_reach_the_command_after_the_install():
    first = usage_lines()[0]
    assert first.startswith(". .venv/bin/activate"), "the install put bulletins in .venv/bin"
    assert ".venv/bin/bulletins" in README[README.index("## Usage") :]


def test_the_readme_usage_works_as_pasted(tmp_path, monkeypatch, corpus_dir):
    """Every line, in order, in a checkout-like folder (corpus/ and an archive built by the
    install command's first `serve`), exits 0; `serve`, which runs until Ctrl+C, only parses."""
    work = tmp_path / "checkout"
    work.mkdir()
    shutil.copytree(corpus_dir, work / "corpus")
    monkeypatch.chdir(work)
    monkeypatch.delenv("BULLETINS_DATA", raising=False)
    monkeypatch.delenv("BULLETINS_BASE_URL", raising=False)
    runner = CliRunner()
    for args in usage_commands():
        name, own = command_of(args)
        if name == "serve":
            serve = main.commands["serve"]
            with serve.make_context("serve", own) as ctx:  # its options parse; it is not run
                assert ctx.params["port"] == 8080, own
            continue
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
        assert "Traceback" not in result.output
    assert (work / "bulletins-data" / "archive.db").is_file()
