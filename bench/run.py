"""Benchmarks: ingest against the jieba floor, queries against an SQLite FTS5 baseline, HTTP under load.

    python bench/run.py [--sizes 500,5000] [--runs 50] [--http-seconds 30] [--out bench/out]
    python bench/run.py --scenario robust --sizes 500 [--robust-new 100] [--robust-workers 1,2]

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

`--scenario robust` (or `all`) loads the server instead while the archive
changes under it: 8 clients on keep-alive connections send search pages, their
JSON twin, issue pages and permalinks, and about one request in seven that is
malformed, oversized or points nowhere, while `bulletins ingest` of a batch of
newer bulletins and then `bulletins reindex` run in other processes. It prints
requests/s, latency percentiles and failures per kind of request and per phase,
whether the new issues are served without a restart, and a verdict: CLEAN only
when no good request failed (non-2xx, broken connection, timeout), no bad one
got a 5xx or a broken connection, both commands succeeded and the new issues
are served. Written to OUT/robust-<size>-w<workers>.json; exit status 1 if not
clean.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
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


@dataclass
class Server:
    """A running `bulletins serve`, its port, and how long it took to answer."""

    process: subprocess.Popen
    port: int
    start_s: float

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_server(data: Path, workers: int) -> Server:
    """Start `bulletins serve --workers N` on a built archive; return once it answers."""
    port = free_port()
    start = time.perf_counter()
    process = subprocess.Popen(
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
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/issues", timeout=2).read()
            return Server(process, port, time.perf_counter() - start)
        except OSError:
            if time.perf_counter() - start > 60 or process.poll() is not None:
                process.kill()
                raise RuntimeError("the server did not start") from None
            time.sleep(0.05)


def http_load(data: Path, seconds: float, clients: int = 8, workers: int = 2) -> dict:
    """Start `bulletins serve --workers N` on the built archive and load it with the query mix."""
    server = start_server(data, workers)
    port, started = server.port, server.start_s
    try:
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
        memory = memory_mb(server.process.pid)
    finally:
        server.stop()
    return {
        "workers": workers,
        "start_s": started,
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "errors": errors[0],
        **percentiles(latencies),
        **memory,
    }


# -- robustness: the load while an ingest and a reindex run, with bad requests mixed in ------

GOOD_KINDS = ("search", "api search", "issue", "permalink")
# Shares of each kind of request: about one in seven is a bad one.
ROBUST_MIX = (("search", 30), ("api search", 20), ("issue", 20), ("permalink", 15), ("bad", 15))
PHASES = ("before", "ingest", "reindex", "after")


@dataclass(frozen=True)
class Target:
    """One request a client may send, and the status class that counts as the right answer."""

    kind: str  # one of GOOD_KINDS, or "bad"
    label: str  # what it is: the query's name, "old"/"new" page, or the kind of mistake
    path: str
    expect: str = "2xx"  # "2xx", "4xx", or "2xx/4xx" (a lenient answer is as right as a refusal)
    method: str = "GET"


@dataclass
class Sample:
    """One request as sent and answered; `t` is its start, in seconds from the start of the load."""

    kind: str
    label: str
    t: float
    seconds: float
    status: int | None
    error: str | None


@dataclass
class Failure:
    """A request that went wrong, with enough to replay it."""

    kind: str
    label: str
    method: str
    path: str  # cut to 300 characters; `path_length` is the whole
    path_length: int
    t: float
    seconds: float
    status: int | None
    error: str | None
    body: str  # the start of the response
    reused_connection: bool
    previous: str | None  # the request sent before it on the same connection


@dataclass
class KindStats:
    kind: str
    requests: int
    rps: float
    p50: float
    p95: float
    p99: float
    failures: int  # good: not 2xx, connection error, timeout; bad: 5xx or connection error
    unexpected: int  # bad only: answered, but not in the expected class (e.g. 200 for a 4xx)
    statuses: dict[str, int]


@dataclass
class PhaseStats:
    """The good requests that started while nothing else ran, or during the ingest or the reindex."""

    phase: str
    seconds: float
    requests: int
    rps: float
    p50: float
    p95: float
    p99: float
    failures: int


@dataclass
class Job:
    """A CLI command run beside the load; times in seconds from the start of the load."""

    name: str
    command: list[str]
    start: float | None = None
    end: float | None = None
    returncode: int | None = None
    output: str = ""

    @property
    def seconds(self) -> float:
        return (self.end or 0.0) - (self.start or 0.0)


@dataclass
class Visibility:
    """Were the newly ingested issues served, by search and by page, without a restart?"""

    new_issues: int
    checked: int
    checks: int
    passed: int
    failed: list[str]

    @property
    def ok(self) -> bool:
        return self.new_issues > 0 and self.checks > 0 and self.passed == self.checks


@dataclass
class RobustResult:
    bulletins: int
    items: int
    new_bulletins: int
    workers: int
    clients: int
    timeout_s: float
    start_s: float
    duration_s: float
    kinds: list[KindStats]
    phases: list[PhaseStats]
    jobs: list[Job]
    visibility: Visibility
    new_page_requests: int  # issue pages and permalinks of the new issues, once ingested
    new_page_failures: int
    failures: list[Failure]
    unexpected: list[Failure]
    bad_answers: dict[str, dict[str, int]]  # each kind of bad request: its statuses, counted
    clean: bool


def robust_corpus(size: int, new: int, out: Path) -> tuple[Path, Path]:
    """`size` bulletins for the archive and the `new` newest ones held back (later periods: new issues)."""
    old_dir, new_dir = out / f"robust-corpus-{size}", out / f"robust-new-{size}-{new}"
    if len(list(old_dir.glob("*.txt"))) != size or len(list(new_dir.glob("*.txt"))) != new:
        paths = generate(old_dir, size + new, seed=11)
        shutil.rmtree(new_dir, ignore_errors=True)
        new_dir.mkdir(parents=True)
        for path in paths[:new]:  # plans() starts with the newest period
            path.rename(new_dir / path.name)
    return old_dir, new_dir


def read_archive(data: Path) -> tuple[dict[str, tuple[str, str, str]], list[tuple[str, str]]]:
    """Issues (id → kind, period start, end) and items (issue id, anchor), read-only beside writers."""
    db = sqlite3.connect(f"file:{data / 'archive.db'}?mode=ro", uri=True, timeout=30)
    try:
        issues = {
            r[0]: (r[1], r[2], r[3])
            for r in db.execute("SELECT issue_id, kind, period_start, period_end FROM issues")
        }
        items = db.execute("SELECT issue_id, anchor FROM items ORDER BY item_id").fetchall()
    finally:
        db.close()
    return issues, items


def bad_targets(issue_id: str, anchor: str) -> list[Target]:
    """Malformed, oversized and dangling requests, each with the answer a careful server gives."""

    def search(label: str, expect: str = "4xx", path: str = "/search", **params: str) -> Target:
        return Target("bad", label, f"{path}?{urllib.parse.urlencode(params)}", expect)

    return [
        search("page=abc", q="政务", page="abc"),
        search("page=-1", q="政务", page="-1"),
        search("page=10001 (past the last allowed)", path="/api/search", q="政务", page="10001"),
        search("limit=100000", path="/api/search", q="政务", limit="100000"),
        search("from=2024-13-45", **{"from": "2024-13-45"}),
        search("from=2024-02-30", path="/api/search", q="政务", **{"from": "2024-02-30"}),
        search("from after to", **{"from": "2024-06-01", "to": "2024-01-01"}),
        search("unknown kind", kind="daily"),
        search("unknown sort", q="政务", sort="popular"),
        search("unknown dept", dept="不存在的厅"),
        search("unknown dept (api)", path="/api/search", dept="不存在的厅"),
        search('unbalanced quote "', q='"一窗受理'),
        search("unbalanced parenthesis", path="/api/search", q="(政务 OR 惠企"),
        search("bare NOT", path="/api/search", q="NOT"),
        search("NUL byte", "2xx/4xx", q="政务\x00"),
        Target("bad", "truncated UTF-8", "/search?q=%E6%94", "2xx/4xx"),
        search("q of 10,000 characters", q="政务服务" * 2500),
        search("URL of 100 KB (q)", q="惠企政策" * 3000),
        search("URL of 100 KB (unknown parameter)", "2xx/4xx", q="政务", x="a" * 100_000),
        search("URL of 300 KB (over the header limit)", q="a" * 300_000),
        Target("bad", "no such issue", "/issues/weekly-1999-01-04", "4xx"),
        Target("bad", "no such issue (api)", "/api/issues/monthly-1999-13", "4xx"),
        Target("bad", "no such anchor", f"/items/{issue_id}/s99-9", "4xx"),
        Target("bad", "issue id of 5,000 characters", "/issues/" + "x" * 5000, "4xx"),
        Target("bad", "path traversal", f"/items/{issue_id}/../../../etc/passwd", "4xx"),
        Target("bad", "POST to a search page", "/search?q=%E6%94%BF%E5%8A%A1", "4xx", "POST"),
        Target("bad", "POST to a permalink", f"/items/{issue_id}/{anchor}", "4xx", "POST"),
    ]


def _answer_ok(target: Target, status: int) -> bool:
    family = f"{status // 100}xx"
    return family in target.expect.split("/")


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    if not samples:
        return 0.0, 0.0, 0.0
    p = percentiles(samples)
    return p["p50"], p["p95"], p["p99"]


def robust_load(
    data: Path,
    new_dir: Path,
    *,
    workers: int,
    clients: int = 8,
    min_seconds: float = 30,
    lead: float = 5,
    tail: float = 5,
    timeout: float = 10,
) -> RobustResult:
    """Load the server with good and bad requests while `bulletins ingest` of a fresh batch, then
    `bulletins reindex`, run in other processes; the load starts `lead` s before and stops `tail` s after."""
    issues, items = read_archive(data)
    rng = random.Random(5)
    first_issue, first_anchor = items[0]
    targets: dict[str, list[Target]] = {
        "search": [
            Target("search", q.name, "/search?" + urllib.parse.urlencode(q.params)) for q in MIX
        ],
        "api search": [
            Target("api search", q.name, "/api/search?" + urllib.parse.urlencode(q.params))
            for q in MIX
        ],
        "issue": [Target("issue", "old", f"/issues/{i}") for i in sorted(issues)],
        "permalink": [
            Target("permalink", "old", f"/items/{i}/{a}")
            for i, a in rng.sample(items, min(2000, len(items)))
        ],
        "bad": bad_targets(first_issue, first_anchor),
    }
    kinds, weights = zip(*ROBUST_MIX, strict=True)
    server = start_server(data, workers)
    samples: list[Sample] = []
    failures: list[Failure] = []
    unexpected: list[Failure] = []
    lock = threading.Lock()
    stop = threading.Event()
    t0 = time.perf_counter()
    jobs = [
        Job("ingest", [*BULLETINS, "--data-dir", str(data), "ingest", str(new_dir)]),
        Job("reindex", [*BULLETINS, "--data-dir", str(data), "reindex"]),
    ]

    def add_new_pages() -> None:
        """Once the ingest is done, its issues and items join the good requests."""
        now_issues, now_items = read_archive(data)
        fresh = sorted(set(now_issues) - set(issues))
        fresh_set = set(fresh)
        fresh_items = [(i, a) for i, a in now_items if i in fresh_set]
        targets["issue"] = targets["issue"] + [
            Target("issue", "new", f"/issues/{i}") for i in fresh
        ]
        targets["permalink"] = targets["permalink"] + [
            Target("permalink", "new", f"/items/{i}/{a}") for i, a in fresh_items
        ]

    def background() -> None:
        """The ingest, then the reindex, each in its own process, while the clients run."""
        try:
            time.sleep(lead)
            for job in jobs:
                job.start = time.perf_counter() - t0
                done = subprocess.run(job.command, cwd=ROOT, capture_output=True, text=True)
                job.end = time.perf_counter() - t0
                job.returncode = done.returncode
                job.output = (done.stdout[-1000:] + done.stderr[-1000:]).strip()
                if job.name == "ingest":
                    add_new_pages()
            time.sleep(max(tail, min_seconds - (time.perf_counter() - t0)))
        finally:
            stop.set()  # whatever happened, the clients stop

    def client(n: int) -> None:
        """One user on a keep-alive connection; a new connection only when the server closes it."""
        pick = random.Random(1000 + n)
        connection: http.client.HTTPConnection | None = None
        reused = False
        previous: str | None = None
        while not stop.is_set():
            kind = pick.choices(kinds, weights)[0]
            target = pick.choice(targets[kind])
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
                reused = False
            start = time.perf_counter()
            status, error, body = None, None, b""
            try:
                connection.request(target.method, target.path)
                response = connection.getresponse()
                body = response.read()
                status = response.status
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"[:300]
                connection.close()
                connection = None
            elapsed = time.perf_counter() - start
            if target.kind == "bad":
                failed = error is not None or (status or 0) >= 500
                odd = not failed and not _answer_ok(target, status or 0)
            else:
                failed = error is not None or not 200 <= (status or 0) < 300 or elapsed > timeout
                odd = False
            sample = Sample(target.kind, target.label, start - t0, elapsed, status, error)
            with lock:
                samples.append(sample)
                if failed or odd:
                    (failures if failed else unexpected).append(
                        Failure(
                            target.kind,
                            target.label,
                            target.method,
                            target.path[:300],
                            len(target.path),
                            sample.t,
                            elapsed,
                            status,
                            error,
                            body[:500].decode("utf-8", "replace"),
                            reused,
                            previous,
                        )
                    )
            reused = connection is not None
            previous = None if connection is None else target.label
        if connection is not None:
            connection.close()

    try:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        threads.append(threading.Thread(target=background))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        visibility = check_new_issues(server.port, data, set(issues), timeout)
    finally:
        server.stop()

    kind_stats = []
    for kind in (*GOOD_KINDS, "bad"):
        mine = [s for s in samples if s.kind == kind]
        statuses: dict[str, int] = {}
        for s in mine:
            key = str(s.status) if s.status is not None else "error"
            statuses[key] = statuses.get(key, 0) + 1
        p50, p95, p99 = _percentiles([s.seconds for s in mine])
        kind_stats.append(
            KindStats(
                kind,
                len(mine),
                len(mine) / wall,
                p50,
                p95,
                p99,
                sum(1 for f in failures if f.kind == kind),
                sum(1 for f in unexpected if f.kind == kind),
                dict(sorted(statuses.items())),
            )
        )
    ingest_job, reindex_job = jobs
    bounds = {
        "before": (0.0, ingest_job.start or 0.0),
        "ingest": (ingest_job.start or 0.0, ingest_job.end or 0.0),
        "reindex": (reindex_job.start or 0.0, reindex_job.end or 0.0),
        "after": (reindex_job.end or 0.0, wall),
    }
    good = [s for s in samples if s.kind != "bad"]
    phase_stats = []
    for phase in PHASES:
        low, high = bounds[phase]
        mine = [s for s in good if low <= s.t < high]
        p50, p95, p99 = _percentiles([s.seconds for s in mine])
        phase_stats.append(
            PhaseStats(
                phase,
                high - low,
                len(mine),
                len(mine) / max(high - low, 1e-9),
                p50,
                p95,
                p99,
                sum(1 for f in failures if f.kind != "bad" and low <= f.t < high),
            )
        )
    bad_answers: dict[str, dict[str, int]] = {}
    for s in samples:
        if s.kind == "bad":
            answers = bad_answers.setdefault(s.label, {})
            key = str(s.status) if s.status is not None else "error"
            answers[key] = answers.get(key, 0) + 1
    new_issues, _ = read_archive(data)
    clean = not failures and all(j.returncode == 0 for j in jobs) and visibility.ok
    return RobustResult(
        bulletins=len(issues),
        items=len(items),
        new_bulletins=len(new_issues) - len(issues),
        workers=workers,
        clients=clients,
        timeout_s=timeout,
        start_s=server.start_s,
        duration_s=wall,
        kinds=kind_stats,
        phases=phase_stats,
        jobs=jobs,
        visibility=visibility,
        new_page_requests=sum(1 for s in good if s.label == "new"),
        new_page_failures=sum(1 for f in failures if f.label == "new"),
        failures=failures,
        unexpected=unexpected,
        bad_answers=bad_answers,
        clean=clean,
    )


def check_new_issues(port: int, data: Path, old: set[str], timeout: float) -> Visibility:
    """After the load, on fresh connections (so each server process is likely asked): each of a
    sample of the new issues must have its page and an item's permalink, and a phrase of that
    item must find it through /api/search."""
    issues, _ = read_archive(data)
    fresh = sorted(set(issues) - old)
    sample = random.Random(3).sample(fresh, min(5, len(fresh)))
    db = sqlite3.connect(f"file:{data / 'archive.db'}?mode=ro", uri=True, timeout=30)
    checks, passed, failed = 0, 0, []

    def get(path: str) -> tuple[int | None, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            return None, str(exc).encode()
        finally:
            connection.close()

    for issue_id in sample:
        rows = db.execute(
            "SELECT item_id, anchor, text, date_from, date_to FROM items WHERE issue_id = ? "
            "ORDER BY date_from IS NULL, item_id",
            [issue_id],
        ).fetchall()
        # An item with a date (to narrow the search) and a run of eight hanzi (its phrase).
        item_id, anchor, text, date_from, date_to = next(
            (r for r in rows if re.search(r"[\u4e00-\u9fff]{8}", r[2])), rows[0]
        )
        found = re.search(r"[\u4e00-\u9fff]{8}", text)
        phrase = found.group(0) if found else text[:8]
        params = {"q": f'"{phrase}"'}
        if date_from:
            params.update({"from": date_from, "to": date_to or date_from})
        for _ in range(4):
            for path in (f"/issues/{issue_id}", f"/items/{issue_id}/{anchor}"):
                checks += 1
                status, _ = get(path)
                if status == 200:
                    passed += 1
                else:
                    failed.append(f"GET {path} -> {status}")
            checks += 1
            hit, page, pages = False, 1, 1
            while not hit and page <= min(pages, 20):
                path = "/api/search?" + urllib.parse.urlencode(
                    {**params, "sort": "date", "limit": "100", "page": str(page)}
                )
                status, body = get(path)
                if status != 200:
                    break
                result = json.loads(body)
                hit = any(h["item_id"] == item_id for h in result["hits"])
                pages, page = result["pages"], page + 1
            if hit:
                passed += 1
            else:
                failed.append(f"{item_id} not found by GET {path} (last status {status})")
    db.close()
    return Visibility(len(fresh), len(sample), checks, passed, failed)


def robust_report(r: RobustResult) -> str:
    lines = [
        f"== robustness: {r.bulletins} bulletins ({r.items} items), {r.workers} server process(es), "
        f"{r.clients} clients, {r.duration_s:.0f} s; timeout {r.timeout_s:.0f} s ==",
        f"{'requests':<12}{'n':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'failed':>8}  statuses",
    ]
    for k in r.kinds:
        statuses = " ".join(f"{s}×{n}" for s, n in k.statuses.items())
        extra = f" ({k.unexpected} not in the expected class)" if k.unexpected else ""
        lines.append(
            f"{k.kind:<12}{k.requests:>7}{k.rps:>8.1f}{k.p50:>9.1f}{k.p95:>9.1f}{k.p99:>9.1f}"
            f"{k.failures:>8}  {statuses}{extra}"
        )
    answers = sorted(r.bad_answers.items())
    lines += textwrap.wrap(
        "bad requests answered: "
        + "; ".join(f"{label} {'/'.join(sorted(n))}" for label, n in answers),
        width=110,
        subsequent_indent="  ",
    )
    lines.append("good requests by what else ran:")
    for p in r.phases:
        lines.append(
            f"  {p.phase:<8} {p.seconds:>5.1f} s {p.requests:>6} req {p.rps:>6.1f} req/s  "
            f"p50 {p.p50:.1f} / p95 {p.p95:.1f} / p99 {p.p99:.1f} ms, {p.failures} failed"
        )
    for j in r.jobs:
        lines.append(
            f"{j.name}: {j.start:.1f}–{j.end:.1f} s of the load ({j.seconds:.1f} s), exit {j.returncode}"
        )
    v = r.visibility
    lines.append(
        f"new issues: {v.new_issues} ingested; {v.checked} checked, {v.passed}/{v.checks} checks "
        f"passed (page, permalink, found by search) without a restart; during the load "
        f"{r.new_page_requests} requests to their pages, {r.new_page_failures} failed"
    )
    for line in v.failed[:5]:
        lines.append(f"  {line}")
    for title, rows in (("FAILED", r.failures), ("not in the expected class", r.unexpected)):
        seen: set[tuple] = set()
        for f in rows:
            key = (f.kind, f.label, f.status, (f.error or "")[:40])
            if key in seen:
                continue
            seen.add(key)
            lines.append(
                f"  {title}: {f.kind} [{f.label}] {f.method} {f.path[:120]}"
                f"{'…' if f.path_length > 120 else ''} ({f.path_length} chars) -> "
                f"{f.status if f.error is None else f.error} in {f.seconds * 1000:.0f} ms at {f.t:.1f} s"
                f"{'' if not f.reused_connection else f', reused connection after [{f.previous}]'}"
            )
            if f.status and f.status >= 500:
                lines.append(f"    body: {f.body[:300]!r}")
    bad = next(k for k in r.kinds if k.kind == "bad")
    good_failed = sum(k.failures for k in r.kinds if k.kind != "bad")
    lines.append(
        f"verdict: {'CLEAN' if r.clean else 'NOT CLEAN'} — {good_failed} failed good requests, "
        f"{bad.failures} bad requests answered with 5xx or a broken connection, jobs "
        f"{'ok' if all(j.returncode == 0 for j in r.jobs) else 'FAILED'}, new issues "
        f"{'visible' if v.ok else 'NOT visible'}"
    )
    return "\n".join(lines)


def robust_archive(size: int, new: int, out: Path) -> tuple[Path, Path]:
    """A pristine archive of `size` bulletins, built once per invocation (the code under test may
    have changed since the last), and the folder of the `new` bulletins held back."""
    old_dir, new_dir = robust_corpus(size, new, out)
    base = out / f"robust-base-{size}"
    shutil.rmtree(base, ignore_errors=True)
    run_cli(base, "ingest", str(old_dir))
    return base, new_dir


def robust(base: Path, new_dir: Path, workers: int, min_seconds: float) -> RobustResult:
    """One robust run on a copy of the pristine archive (each run ingests the new batch anew)."""
    data = base.with_name(base.name.replace("robust-base", "robust-data"))
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(base, data, symlinks=True)
    return robust_load(data, new_dir, workers=workers, min_seconds=min_seconds)


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
    parser.add_argument(
        "--scenario",
        choices=("standard", "robust", "all"),
        default="standard",
        help="standard: ingest, queries, HTTP; robust: HTTP with bad requests during an ingest and a reindex",
    )
    parser.add_argument(
        "--robust-new", type=int, default=100, help="bulletins ingested during the robust load"
    )
    parser.add_argument(
        "--robust-workers", default="1,2", help="server processes, one robust run for each"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {date.today()}")
    clean = True
    for size in (int(s) for s in args.sizes.split(",")):
        if args.scenario in ("standard", "all"):
            standard(size, args)
        if args.scenario in ("robust", "all"):
            base, new_dir = robust_archive(size, args.robust_new, args.out)
            for workers in (int(w) for w in args.robust_workers.split(",")):
                result = robust(base, new_dir, workers, args.http_seconds)
                (args.out / f"robust-{size}-w{workers}.json").write_text(
                    json.dumps(asdict(result), ensure_ascii=False, indent=1), "utf-8"
                )
                print(robust_report(result), flush=True)
                clean = clean and result.clean
    if not clean:
        sys.exit(1)


def standard(size: int, args: argparse.Namespace) -> None:
    """Ingest against the floor, one added bulletin, queries against FTS5, and the plain HTTP load."""
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
