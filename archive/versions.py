"""Corrections: what makes two readings of a bulletin the same, and where an earlier version's
items went in the version that corrected it. Pure functions of issues; the store keeps the results.

A corrected bulletin has the identity of the one it corrects (same kind, same
period) and other content. Its items are numbered by place, so a correction
that inserts an item moves every item after it: an old link's anchor may now
name another item. Each item of the earlier version is therefore matched to
the new version by its text, not its place: the same text is the same item
(`same` where its anchor is unchanged, `moved` where it is not); a text most of
whose character pairs recur in one new item is that item `changed`; anything
else is `removed`. Attachments match attachments, items match items.

The fates are computed once, when the correction arrives, and kept: a link
keeps its meaning however the matching might be tuned later. When a third
version comes, the first version's fates are carried on through the second's
(`compose`), so an item edited twice is still found.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from .model import Attachment, Issue, Item

SAME, MOVED, CHANGED, REMOVED = "same", "moved", "changed", "removed"
FATES = (SAME, MOVED, CHANGED, REMOVED)
LIKE_FROM = 0.5  # of `likeness`: half of the character pairs shared is still the same item, edited
SHORTEST_LIKE = 4  # characters: a shorter text ("无。") is matched only when it is identical


@dataclass(frozen=True)
class Fate:
    """What became of one item (or attachment) of an earlier version in the current version."""

    status: str  # one of FATES
    anchor: str | None  # where it is now; None when removed

    def __post_init__(self) -> None:
        if self.status not in FATES or (self.anchor is None) != (self.status == REMOVED):
            raise ValueError(f"not a fate: {self.status} {self.anchor}")


def fingerprint(issue: Issue) -> str:
    """What the bulletin says, as a hash: equal for two readings of the same content.

    The printed content only: the masthead's facts, headings, labels, texts, tables
    and footer. Not what is derived from them (dates, departments: a new gazetteer
    tags differently, the bulletin is no different), nor the file, the header lines
    as extracted or the pages (a PDF and its text export are the same bulletin).
    """
    content = {
        "kind": issue.kind,
        "number": issue.number,
        "year": issue.year,
        "total": issue.total_number,
        "period": [str(issue.period_start), str(issue.period_end)],
        "published": str(issue.published),
        "sections": [
            [s.number, s.title, [_item_content(i) for i in s.items]] for s in issue.sections
        ],
        "attachments": [_attachment_content(a) for a in issue.attachments],
        "footer": issue.footer.to_json() if issue.footer else None,
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _item_content(item: Item) -> list:
    return [item.anchor, item.label, item.text, [_item_content(c) for c in item.children]]


def _attachment_content(attachment: Attachment) -> list:
    rows = [[r.seq, r.name, r.base, r.deduction, r.bonus, r.score] for r in attachment.rows]
    return [attachment.title, attachment.columns, rows, attachment.lines]


def units(issue: Issue) -> Iterator[tuple[str, str]]:
    """(anchor, text) of every item, sub-item and attachment, in reading order."""
    for _, item in issue.walk_items():
        yield item.anchor, item.text
    for attachment in issue.attachments:
        yield attachment.anchor, attachment.text


def match(old: Issue, new: Issue) -> dict[str, Fate]:
    """Each anchor of `old` -> what became of its item in `new`."""
    before, after = list(units(old)), list(units(new))
    taken: set[str] = set()
    fates: dict[str, Fate] = {}
    by_text: dict[tuple[bool, str], list[str]] = {}
    for anchor, text in after:
        by_text.setdefault((_is_table(anchor), _squash(text)), []).append(anchor)
    for anchor, text in before:  # the same text: the same item, here or elsewhere
        candidates = [
            a for a in by_text.get((_is_table(anchor), _squash(text)), []) if a not in taken
        ]
        if candidates:
            found = anchor if anchor in candidates else candidates[0]
            taken.add(found)
            fates[anchor] = Fate(SAME if found == anchor else MOVED, found)
    left = [(i, a, _Text.of(t)) for i, (a, t) in enumerate(before) if a not in fates]
    free = [(j, b, _Text.of(u)) for j, (b, u) in enumerate(after) if b not in taken]
    pairs = sorted(
        (-score, abs(i - j), a, b)
        for i, a, t in left
        for j, b, u in free
        if _is_table(a) == _is_table(b)
        for score in [t.likeness(u)]
        if score >= LIKE_FROM
    )
    for _, _, a, b in pairs:  # the likest pairs first, each item once
        if a not in fates and b not in taken:
            taken.add(b)
            fates[a] = Fate(CHANGED, b)
    for anchor, _ in before:
        fates.setdefault(anchor, Fate(REMOVED, None))
    return fates


def compose(earlier: dict[str, Fate], step: dict[str, Fate]) -> dict[str, Fate]:
    """The fates of an older version's items in the newest version, from their fates in the
    version after it (`earlier`) and that version's fates in the newest (`step`)."""
    composed = {}
    for anchor, fate in earlier.items():
        then = step.get(fate.anchor) if fate.anchor else None
        if then is None or then.status == REMOVED:
            composed[anchor] = Fate(REMOVED, None)
        elif CHANGED in (fate.status, then.status):
            composed[anchor] = Fate(CHANGED, then.anchor)
        else:
            composed[anchor] = Fate(SAME if then.anchor == anchor else MOVED, then.anchor)
    return composed


def likeness(a: str, b: str) -> float:
    """How much two texts share: the Dice coefficient of their character pairs (0..1).

    Pairs rather than a diff: a dozen items against a dozen costs nothing, and an
    edit (a number changed, a sentence added) keeps most pairs of an item while
    any two different items of a bulletin share few.
    """
    return _Text.of(a).likeness(_Text.of(b))


@dataclass(frozen=True)
class _Text:
    """A text without whitespace, and how often each pair of characters occurs in it."""

    squashed: str
    pairs: dict[str, int]

    @classmethod
    def of(cls, text: str) -> _Text:
        squashed = _squash(text)
        pairs: dict[str, int] = {}
        for i in range(len(squashed) - 1):
            pair = squashed[i : i + 2]
            pairs[pair] = pairs.get(pair, 0) + 1
        return cls(squashed, pairs)

    def likeness(self, other: _Text) -> float:
        if min(len(self.squashed), len(other.squashed)) < SHORTEST_LIKE:
            return 1.0 if self.squashed == other.squashed else 0.0
        shared = sum(min(n, other.pairs.get(p, 0)) for p, n in self.pairs.items())
        return 2 * shared / (len(self.squashed) - 1 + len(other.squashed) - 1)


def _is_table(anchor: str) -> bool:
    return anchor.startswith("a")


def _squash(text: str) -> str:
    return "".join(text.split())
