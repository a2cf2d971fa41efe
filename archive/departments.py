"""The department gazetteer: every name a department goes by, resolved to its short name.

Built from `data/departments.tsv` (short name, full name, aliases, kind). Matching
runs on text with all whitespace removed, so a name broken by a wrap or a page
break ("公\\n安厅") is still found, and the longest name wins ("省住房城乡建设厅"
before "住房城乡建设厅"). A short name without a provincial prefix is not taken
when a city or county stands right before it ("成都市民政厅" is not 民政厅).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .repair import normalise_line

_CITY_SUFFIX = "市州县区"
_PROVINCIAL_PREFIXES = ("省", "四川", "国家", "中国", "中华")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Department:
    short_name: str
    full_name: str
    aliases: tuple[str, ...]
    kind: str

    @property
    def names(self) -> tuple[str, ...]:
        """Every name, short name first."""
        seen: dict[str, None] = {}
        for name in (self.short_name, self.full_name, *self.aliases):
            if name:
                seen[name] = None
        return tuple(seen)

    def to_json(self) -> dict:
        return {
            "name": self.short_name,
            "full_name": self.full_name,
            "aliases": list(self.aliases),
            "kind": self.kind,
        }


class Gazetteer:
    def __init__(self, departments: list[Department]):
        self.departments = departments
        self._by_name: dict[str, Department] = {}
        for dept in departments:
            for name in dept.names:
                self._by_name.setdefault(_squash(normalise_line(name)), dept)
        names = sorted(self._by_name, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(n) for n in names))

    def resolve(self, name: str) -> Department | None:
        """The department a name (short, full or alias; any spacing or bracket style) stands for."""
        return self._by_name.get(_squash(normalise_line(name)))

    def find(self, text: str) -> list[str]:
        """Short names of every mention in the text, in order, one entry per mention."""
        squashed = _squash(text)
        found = []
        for match in self._pattern.finditer(squashed):
            name = match.group()
            before = squashed[match.start() - 1 : match.start()]
            if before and before in _CITY_SUFFIX and not name.startswith(_PROVINCIAL_PREFIXES):
                continue
            found.append(self._by_name[name].short_name)
        return found

    def mentions(self, text: str) -> dict[str, int]:
        """Department short name -> number of mentions, in order of first mention."""
        return dict(Counter(self.find(text)))


def _squash(text: str) -> str:
    return _WHITESPACE.sub("", text)


def parse_tsv(text: str) -> list[Department]:
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    return [
        Department(
            short_name=row["short_name"].strip(),
            full_name=(row.get("full_name") or "").strip(),
            aliases=tuple(a.strip() for a in (row.get("aliases") or "").split(",") if a.strip()),
            kind=(row.get("kind") or "").strip(),
        )
        for row in reader
        if row.get("short_name")
    ]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer shipped with the package (loaded once per process)."""
    text = resources.files("archive").joinpath("data/departments.tsv").read_text("utf-8")
    return Gazetteer(parse_tsv(text))
