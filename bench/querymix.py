"""The query mix: hundreds of distinct searches drawn from the archive being measured.

    mix = query_mix(data / "archive.db", size=400, seed=1)

What staff type and click, in the shares below, every query different: a word
of an item (jieba's precise-mode words of 2+ characters), two words of one
item, a quoted phrase cut from an item, a department under any of its names
(short, alias, full) as a query word or as the department filter, filters
(kind, section, department) with and without words, date ranges (alone, with
a department, with words), sorting by date, and pages 2-5 of common queries.
Every request asks for facets, as the results page does. The same archive
and seed give the same mix, so two versions of the code are measured (and
their results compared) on the same queries.
"""

from __future__ import annotations

import logging
import random
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import jieba

from archive.departments import gazetteer

SHARES = {
    "word": 16,
    "pair": 12,
    "phrase": 12,
    "department word": 10,
    "department filter": 10,
    "filters": 10,
    "date range": 12,
    "sorted by date": 8,
    "page": 10,
}
_HANZI_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")
_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")


@dataclass(frozen=True)
class Query:
    """One search of the mix: what kind it is, and its URL parameters."""

    kind: str
    params: tuple[tuple[str, str], ...]

    @property
    def as_dict(self) -> dict[str, str]:
        return dict(self.params)


def query_mix(db_path: Path, size: int = 400, seed: int = 1) -> list[Query]:
    """`size` distinct queries drawn from the items of the archive at `db_path`."""
    jieba.setLogLevel(logging.WARNING)
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        items = db.execute(
            "SELECT item_id, text, date_from FROM items ORDER BY item_id"
        ).fetchall()
        sections = [r[0] for r in db.execute("SELECT DISTINCT name FROM sections ORDER BY name")]
        departments = sorted(
            {r[0] for r in db.execute("SELECT DISTINCT department FROM item_departments")}
        )
        days = [
            date.fromisoformat(r[0])
            for r in db.execute("SELECT date_from FROM items WHERE date_from IS NOT NULL")
        ]
    finally:
        db.close()
    rng = random.Random(seed)
    names = {
        d.short_name: [n for n in d.names if len(n) <= 20] for d in gazetteer().departments
    }
    known = [d for d in departments if d in names]
    # The search takes dates within 1990-2099 (search.YEARS); a large generated archive goes back
    # further.
    first, last = max(min(days), date(1990, 1, 1)), min(max(days), date(2099, 12, 31))
    seen: set[tuple] = set()
    mix: list[Query] = []
    kinds = list(SHARES)
    weights = [SHARES[k] for k in kinds]

    def words_of(text: str) -> list[str]:
        return [w for w in jieba.cut(text.replace("\n", ""), HMM=False) if _WORD.match(w)]

    def a_word() -> str:
        return rng.choice(words_of(rng.choice(items)[1]) or ["服务"])

    def a_range(days_long: int) -> tuple[str, str]:
        start = first + timedelta(days=rng.randrange(max(1, (last - first).days)))
        return start.isoformat(), min(last, start + timedelta(days=days_long)).isoformat()

    attempts = 0
    while len(mix) < size and attempts < size * 50:
        attempts += 1
        kind = rng.choices(kinds, weights)[0]
        params: dict[str, str] = {}
        if kind == "word":
            params["q"] = a_word()
        elif kind == "pair":
            words = words_of(rng.choice(items)[1])
            if len(set(words)) < 2:
                continue
            params["q"] = " ".join(rng.sample(sorted(set(words)), 2))
        elif kind == "phrase":
            runs = _HANZI_RUN.findall(rng.choice(items)[1].replace("\n", ""))
            if not runs:
                continue
            run = rng.choice(runs)
            length = rng.randint(4, min(8, len(run)))
            at = rng.randrange(len(run) - length + 1)
            params["q"] = f'"{run[at : at + length]}"'
        elif kind == "department word":
            params["q"] = rng.choice(names[rng.choice(known)])
        elif kind == "department filter":
            params["dept"] = rng.choice(names[rng.choice(known)])
            if rng.random() < 0.3:
                params["q"] = a_word()
        elif kind == "filters":
            choice = rng.randrange(3)
            if choice == 0:
                params["kind"] = rng.choice(["weekly", "monthly"])
            if choice <= 1:
                params["section"] = rng.choice(sections)
            else:
                params["dept"] = rng.choice(known)
                params["kind"] = rng.choice(["weekly", "monthly"])
            if rng.random() < 0.4:
                params["q"] = a_word()
        elif kind == "date range":
            params["from"], params["to"] = a_range(rng.choice([7, 31, 92, 365, 1000]))
            other = rng.randrange(3)
            if other == 0:
                params["dept"] = rng.choice(known)
            elif other == 1:
                params["q"] = a_word()
        elif kind == "sorted by date":
            params["q"] = a_word()
            params["sort"] = "date"
            if rng.random() < 0.5:
                params["kind"] = rng.choice(["weekly", "monthly"])
        elif kind == "page":
            params["q"] = rng.choice(["服务", "窗口", "政务", "办理", "工作", "企业", "推进"])
            params["page"] = str(rng.randint(2, 5))
            if rng.random() < 0.5:
                params["sort"] = "date"
        key = tuple(sorted(params.items()))
        if key in seen:
            continue
        seen.add(key)
        mix.append(Query(kind, key))
    return mix
