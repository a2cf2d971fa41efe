"""The JSON twins: for every shape, `bulletins … --json` prints what /api/… returns, whole.

Each shape is built once, in the library (`to_json` of the record, report or
result), and both front ends serialise that: a key added on one side only, or
a value computed differently (a URL, a section name), fails here. The shapes
without a web twin (an ingest's report, a check's) are compared with the
library's own object instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletins.cli import main as cli
from service.archive import Archive
from service.config import Config
from web import create_app
from web.context import archive_of

from brief import WEEKLY_01, WEEKLY_37
from bulletingen import EDITED_ISSUE, INSERTED_ISSUE, REMOVED_ISSUE
from dom import api


def cli_json(data: Path, *args: str):
    """What `bulletins --data-dir DATA ARGS --json` prints, parsed."""
    result = CliRunner().invoke(cli, ["--data-dir", str(data), *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


TWINS = {
    "search": (
        "/api/search?q=户籍 OR 公安厅&kind=monthly",
        ["search", "户籍 OR 公安厅", "--kind", "monthly"],
    ),
    "search, filters only, a page": (
        "/api/search?dept=住建厅&sort=date&limit=2&page=2",
        ["search", "--dept", "住建厅", "--sort", "date", "--limit", "2", "--page", "2"],
    ),
    "search by the issue's dates": (
        "/api/search?period_from=2024-09-01&published_to=2024-12-31&limit=50",
        ["search", "--period-from", "2024-09-01", "--published-to", "2024-12-31", "--limit", "50"],
    ),
    "issues": ("/api/issues", ["issues"]),
    "issue": (f"/api/issues/{WEEKLY_37}", ["show", WEEKLY_37]),
    "issue with an attachment": (f"/api/issues/{WEEKLY_01}", ["show", WEEKLY_01]),
    "item": (f"/api/items/{WEEKLY_37}/s1-2", ["show", f"{WEEKLY_37}/s1-2"]),
    "sub-item": (f"/api/items/{WEEKLY_37}/s6-2-1", ["show", f"{WEEKLY_37}/s6-2-1"]),
    "attachment": (f"/api/items/{WEEKLY_01}/a1", ["show", f"{WEEKLY_01}/a1"]),
    "departments": ("/api/departments", ["departments"]),
    "department": ("/api/departments/公安厅", ["departments", "公安厅"]),
    "department by an alias": ("/api/departments/住建厅", ["departments", "住建厅"]),
    "department, a page past its items": (
        "/api/departments/公安厅?page=2",
        ["departments", "公安厅", "--page", "2"],
    ),
    "imports": ("/api/imports", ["imports"]),
}


@pytest.mark.parametrize(("url", "args"), list(TWINS.values()), ids=list(TWINS))
def test_the_cli_prints_the_json_the_api_returns(client, indexed_archive, url, args):
    assert cli_json(indexed_archive, *args) == api(client, url)


CORRECTED_TWINS = {
    "a corrected issue": (f"/api/issues/{INSERTED_ISSUE}", ["show", INSERTED_ISSUE]),
    "its first version": (f"/api/issues/{INSERTED_ISSUE}/v1", ["show", f"{INSERTED_ISSUE}/v1"]),
    "an old link, moved": (f"/api/items/{INSERTED_ISSUE}/s1-2", ["show", f"{INSERTED_ISSUE}/s1-2"]),
    "an old link, changed": (f"/api/items/{EDITED_ISSUE}/s1-3", ["show", f"{EDITED_ISSUE}/s1-3"]),
    "an old link, removed": (f"/api/items/{REMOVED_ISSUE}/s1-3", ["show", f"{REMOVED_ISSUE}/s1-3"]),
    "a link of the second version": (
        f"/api/items/{INSERTED_ISSUE}/v2/s1-2",
        ["show", f"{INSERTED_ISSUE}/v2/s1-2"],
    ),
}


@pytest.fixture(scope="module")
def corrected_client(corrected_archive):
    app = create_app(Config.load(corrected_archive))
    yield app.test_client()
    archive_of(app).close()


@pytest.mark.parametrize(("url", "args"), list(CORRECTED_TWINS.values()), ids=list(CORRECTED_TWINS))
def test_the_cli_prints_the_json_the_api_returns_for_every_version(
    corrected_client, corrected_archive, url, args
):
    assert cli_json(corrected_archive, *args) == api(corrected_client, url)


def test_the_import_record_with_a_file_not_stored_is_the_same_on_both_sides(archive_copy, tmp_path):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    CliRunner().invoke(cli, ["--data-dir", str(archive_copy), "ingest", str(bad)])
    app = create_app(Config.load(archive_copy))

    listing = api(app.test_client(), "/api/imports")

    assert [p["file"] for p in listing["problems"]] == ["scan.pdf"]
    assert cli_json(archive_copy, "imports") == listing
    archive_of(app).close()


def test_ingest_json_is_the_ingest_report_of_the_library(tmp_path, corpus_dir):
    printed = cli_json(tmp_path / "by-cli", "ingest", str(corpus_dir))
    with Archive(Config.load(tmp_path / "by-library")) as archive:
        report = archive.ingest([corpus_dir])

    assert printed == report.to_json()
    assert printed["summary"]["added"] == 5 and printed["index"]["rebuilt"] is True


def test_check_json_is_the_check_of_the_library(indexed_archive):
    printed = cli_json(indexed_archive, "check")
    with Archive(Config.load(indexed_archive)) as archive:
        checked = archive.check()

    assert printed == checked.to_json()
    assert printed["ok"] is True and printed["repaired"] is None
