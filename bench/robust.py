"""The robust scenario: HTTP load with bad requests while an ingest and a reindex run.

8 clients on keep-alive connections send search pages, their JSON twin (both
the query mix of `querymix`), issue pages and permalinks, and about one
request in seven that is malformed, oversized or points nowhere, while
`bulletins ingest` of a batch of newer bulletins and then `bulletins reindex`
run in other processes. Among the bad requests: searches for a snippet bomb
(an item of the archive holding one name 6,000 times, as long as an ingest
lets an item be) and CSV exports of 32 words OR-ed; and `exporters` more
clients send nothing but that export all along (each export reads 5,000
hits). CLEAN only when no good request failed (non-2xx, broken connection,
timeout), no bad one got a 5xx or a broken connection, both commands
succeeded and the new issues are served without a restart (a good request
is answered by a 2xx or a redirect).
"""

from __future__ import annotations

import http.client
import json
import random
import re
import shutil
import sqlite3
import subprocess
import textwrap
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from common import BULLETINS, ROOT, percentiles, run_cli, start_server
from make_corpus import generate
from querymix import query_mix

GOOD_KINDS = ("search", "api search", "issue", "permalink")
BOMB_NAME = "公安厅"
BOMB_TIMES = 6_000  # 18,000 characters: the longest item an ingest takes is 20,000
# 32 two-character words OR-ed: the export that took 4.6 s, 9.4 of its 11.3 s of CPU in snippets.
EXPORT_WORDS = (
    "政务 服务 窗口 办理 企业 群众 事项 审批 办件 受理 咨询 业务 培训 工作 推进 开展 "
    "落实 提升 优化 改革 市场 监管 交通 公安 税务 社保 医保 住房 自然 资源 环境 平台"
).split()
EXPORT_PATH = "/search.csv?" + urllib.parse.urlencode({"q": " OR ".join(EXPORT_WORDS)})
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
    exporters: int
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
        search("snippet bomb", "2xx", q=f'"{BOMB_NAME}"'),
        search("snippet bomb (api)", "2xx", path="/api/search", q=f'"{BOMB_NAME}"'),
        Target("bad", "export of 32 words OR-ed", EXPORT_PATH, "2xx"),
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
    exporters: int = 2,
    min_seconds: float = 30,
    lead: float = 5,
    tail: float = 5,
    timeout: float = 10,
) -> RobustResult:
    """Load the server with good and bad requests while `bulletins ingest` of a fresh batch, then
    `bulletins reindex`, run in other processes; the load starts `lead` s before and stops `tail` s after.
    `exporters` more clients send only CSV exports."""
    issues, items = read_archive(data)
    mix = query_mix(data / "archive.db")
    rng = random.Random(5)
    first_issue, first_anchor = items[0]
    targets: dict[str, list[Target]] = {
        "search": [
            Target("search", q.kind, "/search?" + urllib.parse.urlencode(q.params)) for q in mix
        ],
        "api search": [
            Target("api search", q.kind, "/api/search?" + urllib.parse.urlencode(q.params))
            for q in mix
        ],
        "issue": [Target("issue", "old", f"/issues/{i}") for i in sorted(issues)],
        "permalink": [
            Target("permalink", "old", f"/items/{i}/{a}")
            for i, a in rng.sample(items, min(2000, len(items)))
        ],
        "bad": bad_targets(first_issue, first_anchor),
        "export": [Target("export", "32 words OR-ed", EXPORT_PATH)],
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

    def client(n: int, only: str | None = None) -> None:
        """One user on a keep-alive connection; a new connection only when the server closes it.
        With `only`, a user who sends nothing but that kind of request."""
        pick = random.Random(1000 + n)
        connection: http.client.HTTPConnection | None = None
        reused = False
        previous: str | None = None
        while not stop.is_set():
            kind = only or pick.choices(kinds, weights)[0]
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
                # a redirect is an answer (a department's name alone: to the department filter)
                failed = error is not None or not 200 <= (status or 0) < 400 or elapsed > timeout
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
        threads += [
            threading.Thread(target=client, args=(clients + n, "export")) for n in range(exporters)
        ]
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
    for kind in (*GOOD_KINDS, "export", "bad"):
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
    good = [s for s in samples if s.kind in GOOD_KINDS]
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
                sum(1 for f in failures if f.kind in GOOD_KINDS and low <= f.t < high),
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
        exporters=exporters,
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
        f"{r.clients} clients and {r.exporters} exporting, {r.duration_s:.0f} s; "
        f"timeout {r.timeout_s:.0f} s ==",
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
    have changed since the last), and the folder of the `new` bulletins held back; one of its
    bulletins is then corrected into a snippet bomb (`snippet_bomb`)."""
    old_dir, new_dir = robust_corpus(size, new, out)
    base = out / f"robust-base-{size}"
    shutil.rmtree(base, ignore_errors=True)
    run_cli(base, "ingest", str(old_dir))
    run_cli(base, "ingest", str(snippet_bomb(sorted(old_dir.glob("*.txt"))[0], out)))
    return base, new_dir


def snippet_bomb(bulletin: Path, out: Path) -> Path:
    """A correction of `bulletin` whose first item holds BOMB_NAME BOMB_TIMES times."""
    lines = bulletin.read_text("utf-8").splitlines()
    first_item = next(i for i, line in enumerate(lines) if line.startswith("（一）"))
    lines[first_item] += BOMB_NAME * BOMB_TIMES
    folder = out / "robust-bomb"
    folder.mkdir(parents=True, exist_ok=True)
    bomb = folder / f"bomb-{bulletin.name}"
    bomb.write_text("\n".join(lines) + "\n", "utf-8")
    return bomb


def robust(base: Path, new_dir: Path, workers: int, min_seconds: float) -> RobustResult:
    """One robust run on a copy of the pristine archive (each run ingests the new batch anew)."""
    data = base.with_name(base.name.replace("robust-base", "robust-data"))
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(base, data, symlinks=True)
    return robust_load(data, new_dir, workers=workers, min_seconds=min_seconds)
