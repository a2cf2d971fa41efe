"""The Atom feed: entries in, a feed that feedparser reads as Atom 1.0 with every entry's
citation, text and absolute permalink, whatever the text holds."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import feedparser

from service.feed import ATOM, Feed, FeedEntry, atom_feed

BEIJING = timezone(timedelta(hours=8))
BASE = "https://bulletins.example.org"


def entry(n: int, **changes) -> FeedEntry:
    values = dict(
        link=f"{BASE}/items/weekly-2024-09-09/s2-{n}",
        title=f"《窗口工作周报》2024年第37期（总第508期）二、政务工作动态（{n}）",
        text=f"本周，自然资源厅组织召开第{n}次会议。\n会议要求扎实推进。",
        updated=datetime(2024, 9, 24, 8, n, tzinfo=BEIJING),
        published=datetime(2024, 9, 23, tzinfo=BEIJING),
        departments=("自然资源厅", "住建厅"),
    )
    values.update(changes)
    return FeedEntry(**values)


def feed(*entries: FeedEntry, **changes) -> Feed:
    values = dict(
        title="检索：自然资源厅",
        self_link=f"{BASE}/feeds/search.atom?dept=自然资源厅",
        page_link=f"{BASE}/search?dept=自然资源厅",
        entries=entries,
        updated=datetime(2024, 9, 24, 9, 0, tzinfo=BEIJING),
    )
    values.update(changes)
    return Feed(**values)


def test_feedparser_reads_it_as_atom_with_every_entry_in_order():
    entries = (entry(3), entry(2), entry(1))
    parsed = feedparser.parse(atom_feed(feed(*entries)))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "检索：自然资源厅"
    assert parsed.feed.id == f"{BASE}/feeds/search.atom?dept=自然资源厅"
    assert {link.rel: link.href for link in parsed.feed.links} == {
        "self": f"{BASE}/feeds/search.atom?dept=自然资源厅",
        "alternate": f"{BASE}/search?dept=自然资源厅",
    }
    assert [e.id for e in parsed.entries] == [e.link for e in entries]
    assert [e.link for e in parsed.entries] == [e.link for e in entries]
    assert [e.title for e in parsed.entries] == [e.title for e in entries]


def test_an_entry_carries_its_citation_text_permalink_departments_and_times():
    parsed = feedparser.parse(atom_feed(feed(entry(1)))).entries[0]
    content = parsed.content[0]
    assert content.type == "text/html"
    assert "<p>本周，自然资源厅组织召开第1次会议。</p><p>会议要求扎实推进。</p>" in content.value
    assert (
        f'<p>引用：《窗口工作周报》2024年第37期（总第508期）二、政务工作动态（1） <a href="{BASE}/items/weekly-2024-09-09/s2-1">'
        in content.value
    )
    assert parsed.summary == "本周，自然资源厅组织召开第1次会议。 会议要求扎实推进。"
    assert [t.term for t in parsed.tags] == ["自然资源厅", "住建厅"]
    assert parsed.updated == "2024-09-24T08:01:00+08:00"
    assert parsed.published == "2024-09-23T00:00:00+08:00"


def test_every_element_rfc_4287_requires_is_there():
    root = ET.fromstring(atom_feed(feed(entry(1))))
    ns = {"a": ATOM}
    assert root.tag == f"{{{ATOM}}}feed"
    for required in ("a:id", "a:title", "a:updated", "a:author/a:name"):
        assert root.find(required, ns) is not None, required
    item = root.find("a:entry", ns)
    for required in ("a:id", "a:title", "a:updated", "a:link[@rel='alternate']", "a:content"):
        assert item.find(required, ns) is not None, required


def test_markup_quotes_and_control_characters_are_escaped_or_dropped_never_breaking_the_feed():
    nasty = entry(
        1,
        title='<script>alert("x")</script> & 《周报》',
        text="a < b && c > d\x0c\x00 “引号” ]]> <b>粗</b>",
        link=f'{BASE}/items/weekly-2024-09-09/s2-1?x=1&y="2"',
        departments=("<省>",),
    )
    data = atom_feed(feed(nasty, title="检索：<&>\x1b"))
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.title == "检索：<&>"
    e = parsed.entries[0]
    assert e.title == '<script>alert("x")</script> & 《周报》'
    assert (
        "<p>a &lt; b &amp;&amp; c &gt; d “引号” ]]&gt; &lt;b&gt;粗&lt;/b&gt;</p>"
        in e.content[0].value
    )
    assert e.link == f'{BASE}/items/weekly-2024-09-09/s2-1?x=1&y="2"'
    assert b"<script>" not in data


def test_a_long_text_is_summarised_and_kept_whole_in_the_content():
    long = "窗口" * 200
    parsed = feedparser.parse(atom_feed(feed(entry(1, text=long)))).entries[0]
    assert parsed.summary == long[:120] + "…"
    assert long in parsed.content[0].value


def test_an_empty_feed_is_still_a_valid_feed():
    parsed = feedparser.parse(atom_feed(feed()))
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert parsed.entries == []
    assert parsed.feed.updated == "2024-09-24T09:00:00+08:00"
