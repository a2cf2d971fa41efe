"""Report export through the web: chosen items or a whole search, as .docx, printable page and JSON."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from docx import Document

from service.config import Config
from web import create_app

HOST = "http://localhost"
CHOSEN = ["weekly-2024-09-09/s2-1", "weekly-2024-01-02/s1-3", "weekly-2024-09-09/s6-2-2"]


@pytest.fixture(scope="module")
def client(indexed_archive):
    return create_app(Config.load(indexed_archive)).test_client()


def docx_items(data: bytes) -> list[tuple[str, str]]:
    """(citation line, link) of each item of a downloaded report, in order."""
    document = Document(io.BytesIO(data))
    return [
        (p.text, p.hyperlinks[0].address) for p in document.paragraphs if p.style.name == "条目引用"
    ]


def query(ids: list[str], **extra: str) -> str:
    params = [("item", i) for i in ids] + list(extra.items())
    return "&".join(f"{k}={v}" for k, v in params)


def test_chosen_items_download_as_a_word_document_with_citations_and_absolute_links(client):
    response = client.get(f"/report.docx?{query(CHOSEN)}")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="bulletins-report-')
    assert "所选条目摘编" in unquote(disposition)
    items = docx_items(response.data)
    # grouped by issue, in the order first chosen: both items of 第37期, then 第1期
    assert [link for _, link in items] == [
        f"{HOST}/items/weekly-2024-09-09/s2-1",
        f"{HOST}/items/weekly-2024-09-09/s6-2-2",
        f"{HOST}/items/weekly-2024-01-02/s1-3",
    ]
    assert items[1][0].startswith(
        "引用：《窗口工作周报》2024年第37期（总第508期，2024年9月23日印发）"
        "六、综窗改革攻坚行动 第（二）项第2点"
    )


def test_the_json_twin_holds_the_same_report(client):
    data = client.get(f"/api/report?{query(CHOSEN, group='department')}").get_json()
    assert data["title"] == "所选条目摘编"
    assert data["group_by"] == "department"
    assert data["total"] == 3
    ids = [i["item_id"] for g in data["groups"] for i in g["items"]]
    assert sorted(ids) == sorted(CHOSEN)
    assert data["groups"][0]["name"] == "自然资源厅"


def test_a_whole_search_exports_every_hit_with_its_filters(client):
    search = client.get("/api/search?dept=住建厅&limit=100").get_json()
    data = client.get("/api/report?dept=住建厅").get_json()
    assert data["filters"] == [["部门", "住房城乡建设厅"]]
    assert sorted(i["item_id"] for g in data["groups"] for i in g["items"]) == sorted(
        h["item_id"] for h in search["hits"]
    )
    response = client.get("/report.docx?dept=住建厅&group=department")
    assert len(docx_items(response.data)) == search["total"]
    first_group = Document(io.BytesIO(response.data)).paragraphs
    assert any(
        p.text.startswith("住房城乡建设厅（") for p in first_group if p.style.name == "Heading 1"
    )


def test_the_printable_page_shows_each_item_with_its_citation_and_link(client):
    page = client.get(f"/report?{query(CHOSEN)}").get_data(as_text=True)
    assert "<h1>所选条目摘编</h1>" in page
    for item_id in CHOSEN:
        assert f'<a href="{HOST}/items/{item_id}">' in page
    assert 'class="print"' in page and "下载 Word 文档" in page


def test_a_title_of_ones_own_is_escaped(client):
    page = client.get(f"/report?{query(CHOSEN[:1], title='<script>x</script>')}").get_data(
        as_text=True
    )
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("url", "status", "reason"),
    [
        (
            "/report.docx?item=weekly-2024-09-09/s99-1",
            404,
            "没有编号为 weekly-2024-09-09/s99-1 的条目",
        ),
        ("/report.docx?item=../../etc/passwd", 400, "条目编号格式有误"),
        ("/report.docx", 400, "请选择条目"),
        (f"/report.docx?{query(CHOSEN)}&group=month", 400, "参数 group"),
        (f"/report.docx?{query(CHOSEN)}&title={'长' * 101}", 400, "参数 title 过长"),
        (
            "/api/report?" + query([f"weekly-2024-09-09/s1-{n}" for n in range(1, 502)]),
            400,
            "一次最多导出 500 条",
        ),
    ],
)
def test_bad_requests_say_why_in_chinese(client, url, status, reason):
    response = client.get(url)
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert reason in (response.get_json()["error"]["reason"] if response.is_json else body)


def test_results_and_issue_pages_offer_the_choice_and_the_whole_search_export(client):
    results = client.get("/search?q=窗口").get_data(as_text=True)
    assert 'class="choose" value="weekly-' in results
    assert 'href="/report.docx?q=%E7%AA%97%E5%8F%A3"' in results
    assert 'type="application/atom+xml"' in results
    issue = client.get("/issues/weekly-2024-09-09").get_data(as_text=True)
    assert 'class="choose" value="weekly-2024-09-09/s6-2-2"' in issue
    assert 'class="chosen-bar" hidden' in issue
