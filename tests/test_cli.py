"""The `bulletins` command through click's CliRunner, against the session archive or one in tmp_path.

Its help and its README entry are tests/test_docs.py's; that its --json equals the API's,
tests/test_twins.py's.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bulletins.cli import main
from indexer.index import SearchIndex

from brief import HIT_KEYS, ISSUE_KEYS, ITEM_KEYS, NEWEST_FIRST
from bulletingen import CHANGES, INSERTED, INSERTED_ISSUE, REMOVED_ISSUE, weekly, write_corrections
from dom import HOST

SERVE_ROOT = "http://127.0.0.1:8080"  # where `serve` listens by default: the CLI's links without --base-url


@pytest.fixture
def archive(indexed_archive) -> str:
    """--data-dir of the session archive, stored and indexed (shared: only read it)."""
    return str(indexed_archive)


def run(runner, *args: str, **kwargs):
    return runner.invoke(main, list(args), catch_exceptions=False, **kwargs)


# --- ingest -------------------------------------------------------------------


def test_ingest_reports_each_file_and_a_summary(runner, data_dir, corpus_dir):
    result = run(runner, "--data-dir", str(data_dir), "ingest", str(corpus_dir))

    assert result.exit_code == 0, result.output
    for path in sorted(corpus_dir.glob("*.txt")):
        [line] = [line for line in result.stdout.splitlines() if line.endswith(str(path))]
        assert line.startswith("新增")
    assert "weekly-2024-09-09" in result.stdout
    assert "共 5 个文件：新增 5，更新 0，未变 0，重复 0，失败 0" in result.stdout
    assert f"档案共 5 期、61 条条目，位于 {data_dir.resolve()}" in result.stdout
    assert (data_dir / "archive.db").is_file()


def test_ingesting_again_reports_every_file_unchanged(runner, data_dir, corpus_dir):
    run(runner, "--data-dir", str(data_dir), "ingest", str(corpus_dir))

    result = run(runner, "--data-dir", str(data_dir), "ingest", str(corpus_dir))

    assert result.exit_code == 0
    assert "共 5 个文件：新增 0，更新 0，未变 5，重复 0，失败 0" in result.stdout


def test_a_failed_file_is_named_exit_status_is_1_and_the_others_are_stored(
    runner, tmp_path, data_dir, corpus_dir
):
    folder = Path(shutil.copytree(corpus_dir, tmp_path / "bulletins"))
    (folder / "broken.pdf").write_bytes(random.Random(1).randbytes(2048))

    result = runner.invoke(main, ["--data-dir", str(data_dir), "ingest", str(folder)])

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "broken.pdf：不是可读的 PDF 文件" in result.output
    assert "共 6 个文件：新增 5，更新 0，未变 0，重复 0，失败 1" in result.output
    listed = json.loads(run(runner, "--data-dir", str(data_dir), "issues", "--json").stdout)
    assert [issue["issue_id"] for issue in listed] == NEWEST_FIRST


def test_ingest_json_gives_files_and_a_summary(runner, data_dir, corpus_dir):
    result = run(runner, "--data-dir", str(data_dir), "ingest", "--json", str(corpus_dir))

    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"files", "summary", "index"}
    assert data["index"]["rebuilt"] is True
    assert data["summary"] == dict(added=5, updated=0, unchanged=0, duplicate=0, failed=0)
    names = sorted(p.name for p in corpus_dir.glob("*.txt"))
    assert [Path(f["path"]).name for f in data["files"]] == names
    first = data["files"][0]
    assert first == {
        "path": str((corpus_dir / "2024-weekly-01.txt").resolve()),
        "file": "2024-weekly-01.txt",  # as the import record shows it: below the folder named
        "status": "added",
        "issue_id": "weekly-2024-01-02",
        "version": 1,
        "supersedes": None,
        "code": None,
        "message": "",
        "message_zh": "",
    }


def test_ingest_of_a_folder_without_bulletins_is_an_error(runner, tmp_path, data_dir):
    (tmp_path / "empty").mkdir()

    result = runner.invoke(main, ["--data-dir", str(data_dir), "ingest", str(tmp_path / "empty")])

    assert result.exit_code != 0
    assert "所给路径中没有 .pdf 或 .txt 文件" in result.output
    assert "Traceback" not in result.output


def test_the_data_dir_can_come_from_BULLETINS_DATA(runner, tmp_path, corpus_dir):
    data = tmp_path / "from-env"
    env = {"BULLETINS_DATA": str(data)}

    ingested = run(runner, "ingest", str(corpus_dir), env=env)
    listed = run(runner, "issues", "--json", env=env)

    assert ingested.exit_code == 0
    assert (data / "archive.db").is_file()
    assert len(json.loads(listed.stdout)) == 5


def test_data_dir_option_wins_over_BULLETINS_DATA(runner, tmp_path, corpus_dir):
    env = {"BULLETINS_DATA": str(tmp_path / "from-env")}

    run(runner, "--data-dir", str(tmp_path / "chosen"), "ingest", str(corpus_dir), env=env)

    assert (tmp_path / "chosen" / "archive.db").is_file()
    assert not (tmp_path / "from-env").exists()


# What a command imported, and which dictionary jieba read, printed last by a `bulletins`
# run in a process of its own (CliRunner runs it in the test's, which has imported everything).
COMMAND_IN_A_PROCESS = """
import json, sys
from bulletins.cli import main
from indexer import analysis
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print(json.dumps({"modules": sorted(sys.modules), "compact": analysis.compact_in_use()}))
"""
NOT_FOR_INGEST = {"flask", "werkzeug", "jinja2", "docx", "lxml", "pkg_resources", "web"}


def in_a_process(*args: str, tmp: Path) -> dict:
    env = {**os.environ, "TMPDIR": str(tmp)}
    done = subprocess.run(
        [sys.executable, "-c", COMMAND_IN_A_PROCESS, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_ingest_imports_neither_the_web_app_nor_word_and_a_second_reads_jieba_s_file(
    tmp_path, data_dir, corpus_dir
):
    """What keeps `bulletins ingest` of one bulletin quick: it starts without Flask, python-docx
    or pkg_resources (~0.4 s of imports), and once an ingest has loaded jieba's dictionary (and
    written it to the data dir), the next one reads that file instead of loading it (~1 s)."""
    first = in_a_process("--data-dir", str(data_dir), "ingest", str(corpus_dir), tmp=tmp_path)
    _, text = weekly(3)
    new = tmp_path / "new.txt"
    new.write_text(text, "utf-8")
    second = in_a_process("--data-dir", str(data_dir), "ingest", str(new), tmp=tmp_path)

    for run_ in (first, second):
        assert {m.split(".")[0] for m in run_["modules"]} & NOT_FOR_INGEST == set()
    assert (first["compact"], second["compact"]) == (False, True)
    assert list(data_dir.glob("jieba-*.dict"))


def test_reindex_and_search_start_without_the_file_readers(tmp_path, archive_copy):
    """They read the store and the index, never a bulletin file: no ingest and no pdfminer
    (~70 ms of every start; a reindex at 500 bulletins takes 2.6 s), nor the web app."""
    for command in (["reindex"], ["search", "一件事"]):
        modules = in_a_process("--data-dir", str(archive_copy), *command, tmp=tmp_path)["modules"]

        assert {m.split(".")[0] for m in modules} & (NOT_FOR_INGEST | {"pdfminer"}) == set()
        assert "archive.ingest" not in modules and "archive.extract" not in modules


# --- issues -------------------------------------------------------------------


def test_issues_lists_every_issue_newest_first(runner, archive):
    result = run(runner, "--data-dir", archive, "issues")

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == NEWEST_FIRST
    assert "《窗口工作周报》2024年第37期（总第508期）" in lines[3]
    assert " 13 条 " in lines[3]


def test_issues_json_is_a_list_of_summaries(runner, archive):
    result = run(runner, "--data-dir", archive, "issues", "--json")

    listed = json.loads(result.stdout)
    assert [issue["issue_id"] for issue in listed] == NEWEST_FIRST
    for issue in listed:
        assert {"issue_id", "kind", "title", "url", "items"} <= set(issue)
        assert issue["url"] == f"/issues/{issue['issue_id']}"
        assert issue["kind"] == issue["issue_id"].split("-")[0]
        assert issue["items"] > 0
    weekly_37 = listed[3]
    assert weekly_37["title"] == "《窗口工作周报》2024年第37期（总第508期）"
    assert weekly_37["items"] == 13


def test_issues_of_an_empty_archive_says_how_to_fill_it(runner, data_dir):
    result = run(runner, "--data-dir", str(data_dir), "issues")

    assert result.exit_code == 0
    assert "bulletins ingest" in result.stdout


# --- show ---------------------------------------------------------------------


def test_show_json_has_the_issue_shape_of_the_brief(runner, archive, corpus_dir):
    result = run(runner, "--data-dir", archive, "show", "weekly-2024-09-09", "--json")

    assert result.exit_code == 0
    issue = json.loads(result.stdout)
    assert ISSUE_KEYS <= set(issue)
    assert {k: issue[k] for k in ISSUE_KEYS - {"sections", "attachments", "source"}} == {
        "issue_id": "weekly-2024-09-09",
        "kind": "weekly",
        "number": 37,
        "total_number": 508,
        "period_start": "2024-09-09",
        "period_end": "2024-09-14",
        "published": "2024-09-23",
        "title": "《窗口工作周报》2024年第37期（总第508期）",
        "url": "/issues/weekly-2024-09-09",
    }
    assert issue["attachments"] == []
    assert issue["source"]["file"] == "2024-weekly-37.txt"  # below the folder ingested
    assert len(issue["source"]["sha256"]) == 64


def test_show_json_sections_and_items(runner, archive):
    result = run(runner, "--data-dir", archive, "show", "weekly-2024-09-09", "--json")
    issue = json.loads(result.stdout)

    sections = issue["sections"]
    assert [s["number"] for s in sections] == [1, 2, 3, 4, 5, 6]
    assert sections[0]["title"] == "智慧政务能力提升项目推进情况"
    assert all({"number", "title", "items"} <= set(s) for s in sections)
    first = sections[0]["items"][0]
    assert ITEM_KEYS <= set(first)
    assert first["item_id"] == "weekly-2024-09-09/s1-1"
    assert first["anchor"] == "s1-1"
    assert first["label"] == "（一）"
    assert (first["date_from"], first["date_to"]) == ("2024-09-09", "2024-09-09")
    assert first["text"].startswith("9月9日，省中心党委书记、主任吕芙蓉")
    assert "\n" not in first["text"][:60]  # hard wraps repaired
    assert first["children"] == []
    parent = sections[5]["items"][1]
    assert [c["item_id"] for c in parent["children"]] == [
        "weekly-2024-09-09/s6-2-1",
        "weekly-2024-09-09/s6-2-2",
    ]
    assert all(ITEM_KEYS <= set(c) for c in parent["children"])
    assert "司法厅" in sections[0]["items"][1]["departments"]


def test_show_of_an_unknown_issue_fails_with_a_clear_message(runner, archive):
    result = runner.invoke(main, ["--data-dir", archive, "show", "weekly-1999-01-04"])

    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert "档案中没有“weekly-1999-01-04”这一期" in result.output
    assert "Traceback" not in result.output


def test_show_prints_the_title_and_the_items(runner, archive):
    result = run(runner, "--data-dir", archive, "show", "weekly-2024-09-09")

    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("《窗口工作周报》2024年第37期（总第508期）")
    assert "六、综窗改革攻坚行动" in out
    assert "（三）9月11日，省中心组织召开全省智慧政务能力提升项目系统摸底和需求调研培训会议" in out
    assert "1.形成“天府英才卡”（A卡）政务服务便利服务举措报省委组织部（省人才办）。" in out
    assert "[s6-2-1]" in out


def test_show_prints_attachment_rows_and_footer(runner, archive):
    out = run(runner, "--data-dir", archive, "show", "weekly-2024-01-02").stdout

    assert "附件1：" in out
    assert "四川地震局" in out
    assert "（共印103份）" in out


def test_show_of_an_item_prints_its_citation_permalink_and_text(runner, archive):
    out = run(runner, "--data-dir", archive, "show", "weekly-2024-09-09/s1-2").stdout

    citation, permalink, blank, text, meta = out.splitlines()[:5]
    assert (
        citation
        == "《窗口工作周报》2024年第37期（总第508期，2024年9月23日印发）"
        "一、智慧政务能力提升项目推进情况 第（二）项（2024年9月11日）"
    )
    assert permalink == "http://127.0.0.1:8080/items/weekly-2024-09-09/s1-2" and blank == ""
    assert text.startswith("（二）9月11日，")
    assert meta.startswith("  [s1-2] 2024-09-11")


def test_show_of_an_anchor_the_issue_lacks_fails_with_a_clear_message(runner, archive):
    result = runner.invoke(main, ["--data-dir", archive, "show", "weekly-2024-09-09/s9-9"])

    assert result.exit_code == 1
    assert "《窗口工作周报》2024年第37期（总第508期）中没有编号为“s9-9”的条目" in result.output


# --- corrections ------------------------------------------------------------------


def test_ingest_of_a_correction_says_it_updates_the_issue_and_what_it_supersedes(
    runner, data_dir, tmp_path
):
    firsts, corrections = write_corrections(tmp_path / "bulletins")
    run(runner, "--data-dir", str(data_dir), "ingest", str(firsts[0]))

    result = run(runner, "--data-dir", str(data_dir), "ingest", str(corrections[0]))

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["更新", INSERTED_ISSUE, str(corrections[0].resolve())]
    assert lines[1].strip() == f"第2版，系更正：取代 {firsts[0].name}"  # as shown


def test_show_names_every_version_of_a_corrected_issue(runner, corrected_archive):
    data = str(corrected_archive)

    current = run(runner, "--data-dir", data, "show", INSERTED_ISSUE).stdout
    first = run(runner, "--data-dir", data, "show", f"{INSERTED_ISSUE}/v1").stdout

    assert "第2版（现行" in current and INSERTED[3:] in current
    assert "第1版（更正前，现行为第2版" in first and INSERTED[3:] not in first
    assert f"/issues/{INSERTED_ISSUE}/v1" in first.splitlines()[3]


def test_show_of_an_old_item_id_says_where_the_correction_put_it(runner, corrected_archive):
    data = str(corrected_archive)

    moved = run(runner, "--data-dir", data, "show", f"{INSERTED_ISSUE}/s1-2").stdout
    removed = run(runner, "--data-dir", data, "show", f"{REMOVED_ISSUE}/s1-3").stdout
    inserted = run(runner, "--data-dir", data, "show", f"{INSERTED_ISSUE}/v2/s1-2").stdout

    notice, citation, permalink = moved.splitlines()[:3]
    assert "位置有变" in notice and "第1版 s1-2" in notice and "第2版 s1-3" in notice
    assert permalink == f"{SERVE_ROOT}/items/{INSERTED_ISSUE}/v2/s1-3"
    assert "已删去" in removed.splitlines()[0] and "100余人" in removed
    assert inserted.splitlines()[1] == f"{SERVE_ROOT}/items/{INSERTED_ISSUE}/v2/s1-2"
    assert INSERTED[3:] in inserted


@pytest.mark.parametrize(
    "ref, says",
    [
        (f"{INSERTED_ISSUE}/v3", "只有第1至第2版"),
        (f"{INSERTED_ISSUE}/s1-4", "中没有编号为“s1-4”的条目"),  # the first version had no s1-4
        (f"{INSERTED_ISSUE}/v3/s1-1", "第3版中没有编号为“s1-1”的条目"),
        ("weekly-2024-09-09/x", "不是一期或一条的编号"),
    ],
)
def test_show_of_a_version_or_item_that_is_not_there_is_a_clear_error(
    runner, corrected_archive, ref, says
):
    result = runner.invoke(main, ["--data-dir", str(corrected_archive), "show", ref])

    assert result.exit_code != 0 and says in result.output


def test_original_writes_each_version_s_file_as_it_was_received(
    runner, corrected_archive, tmp_path, monkeypatch
):
    first = weekly(0)[1].encode("utf-8")  # INSERTED_ISSUE, then corrected by CHANGES[0]
    corrected = CHANGES[0](weekly(0)[1]).encode("utf-8")
    data = str(corrected_archive)

    v1 = tmp_path / "v1.txt"
    said = run(runner, "--data-dir", data, "original", f"{INSERTED_ISSUE}/v1", "-o", str(v1))
    assert v1.read_bytes() == first
    assert said.stdout.startswith(f"已写出 {v1}") and "第1版：week-0.txt" in said.stdout
    current = run(runner, "--data-dir", data, "original", INSERTED_ISSUE, "-o", "-")
    assert current.stdout_bytes == corrected
    monkeypatch.chdir(tmp_path)
    assert run(runner, "--data-dir", data, "original", f"{INSERTED_ISSUE}/v1").exit_code == 0
    assert (tmp_path / "week-0.txt").read_bytes() == first, "under its own name, here"
    again = runner.invoke(main, ["--data-dir", data, "original", f"{INSERTED_ISSUE}/v1"])
    assert again.exit_code != 0 and "已存在" in again.output, "nothing is overwritten"


@pytest.mark.parametrize(
    ("ref", "says"),
    [
        (f"{INSERTED_ISSUE}/v3", "只有第1至第2版"),
        (f"{INSERTED_ISSUE}/v1/s1-2", "原文件属于一期"),
        ("weekly-1999-01-04", "档案中没有"),
    ],
)
def test_original_of_what_is_not_there_is_a_clear_error(runner, corrected_archive, ref, says):
    result = runner.invoke(main, ["--data-dir", str(corrected_archive), "original", ref, "-o", "-"])

    assert result.exit_code != 0 and says in result.output and "Traceback" not in result.output


# --- departments ----------------------------------------------------------------


def test_departments_lists_them_most_mentioned_first(runner, archive):
    lines = run(runner, "--data-dir", archive, "departments").stdout.splitlines()

    counts = [int(line.split()[0]) for line in lines]
    assert counts == sorted(counts, reverse=True) and counts[-1] == 0
    assert "    5  公安厅（四川省公安厅）  又称：省公安厅" in lines  # 4 items and the 考核 table


def test_a_department_under_an_alias_prints_its_report(runner, archive):
    out = run(runner, "--data-dir", archive, "departments", "住建厅").stdout

    assert out.startswith(
        "住房城乡建设厅（四川省住房和城乡建设厅）：4 条条目（含考核表 1 期），第 1/1 页"
    )
    assert "考核：《窗口工作周报》2024年第1期（总第472期）" in out and "实得分 102" in out
    assert "[weekly-2024-12-09/s3-2]" in out


def test_an_unknown_department_is_a_clear_error(runner, archive):
    result = runner.invoke(main, ["--data-dir", archive, "departments", "国务院办公厅"])

    assert result.exit_code == 1
    assert "未知部门：国务院办公厅" in result.output


# --- search and reindex ---------------------------------------------------------

POLICE_ITEMS = {  # tests/fixtures: the items that mention 公安厅, the table that lists it
    "weekly-2024-01-02/a1",
    "weekly-2024-01-02/s1-4",
    "monthly-2025-01/s4-2",
    "monthly-2025-01/s5-3",
    "monthly-2025-06/s4-1",
}


def test_search_json_has_the_search_shape_of_the_brief(runner, archive):
    result = run(runner, "--data-dir", archive, "search", '"公安厅"', "--json")

    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {"query", "total", "hits", "facets"} <= set(data)
    assert data["query"] == '"公安厅"'
    assert data["total"] == len(data["hits"])
    assert POLICE_ITEMS <= {hit["item_id"] for hit in data["hits"]}
    for hit in data["hits"]:
        assert HIT_KEYS <= set(hit)
        assert hit["url"] == f"/items/{hit['item_id']}"
        assert "<mark>" in hit["snippet"]
    assert set(data["facets"]) == {"department", "section", "kind", "year"}
    assert all(len(pair) == 2 for pairs in data["facets"].values() for pair in pairs)
    assert ["公安厅", 5] in data["facets"]["department"]


def test_search_with_filters_and_no_query_lists_the_matching_items(runner, archive):
    result = run(
        runner, "--data-dir", archive, "search", "--dept", "住建厅", "--sort", "date", "--json"
    )

    hits = json.loads(result.stdout)["hits"]
    assert [hit["item_id"] for hit in hits] == [
        "monthly-2025-06/s4-3",
        "monthly-2025-01/s5-3",
        "weekly-2024-12-09/s3-2",
        "weekly-2024-01-02/a1",  # the 考核 table of November 2023
    ]


def test_search_prints_a_readable_list(runner, archive):
    result = run(
        runner, "--data-dir", archive, "search", '"公安厅"', "--dept", "公安厅", "--kind", "周报"
    )

    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("2 条结果")  # the item, and the 考核 table that lists 公安厅
    assert "《窗口工作周报》2024年第1期（总第472期）" in out  # issue
    assert "一、政务工作动态" in out  # section
    assert "4." in out  # label
    assert "weekly-2024-01-02/s1-4" in out
    assert "2024-01-02..2024-01-05" in out  # date span
    assert "交通运输厅、公安厅、商务厅" in out  # departments
    assert "【公安厅】联合商务厅" in out  # snippet, match marked
    assert "<mark>" not in out
    assert (
        "附件1：2023年11月省政务服务大厅进驻部门（单位）窗口考核结果  [weekly-2024-01-02/a1]" in out
    )


def test_search_csv_is_the_web_export_with_absolute_links(runner, archive, client):
    printed = run(runner, "--data-dir", archive, "search", '"公安厅"', "--csv").stdout
    exported = client.get('/search.csv?q="公安厅"').get_data(as_text=True)

    mine, theirs = csv_rows(printed), csv_rows(exported)
    assert printed.startswith("\ufeff") and len(mine) == 1 + 5
    assert [row[1].removeprefix(SERVE_ROOT) for row in mine[1:]] == [
        row[1].removeprefix(HOST) for row in theirs[1:]
    ]
    assert all(row[1].startswith(f"{SERVE_ROOT}/items/") for row in mine[1:])
    assert [row[:1] + row[2:] for row in mine] == [row[:1] + row[2:] for row in theirs]


def test_with_a_base_url_every_link_the_cli_prints_is_on_it(runner, archive):
    base = "https://bulletins.example.gov.cn/archive"
    env = {"BULLETINS_BASE_URL": base + "/"}

    shown = run(runner, "--data-dir", archive, "show", "weekly-2024-09-09/s1-2", env=env)
    exported = run(runner, "--data-dir", archive, "--base-url", base, "issues", "--csv").stdout

    assert shown.stdout.splitlines()[1] == f"{base}/items/weekly-2024-09-09/s1-2"
    assert "本机" not in shown.output, "a base URL is no loopback address"
    assert {row[1] for row in csv_rows(exported)[1:]} == {f"{base}/issues/{i}" for i in NEWEST_FIRST}


def test_without_a_base_url_the_cli_says_its_links_point_at_this_computer(runner, archive):
    result = run(runner, "--data-dir", archive, "show", "weekly-2024-09-09/s1-2")

    assert result.stdout.splitlines()[1] == f"{SERVE_ROOT}/items/weekly-2024-09-09/s1-2"
    assert "链接指向本机 http://127.0.0.1:8080，同事无法打开" in result.stderr
    assert "--base-url" in result.stderr


def test_a_base_url_that_is_no_address_is_a_usage_error(runner, archive):
    result = runner.invoke(main, ["--data-dir", archive, "--base-url", "bulletins", "issues"])

    assert result.exit_code == 2
    assert "基础地址" in result.output and "https://bulletins.example.gov.cn" in result.output


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_search_without_query_or_filters_is_an_error(runner, archive):
    result = runner.invoke(main, ["--data-dir", archive, "search"])

    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert "请给出检索词或筛选条件" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args, says",
    [
        (["(公安厅"], "括号不成对"),
        (['"一窗受理'], "引号不成对"),
        (["公安厅", "--from", "2024-13-45"], "2024-13-45"),
        (["公安厅", "--page", "0"], "page"),
        (["公安厅", "--limit", "1000"], "limit"),
        (["--dept", "国务院办公厅"], "未知部门"),
        (["--from", "2024-12-31", "--to", "2024-01-01"], "from"),
        (["--period-from", "2024-12-31", "--period-to", "2024-01-01"], "period_from"),
        (["--published-from", "2024-9-31"], "published_from"),
        (["，。"], "没有可检索"),
    ],
)
def test_bad_searches_exit_non_zero_with_a_message_and_no_traceback(runner, archive, args, says):
    result = runner.invoke(main, ["--data-dir", archive, "search", *args])

    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert says in result.output
    assert "Traceback" not in result.output


def test_reindex_prints_the_document_count(runner, archive_copy):
    result = run(runner, "--data-dir", str(archive_copy), "reindex")

    assert result.exit_code == 0
    assert result.stdout.strip() == "索引已重建：62 条"  # 61 items, 1 attachment
    again = run(runner, "--data-dir", str(archive_copy), "search", '"公安厅"', "--json")
    assert POLICE_ITEMS <= {hit["item_id"] for hit in json.loads(again.stdout)["hits"]}


def test_a_search_builds_a_missing_index_first_and_says_so(runner, archive_copy):
    (archive_copy / "index").unlink()

    result = run(runner, "--data-dir", str(archive_copy), "search", '"公安厅"', "--json")

    assert result.exit_code == 0
    assert "检索索引缺失或由其他版本建立：已重建（5 期）" in result.stderr
    assert POLICE_ITEMS <= {hit["item_id"] for hit in json.loads(result.stdout)["hits"]}
    again = run(runner, "--data-dir", str(archive_copy), "search", '"公安厅"', "--json")
    assert again.stderr == "", "a current index is used as it is"


def test_an_archive_written_by_a_newer_version_is_a_clear_error(runner, archive_copy):
    with sqlite3.connect(archive_copy / "archive.db") as db:
        db.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    db.close()

    result = runner.invoke(main, ["--data-dir", str(archive_copy), "issues"])

    assert result.exit_code == 1
    assert "档案由更新版本的 bulletins 写入（结构版本 999" in result.output
    assert "Traceback" not in result.output


def test_a_batch_with_bad_files_and_a_duplicate_names_each_stores_the_rest_and_exits_1(
    runner, tmp_path, data_dir, corpus_dir
):
    folder = Path(shutil.copytree(corpus_dir, tmp_path / "bulletins"))
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "notes.txt").write_bytes(random.Random(2).randbytes(4096))
    shutil.copy(folder / "2024-weekly-37.txt", folder / "zz-copy-of-37.txt")

    result = runner.invoke(main, ["--data-dir", str(data_dir), "ingest", str(folder)])

    assert result.exit_code == 1
    assert "empty.pdf：文件是空的" in result.output
    assert "notes.txt：文件不是文本，而是二进制数据" in result.output
    assert "zz-copy-of-37.txt：与 2024-weekly-37.txt 是同一期简报" in result.output
    assert "共 8 个文件：新增 5，更新 0，未变 0，重复 1，失败 2" in result.output
    listed = json.loads(run(runner, "--data-dir", str(data_dir), "issues", "--json").stdout)
    assert [issue["issue_id"] for issue in listed] == NEWEST_FIRST


def test_imports_lists_the_files_not_stored_with_why_in_english_and_chinese(
    runner, tmp_path, data_dir, corpus_dir
):
    run(runner, "--data-dir", str(data_dir), "ingest", str(corpus_dir))
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"")
    runner.invoke(main, ["--data-dir", str(data_dir), "ingest", str(bad)])

    data = json.loads(run(runner, "--data-dir", str(data_dir), "imports", "--json").stdout)
    text = run(runner, "--data-dir", str(data_dir), "imports").stdout

    [problem] = data["problems"]
    assert (problem["file"], problem["code"]) == ("scan.txt", "empty")
    assert (problem["message"], problem["message_zh"]) == ("the file is empty", "文件是空的")
    assert sorted(s["issue_id"] for s in data["sources"]) == sorted(NEWEST_FIRST)
    assert "1 个文件未能导入" in text and "文件是空的" in text and str(bad) in text
    assert "the file is empty" not in text, "the text is in Chinese; --json keeps both"


# --- check ----------------------------------------------------------------------


def test_check_says_ok_when_the_index_agrees_with_the_store(runner, data_dir, corpus_dir):
    run(runner, "--data-dir", str(data_dir), "ingest", str(corpus_dir))

    result = run(runner, "--data-dir", str(data_dir), "check")

    assert result.exit_code == 0
    assert "正常：索引与档案一致" in result.stdout


def test_check_names_what_disagrees_and_how_to_fix_it_and_repair_fixes_it(
    runner, data_dir, corpus_dir
):
    run(runner, "--data-dir", str(data_dir), "ingest", str(corpus_dir))
    with SearchIndex(data_dir / "index").edit() as edit:  # lose an issue behind the store's back
        edit.delete_issue("weekly-2024-09-09")

    result = runner.invoke(main, ["--data-dir", str(data_dir), "check"])

    assert result.exit_code == 1
    assert "问题：1 期已存档但不在索引中：weekly-2024-09-09" in result.stdout
    assert "修复：bulletins check --repair" in result.stdout

    repaired = json.loads(
        run(runner, "--data-dir", str(data_dir), "check", "--repair", "--json").stdout
    )
    assert repaired["ok"] is True and repaired["repaired"] == "re-indexed 1 issues"
    assert repaired["repaired_zh"] == "重新索引了 1 期"
    assert repaired["findings"] == []
    assert repaired["documents"] == repaired["items"]


# --- one language for people, typed options ------------------------------------

ASCII_WORDS = re.compile(r"[A-Za-z]{2,}")


def words_of_english(text: str) -> list[str]:
    """The English words of a plain output, once ids, links, paths, options and environment
    variables are left out (those are the same in every language)."""
    text = re.sub(
        r"https?://\S+|\S*(?:weekly|monthly)-\d\S*|/\S+|--[a-z-]+|\b[A-Z]+_[A-Z_]+\b", "", text
    )
    return ASCII_WORDS.findall(text)


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["issues"],
        ["imports"],
        ["departments"],
        ["departments", "住建厅"],
        ["show", "weekly-2024-09-09"],
        ["show", "weekly-2024-09-09/s1-2"],
        ["search", "一件事", "--kind", "月报"],
    ],
)
def test_plain_output_is_in_chinese(runner, archive, args):
    result = run(runner, "--data-dir", archive, *args)

    assert result.exit_code == 0
    assert words_of_english(result.stdout) == [], result.stdout[:600]
    assert words_of_english(result.stderr) == [], result.stderr


def test_help_is_in_chinese_and_says_what_each_option_takes(runner):
    top = run(runner, "-h", prog_name="bulletins").stdout
    search = run(runner, "search", "-h", prog_name="bulletins").stdout

    assert top.startswith("用法：bulletins [选项] 命令 [参数]...") and "命令：" in top
    assert search.startswith("用法：bulletins search [选项] [检索词]") and "选项：" in search
    assert re.search(r"--limit N +每页条数，1 到 100 的整数", search)
    assert re.search(r"--page N +第几页，1 到 10000 的整数", search)
    assert "--kind 周报|月报" in search and "--sort 相关度|最新|最早" in search
    assert "-h, --help               显示本帮助并退出。" in search
    assert not re.search(r"\b(TEXT|INTEGER|Usage|Options|Show this message)\b", top + search)


@pytest.mark.parametrize(
    "args, says",
    [
        (["--limit", "abc"], "错误：'--limit' 的值无效：应是整数，而不是“abc”"),
        (["--limit", "0"], "'--limit' 的值无效"),
        (["--kind", "季报"], "只能是 周报、月报、weekly、monthly 之一，而不是“季报”"),
        (["--sort", "热度"], "'--sort' 的值无效"),
        (["--json", "--csv"], "错误：--json 与 --csv 只能选一个"),
    ],
)
def test_an_option_given_what_it_does_not_take_is_a_usage_error_in_chinese(
    runner, archive, args, says
):
    result = runner.invoke(
        main, ["--data-dir", archive, "search", "一件事", *args], prog_name="bulletins"
    )

    assert result.exit_code == 2
    assert says in result.output
    assert "运行“bulletins search -h”查看帮助。" in result.output
    assert "Traceback" not in result.output and "Error" not in result.output


def test_kind_and_sort_in_chinese_are_the_same_search_as_in_english(runner, archive):
    chinese = run(
        runner, "--data-dir", archive, "search", "一件事", "--kind", "月报", "--sort", "最早",
        "--json",
    )
    english = run(
        runner, "--data-dir", archive, "search", "一件事", "--kind", "monthly", "--sort",
        "oldest", "--json",
    )

    found = json.loads(chinese.stdout)
    assert found == json.loads(english.stdout)
    assert found["hits"] and {h["kind"] for h in found["hits"]} == {"monthly"}
    days = [h["date_from"] for h in found["hits"]]
    assert days == sorted(days), "最早: oldest first"


def test_a_department_alone_is_searched_as_the_department_filter_and_said_so(runner, archive):
    alone = run(runner, "--data-dir", archive, "search", "住建厅", "--json")
    filtered = run(runner, "--data-dir", archive, "search", "--dept", "住建厅", "--json")

    assert json.loads(alone.stdout) == json.loads(filtered.stdout)
    days = [h["date_from"] for h in json.loads(alone.stdout)["hits"]]
    assert days == sorted(days, reverse=True), "newest first"
    assert "“住建厅”是部门名称：按部门“住房城乡建设厅”筛选，最新在前" in alone.stderr
    quoted = run(runner, "--data-dir", archive, "search", '"住建厅"', "--json")
    assert "是部门名称" not in quoted.stderr, "in quotes: the words"


def test_a_search_for_an_issues_number_says_where_the_issues_are(runner, archive):
    one = run(runner, "--data-dir", archive, "search", "2024年第37期")
    several = run(runner, "--data-dir", archive, "search", "第1期", "--json")
    words = run(runner, "--data-dir", archive, "search", "一件事")

    assert "“2024年第37期”是期号，指《窗口工作周报》2024年第37期（总第508期）" in one.stderr
    assert "bulletins show weekly-2024-09-09 显示该期" in one.stderr
    assert "“第1期”是期号，指2 期：bulletins issues 第1期 列出这些期" in several.stderr
    assert set(json.loads(several.stdout)) >= {"total", "hits"}, "stdout stays the search's JSON"
    assert "期号" not in words.stderr


@pytest.mark.parametrize("number", ["2024年第37期", "第508期", "总第508期"])
def test_show_takes_an_issue_by_its_number(runner, archive, number):
    by_id = run(runner, "--data-dir", archive, "show", "weekly-2024-09-09")
    by_number = run(runner, "--data-dir", archive, "show", number)

    assert by_number.exit_code == 0
    assert by_number.stdout == by_id.stdout


def test_show_of_a_number_several_issues_have_lists_them_and_fails(runner, archive):
    result = runner.invoke(main, ["--data-dir", archive, "show", "第1期"])

    assert result.exit_code == 1
    assert "“第1期”有 2 期，请用编号指明" in result.output
    assert "monthly-2025-01" in result.output and "weekly-2024-01-02" in result.output


def test_issues_narrow_by_number_year_and_kind(runner, archive):
    def ids(*args: str) -> list[str]:
        printed = run(runner, "--data-dir", archive, "issues", *args).stdout
        return [line.split()[0] for line in printed.splitlines()]

    assert ids("--year", "2024", "--kind", "周报") == [
        "weekly-2024-12-09", "weekly-2024-09-09", "weekly-2024-01-02",
    ]
    assert ids("--kind", "monthly") == ["monthly-2025-06", "monthly-2025-01"]
    assert ids("第1期") == ["monthly-2025-01", "weekly-2024-01-02"]
    assert ids("第1期", "--kind", "月报") == ["monthly-2025-01"]
    listed = run(runner, "--data-dir", archive, "issues", "--year", "2025").stdout.splitlines()
    assert len(listed) == 2 and all(re.search(r"  \d+ 条  《", line) for line in listed), listed
