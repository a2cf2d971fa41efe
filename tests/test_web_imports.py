"""web.imports: the import record, which files the archive was built from and which it could not store."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from bulletins.cli import main as cli
from service.config import Config
from web import create_app

from dom import api, page

# --- the import record -------------------------------------------------------------


def test_the_import_record_shows_each_file_not_stored_with_its_reason_in_chinese(
    tmp_path, corpus_dir
):
    data = tmp_path / "data"
    folder = Path(shutil.copytree(corpus_dir, tmp_path / "bulletins"))
    (folder / "<b>扫描件<i>.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    CliRunner().invoke(cli, ["--data-dir", str(data), "ingest", str(folder)])
    client = create_app(Config.load(data)).test_client()

    doc = page(client, "/imports")
    listing = api(client, "/api/imports")

    [problem] = listing["problems"]
    assert problem["file"] == "<b>扫描件<i>.pdf" and problem["code"] == "pdf_damaged"
    cells = [c.text for c in doc.find_all("td")]
    assert "<b>扫描件<i>.pdf" in cells, "the file name is shown as text, escaped"
    assert problem["message_zh"] in cells
    assert len(listing["sources"]) == 5
    notice = page(client, "/issues/").find(cls="notice")
    assert "1 个文件未能导入" in notice.text and notice.find("a").attrs["href"] == "/imports"


# --- no server path shown ----------------------------------------------------------


def test_files_are_shown_below_the_folder_ingested_never_where_the_server_keeps_them(
    tmp_path, corpus_dir
):
    """/imports, /api/imports and /api/issues/… used to give the server's absolute paths."""
    data = tmp_path / "data"
    folder = tmp_path / "srv" / "share" / "bulletins"
    shutil.copytree(corpus_dir, folder / "2024")
    (folder / "2024" / "2024-weekly-37.txt").rename(folder / "2024" / "第37期.txt")
    (folder / "2025").mkdir()
    (folder / "2025" / "scan.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    shutil.copy(folder / "2024" / "第37期.txt", folder / "2025" / "copy.txt")
    CliRunner().invoke(cli, ["--data-dir", str(data), "ingest", str(folder)])
    client = create_app(Config.load(data)).test_client()

    listing = api(client, "/api/imports")
    issue = api(client, "/api/issues/weekly-2024-09-09")
    pages = [client.get(url).get_data(as_text=True) for url in ("/imports", "/issues/weekly-2024-09-09")]

    for shown in [str(listing), str(issue), *pages]:
        assert str(tmp_path) not in shown and "/srv/share" not in shown
    assert sorted(s["path"] for s in listing["sources"])[0] == "2024/2024-weekly-01.txt"
    assert "2024/第37期.txt" in [s["path"] for s in listing["sources"]]
    assert {p["path"]: p["code"] for p in listing["problems"]} == {
        "2025/copy.txt": "duplicate",
        "2025/scan.pdf": "pdf_damaged",
    }
    [duplicate] = [p for p in listing["problems"] if p["code"] == "duplicate"]
    assert "2024/第37期.txt" in duplicate["message"]
    assert issue["source"]["file"] == "2024/第37期.txt"
    assert "2024/第37期.txt" in pages[1]


def test_a_file_named_on_the_command_line_is_shown_by_its_name(tmp_path, corpus_dir):
    data = tmp_path / "data"
    CliRunner().invoke(
        cli, ["--data-dir", str(data), "ingest", str(corpus_dir / "2024-weekly-37.txt")]
    )
    client = create_app(Config.load(data)).test_client()

    [source] = api(client, "/api/imports")["sources"]
    assert (source["path"], source["file"]) == ("2024-weekly-37.txt", "2024-weekly-37.txt")
    assert api(client, "/api/issues/weekly-2024-09-09")["source"]["file"] == "2024-weekly-37.txt"
