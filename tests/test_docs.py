"""The README's promises: its two commands, and CI running the same test command."""

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


def test_ci_runs_exactly_the_readme_test_command():
    test = readme_commands()[1]
    assert test in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
