"""The README's promises: its two commands, CI running the same test command, its screenshot."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", (ROOT / "README.md").read_text("utf-8"))


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


def test_readme_shows_the_search_page_screenshot():
    """The screenshot taken by tests/test_e2e.py is shown near the top of the README."""
    readme = (ROOT / "README.md").read_text("utf-8")
    line = "![检索页面](docs/screenshot-search.png)"
    assert line in readme.splitlines()
    assert readme.index(line) < readme.index("## Usage"), "right after the two commands"
    assert (ROOT / "docs" / "screenshot-search.png").read_bytes().startswith(b"\x89PNG")
