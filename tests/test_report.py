"""The Word report: chosen items in, a .docx that python-docx reads back with exactly those items,
their citations and links, in order, in Chinese fonts on A4."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta, timezone

import pytest
from docx import Document
from docx.oxml.ns import qn

from archive.model import Issue
from service.report import Report, ReportItem, groups
from service.word import report_docx
from web.filters import cn_span

BASE = "https://bulletins.example.org"


def chosen(store, *ids: str) -> tuple[ReportItem, ...]:
    """ReportItems for item ids ("weekly-2024-09-09/s2-1"), read from the archive as the web does."""
    items = []
    for item_id in ids:
        issue_id, anchor = item_id.split("/")
        issue: Issue = store.load(issue_id)
        _, node = issue.find(anchor)
        items.append(
            ReportItem(
                text=node.text,
                citation=issue.citation(anchor),
                link=f"{BASE}/items/{issue_id}/{anchor}",
                issue_id=issue_id,
                issue_title=issue.title,
                where=issue.cite(anchor).place,
                departments=tuple(node.departments),
                dates=cn_span(node.date_from, node.date_to),
            )
        )
    return tuple(items)


def read_back(data: bytes) -> list[dict]:
    """Each item of the document (a level-2 heading, its text, its citation and link line)."""
    document = Document(io.BytesIO(data))
    items: list[dict] = []
    for paragraph in document.paragraphs:
        style = paragraph.style.name
        if style == "Heading 2":
            items.append({"heading": paragraph.text, "text": [], "cite": None, "links": []})
        elif items and style == "条目正文":
            items[-1]["text"].append(paragraph.text)
        elif items and style == "条目引用":
            items[-1]["cite"] = paragraph.text
            items[-1]["links"] = [link.address for link in paragraph.hyperlinks]
    return items


IDS = (
    "weekly-2024-09-09/s2-1",
    "weekly-2024-01-02/s1-3",
    "weekly-2024-09-09/s6-2-2",
    "monthly-2025-01/s1-1",
)


def test_the_document_holds_exactly_the_chosen_items_with_citations_and_links_in_order(
    ingested_store,
):
    items = chosen(ingested_store, *IDS)
    report = Report(title="住建厅工作情况汇总", filters=(("检索词", "窗口"),), items=items)
    got = read_back(report_docx(report))
    assert len(got) == len(items)
    order = [i for _, group in groups(report) for i in group]
    for item, back in zip(order, got, strict=True):
        assert back["text"] == [p for p in item.text.split("\n") if p.strip()]
        assert back["cite"] == f"引用：{item.citation}　链接：{item.link}"
        assert back["links"] == [item.link]
    # grouped by issue: the two items of 第37期 together, groups in the order first chosen
    assert [i.issue_id for i in order] == [
        "weekly-2024-09-09",
        "weekly-2024-09-09",
        "weekly-2024-01-02",
        "monthly-2025-01",
    ]
    assert got[1]["heading"].startswith("2．六、综窗改革攻坚行动 第（二）项第2点")


def test_issue_groups_are_level_1_headings_with_their_counts(ingested_store):
    report = Report(title="汇总", filters=(), items=chosen(ingested_store, *IDS))
    document = Document(io.BytesIO(report_docx(report)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "《窗口工作周报》2024年第37期（总第508期）（2 条）",
        "《窗口工作周报》2024年第1期（总第472期）（1 条）",
        "《政务窗口月报》2025年第1期（1 条）",
    ]
    title, *description = [
        p.text for p in document.paragraphs if p.style.name in ("报告标题", "报告说明")
    ]
    assert title == "汇总"
    assert description[0] == "筛选条件：无（所选条目）"
    assert description[1].startswith("共 4 条，按期次分组")


def test_by_department_each_item_appears_once_under_the_department_searched_for_first(
    ingested_store,
):
    items = chosen(ingested_store, "weekly-2024-01-02/s1-3", "weekly-2024-01-02/s1-4")
    assert items[0].departments[0] == "自然资源厅" and "交通运输厅" in items[0].departments
    report = Report(
        title="交通运输厅",
        filters=(("部门", "交通运输厅"),),
        items=items,
        group_by="department",
        prefer=("交通运输厅",),
    )
    assert [(name, len(group)) for name, group in groups(report)] == [("交通运输厅", 2)]
    got = read_back(report_docx(report))
    assert [g["heading"].split("．", 1)[1].split("　")[0] for g in got] == [
        i.citation for i in items
    ]
    unpreferred = Report(title="x", filters=(), items=items, group_by="department")
    assert [name for name, _ in groups(unpreferred)] == ["自然资源厅", "交通运输厅"]


def test_items_without_a_department_are_grouped_apart():
    item = ReportItem(
        "正文", "《窗口工作周报》第1期一、政务工作动态1.", f"{BASE}/a", "w", "《窗口工作周报》第1期"
    )
    report = Report(title="x", filters=(), items=(item,), group_by="department")
    assert [name for name, _ in groups(report)] == ["未涉及具体部门"]


def test_chinese_fonts_are_the_east_asian_fonts_of_every_style_with_installed_alternatives():
    data = report_docx(Report(title="报告", filters=(), items=()))
    document = Document(io.BytesIO(data))
    styles = document.styles

    def east_asian(style_name: str) -> str:
        fonts = styles[style_name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:eastAsiaTheme")) is None
        return fonts.get(qn("w:eastAsia"))

    assert east_asian("Normal") == east_asian("条目正文") == "仿宋_GB2312"
    assert east_asian("Heading 1") == east_asian("Heading 2") == "黑体"
    assert east_asian("报告标题") == "方正小标宋简体"
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    font_table = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode("utf-8")
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table
    assert '<w:charset w:val="86"/>' in font_table


def test_the_page_is_a4_with_the_margins_of_official_documents_and_numbered():
    document = Document(io.BytesIO(report_docx(Report(title="报告", filters=(), items=()))))
    section = document.sections[0]
    measures = (section.page_width, section.page_height, section.top_margin, section.left_margin)
    assert [round(m.cm, 2) for m in measures] == [21.0, 29.7, 3.7, 2.8]  # stored in twips
    footer_xml = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer_xml and 'w:fldCharType="begin"' in footer_xml


def test_markup_and_control_characters_in_the_text_neither_break_nor_inject():
    nasty = ReportItem(
        text='<w:p>&amp; "引号" \x0c换页\x00后\n第二段 <script>',
        citation="《窗口工作周报》第1期一、政务工作动态1.",
        link=f"{BASE}/items/w/s1-1?a=1&b=<2>",
        issue_id="w",
        issue_title="《窗口工作周报》第1期",
        departments=("住建厅",),
    )
    got = read_back(
        report_docx(
            Report(title="<b>标题</b> & 汇总", filters=(("检索词", "<i>"),), items=(nasty,))
        )
    )
    assert got[0]["text"] == ['<w:p>&amp; "引号" 换页后', "第二段 <script>"]
    assert got[0]["links"] == [f"{BASE}/items/w/s1-1?a=1&b=<2>"]


def test_the_generation_time_is_stated_and_recorded_in_the_properties():
    when = datetime(2025, 7, 1, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    data = report_docx(
        Report(title="月报汇总", filters=(("部门", "住建厅"),), items=(), generated=when)
    )
    document = Document(io.BytesIO(data))
    assert document.core_properties.title == "月报汇总"
    assert document.core_properties.created == when.astimezone(UTC)
    description = [p.text for p in document.paragraphs if p.style.name == "报告说明"]
    assert description == ["筛选条件：部门：住建厅", "共 0 条，按期次分组，2025年7月1日09:30生成"]


def test_an_unknown_grouping_is_refused():
    with pytest.raises(ValueError, match="group_by"):
        Report(title="x", filters=(), items=(), group_by="month")
