"""indexer.wordcache: a text's words kept by its hash, for one analysis version, safe to lose."""

from __future__ import annotations

import sqlite3

from indexer.wordcache import Fresh, WordCache, key_of, pack, read_spilled, spilled, unpack


def test_words_come_back_as_they_went_in_in_order_with_repeats():
    words = ["政务", "服务", "政务服务", "中心", "政务", "a", "12345"]
    assert unpack(pack(words)) == words
    assert unpack(pack([])) == []


def test_the_key_is_the_text_itself_not_its_length_or_prefix():
    assert key_of("公安厅窗口") == key_of("公安厅窗口")
    assert key_of("公安厅窗口") != key_of("公安厅窗囗")
    assert key_of("公安厅窗口") != key_of("公安厅窗口 ")


def test_what_is_put_is_found_and_only_that(tmp_path):
    cache = WordCache(tmp_path / "words.sqlite", "a1")
    cache.put_many([(key_of("甲 "), pack(["甲"]), "甲"), (key_of("乙"), pack(["乙"]), "乙")])
    found = cache.get_many([key_of("甲 "), key_of("丙")])
    assert {k: (unpack(v), t) for k, (v, t) in found.items()} == {key_of("甲 "): (["甲"], "甲")}
    cache.close()


def test_many_keys_are_looked_up_across_batches(tmp_path):
    cache = WordCache(tmp_path / "words.sqlite", "a1")
    texts = [f"第{n}条" for n in range(1234)]
    cache.put_many((key_of(t), pack([t]), t) for t in texts)
    assert len(cache.get_many(key_of(t) for t in texts)) == 1234
    cache.close()


def test_a_cache_of_another_analysis_version_is_emptied_when_opened(tmp_path):
    path = tmp_path / "words.sqlite"
    cache = WordCache(path, "a1")
    cache.put_many([(key_of("甲"), pack(["甲"]), "甲")])
    cache.close()
    same = WordCache(path, "a1")
    assert len(same) == 1
    same.close()
    other = WordCache(path, "a2")
    assert len(other) == 0
    assert other.get_many([key_of("甲")]) == {}
    other.close()


def test_a_cache_of_an_earlier_format_is_emptied_when_opened(tmp_path):
    path = tmp_path / "words.sqlite"
    with sqlite3.connect(path) as db:  # format 1: words only, its version unprefixed
        db.execute("CREATE TABLE meta (version TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('a1')")
        db.execute("CREATE TABLE words (key BLOB PRIMARY KEY, packed BLOB NOT NULL)")
        db.execute("INSERT INTO words VALUES (?, ?)", (key_of("甲"), pack(["甲"])))
    db.close()

    cache = WordCache(path, "a1")

    assert len(cache) == 0
    cache.put_many([(key_of("甲"), pack(["甲"]), "甲")])
    assert cache.get_many([key_of("甲")]) == {key_of("甲"): (pack(["甲"]), "甲")}
    cache.close()


def test_a_cache_laid_out_by_another_version_of_the_code_is_started_afresh_when_it_fails(
    tmp_path,
):
    """Written by a newer version and opened by an older one, say: the version matches, the
    table does not. The build goes on; nothing says the archive is damaged."""
    path = tmp_path / "words.sqlite"
    WordCache(path, "a1").close()
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE words")
        db.execute("CREATE TABLE words (key BLOB PRIMARY KEY, packed BLOB NOT NULL)")
    db.close()

    cache = WordCache(path, "a1")
    cache.put_many([(key_of("甲"), pack(["甲"]), "甲")])

    assert cache.get_many([key_of("甲")]) == {key_of("甲"): (pack(["甲"]), "甲")}
    cache.close()


def test_a_damaged_cache_file_is_started_afresh(tmp_path):
    path = tmp_path / "words.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = WordCache(path, "a1")
    assert len(cache) == 0
    cache.put_many([(key_of("甲"), pack(["甲"]), "甲")])
    assert len(cache) == 1
    cache.close()


def test_retain_forgets_the_texts_no_longer_indexed(tmp_path):
    cache = WordCache(tmp_path / "words.sqlite", "a1")
    cache.put_many((key_of(t), pack([t]), t) for t in "甲乙丙")
    cache.retain({key_of("乙")})
    assert list(cache.get_many(key_of(t) for t in "甲乙丙")) == [key_of("乙")]
    cache.close()


def test_what_workers_spill_is_read_back_whole(tmp_path):
    first, second = Fresh(), Fresh()
    first.found[key_of("甲")] = pack(["甲"])
    first.spill(tmp_path / "words-1.spill")
    first.found[key_of("乙")] = pack(["乙"])
    first.spill(tmp_path / "words-1.spill")  # appended: a batch at a time
    second.spill(tmp_path / "words-2.spill")  # nothing found: no file
    second.found[key_of("丙")] = pack(["丙"])
    second.spill(tmp_path / "words-2.spill")

    assert first.found == {}
    assert [p.name for p in spilled(tmp_path)] == ["words-1.spill", "words-2.spill"]
    back = dict(read_spilled(spilled(tmp_path)))
    assert {unpack(v)[0] for v in back.values()} == {"甲", "乙", "丙"}
