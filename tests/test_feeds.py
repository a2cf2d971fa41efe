"""The Atom feed of a search (订阅): valid Atom, absolute permalinks, and a new entry for each
matching item of a bulletin ingested after subscribing."""

from __future__ import annotations

import feedparser
import pytest

from archive.ingest import collect, ingest_files
from archive.store import Store
from indexer.index import SearchIndex
from service.config import Config
from web import create_app

HOST = "http://localhost"


@pytest.fixture(scope="module")
def client(indexed_archive):
    return create_app(Config.load(indexed_archive)).test_client()


def parsed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_a_department_feed_has_its_items_newest_first_with_citations_and_permalinks(client):
    feed = parsed(client, "/search.atom?dept=住建厅")
    search = client.get("/api/search?dept=住建厅&sort=date&limit=50").get_json()
    assert [e.link for e in feed.entries] == [f"{HOST}{h['url']}" for h in search["hits"]]
    assert [e.id for e in feed.entries] == [e.link for e in feed.entries]
    first = feed.entries[0]
    assert first.title.startswith("《政务窗口月报》")
    assert "住房城乡建设厅" in [t.term for t in first.tags]
    assert feed.feed.title == "窗口工作周报检索 · 部门：住房城乡建设厅"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"].startswith(f"{HOST}/search.atom?dept=")
    assert links["alternate"].startswith(f"{HOST}/search?dept=")


def test_the_results_and_department_pages_link_their_feed(client):
    page = client.get("/departments/住建厅", follow_redirects=True).get_data(as_text=True)
    assert 'href="/search.atom?dept=' in page and "订阅新条目" in page
    results = client.get("/search?q=一件事").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in results
    assert ">订阅</a>" in results


def test_a_bad_parameter_is_a_400_not_a_broken_feed(client):
    response = client.get("/search.atom?from=2024-13-01")
    assert response.status_code == 400


def test_the_feed_gains_the_entries_of_a_matching_bulletin_ingested_later(
    archive_copy, corpus_dir, tmp_path
):
    app = create_app(Config.load(archive_copy))
    client = app.test_client()
    before = parsed(client, "/search.atom?q=综窗办件")
    text = (corpus_dir / "2024-weekly-37.txt").read_text("utf-8")
    newer = text.replace("2024年第 37 期（总第 508 期）", "2024年第 38 期（总第 509 期）").replace(
        "（9月9日—9月14日）", "（9月16日—9月20日）"
    )
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "2024-weekly-38.txt").write_text(newer, "utf-8")
    store = Store(archive_copy / "archive.db")
    assert [o.status for o in ingest_files(store, collect([tmp_path / "new"]))] == ["added"]
    SearchIndex(archive_copy / "index").sync(store)
    store.close()
    after = parsed(client, "/search.atom?q=综窗办件")
    new_ids = [e.id for e in after.entries if e.id not in {b.id for b in before.entries}]
    assert new_ids == [f"{HOST}/items/weekly-2024-09-16/s6-1"]
    order = [e.id for e in after.entries]  # by the date the item reports, newest first
    assert order.index(new_ids[0]) == order.index(f"{HOST}/items/weekly-2024-09-09/s6-1") - 1
    entry = after.entries[order.index(new_ids[0])]
    assert entry.title == (
        "《窗口工作周报》2024年第38期（总第509期，2024年9月23日印发）六、综窗改革攻坚行动 第（一）项"
    )
