"""The 数据 pages and their JSON and CSV twins, on the corpus and on an archive with a misprint."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest

from archive.ingest import collect, ingest_files
from archive.store import Store
from indexer.index import SearchIndex
from service.config import Config
from web import create_app

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def client(indexed_archive):
    return create_app(Config.load(indexed_archive)).test_client()


def svgs(page: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", page, flags=re.S)]


def test_the_data_page_lists_every_series_the_archive_has_with_its_json_twin(client):
    page = client.get("/figures/").get_data(as_text=True)
    data = client.get("/api/figures").get_json()["series"]
    keys = [s["series"] for s in data]
    assert keys[:4] == ["window-consult", "window-accept", "window-issue", "window-transfer"]
    assert "assessment-score" in keys and "overview-handled" in keys
    for summary in data:
        assert f'href="/figures/{summary["series"]}"' in page
    handled = next(s for s in data if s["series"] == "overview-handled")
    assert (handled["issues"], handled["latest"]["printed"]) == (2, "5.46万件")
    assert handled["latest"]["url"] == "/items/monthly-2025-06/s1-1"
    assert 'href="/figures/"' in client.get("/").get_data(as_text=True)  # 数据 in the site menu


def test_a_weekly_series_is_a_chart_and_a_table_every_point_linking_to_its_item(client):
    page = client.get("/figures/window-consult").get_data(as_text=True)
    data = client.get("/api/figures/window-consult").get_json()
    assert [p["value"] for p in data["points"]] == [1031, 1493, 1627]  # oldest first
    assert data["unit"] == "人次"
    [chart] = svgs(page)  # one year only: no year-against-year chart
    assert [a.get("href") for a in chart.iter(f"{SVG}a")] == [p["url"] for p in data["points"]]
    for point in data["points"]:
        assert f'<a href="{point["url"]}">{point["issue_title"]}</a>' in page
    assert "1,031" in page and "单位：人次" in page


def test_the_csv_twin_has_the_points_of_the_json(client):
    text = client.get("/figures/overview-handled.csv").get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    data = client.get("/api/figures/overview-handled").get_json()["points"]
    assert [(r["数值"], r["原文"], r["链接"]) for r in rows] == [
        (f"{p['value']:g}", p["printed"], f"http://localhost{p['url']}") for p in data
    ]
    everything = client.get("/figures.csv").get_data(as_text=True)
    assert len(everything.strip().splitlines()) == 1 + 97  # the golden table's figures


def test_assessments_list_each_department_and_chart_one(client):
    page = client.get("/figures/assessment-score").get_data(as_text=True)
    data = client.get("/api/figures/assessment-score").get_json()
    assert len(data["latest"]) == 29 and data["points"] == []
    assert data["latest"][0]["value"] == 120
    assert 'href="/figures/assessment-score?dept=' in page
    one = client.get("/api/figures/assessment-rank?dept=住建厅").get_json()
    assert one["department"] == "住房城乡建设厅"
    assert [(p["value"], p["period_start"]) for p in one["points"]] == [(21, "2023-11-01")]


def test_the_department_page_gives_score_and_rank_with_ties_ranked(client):
    data = client.get("/api/departments/交通运输厅").get_json()
    assert [(p["value"], p["url"]) for p in data["ranks"]] == [(1, "/items/weekly-2024-01-02/a1")]
    assert [p["value"] for p in data["scores"]] == [120]
    page = client.get("/departments/交通运输厅").get_data(as_text=True)
    assert "<td>1（并列）</td>" in page


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/figures/no-such-series", 404),
        ("/api/figures/no-such", 404),
        (f"/figures/assessment-score?dept={'厅' * 101}", 400),
    ],
)
def test_unknown_series_and_bad_parameters(client, url, status):
    assert client.get(url).status_code == status


def test_a_department_that_is_none_gets_its_suggestions(client):
    """As on the search: 400, the nearest departments as links, and in the JSON."""
    page = client.get("/figures/assessment-score?dept=住建委")
    assert page.status_code == 400
    assert "住房城乡建设厅" in page.get_data(as_text=True)
    error = client.get("/api/figures/assessment-score?dept=住建委").get_json()["error"]
    assert error["status"] == 400
    assert "住房城乡建设厅" in [s["name"] for s in error["suggestions"]]


def test_a_misprinted_value_is_flagged_on_the_page_and_kept(corpus_dir, tmp_path):
    """Five weeks of 综窗 counts, one misprinted 100x: it is drawn apart and marked, not dropped."""
    text = (corpus_dir / "2024-weekly-37.txt").read_text("utf-8")
    folder = tmp_path / "weeks"
    folder.mkdir()
    weeks = ["7月1日—7月5日", "7月8日—7月12日", "7月15日—7月19日", "7月22日—7月26日"]
    weeks += ["7月29日—8月2日", "8月5日—8月9日"]
    for week, accepted in enumerate([537, 512, 53700, 498, 560, 530]):
        bulletin = (
            text.replace("（9月9日—9月14日）", f"（{weeks[week]}）")
            .replace("受理 537件", f"受理 {accepted}件")
            .replace(
                "2024年第 37 期（总第 508 期）", f"2024年第 {40 + week} 期（总第 {511 + week} 期）"
            )
        )
        (folder / f"week-{week}.txt").write_text(bulletin, "utf-8")
    data = tmp_path / "data"
    store = Store(data / "archive.db")
    assert all(o.status == "added" for o in ingest_files(store, collect([folder])))
    SearchIndex(data / "index").sync(store)
    store.close()
    client = create_app(Config.load(data)).test_client()
    points = client.get("/api/figures/window-accept").get_json()["points"]
    assert [p["value"] for p in points] == [537, 512, 53700, 498, 560, 530]
    assert [p["flag"] is not None for p in points] == [False, False, True, False, False, False]
    page = client.get("/figures/window-accept").get_data(as_text=True)
    assert page.count('class="dot flagged"') == 1 and "请核对" in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/figures/window-accept.csv").get_data(as_text=True).lstrip("\ufeff")
            )
        )
    )
    assert [bool(r["提示"]) for r in rows] == [False, False, True, False, False, False]


def test_the_data_page_counts_the_figures_an_ingest_brought_in(corpus_dir, tmp_path):
    """The series and their counts are read once per index generation: an ingest (a new
    generation) brings its own; before any index, they are read from the store."""
    from web.context import archive_of

    data = tmp_path / "data"
    store = Store(data / "archive.db")
    assert all(
        o.status == "added" for o in ingest_files(store, [corpus_dir / "2024-weekly-01.txt"])
    )
    store.close()
    app = create_app(Config.load(data))
    client = app.test_client()

    def counts() -> dict[str, int]:
        return {s["series"]: s["points"] for s in client.get("/api/figures").get_json()["series"]}

    unindexed = counts()
    assert unindexed and client.get("/figures/").status_code == 200
    assert archive_of(app).ingest([corpus_dir / "2024-weekly-37.txt"]).ok
    indexed = counts()
    assert indexed["window-accept"] == unindexed["window-accept"] + 1
    assert archive_of(app).ingest([corpus_dir / "2024-weekly-1209-1213.txt"]).ok
    assert counts()["window-accept"] == indexed["window-accept"] + 1
    archive_of(app).close()
