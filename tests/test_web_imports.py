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
