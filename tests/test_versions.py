"""archive.versions: what makes two readings of a bulletin the same, and where a correction
puts each item of the version it corrects."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.model import Item, Source
from archive.parse import parse
from archive.versions import (
    CHANGED,
    MOVED,
    REMOVED,
    SAME,
    Fate,
    compose,
    fingerprint,
    likeness,
    match,
)

from bulletingen import (
    SEED,
    weekly,
    with_an_item_edited,
    with_an_item_inserted,
    with_an_item_removed,
)

TEXT = SEED.read_text("utf-8")
ORIGINAL = parse(TEXT)
ANCHORS = [item.anchor for _, item in ORIGINAL.walk_items()]


def changed(fates: dict[str, Fate]) -> dict[str, tuple[str, str | None]]:
    """The fates that are not `same`, as (status, anchor now)."""
    return {a: (f.status, f.anchor) for a, f in fates.items() if f.status != SAME}


# --- the same bulletin ------------------------------------------------------------------


def test_a_bulletin_read_twice_has_one_fingerprint_whatever_its_file_or_header_lines():
    again = parse(TEXT)
    again.source = Source("/elsewhere/copy.txt", "0" * 64)
    again.header = again.header[1:]  # a PDF's extraction may lose a masthead line

    assert fingerprint(again) == fingerprint(ORIGINAL)


def test_what_is_derived_from_the_text_is_not_content():
    """A new gazetteer tags other departments; the bulletin is no different."""
    again = parse(TEXT)
    for _, item in again.walk_items():
        item.mentions = {}
        item.date_from = item.date_to = None

    assert fingerprint(again) == fingerprint(ORIGINAL)


@pytest.mark.parametrize(
    "change",
    [
        with_an_item_edited,
        with_an_item_inserted,
        with_an_item_removed,
        lambda t: t.replace("（共印100份）", "（共印120份）"),  # the footer
        lambda t: t.replace("2024年 9月 23日", "2024年 9月 24日"),  # the publication date
        lambda t: t.replace("三、厅（局）长进大厅", "三、厅局长进大厅"),  # a heading
    ],
)
def test_any_change_to_what_is_printed_changes_the_fingerprint(change):
    text = change(TEXT)
    assert text != TEXT
    assert fingerprint(parse(text)) != fingerprint(ORIGINAL)


def test_another_week_is_another_fingerprint():
    assert fingerprint(parse(weekly(3)[1])) != fingerprint(ORIGINAL)


# --- matching ---------------------------------------------------------------------------


def test_an_unchanged_bulletin_keeps_every_item_in_its_place():
    fates = match(ORIGINAL, parse(TEXT))

    assert list(fates) == ANCHORS
    assert all(f == Fate(SAME, a) for a, f in fates.items())


def test_an_item_inserted_before_others_moves_them_and_they_are_followed():
    fates = match(ORIGINAL, parse(with_an_item_inserted(TEXT)))

    assert changed(fates) == {"s1-2": (MOVED, "s1-3"), "s1-3": (MOVED, "s1-4")}
    assert fates["s1-1"] == Fate(SAME, "s1-1") and fates["s6-2-1"] == Fate(SAME, "s6-2-1")


def test_an_edited_item_is_the_same_item_changed():
    fates = match(ORIGINAL, parse(with_an_item_edited(TEXT)))

    assert changed(fates) == {"s1-3": (CHANGED, "s1-3")}


def test_a_removed_item_is_removed_and_nothing_else_moves():
    fates = match(ORIGINAL, parse(with_an_item_removed(TEXT)))

    assert changed(fates) == {"s1-3": (REMOVED, None)}


def test_an_edited_item_that_also_moved_is_followed_to_its_new_place():
    text = with_an_item_inserted(with_an_item_edited(TEXT))

    fates = match(ORIGINAL, parse(text))

    assert changed(fates) == {"s1-2": (MOVED, "s1-3"), "s1-3": (CHANGED, "s1-4")}


def test_two_items_swapped_are_each_followed():
    issue = parse(TEXT)
    first, second = issue.sections[3].items
    first.text, second.text = second.text, first.text

    fates = match(ORIGINAL, issue)

    assert changed(fates) == {"s4-1": (MOVED, "s4-2"), "s4-2": (MOVED, "s4-1")}


def test_an_item_rewritten_whole_is_removed_not_matched_to_another():
    issue = parse(TEXT)
    issue.sections[2].items[0].text = "本周，省中心组织开展窗口人员岗位练兵活动，评选服务之星十名。"

    fates = match(ORIGINAL, issue)

    assert changed(fates) == {"s3-1": (REMOVED, None)}


def test_identical_short_items_are_matched_one_to_one_in_order():
    """Two items that both say 无。, and a new item before them: each is followed to its own place."""
    old, new = parse(TEXT), parse(TEXT)
    for issue in (old, new):
        issue.sections[4].items[0].text = issue.sections[4].items[1].text = "无。"
    items = new.sections[4].items
    items.insert(0, replace(items[0], text="新增一项"))
    for n, item in enumerate(items, 1):
        item.anchor = f"s5-{n}"

    fates = match(old, new)

    assert (fates["s5-1"], fates["s5-2"]) == (Fate(MOVED, "s5-2"), Fate(MOVED, "s5-3"))


def test_an_attachment_is_matched_with_attachments_only(corpus_texts):
    old = parse(corpus_texts["2024-weekly-01"])
    new = parse(corpus_texts["2024-weekly-01"].replace("120", "121", 1))

    fates = match(old, new)

    assert fates["a1"] == Fate(CHANGED, "a1")
    assert all(f.status == SAME for a, f in fates.items() if a != "a1")


def test_likeness_is_the_share_of_character_pairs_and_short_texts_must_be_equal():
    assert likeness("本周召开培训会议", "本周召开培训会议") == 1.0
    assert 0.8 < likeness("本周共受理537件、办结520件", "本周共受理537件、办结522件") < 1.0
    assert likeness("本周召开培训会议", "群众满意度稳步提升") == 0.0
    assert likeness("无。", "无。") == 1.0 and likeness("无。", "有。") == 0.0


# --- composing --------------------------------------------------------------------------


def test_fates_compose_through_a_later_correction():
    first_to_second = {
        "s1-1": Fate(SAME, "s1-1"),
        "s1-2": Fate(MOVED, "s1-3"),
        "s1-3": Fate(CHANGED, "s1-4"),
        "s1-4": Fate(REMOVED, None),
    }
    second_to_third = {
        "s1-1": Fate(MOVED, "s1-2"),
        "s1-2": Fate(REMOVED, None),
        "s1-3": Fate(MOVED, "s1-1"),
        "s1-4": Fate(SAME, "s1-4"),
    }

    assert compose(first_to_second, second_to_third) == {
        "s1-1": Fate(MOVED, "s1-2"),
        "s1-2": Fate(MOVED, "s1-1"),
        "s1-3": Fate(CHANGED, "s1-4"),  # changed once is changed
        "s1-4": Fate(REMOVED, None),
    }


def test_an_item_moved_back_to_its_place_is_the_same():
    assert compose({"s1-2": Fate(MOVED, "s1-3")}, {"s1-3": Fate(MOVED, "s1-2")}) == {
        "s1-2": Fate(SAME, "s1-2")
    }


def test_a_fate_is_consistent():
    with pytest.raises(ValueError):
        Fate(REMOVED, "s1-1")
    with pytest.raises(ValueError):
        Fate(MOVED, None)
    with pytest.raises(ValueError):
        Fate("lost", "s1-1")


# --- any correction of one section: insertions, removals, swaps and edits, in any order ---

FRESH = st.sampled_from(
    [
        "本周，省中心召开窗口服务质量提升专题会，研究部署下一阶段重点工作。",
        "9月12日，省政务服务大厅开展消防安全演练，各窗口工作人员参加。",
        "省中心组织开展“好差评”数据分析，督促整改差评事项。",
    ]
)


@st.composite
def corrections(draw) -> tuple[list[tuple[str, str]], list[tuple[str, str, str | None]]]:
    """Section 一 of the seed, corrected: the old (anchor, text) of its items, and each new
    item as (anchor, text, the old anchor it was made from, None for an inserted one)."""
    old = [(item.anchor, item.text) for item in ORIGINAL.sections[0].items]
    new: list[tuple[str, str | None]] = [(text, anchor) for anchor, text in old]
    for _ in range(draw(st.integers(1, 5))):
        action = draw(st.sampled_from(["insert", "remove", "swap", "edit"]))
        at = draw(st.integers(0, max(0, len(new) - 1)))
        if action == "insert":
            new.insert(at, (draw(FRESH) + "（" + str(draw(st.integers(1, 99))) + "）", None))
        elif action == "remove" and new:
            new.pop(at)
        elif action == "swap" and len(new) > 1:
            other = draw(st.integers(0, len(new) - 1))
            new[at], new[other] = new[other], new[at]
        elif action == "edit" and new:
            text, made_from = new[at]
            new[at] = (text + "截至目前，已办结。", made_from)  # a sentence added
    return old, [(f"s1-{n}", text, made_from) for n, (text, made_from) in enumerate(new, 1)]


def with_section_one(items: list[tuple[str, str, str | None]]):
    section = ORIGINAL.sections[0]
    made = [Item(anchor=a, label=f"（{n}）", text=t) for n, (a, t, _) in enumerate(items, 1)]
    return replace(ORIGINAL, sections=[replace(section, items=made), *ORIGINAL.sections[1:]])


@given(corrections())
def test_any_correction_sends_every_old_link_to_its_own_item_or_says_it_is_gone(correction):
    old, new = correction
    fates = match(ORIGINAL, with_section_one(new))
    text_now = {a: t for a, t, _ in new}
    made_from = {m: a for a, _, m in new if m}

    targets = [f.anchor for f in fates.values() if f.anchor]
    assert len(targets) == len(set(targets)), "two old links never share one new item"
    for anchor, text in old:
        fate = fates[anchor]
        if fate.status in (SAME, MOVED):
            assert text_now.get(fate.anchor, "") == text, "the same text, wherever it went"
            assert (fate.status == SAME) == (fate.anchor == anchor)
        if anchor in made_from and text_now[made_from[anchor]] == text:
            assert fate.status in (SAME, MOVED) and fate.anchor == made_from[anchor]
        elif anchor in made_from:  # edited: found under its new place, as changed
            assert (fate.status, fate.anchor) == (CHANGED, made_from[anchor])
        else:
            assert fate.status == REMOVED
    for _, item in ORIGINAL.walk_items():  # the other sections are untouched
        if not item.anchor.startswith("s1-"):
            assert fates[item.anchor] == Fate(SAME, item.anchor)
