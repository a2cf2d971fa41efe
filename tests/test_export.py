"""service.export: CSV that a spreadsheet opens as text, never as formulas it runs."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from bulletins.cli import main as cli
from service.archive import Archive
from service.config import Config
from service.export import FORMULA_STARTS, cell, table_csv
from web import create_app
from web.context import archive_of

FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_opening_like_a_formula_is_quoted(value):
    assert cell(value) == "'" + value
    assert cell("公安厅" + value) == "公安厅" + value, "only the opening character counts"


def test_numbers_stay_numbers():
    assert cell(-0.5) == -0.5 and cell(3) == 3 and cell("-0.5") == "-0.5"


def test_every_cell_of_a_csv_is_neutralised_and_it_has_a_bom():
    text = table_csv(["=A", "b"], [["=1+1", "x"], ["-2", 5], ["-2+3", "@x"]])

    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["'=A", "b"], ["'=1+1", "x"], ["-2", "5"], ["'-2+3", "'@x"]
    ]  # fmt: skip


FORMULA_BULLETIN = """窗口工作周报
2024年第40期（总第511期）
（9月30日—10月4日）
四川省政府政务服务和公共资源交易服务中心 2024年10月8日
一、窗口资讯
（一）=1+1公安厅窗口本周受理业务。
（二）+SUM（1,2）公安厅窗口开展培训。
（三）-2+3公安厅窗口优化流程。
（四）@SUM（A1）公安厅窗口接受表扬。
"""


@pytest.fixture(scope="module")
def formula_archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formulas")
    (folder / "formulas.txt").write_text(FORMULA_BULLETIN, "utf-8")
    data = folder / "data"
    with Archive(Config.load(data)) as archive:
        assert archive.ingest([folder / "formulas.txt"]).ok
    return data


def texts(csv_body: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(csv_body.removeprefix("\ufeff"))))
    return sorted(row[-1] for row in rows[1:])


def test_the_web_export_quotes_item_text_that_opens_like_a_formula(formula_archive):
    """LibreOffice Calc turned `=1+1公安厅…` of /search.csv into a live formula."""
    app = create_app(Config.load(formula_archive))
    body = app.test_client().get('/search.csv?q="公安厅"').get_data(as_text=True)  # the words
    archive_of(app).close()

    assert texts(body) == sorted(
        ["'=1+1公安厅窗口本周受理业务。", "'+SUM（1,2）公安厅窗口开展培训。",
         "'-2+3公安厅窗口优化流程。", "'@SUM（A1）公安厅窗口接受表扬。"]
    )  # fmt: skip
    assert not any(t.startswith(FORMULA_STARTS) for t in texts(body))


def test_the_cli_export_quotes_them_too(formula_archive):
    result = CliRunner().invoke(
        cli, ["--data-dir", str(formula_archive), "search", "公安厅", "--csv"]
    )

    assert result.exit_code == 0, result.output
    assert len(texts(result.stdout)) == 4
    assert all(t.startswith("'") for t in texts(result.stdout))
