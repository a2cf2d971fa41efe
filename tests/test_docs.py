"""The README's promises and the CLI's help: its two commands, CI running the same test command,
its screenshot, and every command and option documented (sqlite-utils' test_docs.py)."""

from __future__ import annotations

import re
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
    assert " ".join(first_line.split()) in " ".join(result.output.split())


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_has_help_text(name):
    for option in options(main.commands[name]):
        assert option.help, f"`bulletins {name} {option.opts[0]}` has no help text"


def test_the_group_options_have_help_text_and_are_in_the_readme():
    for option in options(main):
        assert option.help, f"`bulletins {option.opts[0]}` has no help text"
        assert option.opts[0] in README, f"`bulletins {option.opts[0]}` is not in the README"


# --- the README's Usage ------------------------------------------------------------


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_its_options_are_in_the_readme_usage(name):
    lines = [line for line in usage_lines() if re.match(rf"bulletins {name}( |$)", line)]
    assert lines, f"`bulletins {name}` is not in the README's Usage"
    shown = " ".join(lines)
    for option in options(main.commands[name]):
        assert re.search(rf"{re.escape(option.opts[0])}\b", shown), (
            f"`bulletins {name} {option.opts[0]}` is not in the README's Usage"
        )


def test_the_readme_usage_names_no_command_that_does_not_exist():
    named = {line.split()[1] for line in usage_lines() if line.startswith("bulletins ")}
    assert named <= set(COMMANDS)
