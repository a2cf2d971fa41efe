"""archive.ingest: files in, issues stored, one outcome per file; a failure loses nothing stored."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive.ingest import collect, ingest_file, ingest_files
from archive.store import Store
from indexer.check import check
from indexer.index import SearchIndex
from indexer.search import SearchRequest, search

from bulletingen import weekly, with_an_item_edited, with_an_item_inserted, with_an_item_removed
from pdfgen import encrypt_pdf, make_encrypted_pdf, make_image_only_pdf, make_pdf, make_scanned_pdf

TABLES = (
    "sources", "issues", "sections", "items", "item_departments", "attachments", "attachment_rows",
)  # fmt: skip
IDS = {
    "2024-weekly-37": "weekly-2024-09-09",
    "2025-monthly-june": "monthly-2025-06",
    "2024-weekly-01": "weekly-2024-01-02",
    "2024-weekly-1209-1213": "weekly-2024-12-09",
    "2025-monthly-01": "monthly-2025-01",
}
WEEKLY_37 = "weekly-2024-09-09"
NOT_A_BULLETIN = (
    "四川省政务服务中心持续优化营商环境，各窗口单位认真落实有关要求，群众满意度稳步提升。\n"
)


@pytest.fixture
def store(data_dir: Path):
    store = Store(data_dir / "archive.db")
    yield store
    store.close()


@pytest.fixture
def folder(tmp_path: Path, corpus_dir: Path) -> Path:
    """A writable copy of the corpus."""
    return Path(shutil.copytree(corpus_dir, tmp_path / "bulletins"))


def ingest_all(store: Store, *paths: Path):
    return [ingest_file(store, path) for path in collect(paths)]


def row_counts(store: Store) -> dict[str, int]:
    return {table: store.db[table].count for table in TABLES}


def structure(store: Store, issue_id: str) -> dict:
    """An issue's JSON without its source (which file it came from is not its structure)."""
    data = store.load(issue_id).to_json()
    del data["source"]
    return data


def items_per_section(store: Store, issue_id: str) -> list[list[int]]:
    """For each section, each top-level item's size counting its sub-items."""
    issue = store.load(issue_id)
    return [[sum(1 for _ in item.walk()) for item in section.items] for section in issue.sections]


# --- collecting files ---------------------------------------------------------


def test_collect_finds_pdf_and_txt_files_below_a_folder_recursively_and_sorted(tmp_path):
    names = ["b.txt", "a.pdf", "sub/c.TXT", "sub/deeper/d.pdf", "notes.md", "a.png", "sub/e.doc"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "folder.txt").mkdir()  # a folder named like a file is not a file

    found = collect([tmp_path])

    assert found == sorted(found)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.pdf",
        "b.txt",
        "sub/c.TXT",
        "sub/deeper/d.pdf",
    ]


def test_collect_keeps_named_files_in_the_order_given(tmp_path):
    b, a = tmp_path / "b.txt", tmp_path / "a.txt"
    for path in (a, b):
        path.write_text("x")

    assert collect([b, a]) == [b, a]


# --- identities ---------------------------------------------------------------


def test_issue_ids_come_from_content_as_the_brief_says(ingested_store):
    """weekly-<first day of the period>, monthly-<covered month>; never the file name."""
    stored = {Path(s.source.file).stem: s.issue_id for s in ingested_store.reports.summaries()}

    assert stored == IDS


def test_anchors_are_places_in_the_bulletin(ingested_store):
    """s<section>-<item>, s<section>-<item>-<sub-item>.

    An unnumbered paragraph is its section's item 1.
    """
    issue = ingested_store.load("weekly-2024-09-09")

    assert [item.anchor for _, item in issue.walk_items()] == [
        "s1-1", "s1-2", "s1-3",
        "s2-1",
        "s3-1",
        "s4-1", "s4-2",
        "s5-1", "s5-2",
        "s6-1", "s6-2", "s6-2-1", "s6-2-2",
    ]  # fmt: skip
    item_ids = [item["item_id"] for item in issue.to_json()["sections"][1]["items"]]
    assert item_ids == ["weekly-2024-09-09/s2-1"]


def test_a_monthly_has_its_items_numbered_within_each_section(ingested_store):
    issue = ingested_store.load("monthly-2025-01")

    anchors = [item.anchor for item in issue.sections[1].items]

    assert anchors == ["s2-1", "s2-2", "s2-3", "s2-4", "s2-5", "s2-6"]


# --- added, unchanged, updated ------------------------------------------------


def test_a_new_folder_is_added_file_by_file(store, folder):
    outcomes = ingest_all(store, folder)

    assert [o.status for o in outcomes] == ["added"] * 5
    assert {Path(o.path).stem: o.issue_id for o in outcomes} == IDS
    assert all(Path(o.path).is_absolute() for o in outcomes)
    assert sorted(store.issue_ids()) == sorted(IDS.values())


def test_ingesting_again_changes_nothing(store, folder):
    ingest_all(store, folder)
    before = row_counts(store)
    stored = {issue_id: structure(store, issue_id) for issue_id in IDS.values()}

    outcomes = ingest_all(store, folder)

    assert [o.status for o in outcomes] == ["unchanged"] * 5
    assert {Path(o.path).stem: o.issue_id for o in outcomes} == IDS
    assert row_counts(store) == before
    assert {issue_id: structure(store, issue_id) for issue_id in IDS.values()} == stored


def test_a_changed_file_updates_its_issue_keeping_id_and_anchors(store, folder):
    path = folder / "2024-weekly-37.txt"
    ingest_file(store, path)
    before = store.load("weekly-2024-09-09")
    text = path.read_text("utf-8")
    assert text.count("100余人") == 1
    path.write_text(text.replace("100余人", "200余人"), "utf-8")

    outcome = ingest_file(store, path)

    assert (outcome.status, outcome.issue_id) == ("updated", "weekly-2024-09-09")
    after = store.load("weekly-2024-09-09")
    assert [i.anchor for _, i in after.walk_items()] == [i.anchor for _, i in before.walk_items()]
    changed = after.sections[0].items[2]
    assert changed.anchor == "s1-3"
    assert "200余人参加视频培训" in changed.text
    assert "100余人" not in changed.text
    assert store.issue_ids() == ["weekly-2024-09-09"]
    assert store.db["items"].count == before.item_count()


# --- duplicates ---------------------------------------------------------------


def test_a_copy_under_another_name_is_a_duplicate_naming_the_original(store, folder):
    original = folder / "2024-weekly-37.txt"
    copy = folder / "zz-copy-of-37.txt"  # sorts after the original
    shutil.copy(original, copy)

    outcomes = {Path(o.path).name: o for o in ingest_all(store, folder)}

    duplicate = outcomes[copy.name]
    assert duplicate.status == "duplicate"
    assert duplicate.issue_id == "weekly-2024-09-09"
    assert "the same bulletin as 2024-weekly-37.txt" in duplicate.message
    assert str(folder) not in duplicate.message, "named as shown, not where the server keeps it"
    assert outcomes[original.name].status == "added"
    assert len(store.issue_ids()) == 5
    assert store.load("weekly-2024-09-09").source.file == str(original.resolve())
    assert store.db["items"].count_where("issue_id = ?", ["weekly-2024-09-09"]) == 13


def test_a_file_edited_into_another_bulletin_adds_it_and_keeps_the_one_it_gave(store, folder):
    """latest.txt, saved over each week: every week's bulletin stays."""
    latest = folder / "latest.txt"
    shutil.copy(folder / "2024-weekly-01.txt", latest)
    assert ingest_file(store, latest).issue_id == "weekly-2024-01-02"
    shutil.copy(folder / "2024-weekly-37.txt", latest)

    outcome = ingest_file(store, latest)

    assert (outcome.status, outcome.issue_id) == ("added", "weekly-2024-09-09")
    assert store.issue_ids() == ["weekly-2024-01-02", "weekly-2024-09-09"]
    assert store.source(str(latest.resolve())).issue_id == "weekly-2024-09-09"


def test_a_file_edited_into_a_copy_of_another_is_a_duplicate_and_keeps_what_it_gave(store, folder):
    original, latest = folder / "2024-weekly-37.txt", folder / "latest.txt"
    shutil.copy(folder / "2024-weekly-01.txt", latest)
    ingest_file(store, original)
    ingest_file(store, latest)
    shutil.copy(original, latest)

    outcome = ingest_file(store, latest)

    assert outcome.status == "duplicate"
    assert store.issue_ids() == ["weekly-2024-01-02", "weekly-2024-09-09"]
    assert store.load("weekly-2024-09-09").source.file == str(original.resolve())


# --- corrections --------------------------------------------------------------


def test_a_corrected_file_under_a_new_name_is_the_next_version_naming_what_it_supersedes(
    store, folder
):
    original = folder / "2024-weekly-37.txt"
    correction = folder / "2024年第37期（更正）.txt"
    correction.write_text(with_an_item_inserted(original.read_text("utf-8")), "utf-8")
    ingest_file(store, original)

    outcome = ingest_file(store, correction)

    assert (outcome.status, outcome.issue_id, outcome.version) == ("updated", WEEKLY_37, 2)
    assert outcome.supersedes == original.name, "as shown: never the server's path"
    assert outcome.to_json()["supersedes"] == original.name
    assert [(v.version, v.source.file) for v in store.versions(WEEKLY_37)] == [
        (1, str(original.resolve())),
        (2, str(correction.resolve())),
    ]
    assert store.load_version(WEEKLY_37, 1).item_count() == 13, "the first version is kept"
    assert store.load(WEEKLY_37).item_count() == 14


def test_a_file_corrected_in_place_keeps_its_first_version(store, folder):
    path = folder / "2024-weekly-37.txt"
    ingest_file(store, path)
    first = structure(store, WEEKLY_37)
    path.write_text(with_an_item_removed(path.read_text("utf-8")), "utf-8")

    outcome = ingest_file(store, path)

    assert (outcome.status, outcome.version, outcome.supersedes) == (
        "updated",
        2,
        path.name,
    )
    earlier = store.load_version(WEEKLY_37, 1).to_json()
    del earlier["source"]
    assert earlier == first
    assert ingest_file(store, path).status == "unchanged"


def test_a_copy_of_a_version_since_corrected_in_place_leaves_that_versions_file_kept(
    store, folder
):
    path = folder / "2024-weekly-37.txt"
    first = path.read_bytes()
    ingest_file(store, path)
    path.write_text(with_an_item_removed(first.decode("utf-8")), "utf-8")
    assert ingest_file(store, path).status == "updated"
    copy = folder / "copy-of-the-first.txt"
    copy.write_bytes(first)

    outcome = ingest_file(store, copy)

    assert (outcome.status, outcome.problem.code) == ("duplicate", "superseded")
    v1, v2 = store.versions(WEEKLY_37)
    assert store.originals.read(v1.source.sha256) == first, "the first version's file is kept"
    assert store.originals.read(v2.source.sha256) == path.read_bytes()


def test_identical_bytes_under_another_name_stay_a_duplicate_and_make_no_version(store, folder):
    original, copy = folder / "2024-weekly-37.txt", folder / "copy.txt"
    shutil.copy(original, copy)
    ingest_file(store, original)

    outcome = ingest_file(store, copy)

    assert (outcome.status, outcome.problem.code) == ("duplicate", "duplicate")
    assert [v.version for v in store.versions(WEEKLY_37)] == [1]


def test_the_first_version_under_another_name_after_its_correction_is_no_third_version(
    store, folder
):
    original, correction = folder / "2024-weekly-37.txt", folder / "37-corrected.txt"
    correction.write_text(with_an_item_edited(original.read_text("utf-8")), "utf-8")
    ingest_file(store, original)
    ingest_file(store, correction)
    old_copy = folder / "37-as-first-sent.txt"
    shutil.copy(original, old_copy)

    outcome = ingest_file(store, old_copy)

    assert (outcome.status, outcome.problem.code) == ("duplicate", "superseded")
    assert original.name in outcome.message and "corrected" in outcome.message
    assert "更正前" in outcome.message_zh
    assert [v.version for v in store.versions(WEEKLY_37)] == [1, 2]
    assert store.load(WEEKLY_37).version == 2


def test_a_folder_with_a_bulletin_and_its_correction_ingests_again_unchanged(store, folder):
    correction = folder / "zz-37-corrected.txt"
    correction.write_text(with_an_item_edited((folder / "2024-weekly-37.txt").read_text("utf-8")))
    first = [o.status for o in ingest_all(store, folder)]

    again = [o.status for o in ingest_all(store, folder)]

    assert first == ["added"] * 5 + ["updated"]
    assert again == ["unchanged"] * 6
    assert [v.version for v in store.versions(WEEKLY_37)] == [1, 2]


def test_the_same_bulletin_in_other_bytes_is_unchanged_and_makes_no_version(store, folder):
    path = folder / "2024-weekly-37.txt"
    ingest_file(store, path)
    path.write_bytes(path.read_text("utf-8").encode("gbk"))  # saved again in another encoding

    outcome = ingest_file(store, path)

    assert (outcome.status, outcome.version) == ("unchanged", 1)
    assert [v.version for v in store.versions(WEEKLY_37)] == [1]
    assert store.load(WEEKLY_37).source.sha256 == store.source(str(path.resolve())).sha256


def test_a_moved_file_is_unchanged_and_its_issue_names_the_new_place(store, folder):
    path = folder / "2024-weekly-37.txt"
    ingest_file(store, path)
    moved = folder / "archive-2024" / "37.txt"
    moved.parent.mkdir()
    path.rename(moved)

    outcome = ingest_file(store, moved)

    assert (outcome.status, outcome.issue_id) == ("unchanged", WEEKLY_37)
    assert store.load(WEEKLY_37).source.file == str(moved.resolve())
    assert [v.version for v in store.versions(WEEKLY_37)] == [1]


# --- encodings and PDFs -------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])
@pytest.mark.parametrize("stem", sorted(IDS))
def test_a_bulletin_in_another_encoding_ingests_to_the_same_structure(
    tmp_path, corpus_texts, ingested_store, stem, encoding
):
    """GBK (Windows Chinese) and UTF-16 (with BOM) copies give what the UTF-8 text gives."""
    path = tmp_path / f"{stem}.txt"
    path.write_bytes(corpus_texts[stem].encode(encoding))
    store = Store(tmp_path / "data" / "archive.db")  # its own archive: not a duplicate

    outcome = ingest_file(store, path)

    assert (outcome.status, outcome.issue_id) == ("added", IDS[stem])
    assert structure(store, IDS[stem]) == structure(ingested_store, IDS[stem])
    store.close()


@pytest.mark.parametrize("stem", sorted(IDS))
def test_a_pdf_of_a_bulletin_ingests_to_the_same_issue_and_items(
    tmp_path, corpus_texts, ingested_store, stem
):
    """The PDF goes through pdfminer and the repair of hard wraps, and comes out the same shape.

    At 28 characters a line even the masthead wraps ("…服务中心 2024年" / "12月25日").
    """
    pdf = make_pdf(corpus_texts[stem], tmp_path / f"{stem}.pdf", chars_per_line=28)
    store = Store(tmp_path / "data" / "archive.db")

    outcome = ingest_file(store, pdf)

    assert (outcome.status, outcome.issue_id) == ("added", IDS[stem])
    assert items_per_section(store, IDS[stem]) == items_per_section(ingested_store, IDS[stem])
    assert store.load(IDS[stem]).title == ingested_store.load(IDS[stem]).title
    store.close()


def test_each_item_of_a_pdf_knows_the_page_it_starts_on(tmp_path, corpus_texts):
    """Read each page of the PDF on its own: an item's opening words are on the page it names."""
    from pdfminer.high_level import extract_text

    pdf = make_pdf(corpus_texts["2024-weekly-37"], tmp_path / "37.pdf", chars_per_line=28)
    store = Store(tmp_path / "data" / "archive.db")
    ingest_file(store, pdf)
    pages = []
    while text := extract_text(str(pdf), page_numbers=[len(pages)]):
        pages.append(re.sub(r"\s+", "", text))

    issue = store.load("weekly-2024-09-09")
    starts = [(node.page, node.label + node.text) for _, node in issue.walk_items()]
    assert len(pages) >= 2 and {page for page, _ in starts} == set(range(1, len(pages) + 1))
    for page, text in starts:
        assert re.sub(r"\s+", "", text)[:6] in pages[page - 1], (page, text[:20])
    store.close()


def test_items_of_a_text_file_have_no_page(ingested_store):
    issue = ingested_store.load("weekly-2024-09-09")
    assert {node.page for _, node in issue.walk_items()} == {None}


def test_every_file_stored_is_kept_by_its_content_and_the_corpus_may_go(tmp_path, corpus_dir):
    folder = Path(shutil.copytree(corpus_dir, tmp_path / "corpus"))
    store = Store(tmp_path / "data" / "archive.db")
    ingest_all(store, folder)
    originals = {
        issue_id: store.load(issue_id).source.sha256 for issue_id in store.issue_ids()
    }
    texts = {p.name: p.read_bytes() for p in folder.iterdir()}
    shutil.rmtree(folder)

    for sha in originals.values():
        data = store.originals.read(sha)
        assert data is not None and hashlib.sha256(data).hexdigest() == sha
    assert sorted(store.originals.read(sha) for sha in originals.values()) == sorted(texts.values())
    assert sorted(p.name for p in (tmp_path / "data" / "originals").rglob("*") if p.is_file()) == (
        sorted(originals.values())
    )
    store.close()


def test_a_file_that_fails_leaves_no_copy_and_an_unchanged_file_gets_one(tmp_path, corpus_dir):
    store = Store(tmp_path / "data" / "archive.db")
    bad = tmp_path / "notes.txt"
    bad.write_bytes(b"\x00\x01 not a bulletin" * 50)
    good = corpus_dir / "2024-weekly-37.txt"
    assert ingest_file(store, bad).status == "failed"
    assert not (tmp_path / "data" / "originals").exists() or not any(
        p.is_file() for p in (tmp_path / "data" / "originals").rglob("*")
    )
    assert ingest_file(store, good).status == "added"
    sha = hashlib.sha256(good.read_bytes()).hexdigest()
    store.originals.discard(sha)  # as in an archive from before copies were kept

    assert ingest_file(store, good).status == "unchanged"
    assert store.originals.read(sha) == good.read_bytes()
    store.close()


# --- failures -----------------------------------------------------------------


def write_corrupt_pdf(path: Path) -> None:
    path.write_bytes(random.Random(508).randbytes(4096))


BAD_FILES = {
    "corrupt.pdf": write_corrupt_pdf,
    "locked.pdf": lambda path: make_encrypted_pdf("窗口工作周报", path),
    "scanned.pdf": make_image_only_pdf,
    "empty.pdf": lambda path: path.write_bytes(b""),
    "empty.txt": lambda path: path.write_bytes(b""),
    "essay.txt": lambda path: path.write_text(NOT_A_BULLETIN, "utf-8"),
}


@pytest.mark.parametrize(
    "name, reason",
    [
        ("corrupt.pdf", "not a readable PDF"),
        ("locked.pdf", "encrypted"),
        ("scanned.pdf", "no text layer"),
        ("empty.pdf", "empty"),
        ("empty.txt", "empty"),
        ("essay.txt", "not a bulletin"),
    ],
)
def test_an_unusable_file_fails_with_a_message_naming_it(store, tmp_path, name, reason):
    path = tmp_path / name
    BAD_FILES[name](path)

    outcome = ingest_file(store, path)

    assert outcome.status == "failed"
    assert outcome.issue_id is None
    assert outcome.message.startswith(f"{name}: ")
    assert reason in outcome.message
    assert store.issue_ids() == []


def test_a_folder_with_bad_files_still_stores_the_good_bulletins(store, folder):
    for name, write in BAD_FILES.items():
        write(folder / name)

    outcomes = {Path(o.path).name: o for o in ingest_all(store, folder)}

    assert {name for name, o in outcomes.items() if o.status == "failed"} == set(BAD_FILES)
    added = [o.issue_id for o in outcomes.values() if o.status == "added"]
    assert sorted(added) == sorted(IDS.values())
    assert sorted(store.issue_ids()) == sorted(IDS.values())


def test_a_missing_file_fails_instead_of_raising(store, tmp_path):
    outcome = ingest_file(store, tmp_path / "gone.txt")

    assert outcome.status == "failed"
    assert "gone.txt" in outcome.message


@pytest.mark.parametrize("garbage", ["essay.txt", "empty.txt"])
def test_a_failed_reingest_keeps_the_stored_issue_intact(store, folder, garbage):
    """Overwriting a good file with garbage fails that file, and loses nothing."""
    path = folder / "2024-weekly-37.txt"
    good = path.read_bytes()
    ingest_file(store, path)
    before, counts = structure(store, "weekly-2024-09-09"), row_counts(store)
    BAD_FILES[garbage](path)

    outcome = ingest_file(store, path)

    assert outcome.status == "failed"
    assert path.name in outcome.message
    assert structure(store, "weekly-2024-09-09") == before
    assert row_counts(store) == counts
    assert store.load("weekly-2024-09-09").source.sha256 == store.source(str(path.resolve())).sha256

    path.write_bytes(good)  # putting the file back is recognised as no change
    assert ingest_file(store, path).status == "unchanged"


def test_parsing_in_worker_processes_gives_the_same_outcomes_in_the_same_order(
    tmp_path, corpus_dir
):
    files = collect([corpus_dir])
    alone = [
        o.issue_id for o in ingest_files(Store(tmp_path / "a" / "archive.db"), files, processes=1)
    ]
    store = Store(tmp_path / "b" / "archive.db")
    together = list(ingest_files(store, files, processes=2))

    assert [o.issue_id for o in together] == alone
    assert [o.status for o in together] == ["added"] * len(files)
    assert [Path(o.path).name for o in together] == [f.name for f in files]


# --- bad files in a batch, against an archive in use ---------------------------


def searchable(data: Path) -> dict[str, set[str]]:
    """What a user finds: every item by kind, and the hits of a few queries."""
    index = SearchIndex(data / "index")
    found = {}
    for name, request in {
        "weekly": SearchRequest(kind="weekly", limit=100),
        "monthly": SearchRequest(kind="monthly", limit=100),
        "公安厅": SearchRequest(query="公安厅", limit=100),
        "住建厅": SearchRequest(department="住建厅", limit=100),
    }.items():
        found[name] = {hit.item_id for hit in search(index, request, facets=False).hits}
    index.close()
    return found


def _huge(path: Path) -> None:
    with open(path, "wb") as handle:  # sparse: 60 MB on paper, nothing written
        handle.truncate(60 * 2**20)


def _truncated_pdf(path: Path) -> None:
    whole = make_pdf(SEED_TEXT(), path.with_suffix(".whole.pdf")).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])


def SEED_TEXT() -> str:
    return (Path(__file__).resolve().parent.parent / "corpus" / "2024-weekly-37.txt").read_text(
        "utf-8"
    )


BAD_KINDS = {
    # kind: (file name, writer, status, code, words of the English and of the Chinese message)
    "empty": ("empty.pdf", lambda p: p.write_bytes(b""), "failed", "empty", "empty", "空"),
    "truncated pdf": ("cut.pdf", _truncated_pdf, "failed", "pdf_damaged", "truncated", "不完整"),
    "corrupt pdf": ("corrupt.pdf", write_corrupt_pdf, "failed", "pdf_damaged", "damaged", "损坏"),
    "encrypted pdf": (
        "locked.pdf",
        lambda p: encrypt_pdf(make_pdf(SEED_TEXT(), p.with_suffix(".plain.pdf")), p),
        "failed",
        "pdf_encrypted",
        "encrypted",
        "加密",
    ),
    "scanned pdf": ("scan.pdf", make_scanned_pdf, "failed", "pdf_scanned", "OCR", "文字识别"),
    "binary named .txt": (
        "notes.txt",
        lambda p: p.write_bytes(random.Random(7).randbytes(8192)),
        "failed",
        "binary",
        "binary data",
        "二进制",
    ),
    "word document named .txt": (
        "report.txt",
        lambda p: p.write_bytes(b"PK\x03\x04" + random.Random(8).randbytes(4000)),
        "failed",
        "binary_format",
        ".docx",
        ".docx",
    ),
    "not a bulletin": (
        "essay.txt",
        lambda p: p.write_text(NOT_A_BULLETIN, "utf-8"),
        "failed",
        "no_sections",
        "not a bulletin",
        "不是简报",
    ),
    "huge file": ("year-scan.pdf", _huge, "failed", "too_large", "too large", "过大"),
    "duplicate": (
        "copy-of-37.txt",
        lambda p: p.write_text(SEED_TEXT(), "utf-8"),
        "duplicate",
        "duplicate",
        "2024-weekly-37.txt",
        "同一期",
    ),
}


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_a_bad_file_is_named_with_its_reason_and_loses_nothing(
    archive_copy, tmp_path, corpus_dir, kind
):
    name, write, status, code, english, chinese = BAD_KINDS[kind]
    bad = tmp_path / "incoming" / name
    bad.parent.mkdir()
    write(bad)
    issue_id, text = weekly(0)
    good = tmp_path / "incoming" / "new-week.txt"
    good.write_text(text, "utf-8")
    before = searchable(archive_copy)
    store = Store(archive_copy / "archive.db")
    # the duplicate's original is one of the corpus files stored before
    known = [str(p.resolve()) for p in collect([corpus_dir])]
    assert [s.path for s in store.reports.sources()] != [] and set(known) <= {
        s.path for s in store.reports.sources()
    }

    outcomes = list(ingest_files(store, [bad, good]))
    SearchIndex(archive_copy / "index").sync(store)

    failed, added = outcomes
    assert (failed.status, failed.problem.code) == (status, code)
    assert failed.message.startswith(f"{name}: ") and english in failed.message
    assert failed.message_zh.startswith(f"{name}：") and chinese in failed.message_zh
    assert (added.status, added.issue_id) == ("added", issue_id), "the rest of the batch is stored"
    [remembered] = store.reports.problems()
    assert (Path(remembered.path).name, remembered.problem.code) == (name, code)
    after = searchable(archive_copy)
    assert all(before[name] <= after[name] for name in before), "everything stored is still found"
    assert check(store, SearchIndex(archive_copy / "index")).ok
    store.close()


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_a_pdf_that_only_forbids_copying_opens_without_a_password(tmp_path, store, algorithm):
    """Published PDFs often carry an owner password (no printing, no copying) and no user
    password: readers open them, and so must ingest."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import UserAccessPermissions as Allow

    plain = make_pdf(SEED_TEXT(), tmp_path / "plain.pdf")
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    forbidden = Allow.PRINT | Allow.EXTRACT | Allow.MODIFY
    writer.encrypt("", "owner", permissions_flag=Allow.all() & ~forbidden, algorithm=algorithm)
    locked = tmp_path / "restricted.pdf"
    with open(locked, "wb") as handle:
        writer.write(handle)

    outcome = ingest_file(store, locked)

    assert (outcome.status, outcome.issue_id) == ("added", "weekly-2024-09-09")


def test_a_pdf_named_txt_is_read_as_the_pdf_it_is(tmp_path, store):
    path = tmp_path / "2024-37.txt"
    path.write_bytes(make_pdf(SEED_TEXT(), tmp_path / "x.pdf").read_bytes())

    assert ingest_file(store, path).issue_id == "weekly-2024-09-09"


def test_a_problem_is_forgotten_once_the_file_ingests_cleanly(store, folder):
    path = folder / "2024-weekly-37.txt"
    good = path.read_bytes()
    ingest_file(store, path)
    path.write_bytes(b"")
    assert ingest_file(store, path).status == "failed"
    assert [p.problem.code for p in store.reports.problems()] == ["empty"]

    path.write_bytes(good)

    assert ingest_file(store, path).status == "unchanged"
    assert store.reports.problems() == []


def test_the_size_limit_is_checked_before_the_file_is_read(store, tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(SEED_TEXT(), "utf-8")

    [outcome] = ingest_files(store, [path], max_bytes=1000)

    assert outcome.problem.code == "too_large"
    assert "KB" not in outcome.message and "MB" in outcome.message


def test_a_store_that_cannot_write_fails_the_file_by_name_and_keeps_what_it_had(store, folder):
    ingest_file(store, folder / "2024-weekly-37.txt")
    before = row_counts(store)
    locker = Store(store.path)
    locker.db.execute("PRAGMA busy_timeout=0")
    store.db.execute("PRAGMA busy_timeout=50")
    locker.db.execute("BEGIN IMMEDIATE")  # another writer holds the archive

    outcome = ingest_file(store, folder / "2025-monthly-june.txt")

    locker.db.execute("ROLLBACK")
    locker.close()
    assert (outcome.status, outcome.problem.code) == ("failed", "store_error")
    assert outcome.message.startswith("2025-monthly-june.txt: the archive could not store it")
    assert "locked" in outcome.message
    assert row_counts(store) == before
    assert ingest_file(store, folder / "2025-monthly-june.txt").status == "added"


# --- files that used to take the whole batch down --------------------------------------


def run_ingest(data: Path, *paths: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """`bulletins ingest --json PATHS` in a process of its own, which must end in `timeout`."""
    return subprocess.run(
        [sys.executable, "-m", "bulletins", "--data-dir", str(data), "ingest", "--json", *map(str, paths)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        timeout=timeout,
    )


def outcomes_of(done: subprocess.CompletedProcess) -> dict[str, dict]:
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    return {f["file"]: f for f in json.loads(done.stdout)["files"]}


def test_a_non_utf8_file_name_is_stored_and_shown_escaped_with_the_rest_of_its_folder(
    tmp_path, corpus_dir
):
    """A file name in GBK bytes raised UnicodeEncodeError: a folder of 14 files stored 0."""
    folder = Path(shutil.copytree(corpus_dir, tmp_path / "bulletins"))
    os.rename(folder / "2024-weekly-37.txt", os.path.join(os.fsencode(folder), "周报37".encode("gbk") + b".txt"))

    done = run_ingest(tmp_path / "data", folder)

    files = outcomes_of(done)
    assert done.returncode == 0 and [f["status"] for f in files.values()] == ["added"] * 5
    [gbk] = [f for f in files.values() if f["issue_id"] == "weekly-2024-09-09"]
    assert gbk["file"] == "周报37.txt", "shown as the GBK name it is"
    store = Store(tmp_path / "data" / "archive.db")
    assert store.load("weekly-2024-09-09").source.shown == "周报37.txt"
    assert [s.shown for s in store.reports.sources()].count("周报37.txt") == 1
    store.close()


def test_a_symlink_loop_named_on_the_command_line_fails_alone(tmp_path, corpus_dir):
    """It raised RuntimeError (Path.resolve) and nothing of the batch was stored."""
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)

    done = run_ingest(tmp_path / "data", loop, corpus_dir / "2024-weekly-37.txt")

    files = outcomes_of(done)
    assert (files["loop.txt"]["status"], files["loop.txt"]["code"]) == ("failed", "unreadable")
    assert "symbolic links" in files["loop.txt"]["message"]
    assert files["2024-weekly-37.txt"]["status"] == "added"


def test_a_fifo_named_on_the_command_line_fails_at_once_instead_of_waiting_for_a_writer(
    tmp_path, corpus_dir
):
    """Reading it hung the ingest for ever."""
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)

    done = run_ingest(tmp_path / "data", pipe, corpus_dir / "2024-weekly-37.txt", timeout=60)

    files = outcomes_of(done)
    assert files["pipe.txt"]["code"] == "not_a_file"
    assert files["pipe.txt"]["message"] == "pipe.txt: not a regular file (a named pipe): only files are read"
    assert files["2024-weekly-37.txt"]["status"] == "added"


def test_a_fifo_or_a_broken_link_in_a_folder_fails_by_name_rather_than_being_skipped(
    tmp_path, corpus_dir
):
    folder = Path(shutil.copytree(corpus_dir, tmp_path / "bulletins"))
    os.mkfifo(folder / "pipe.pdf")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")

    files = outcomes_of(run_ingest(tmp_path / "data", folder, timeout=60))

    assert (files["pipe.pdf"]["code"], files["gone.txt"]["code"]) == ("not_a_file", "unreadable")
    assert sum(f["status"] == "added" for f in files.values()) == 5


def bulletin_with(line: str, where: str = "item") -> str:
    """The seed weekly with a line added to its first item, or as a row of a new attachment."""
    text = SEED_TEXT()
    if where == "item":
        return text.replace("（一）", "（一）\n" + line + "\n", 1)
    return text.replace("报：", f"附件1：窗口考核结果\n序号 部门窗口 基础分 扣分 加分 总分\n{line}\n报：", 1)


@pytest.mark.parametrize(
    ("line", "where"),
    [
        ("附件" + "1" * 5000, "item"),  # int() of 5,000 digits: ValueError (4300-digit limit)
        ("（共印" + "9" * 5000 + "份）", "item"),
        ("附件" + "9" * 5000 + "：窗口考核结果", "item"),
    ],
)
def test_a_number_of_thousands_of_digits_is_text_not_a_crash(store, tmp_path, line, where):
    path = tmp_path / "long-number.txt"
    path.write_text(bulletin_with(line, where), "utf-8")

    outcome = ingest_file(store, path)

    assert outcome.status == "added", outcome.message
    texts = [item.text for _, item in store.load(outcome.issue_id).walk_items()]
    assert any(line[:10] in text for text in texts)


def test_a_score_out_of_range_is_a_reason_not_infinity(tmp_path, store, client):
    """A score cell of 400 digits became inf, and /api/issues/… gave `Infinity` (no JSON)."""
    path = tmp_path / "table.txt"
    path.write_text(bulletin_with("1 省公安厅 100 0 0 " + "9" * 400, where="table"), "utf-8")
    good = tmp_path / "good.txt"
    good.write_text(bulletin_with("1 省公安厅 100 0 0.5 100.5", where="table").replace("第 37 期", "第 38 期"), "utf-8")

    bad, fine = ingest_files(store, [path, good])

    assert (bad.status, bad.problem.code) == ("failed", "number_out_of_range")
    assert bad.message.startswith("table.txt: a number in a table is out of range (附件1 省公安厅")
    assert fine.status == "added"
    rows = store.load(fine.issue_id).to_json()["attachments"][0]["rows"]
    assert json.loads(json.dumps(rows, allow_nan=False))[0]["score"] == 100.5


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [
        (SEED_TEXT().replace("（一）", "（一）" + "公安厅" * 8000, 1), "item_too_long", "s1-1: 24,"),
        (SEED_TEXT() + "\n" + "窗口工作。" * 50_000, "text_too_long", "characters > 200,000"),
    ],
)
def test_an_item_or_a_bulletin_longer_than_any_real_one_fails_naming_the_file(
    store, tmp_path, text, code, says
):
    """A 49 MB file of one 17-million-character item stopped the server answering searches."""
    path = tmp_path / "bomb.txt"
    path.write_text(text, "utf-8")

    outcome = ingest_file(store, path)

    assert (outcome.status, outcome.problem.code) == ("failed", code)
    assert outcome.message.startswith("bomb.txt: ") and says in outcome.message
    assert store.issue_ids() == []
