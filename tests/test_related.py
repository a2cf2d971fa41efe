"""Related items: up to five items of other issues sharing an item's departments or telling words,
never the item or its issue, the same after a reindex; on the item's page and in its JSON."""

from __future__ import annotations

import re

import pytest

from archive.store import Store
from indexer.index import SearchIndex
from service.config import Config
from web import create_app
from web.related import MAX_RELATED, related_items, telling_words


def every_item(store: Store):
    for issue in store.iter_issues():
        for _, node in issue.walk_items():
            yield issue, node


def related_ids(index: SearchIndex, store: Store) -> dict[str, list[str]]:
    return {
        f"{issue.issue_id}/{node.anchor}": [
            r.hit.item_id for r in related_items(index, issue.issue_id, node.text, node.departments)
        ]
        for issue, node in every_item(store)
    }


def test_never_the_item_nor_its_issue_at_most_five_each_sharing_something(indexed_archive):
    store = Store(indexed_archive / "archive.db")
    index = SearchIndex(indexed_archive / "index")
    found = 0
    for issue, node in every_item(store):
        related = related_items(index, issue.issue_id, node.text, node.departments)
        assert len(related) <= MAX_RELATED
        found += bool(related)
        for r in related:
            assert r.hit.issue_id != issue.issue_id
            assert not r.hit.anchor.startswith("a")  # items, not attachment tables
            assert r.shared_departments or r.shared_words
            assert set(r.shared_departments) <= set(node.departments) & set(r.hit.departments)
    assert found > 40  # most of the corpus's ~60 items have some
    store.close()


def test_the_same_after_a_reindex(archive_copy):
    store = Store(archive_copy / "archive.db")
    index = SearchIndex(archive_copy / "index")
    before = related_ids(index, store)
    index.rebuild(store)
    after = related_ids(SearchIndex(archive_copy / "index"), store)
    assert after == before
    store.close()


def test_the_most_telling_words_are_the_rare_ones(indexed_archive):
    index = SearchIndex(indexed_archive / "index")
    store = Store(indexed_archive / "archive.db")
    _, node = store.load("weekly-2024-01-02").find("s4-1")  # the week's 综窗 counts
    words = telling_words(index, node.text, node.departments, {})
    assert {"流转", "颁发"} <= set(words)
    assert "本周" not in words  # in most items of the corpus
    nothing = related_items(index, "weekly-2024-01-02", "独一无二", [])
    assert nothing == []
    store.close()


@pytest.fixture(scope="module")
def client(indexed_archive):
    return create_app(Config.load(indexed_archive)).test_client()


def test_the_item_page_shows_them_with_issue_and_date_and_the_json_has_them(client):
    url = "/items/weekly-2024-12-09/s3-2"  # 住建厅's 厅长 at the window
    page = client.get(url).get_data(as_text=True)
    aside = re.search(r'<aside class="related".*?</aside>', page, flags=re.S).group(0)
    links = re.findall(r'<a href="(/items/[^"]+)">', aside)
    data = client.get(f"/api{url}").get_json()["related"]
    assert links == [r["url"] for r in data] and 1 <= len(links) <= 5
    assert all(not link.startswith("/items/weekly-2024-12-09/") for link in links)
    assert all(r["issue_title"] and r["date_from"] for r in data)
    assert "住房城乡建设厅" in data[0]["shared_departments"]
    assert client.get("/items/weekly-2024-01-02/a1").status_code == 200  # a table has none
    assert client.get("/api/items/weekly-2024-01-02/a1").get_json()["related"] == []
