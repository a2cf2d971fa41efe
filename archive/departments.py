"""The department gazetteer: every name a department goes by, resolved to its short name.

Built from `data/departments.tsv` (short name, full name, the short forms no
rule gives, kind); `naming` derives every other spelling. Matching runs on
text with all whitespace removed, so a name broken by a wrap or a page break
("公\\n安厅") is still found, and the longest name wins ("省住房城乡建设厅"
before "住房城乡建设厅").

Which body a name stands for is read the way a colleague reads it:

* a name with the province (省医保局, 四川省市场监督管理局) is the province's,
  except after 全/各/外 (全省市场监管局 are every bureau of the province);
* a bare name only the province has (公安厅, 住建厅) is the province's, unless a
  city, county or the state stands right before it (成都市公安厅, 国家…);
* a bare name every level has (市场监管局, 发改委, 人社局) is the province's only
  where the text says so: a provincial body just before it in its clause
  (省市场监管局、卫健委), a list it shares with one (医保局、省卫健委), the
  provincial hall (省政务服务大厅医保局窗口, 医保局窗口), and never after a city or
  the state (德阳市市场监管局、人社局 are both 德阳's).
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from . import naming, nearest
from .naming import BARE, PREFIXED
from .repair import normalise_line

PROVINCE, LOCAL, NATIONAL = "province", "local", "national"  # whose body a mention is
UNKNOWN = "unknown"  # a bare name nothing around makes anyone's: not tagged

_CLAUSE_END = re.compile(r"[，。；：！？,;:!?]")
_SENTENCE_END = "。；！？;!?"
_CONNECTORS = frozenset(("、", "和", "与", "及", "以及", "、以及", "同", "会同", "联合", "/", "／"))
_CITY_WORDS = "|".join(naming.CITIES)
# What stands right before a bare name to make it a city's, a county's or the state's.
_LOCAL_BEFORE = re.compile(rf"(?:[市州县区]|市（州）|县（市、区）|各地|各级|基层|{_CITY_WORDS})$")
_NATIONAL_BEFORE = re.compile(r"(?:国|国家|国务院|中央)$")
_NOT_THE_PROVINCE = re.compile(r"[全各外]$")  # 全省市场监管局: every bureau in the province
_HALL = r"省政务服务大厅|省政务大厅|省大厅"
_HALL_BEFORE = re.compile(rf"(?:{_HALL})$")
# Words in a clause that set the level of a bare name coming after them.
_MARKERS = re.compile(
    rf"(?P<local>{_CITY_WORDS}|市（州）|市州|县（市、区）|区县|县区|市县|各地|各级|基层|市级|县级|区级"
    r"|[市县区镇乡]政务服务(?:中心|大厅)|市民(?:服务)?中心|便民服务中心)"
    rf"|(?P<national>国家|国务院|中央)"
    rf"|(?P<province>{_HALL}|省级|省直|省本级)"
)
_HALL_AHEAD = re.compile(rf"{_HALL}")
_WINDOW = 120  # characters of context read around a bare name: a long sentence


@dataclass(frozen=True)
class Department:
    short_name: str
    full_name: str
    short_forms: tuple[
        str, ...
    ]  # the names no rule gives (住建厅, 人社厅, 发改委): the TSV's aliases
    kind: str

    @property
    def names(self) -> tuple[str, ...]:
        """The listed names, short name first."""
        seen: dict[str, None] = {}
        for name in (self.short_name, self.full_name, *self.short_forms):
            if name:
                seen[name] = None
        return tuple(seen)

    @cached_property
    def forms(self) -> tuple[str, ...]:
        """Every name people write for it, listed or derived by `naming`, listed ones first."""
        return tuple(form.text for form in naming.forms(self.names))

    @cached_property
    def aliases(self) -> tuple[str, ...]:
        """The other names to show beside the short and full name: the short forms, and 省 before
        a bare 厅 (省公安厅). A few names a reader recognises, not every derived spelling, and no
        bare name that cities have too (发改委 is also every city's)."""
        shown = dict.fromkeys(self.short_forms)
        prefix, core = naming.split_province(self.short_name)
        if not prefix and core.endswith("厅"):
            shown["省" + core] = None
        return tuple(n for n in shown if n not in (self.short_name, self.full_name))

    @property
    def other_names(self) -> tuple[str, ...]:
        """The full name and the aliases: each department's other names, as listings show them."""
        names = (self.full_name, *self.aliases)
        return tuple(dict.fromkeys(n for n in names if n and n != self.short_name))

    def to_json(self) -> dict:
        return {
            "name": self.short_name,
            "full_name": self.full_name,
            "aliases": list(self.aliases),
            "kind": self.kind,
        }


@dataclass(frozen=True)
class _Entry:
    department: Department
    kind: str  # naming.PREFIXED, BARE or CONTEXT


@dataclass
class _Mention:
    start: int
    end: int
    entry: _Entry
    level: str | None  # PROVINCE, LOCAL, NATIONAL, UNKNOWN; None until the context decides


class Gazetteer:
    def __init__(self, departments: list[Department]):
        self.departments = departments
        self._by_name: dict[str, _Entry] = {}
        for listed in (True, False):  # a listed name is never taken over by a derived one
            for dept in departments:
                for form in naming.forms(dept.names):
                    if form.listed == listed:
                        key = _squash(normalise_line(form.text))
                        self._by_name.setdefault(key, _Entry(dept, form.kind))
        self._pattern = re.compile(_trie_pattern(self._by_name))

    def resolve(self, name: str) -> Department | None:
        """The department a name stands for: any form, any spacing or bracket style.

        A bare 市场监管局 typed by a user is the provincial one: the archive has no other.
        """
        entry = self._by_name.get(_squash(normalise_line(name)))
        return entry.department if entry else None

    def find(self, text: str) -> list[str]:
        """Short names of every mention of a provincial body in the text, in order, one per mention."""
        squashed = _squash(text)
        found = [
            _Mention(m.start(), m.end(), entry, _level_before(squashed, m.start(), entry))
            for m in self._pattern.finditer(squashed)
            for entry in (self._by_name[m.group()],)
        ]
        clauses: list[tuple[int, str]] | None = None
        for index, mention in enumerate(found):
            if mention.level is None:
                if clauses is None:  # where clauses end: read once, and only for a bare name
                    clauses = [(m.start(), m.group()) for m in _CLAUSE_END.finditer(squashed)]
                level, last = _level_in_context(squashed, found, index, clauses)
                for member in found[index : last + 1]:  # a list shares its level
                    member.level = member.level or level
        return [m.entry.department.short_name for m in found if m.level == PROVINCE]

    def mentions(self, text: str) -> dict[str, int]:
        """Department short name -> number of mentions, in order of first mention."""
        return dict(Counter(self.find(text)))

    def suggest(self, name: str, limit: int = 3) -> list[Department]:
        """The departments a name that is none of theirs most likely means, nearest first; or none.

        For typos (公按厅), parts of names (住房, 市场监管), other levels' names
        (住房和城乡建设部, 公安局) and forms no rule gives (市监局). A name sharing
        no more than an ending or 省 with every department gets nothing.
        """
        known = self.resolve(name)
        if known:
            return [known]
        wanted = _squash(normalise_line(name))
        wanted = naming.split_province(wanted)[1] if wanted not in naming.PROVINCE else ""
        if not 2 <= len(wanted) <= _MAX_SUGGESTED or not _CJK.search(wanted):
            return []
        typed = nearest.Name.of(wanted)
        best: dict[str, tuple[float, Department]] = {}
        for core, entry in self._cores:
            if not nearest.could_reach(typed, core, _SUGGEST_FROM):
                continue
            score = nearest.likeness(typed, core)
            short = entry.department.short_name
            if score >= _SUGGEST_FROM and score > best.get(short, (0.0,))[0]:
                best[short] = (score, entry.department)
        ranked = sorted(best.values(), key=lambda pair: -pair[0])
        return [d for score, d in ranked if score >= ranked[0][0] - _SUGGEST_SPREAD][:limit]

    @cached_property
    def _cores(self) -> list[tuple[nearest.Name, _Entry]]:
        """Every form without its province, split for `nearest` once (only suggestions need it)."""
        return [
            (nearest.Name.of(naming.split_province(key)[1]), entry)
            for key, entry in self._by_name.items()
        ]

    def completions(self) -> list[tuple[str, str]]:
        """(name, short name) for every listed name, to offer as a user types; short names first."""
        pairs = [(d.short_name, d.short_name) for d in self.departments]
        pairs += [(n, d.short_name) for d in self.departments for n in d.names[1:]]
        return list(dict.fromkeys(pairs))


def did_you_mean(suggestions: list[Department]) -> str:
    """Suggestions as a question (您要找的是不是：住房城乡建设厅？), or "" when there are none."""
    names = "、".join(d.short_name for d in suggestions)
    return f"您要找的是不是：{names}？" if names else ""


_CJK = re.compile(r"[\u3400-\u9fff]")
_MAX_SUGGESTED = 40  # twice the longest name: longer input is not a name
_SUGGEST_FROM = 0.6  # of `nearest.likeness`: 公按厅 for 公安厅 is 0.6, 教育局 for 体育局 too
_SUGGEST_SPREAD = 0.1  # suggest those nearly as near as the nearest, not every 0.6


def _level_before(text: str, start: int, entry: _Entry) -> str | None:
    """Whose body a mention is, from what stands right before it (None: the context must say)."""
    before = text[max(0, start - 8) : start]
    if entry.kind == PREFIXED:
        if text.startswith("省", start) and _NOT_THE_PROVINCE.search(before):
            return LOCAL
        return PROVINCE
    if _LOCAL_BEFORE.search(before):
        return LOCAL
    if _NATIONAL_BEFORE.search(before):
        return NATIONAL
    if entry.kind == BARE or _HALL_BEFORE.search(before):
        return PROVINCE
    return None


def _level_in_context(
    text: str, found: list[_Mention], index: int, clauses: list[tuple[int, str]]
) -> tuple[str, int]:
    """A bare name cities have too: the level its clause, its list or the provincial hall gives it,
    and the index of the last mention of its list, which shares it (UNKNOWN: nothing says).

    A reader looks a sentence around, not the whole item: the search goes at most `_WINDOW`
    characters either way, and a list is read once, so an absurd text costs as much per
    mention as a real one.
    """
    mention = found[index]
    low = max(0, mention.start - _WINDOW)
    at = bisect.bisect_left(clauses, (mention.start, ""))
    clause_start = max(low, clauses[at - 1][0] + 1) if at else low
    # Backwards in the clause: the nearest body or level word decides.
    evidence: tuple[int, str] | None = None
    for marker in _MARKERS.finditer(text, clause_start, mention.start):
        evidence = (marker.end(), marker.lastgroup)
    if index and found[index - 1].start >= clause_start and found[index - 1].level != UNKNOWN:
        before = found[index - 1]  # known: those before are decided first
        if evidence is None or before.end >= evidence[0]:
            evidence = (before.end, before.level)
    if evidence:
        return evidence[1], index
    # Forwards: a list it shares with a body whose level is known, then what the list is for.
    last = index
    for other in map(found.__getitem__, range(index + 1, len(found))):  # no copy of the rest
        if (
            other.start > mention.end + _WINDOW
            or text[found[last].end : other.start] not in _CONNECTORS
        ):
            break
        last += 1
        if other.level:
            return other.level, last
    end = found[last].end
    if text.startswith("窗口", end):
        return PROVINCE, last  # a window in the provincial hall, whose bulletin this is
    high = min(len(text), end + _WINDOW)
    sentence_end, at = high, bisect.bisect_left(clauses, (end, ""))
    while at < len(clauses) and clauses[at][0] < high:
        if clauses[at][1] in _SENTENCE_END:
            sentence_end = clauses[at][0]
            break
        at += 1
    hall = _HALL_AHEAD.search(text, end, sentence_end)
    if hall and not _MARKERS.search(text, end, hall.start()):
        return PROVINCE, last
    return UNKNOWN, last


def _trie_pattern(words) -> str:
    """One regular expression for many names, as a trie: at each character only the names going on
    with it are tried, so the cost hardly grows with the number of names. Longest name first."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_node(root)


def _trie_node(node: dict) -> str:
    branches = [re.escape(char) + _trie_node(sub) for char, sub in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return ("(?:" + body + ")?") if len(branches) == 1 else body + "?"
    return body


def _squash(text: str) -> str:
    return "".join(text.split())  # twice as fast as re.sub(r"\s+", "", text), the same result


def parse_tsv(text: str) -> list[Department]:
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    return [
        Department(
            short_name=row["short_name"].strip(),
            full_name=(row.get("full_name") or "").strip(),
            short_forms=tuple(
                a.strip() for a in (row.get("aliases") or "").split(",") if a.strip()
            ),
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
