"""How near a typed name is to a department's: for suggestions, never for matching text.

A name is its words and a generic ending (厅, 局, 委员会, 中心 …). What tells
departments apart is the words: 教育局 is nearer 教育厅 than 体育局, though
both share two characters with it. So the words are compared (a part of
them, or most of their characters in order, as difflib measures) and a
shared ending only adds a little; a name typed without an ending (住房, 卫生)
is a part of a name and is compared on its words alone. An ending alone
(委员会) is near nothing but a name that is that ending.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

_ENDINGS = (
    "委员会", "办公室", "办公厅", "联合社", "总队", "中心",
    "厅", "局", "委", "办", "会", "社", "部", "署", "院", "室",
)  # fmt: skip
_ENDING_WEIGHT = 0.2


@dataclass(frozen=True)
class Name:
    """A name without its province, as its words and its ending."""

    text: str
    words: str
    ending: str

    @classmethod
    def of(cls, text: str) -> Name:
        for ending in _ENDINGS:
            if text.endswith(ending):
                return cls(text, text[: -len(ending)], ending)
        return cls(text, text, "")


def likeness(wanted: Name, name: Name) -> float:
    """1.0 for the same name, down to 0.0 for nothing in common."""
    if wanted.text == name.text:
        return 1.0
    if not wanted.words:  # an ending alone (委员会, 办公室) is no department's name
        return 0.0
    words = _words_likeness(wanted.words, name.words or name.text)
    if not wanted.ending:
        return words
    return (1 - _ENDING_WEIGHT) * words + _ENDING_WEIGHT * (wanted.ending == name.ending)


def could_reach(wanted: Name, name: Name, need: float) -> bool:
    """Whether likeness(wanted, name) can be `need` or more, told from the characters the
    words share: cheap, where difflib is not (a suggestion compares a name with ~900).
    difflib's ratio is 2·M/(len(a)+len(b)), M at most the characters the two share."""
    if wanted.text == name.text:
        return True
    if not wanted.words:
        return need <= 0.0
    words = name.words or name.text
    if wanted.words == words or (len(wanted.words) >= 2 and wanted.words in words):
        return True
    shared = sum(min(wanted.words.count(c), words.count(c)) for c in set(wanted.words))
    bound = 2 * shared / (len(wanted.words) + len(words))
    if wanted.ending:
        bound = (1 - _ENDING_WEIGHT) * bound + _ENDING_WEIGHT * (wanted.ending == name.ending)
    return bound >= need


def _words_likeness(wanted: str, words: str) -> float:
    if wanted == words:
        return 1.0
    if len(wanted) >= 2 and wanted in words:
        return 0.6 + 0.4 * len(wanted) / len(words)
    return difflib.SequenceMatcher(None, wanted, words, autojunk=False).ratio()
