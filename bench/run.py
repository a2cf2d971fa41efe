"""Benchmarks: ingest against the jieba floor, queries against an SQLite FTS5 baseline, HTTP under load.

    python bench/run.py [--sizes 500,5000] [--runs 50] [--http-seconds 30] [--out bench/out]

For each size, in one run on one machine (these machines are noisy: compare
the ratios, which are measured side by side):

* ingest: a full `bulletins ingest` of the generated corpus (parse, store,
  index) as a subprocess, its peak memory and the size of what it wrote,
  against the floor: reading the files and segmenting every item's text with
  jieba in search mode (the least any jieba-based index must do);
* incremental: one new bulletin added to the built archive through the CLI;
* queries: p50/p95/p99 of a fixed mix, warm, in process, for the project's
  search and for an FTS5 table of the same jieba-segmented items (facets by
  GROUP BY), with the ratio;
* HTTP: `bulletins serve` under 8 concurrent clients on the same mix:
  requests/s, latency percentiles, errors; start time and memory.

Results print as a table and are written to OUT/results-<size>.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_corpus import generate  # noqa: E402

from archive.store import Store  # noqa: E402
from indexer.analysis import segmenter  # noqa: E402
from indexer.index import SearchIndex  # noqa: E402
from indexer.search import SearchRequest, search  # noqa: E402

BULLETINS = [sys.executable, "-m", "bulletins"]


@dataclass(frozen=True)
class Query:
    """One entry of the mix: URL parameters for the project, and the FTS5 equivalent."""

    name: str
    params: dict
    facets: bool = True


MIX = [
    Query("department name", {"q": "公安厅"}, facets=False),
    Query("two words", {"q": "惠企政策 数字政府"}, facets=False),
    Query("quoted phrase", {"q": '"高效办成一件事"'}, facets=False),
    Query(
        "dept + date range",
        {"dept": "自然资源厅", "from": "2020-01-01", "to": "2022-12-31"},
        facets=False,
    ),
    Query(
        "dept + range + facets", {"dept": "自然资源厅", "from": "2020-01-01", "to": "2022-12-31"}
    ),
    Query("filters, by date", {"kind": "weekly", "section": "政务工作动态", "sort": "date"}),
    Query("page of 20 highlighted", {"q": "政务服务", "limit": "20"}),
]


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    return {"p50": at(50), "p95": at(95), "p99": at(99), "n": len(ordered)}


def run_cli(data: Path, *args: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one `bulletins` command in a subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [*BULLETINS, "--data-dir", str(data), *args],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) // 1024
    return seconds, peak


def floor(corpus: Path, texts_file: Path) -> float:
    """Seconds to read the files and segment all item text with jieba (search mode), in a fresh process."""
    code = (
        "import sys, time, json\n"
        "from pathlib import Path\n"
        "start = time.perf_counter()\n"
        "from indexer.analysis import segmenter\n"
        "tk = segmenter()\n"
        "for p in sorted(Path(sys.argv[1]).glob('*.txt')): p.read_bytes()\n"
        "n = 0\n"
        "for text in json.loads(Path(sys.argv[2]).read_text('utf-8')):\n"
        "    n += sum(1 for _ in tk.tokenize(text, mode='search'))\n"
        "print(time.perf_counter() - start)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(corpus), str(texts_file)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip())


def disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def ingest(size: int, out: Path) -> tuple[Path, dict]:
    corpus = out / f"corpus-{size}"
    if len(list(corpus.glob("*.txt"))) != size:
        generate(corpus, size)
    data = out / f"data-{size}"
    shutil.rmtree(data, ignore_errors=True)
    seconds, peak = run_cli(data, "ingest", str(corpus))
    store = Store(data / "archive.db")
    texts = [r["text"] for r in store.db.query("SELECT text FROM items")]
    store.close()
    texts_file = out / f"texts-{size}.json"
    texts_file.write_text(json.dumps(texts, ensure_ascii=False), "utf-8")
    floor_seconds = floor(corpus, texts_file)
    index_dir = (data / "index").resolve()
    result = {
        "bulletins": size,
        "items": len(texts),
        "ingest_s": seconds,
        "floor_s": floor_seconds,
        "ratio": seconds / floor_seconds,
        "index_mb": disk_mb(index_dir),
        "db_mb": (data / "archive.db").stat().st_size / 2**20,
        "peak_rss_mb": peak,
    }
    return data, result


def incremental(data: Path, out: Path) -> dict:
    extra = out / "extra"
    shutil.rmtree(extra, ignore_errors=True)
    one = generate(extra, 1, seed=99)[0]
    target = extra / "weekly-2030-01-07.txt"
    one.rename(target)
    text = target.read_text("utf-8")
    # Move the one bulletin to a week no generated archive has, so it is new.
    first_line = text.splitlines()[0]
    text = text.replace(first_line, "2030年第1期（总第9999期）", 1)
    lines = text.splitlines()
    period = next(i for i, line in enumerate(lines) if line.startswith("（") and "日—" in line)
    lines[period] = "（1月7日—1月11日）"
    published = next(i for i, line in enumerate(lines) if "服务中心" in line and "年" in line)
    lines[published] = "四川省政府政务服务和公共资源交易服务中心 2030年 1月 18日"
    target.write_text("\n".join(lines), "utf-8")
    seconds, _ = run_cli(data, "ingest", str(target))
    return {"add_one_s": seconds}


def project_queries(data: Path, runs: int) -> tuple[dict, list[float]]:
    index = SearchIndex(data / "index")
    results = {}
    pooled: list[float] = []
    for query in MIX:
        request = SearchRequest.from_params(query.params)
        for _ in range(3):
            search(index, request, facets=query.facets)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            search(index, request, facets=query.facets)
            samples.append(time.perf_counter() - start)
        results[query.name] = percentiles(samples)
        pooled += samples
    index.close()
    return results, pooled


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
               CREATE INDEX meta_date ON meta(date_from);"""
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
        p = query.params
        if "q" in p:
            terms = p["q"].replace('"', "")
            match = (
                f'"{terms}"'
                if p["q"].startswith('"')
                else " AND ".join(f'"{t}"' for t in terms.split())
            )
            where = "SELECT rowid FROM fts WHERE fts MATCH ?"
            self.db.execute(f"SELECT count(*) FROM ({where})", [match]).fetchone()
            self.db.execute(
                "SELECT rowid, highlight(fts, 0, '<mark>', '</mark>') FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT ?",
                [match, int(p.get("limit", 20))],
            ).fetchall()
            if query.facets:
                self.facets(where, [match])
            return
        clauses, args = [], []
        if "dept" in p:
            clauses.append("rowid IN (SELECT rowid FROM dept WHERE department = ?)")
            args.append(p["dept"])
        if "from" in p:
            clauses += ["date_to >= ?", "date_from <= ?"]
            args += [p["from"], p["to"]]
        if "kind" in p:
            clauses.append("kind = ?")
            args.append(p["kind"])
        if "section" in p:
            clauses.append("section = ?")
            args.append(p["section"])
        where = "SELECT rowid FROM meta WHERE " + " AND ".join(clauses)
        self.db.execute(f"SELECT count(*) FROM ({where})", args).fetchone()
        self.db.execute(
            f"SELECT m.item_id, f.text FROM meta m JOIN fts f ON f.rowid = m.rowid WHERE m.rowid IN ({where}) "
            "ORDER BY m.date_from DESC LIMIT 20",
            args,
        ).fetchall()
        if query.facets:
            self.facets(where, args)


def baseline_queries(data: Path, runs: int) -> tuple[dict, list[float], float]:
    fts = Fts5Baseline(data)
    results = {}
    pooled: list[float] = []
    for query in MIX:
        for _ in range(3):
            fts.run(query)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            fts.run(query)
            samples.append(time.perf_counter() - start)
        results[query.name] = percentiles(samples)
        pooled += samples
    return results, pooled, fts.build_s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_mb(pid: int) -> dict:
    """The server's memory: RSS of its largest process, and PSS summed over all its processes
    (shared pages, such as jieba's dictionary loaded before the fork, counted once)."""
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def field(path: str, name: str) -> int:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) // 1024
        return 0

    return {
        "processes": len(pids),
        "rss_mb": max(field(f"/proc/{p}/status", "VmRSS") for p in pids),
        "peak_mb": max(field(f"/proc/{p}/status", "VmHWM") for p in pids),
        "pss_total_mb": sum(field(f"/proc/{p}/smaps_rollup", "Pss") for p in pids),
    }


def http_load(data: Path, seconds: float, clients: int = 8, workers: int = 2) -> dict:
    """Start `bulletins serve --workers N` on the built archive and load it with the query mix."""
    port = free_port()
    start = time.perf_counter()
    server = subprocess.Popen(
        [
            *BULLETINS,
            "--data-dir",
            str(data),
            "serve",
            "--port",
            str(port),
            "--corpus",
            "/nonexistent",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/api/issues", timeout=2).read()
                break
            except OSError:
                if time.perf_counter() - start > 60 or server.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.05)
        started = time.perf_counter() - start
        paths = ["/search?" + urllib.parse.urlencode(q.params) for q in MIX]
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        deadline = time.perf_counter() + seconds

        def client(offset: int) -> None:
            """One user: a keep-alive connection, requests one after another."""
            i = offset
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.perf_counter() < deadline:
                path = paths[i % len(paths)]
                i += 1
                t0 = time.perf_counter()
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    if not ok:
                        errors[0] += 1
            connection.close()

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        t_start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t_start
        memory = memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "workers": workers,
        "start_s": started,
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "errors": errors[0],
        **percentiles(latencies),
        **memory,
    }


def report(size: int, result: dict) -> str:
    i, q, b = result["ingest"], result["queries"], result["baseline"]
    lines = [
        f"== {size} bulletins, {i['items']} items ==",
        f"ingest {i['ingest_s']:.1f} s | jieba floor {i['floor_s']:.1f} s | ratio {i['ratio']:.2f} "
        f"| index {i['index_mb']:.1f} MB, store {i['db_mb']:.1f} MB | peak RSS {i['peak_rss_mb']} MB",
        f"add one bulletin through the CLI: {result['incremental']['add_one_s']:.2f} s",
        f"{'query':<26}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'FTS5 p95':>10}{'ratio':>8}",
    ]
    for name in q:
        lines.append(
            f"{name:<26}{q[name]['p50']:>9.1f}{q[name]['p95']:>9.1f}{q[name]['p99']:>9.1f}"
            f"{b[name]['p95']:>10.1f}{q[name]['p95'] / max(b[name]['p95'], 1e-3):>8.1f}"
        )
    mix = result["mix"]
    lines.append(
        f"{'whole mix':<26}{mix['p50']:>9.1f}{mix['p95']:>9.1f}{mix['p99']:>9.1f}{mix['fts5_p95']:>10.1f}{mix['ratio']:>8.1f}"
    )
    for h in (result["http"], result["http_workers"]):
        lines.append(
            f"HTTP 8 clients, {h['workers']} server process(es): {h['rps']:.0f} req/s, p50 {h['p50']:.1f} / "
            f"p95 {h['p95']:.1f} / p99 {h['p99']:.1f} ms, {h['errors']} errors of {h['requests']}; "
            f"start {h['start_s']:.2f} s; memory {h['pss_total_mb']} MB PSS in all (largest process RSS {h['rss_mb']} MB)"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--http-seconds", type=float, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument(
        "--workers", type=int, default=2, help="server processes for the second HTTP test"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {date.today()}")
    for size in (int(s) for s in args.sizes.split(",")):
        data, ingested = ingest(size, args.out)
        result = {"ingest": ingested, "incremental": incremental(data, args.out)}
        result["queries"], ours = project_queries(data, args.runs)
        result["baseline"], theirs, result["baseline_build_s"] = baseline_queries(data, args.runs)
        mix, base = percentiles(ours), percentiles(theirs)
        result["mix"] = {
            **mix,
            "fts5_p95": base["p95"],
            "ratio": mix["p95"] / max(base["p95"], 1e-3),
        }
        result["http"] = http_load(data, args.http_seconds, workers=1)
        result["http_workers"] = http_load(data, args.http_seconds, workers=args.workers)
        (args.out / f"results-{size}.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=1), "utf-8"
        )
        print(report(size, result), flush=True)


if __name__ == "__main__":
    main()
