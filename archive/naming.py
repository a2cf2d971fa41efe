"""The names people write for a department, derived by rule from the names the gazetteer lists.

The gazetteer lists a department's short name, official full name and the
short forms no rule gives (住建厅, 人社厅, 发改委). Everything else people
write follows from those by the rules of official Chinese naming, so it is
derived here rather than listed one by one:

* the province written out, shortened or left out: 四川省市场监督管理局,
  省市场监督管理局, 四川市场监督管理局, 市场监督管理局;
* 和 between the words of a name kept or dropped: 住房和城乡建设厅 =
  住房城乡建设厅, 人力资源和社会保障厅 = 人力资源社会保障厅;
* the shortened endings: 监督管理局 → 监管局, 委员会 → 委, 广播电视局 → 广电局,
  and 人民政府 → 政府 (四川省人民政府办公厅 = 省政府办公厅).

A name without the province is not always the provincial body. Only the
province has 厅 (a city has 住房和城乡建设局), so a bare 厅 name is the
provincial department unless a city stands right before it; but every city
and county has its 市场监管局, 发改委 and 医保局, so such a bare name is only
the provincial one where the text around it says so (`departments.Gazetteer`
decides). That is the `Form.kind` of each spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

PROVINCE = ("四川省", "省", "四川")  # longest first: the prefix split off a listed name
PREFIXED = "prefixed"  # names the province: 省住建厅, 四川省市场监督管理局
BARE = "bare"  # no province, but only the province has it: 住房城乡建设厅, 住建厅, 成都海关
CONTEXT = "context"  # no province, and cities have one too: 市场监管局, 发改委, 人社局

MIN_BARE = 3  # a bare 中心 or 外办 (from 省中心, 省外办) would be found everywhere
_ENDINGS = (("监督管理局", "监管局"), ("委员会", "委"), ("广播电视局", "广电局"))
_OPTIONAL_AND = re.compile(r"(?<=[^共\W\d])和(?=[^\W\d])")  # 住房和城乡; not 共和国
_PROVINCIAL_ONLY = "厅"  # the ending only a province's departments have
# Sichuan's cities and prefectures (and its neighbour in 川渝 cooperation), as written without 市/州.
CITIES = (
    "成都", "自贡", "攀枝花", "泸州", "德阳", "绵阳", "广元", "遂宁", "内江", "乐山", "南充",
    "眉山", "宜宾", "广安", "达州", "雅安", "巴中", "资阳", "阿坝", "甘孜", "凉山", "重庆",
)  # fmt: skip
_PLACED = ("四川", "国家", "中国", "中华", *CITIES)  # a name that says where it is takes no 省


@dataclass(frozen=True)
class Form:
    """One way to write a department's name, and how much it says on its own."""

    text: str
    kind: str  # PREFIXED, BARE or CONTEXT
    listed: bool  # written in the gazetteer as it is (not derived)


def split_province(name: str) -> tuple[str, str]:
    """("四川省", "住房和城乡建设厅") for 四川省住房和城乡建设厅; ("", name) without a province."""
    for prefix in PROVINCE:
        if name.startswith(prefix) and len(name) > len(prefix):
            return prefix, name[len(prefix) :]
    return "", name


def spellings(core: str) -> list[str]:
    """Every spelling of a name without its province, by the rules above, the name itself first."""
    if (
        "（" in core or "(" in core
    ):  # 新闻出版局（省电影局）: two names in one, each listed on its own
        return [core]
    found: dict[str, None] = {}
    for base in dict.fromkeys((core, core.replace("人民政府", "政府"))):
        for ending in _ending_choices(base):
            for text in _and_choices(ending):
                found[text] = None
    return list(found)


def _ending_choices(name: str) -> list[str]:
    for long, short in _ENDINGS:
        if name.endswith(long):
            return [name, name[: -len(long)] + short]
    return [name]


def _and_choices(name: str) -> list[str]:
    parts = _OPTIONAL_AND.split(name)
    if len(parts) == 1:
        return [name]
    out = []
    for joins in product(("和", ""), repeat=len(parts) - 1):
        text = parts[0]
        for join, part in zip(joins, parts[1:], strict=True):
            text += join + part
        out.append(text)
    return out


def forms(names: tuple[str, ...]) -> list[Form]:
    """Every form of a department's listed names (short name, full name, aliases), listed ones first.

    A spelling reached two ways keeps its strongest reading: listed over
    derived, bare over context.
    """
    found: dict[str, Form] = {}

    def add(text: str, kind: str, listed: bool) -> None:
        old = found.get(text)
        if old is None or (listed, kind != CONTEXT) > (old.listed, old.kind != CONTEXT):
            found[text] = Form(text, kind, listed)

    for name in names:
        prefix, core = split_province(name)
        add(name, PREFIXED if prefix else BARE, True)
        if len(core) < MIN_BARE and prefix:
            continue
        placed = not prefix and core.startswith(_PLACED) or "四川" in core
        for text in spellings(core):
            for province in () if placed else PROVINCE:
                add(province + text, PREFIXED, False)
            if not prefix:
                add(text, BARE, False)
            elif text.endswith(_PROVINCIAL_ONLY):
                add(text, BARE, False)
            else:
                add(text, CONTEXT, False)
    return list(found.values())
