"""Searching in process: the query mix against the project's search and an SQLite FTS5 baseline,
and the results of the mix, kept to compare two versions of the code.

    python bench/queries.py results DATA_DIR OUT.json    # every query's total, hits and facets

Each query of the mix runs `rounds` times, the first time cold (whatever the
search caches per index generation is built then, as for a user's first
query of that kind); percentiles are over every run, and over first runs.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import percentiles  # noqa: E402
from querymix import Query, query_mix  # noqa: E402

from indexer.analysis import segmenter  # noqa: E402
from indexer.index import SearchIndex  # noqa: E402
from indexer.search import SearchRequest, search  # noqa: E402


def project_queries(data: Path, mix: list[Query], rounds: int = 3) -> dict:
    index = SearchIndex(data / "index")
    index.warm()
    samples: dict[str, list[float]] = {}
    first: list[float] = []
    for round_ in range(rounds):
        for query in mix:
            request = SearchRequest.from_params(query.as_dict)
            start = time.perf_counter()
            search(index, request)
            elapsed = time.perf_counter() - start
            samples.setdefault(query.kind, []).append(elapsed)
            if round_ == 0:
                first.append(elapsed)
    index.close()
    return _summary(samples, first)


def _summary(samples: dict[str, list[float]], first: list[float]) -> dict:
    pooled = [s for values in samples.values() for s in values]
    return {
        "queries": len(first),
        "all": percentiles(pooled),
        "first": percentiles(first),
        "kinds": {kind: percentiles(values) for kind, values in samples.items()},
    }


def results(data: Path, mix: list[Query]) -> list[dict]:
    """What the project answers to each query of the mix: total, hit ids in order, facets."""
    index = SearchIndex(data / "index")
    out = []
    for query in mix:
        result = search(index, SearchRequest.from_params(query.as_dict))
        out.append(
            {
                "params": query.as_dict,
                "total": result.total,
                "hits": [h.item_id for h in result.hits],
                "facets": {k: [list(p) for p in v] for k, v in result.facets.items()},
            }
        )
    index.close()
    return out


def compare(before: list[dict], after: list[dict]) -> dict:
    """Which queries changed between two runs of `results`, and how."""
    changed = {"total": [], "hits": [], "order": [], "facets": []}
    for old, new in zip(before, after, strict=True):
        assert old["params"] == new["params"], "not the same mix"
        if old["total"] != new["total"]:
            changed["total"].append(old["params"])
        elif set(old["hits"]) != set(new["hits"]):
            changed["hits"].append(old["params"])
        elif old["hits"] != new["hits"]:
            changed["order"].append(old["params"])
        if old["facets"] != new["facets"]:
            changed["facets"].append(old["params"])
    return {"queries": len(before), **{k: len(v) for k, v in changed.items()}, "changed": changed}


class Fts5Baseline:
    """The same items in an FTS5 table of jieba search-mode words; facets by GROUP BY."""

    def __init__(self, data: Path):
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        tk = segmenter()
        source = sqlite3.connect(data / "archive.db")
        rows = source.execute(
            """SELECT i.item_id, i.text, i.date_from, i.date_to, s.name, iss.kind,
                      (SELECT group_concat(department, ',') FROM item_departments d WHERE d.item_id = i.item_id)
               FROM items i JOIN sections s ON s.issue_id = i.issue_id AND s.number = i.section_number
               JOIN issues iss ON iss.issue_id = i.issue_id"""
        ).fetchall()
        self.db.executescript(
            """CREATE VIRTUAL TABLE fts USING fts5(words, text UNINDEXED, tokenize='unicode61');
               CREATE TABLE meta(rowid INTEGER PRIMARY KEY, item_id, date_from, date_to, section, kind, year);
               CREATE TABLE dept(rowid INTEGER, department);
               CREATE INDEX dept_name ON dept(department);
               CREATE INDEX meta_date ON meta(date_from);
               CREATE TEMP TABLE hits(rowid INTEGER PRIMARY KEY, rank REAL);"""
        )
        start = time.perf_counter()
        for rowid, (item_id, text, date_from, date_to, section, kind, departments) in enumerate(
            rows, 1
        ):
            words = " ".join(w for w, _, _ in tk.tokenize(text, mode="search") if w.strip())
            self.db.execute(
                "INSERT INTO fts(rowid, words, text) VALUES (?, ?, ?)", (rowid, words, text)
            )
            self.db.execute(
                "INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?, ?)",
                (rowid, item_id, date_from, date_to, section, kind, (date_from or "")[:4]),
            )
            for name in (departments or "").split(","):
                if name:
                    self.db.execute("INSERT INTO dept VALUES (?, ?)", (rowid, name))
        self.db.commit()
        self.build_s = time.perf_counter() - start
        self.short = {}
        from archive.departments import gazetteer

        for department in gazetteer().departments:
            for name in department.names:
                self.short[name] = department.short_name

    def facets(self, where: str, args: list) -> None:
        for column in ("section", "kind", "year"):
            self.db.execute(
                f"SELECT {column}, count(*) FROM meta WHERE rowid IN ({where}) GROUP BY {column}",
                args,
            ).fetchall()
        self.db.execute(
            f"SELECT department, count(*) FROM dept WHERE rowid IN ({where}) GROUP BY department",
            args,
        ).fetchall()

    def run(self, query: Query) -> None:
        """The query as FTS5 MATCH (words ANDed, a quoted phrase as a phrase) plus filters,
        a page of hits (by rank or by date, highlighted when there are words), and the facets.
        The matches and their rank go to a temporary table first, and only the page's rows
        are highlighted: a MATCH beside a subquery of filters made SQLite run it once per row."""
        p = query.as_dict
        filters, args = [], []
        if "dept" in p:
            filters.append("rowid IN (SELECT rowid FROM dept WHERE department = ?)")
            args.append(self.short.get(p["dept"], p["dept"]))
        if "from" in p:
            filters.append("date_to >= ?")
            args.append(p["from"])
        if "to" in p:
            filters.append("date_from <= ?")
            args.append(p["to"])
        for name in ("kind", "section"):
            if name in p:
                filters.append(f"{name} = ?")
                args.append(p[name])
        limit, offset = 20, 20 * (int(p.get("page", "1")) - 1)
        narrowed = " AND ".join(filters)
        narrow_args = list(args)
        q = p.get("q", "")
        if q:
            terms = q.replace('"', "")
            match = f'"{terms}"' if q.startswith('"') else " AND ".join(f'"{t}"' for t in terms.split())
            self.db.execute("DELETE FROM hits")
            self.db.execute(
                "INSERT INTO hits SELECT rowid, rank FROM fts WHERE fts MATCH ?", [match]
            )
            filters.append("rowid IN (SELECT rowid FROM hits)")
        where = "SELECT rowid FROM meta WHERE " + (" AND ".join(filters) or "1")
        self.db.execute(f"SELECT count(*) FROM ({where})", args).fetchone()
        if q and p.get("sort") != "date":
            also = f"WHERE h.rowid IN (SELECT rowid FROM meta WHERE {narrowed}) " if narrowed else ""
            page = self.db.execute(
                f"SELECT h.rowid FROM hits h {also}ORDER BY h.rank LIMIT ? OFFSET ?",
                [*narrow_args, limit, offset],
            ).fetchall()
            for (rowid,) in page:
                self.db.execute(
                    "SELECT highlight(fts, 0, '<mark>', '</mark>') FROM fts "
                    "WHERE fts MATCH ? AND rowid = ?",
                    [match, rowid],
                ).fetchall()
        else:
            self.db.execute(
                f"SELECT m.item_id, f.text FROM meta m JOIN fts f ON f.rowid = m.rowid "
                f"WHERE m.rowid IN ({where}) ORDER BY m.date_from DESC LIMIT ? OFFSET ?",
                [*args, limit, offset],
            ).fetchall()
        self.facets(where, args)


def baseline_queries(data: Path, mix: list[Query], rounds: int = 3) -> dict:
    fts = Fts5Baseline(data)
    samples: dict[str, list[float]] = {}
    first: list[float] = []
    for round_ in range(rounds):
        for query in mix:
            start = time.perf_counter()
            fts.run(query)
            elapsed = time.perf_counter() - start
            samples.setdefault(query.kind, []).append(elapsed)
            if round_ == 0:
                first.append(elapsed)
    return {**_summary(samples, first), "build_s": fts.build_s}


def main() -> None:
    command, data, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    assert command == "results", __doc__
    mix = query_mix(data / "archive.db")
    out.write_text(json.dumps(results(data, mix), ensure_ascii=False, indent=0), "utf-8")
    print(f"{len(mix)} queries: results in {out}")


if __name__ == "__main__":
    main()
