"""indexer.dictionary: a mapping written to a file reads back as the same mapping, and a file
that is not whole, of another version or not one at all is refused, never an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import dictionary

FREQ = {
    "政务": 1200,
    "政": 0,
    "政务服务": 800,
    "住建厅": 15,
    "住": 0,
    "住建": 0,
    "a卡": 3,
    "12345": 9,
}
TOTAL = 60_000_000


@pytest.fixture
def written(tmp_path):
    path = tmp_path / "jieba-v1.dict"
    dictionary.write(path, "v1", FREQ, TOTAL)
    return path


def test_a_written_dictionary_reads_back_as_the_same_mapping(written):
    frequencies, total = dictionary.load(written, "v1")

    assert total == TOTAL
    assert dict(frequencies) == FREQ
    assert len(frequencies) == len(FREQ)
    for word, frequency in FREQ.items():
        assert word in frequencies
        assert frequencies[word] == frequencies.get(word) == frequency


def test_words_it_lacks_are_missing_as_from_a_dict(written):
    frequencies, _ = dictionary.load(written, "v1")

    for word in ("政务大厅", "厅", "", "住建厅窗口", "A卡", 12345, None):
        assert word not in frequencies
        assert frequencies.get(word) is None
        assert frequencies.get(word, 0) == 0
    with pytest.raises(KeyError):
        frequencies["政务大厅"]


def test_the_mapping_cannot_be_written_to(written):
    frequencies, _ = dictionary.load(written, "v1")

    with pytest.raises(TypeError):
        frequencies["新词"] = 1  # a tokenizer that tried would fail loudly, not diverge


def test_many_entries_all_found_among_collisions(tmp_path):
    """Half full: every key is found past the keys that share its first slot."""
    freq = {f"词{n}": n for n in range(20_000)}
    dictionary.write(tmp_path / "d", "v", freq, 1)
    frequencies, _ = dictionary.load(tmp_path / "d", "v")

    assert all(frequencies.get(word) == n for word, n in freq.items())
    assert frequencies.get("词20000") is None


def resident_kb(path) -> int:
    """Kilobytes of this file mapped and resident in this process (Linux: /proc/self/smaps)."""
    resident, inside = 0, False
    for line in open("/proc/self/smaps", encoding="utf-8"):
        if not line[0].isupper() or ":" not in line.split()[0]:
            inside = line.rstrip("\n").endswith(str(path))
        elif inside and line.startswith("Rss:"):
            resident += int(line.split()[1])
    return resident


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="Linux's /proc")
def test_a_checked_file_keeps_resident_only_what_lookups_touch(tmp_path):
    """Opening reads the whole file to check it; then only the pages looked up stay in the
    process's memory (a server looks up a query's few words in 12 MB)."""
    path = tmp_path / "big.dict"
    dictionary.write(path, "v", {f"词{n}": n for n in range(200_000)}, 1)
    frequencies, _ = dictionary.load(path, "v")

    assert frequencies["词7"] == 7
    assert resident_kb(path) < path.stat().st_size // 1024 // 4


def test_a_file_of_another_version_is_not_used(written):
    assert dictionary.load(written, "v2") is None


@pytest.mark.parametrize("where", ["header", "version", "slots", "middle", "last byte"])
def test_a_damaged_file_is_not_used(written, where):
    data = bytearray(written.read_bytes())
    at = {
        "header": 9,
        "version": dictionary.HEADER.size,
        "slots": dictionary.HEADER.size + 8 + 4,
        "middle": len(data) // 2,
        "last byte": len(data) - 1,
    }[where]
    data[at] ^= 0x20
    written.write_bytes(bytes(data))

    assert dictionary.load(written, "v1") is None


@pytest.mark.parametrize("keep", [0, 5, dictionary.HEADER.size, -1])
def test_a_file_cut_short_is_not_used(written, keep):
    written.write_bytes(written.read_bytes()[:keep])

    assert dictionary.load(written, "v1") is None


def test_a_missing_file_or_a_folder_is_not_used(tmp_path):
    assert dictionary.load(tmp_path / "none.dict", "v1") is None
    assert dictionary.load(tmp_path, "v1") is None


def test_writing_replaces_the_file_whole_and_leaves_no_temporary_file(written):
    dictionary.write(written, "v1", {"窗口": 5}, 5)

    assert dict(dictionary.load(written, "v1")[0]) == {"窗口": 5}
    assert [p.name for p in written.parent.iterdir()] == [written.name]
