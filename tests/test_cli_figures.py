"""The CLI's 数据, report and feed commands: the same objects as their web twins."""

from __future__ import annotations

import io
import json

import feedparser
import pytest
from docx import Document

from bulletins.cli import main as cli
from service.config import Config
from web import create_app

BASE = "https://bulletins.example.gov.cn"


@pytest.fixture(scope="module")
def client(indexed_archive):
    return create_app(Config.load(indexed_archive, base_url=BASE)).test_client()


def run(runner, indexed_archive, *args: str):
    result = runner.invoke(cli, ["--data-dir", str(indexed_archive), "--base-url", BASE, *args])
    return result


@pytest.mark.parametrize(
    ("args", "url"),
    [
        ((), "/api/figures"),
        (("window-consult",), "/api/figures/window-consult"),
        (("assessment-score",), "/api/figures/assessment-score"),
        (("assessment-rank", "--dept", "住建厅"), "/api/figures/assessment-rank?dept=住建厅"),
    ],
)
def test_figures_json_is_the_api_json(runner, indexed_archive, client, args, url):
    result = run(runner, indexed_archive, "figures", *args, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == client.get(url).get_json()


def test_figures_csv_is_the_web_csv(runner, indexed_archive, client):
    result = run(runner, indexed_archive, "figures", "overview-handled", "--csv")
    web = client.get("/figures/overview-handled.csv").get_data(as_text=True)
    assert result.stdout_bytes.decode("utf-8") == web
    everything = run(runner, indexed_archive, "figures", "--csv")
    assert everything.stdout_bytes.decode("utf-8") == client.get("/figures.csv").get_data(
        as_text=True
    )


def test_figures_text_and_an_unknown_series(runner, indexed_archive):
    listing = run(runner, indexed_archive, "figures")
    assert "overview-handled" in listing.output and "5.46万件" in listing.output
    points = run(runner, indexed_archive, "figures", "window-accept")
    assert [line.split()[1] for line in points.output.splitlines()] == ["455", "537", "578"]
    unknown = run(runner, indexed_archive, "figures", "no-such")
    assert unknown.exit_code == 1 and "没有数列“no-such”" in unknown.output
    nobody = run(runner, indexed_archive, "figures", "assessment-rank", "--dept", "住建委")
    assert nobody.exit_code == 2 and "未知部门：住建委" in nobody.output
    assert "住房城乡建设厅" in nobody.output


def test_report_writes_the_word_document_of_chosen_items_with_links_on_the_base_url(
    runner, indexed_archive, tmp_path
):
    path = tmp_path / "r.docx"
    result = run(
        runner, indexed_archive, "report", "--item", "monthly-2025-01/s1-1",
        "--item", "weekly-2024-09-09/s2-1", "--docx", str(path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = Document(io.BytesIO(path.read_bytes()))
    links = [p.hyperlinks[0].address for p in document.paragraphs if p.style.name == "条目引用"]
    assert links == [f"{BASE}/items/monthly-2025-01/s1-1", f"{BASE}/items/weekly-2024-09-09/s2-1"]


def test_report_of_a_search_is_the_api_report(runner, indexed_archive, client):
    result = run(
        runner, indexed_archive, "report", "--dept", "住建厅", "--group", "department", "--json"
    )
    cli_report = json.loads(result.output)
    web_report = client.get("/api/report?dept=住建厅&group=department").get_json()
    for report in (cli_report, web_report):
        report.pop("generated")
    assert cli_report == web_report


def test_report_of_a_search_by_the_issue_s_dates_is_the_api_report_and_names_them(
    runner, indexed_archive, client
):
    result = run(
        runner, indexed_archive, "report", "--period-from", "2024-09-01",
        "--published-to", "2024-12-31", "--json",
    )  # fmt: skip
    cli_report = json.loads(result.output)
    web_report = client.get(
        "/api/report?period_from=2024-09-01&published_to=2024-12-31"
    ).get_json()
    for report in (cli_report, web_report):
        report.pop("generated")
    assert cli_report == web_report
    assert cli_report["filters"] == [
        ["所属期", "2024年9月1日 至 不限"],
        ["印发日期", "不限 至 2024年12月31日"],
    ]
    assert cli_report["total"] > 0


def test_report_refuses_what_it_cannot_do(runner, indexed_archive):
    assert run(runner, indexed_archive, "report", "--docx", "x.docx").exit_code == 2
    missing = run(runner, indexed_archive, "report", "--item", "weekly-2024-09-09/s99-9", "--json")
    assert missing.exit_code == 1 and "档案中没有条目 weekly-2024-09-09/s99-9" in missing.output


def test_feed_is_the_web_feed(runner, indexed_archive, client):
    result = run(runner, indexed_archive, "feed", "--dept", "住建厅")
    assert result.exit_code == 0, result.output
    from_cli = feedparser.parse(result.stdout_bytes)
    from_web = feedparser.parse(client.get("/search.atom?dept=住建厅").data)
    assert from_cli.version == "atom10" and from_cli.bozo == 0
    assert [e.id for e in from_cli.entries] == [e.id for e in from_web.entries]
    assert from_cli.entries[0].id.startswith(f"{BASE}/items/")
    assert (
        from_cli.feed.id
        == from_web.feed.id
        == f"{BASE}/search.atom?dept=%E4%BD%8F%E6%88%BF%E5%9F%8E%E4%B9%A1%E5%BB%BA%E8%AE%BE%E5%8E%85"
    )
