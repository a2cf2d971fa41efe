"""Benchmarks: writes against a fair jieba floor, searches against SQLite FTS5, HTTP under load.

    python bench/run.py [--sizes 500,5000] [--rounds 3] [--http-seconds 30] [--out bench/out]
                        [--compare-to OUT/results-500.json]
    python bench/run.py --scenario robust --sizes 500 [--robust-new 100] [--robust-workers 1,2]

For each size, in one run on one machine (these machines are noisy: compare
the ratios, which are measured side by side):

* writes (`ingest.py`): a full `bulletins ingest` of the generated corpus, a
  `bulletins reindex`, a re-ingest of every file changed but with the same
  text, and one new bulletin, each as a subprocess, against the floor: two
  processes segmenting half the items each with jieba (the least any
  jieba-based index must do, on both cores like the ingest);
* searches (`queries.py`): hundreds of distinct queries drawn from the archive
  (`querymix.py`), in process, for the project and for an FTS5 table of the
  same jieba-segmented items; every query's results are written to
  OUT/results-<size>.json, and compared with an earlier run's (`--compare-to`)
  to show that a change kept them;
* HTTP (`load.py`): 8 clients against `bulletins serve` over the same mix, with
  one server process and with `--workers`; start time and memory.

Figures print as a table and go to OUT/bench-<size>.json. `--scenario robust`
(`robust.py`) loads the server while the archive changes under it instead.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import ROOT  # noqa: E402
from ingest import writes  # noqa: E402
from load import http_load  # noqa: E402
from queries import baseline_queries, compare, project_queries, results  # noqa: E402
from querymix import query_mix  # noqa: E402
from robust import robust, robust_archive, robust_report  # noqa: E402


def standard(size: int, args: argparse.Namespace) -> dict:
    data, written = writes(size, args.out, frozenset(filter(None, args.skip.split(","))))
    mix = query_mix(data / "archive.db", size=args.queries)
    result = {"writes": written, "mix": len(mix)}
    _progress(args.out, size, result)
    result["queries"] = project_queries(data, mix, args.rounds)
    _progress(args.out, size, result)
    result["fts5"] = baseline_queries(data, mix, args.rounds)
    answers = results(data, mix)
    (args.out / f"results-{size}.json").write_text(
        json.dumps(answers, ensure_ascii=False, indent=0), "utf-8"
    )
    if args.compare_to:
        before = json.loads(Path(str(args.compare_to).format(size=size)).read_text("utf-8"))
        result["compared"] = compare(before, answers)
    result["http"] = http_load(data, mix, args.http_seconds, workers=1)
    if args.workers > 1:
        result["http_workers"] = http_load(data, mix, args.http_seconds, workers=args.workers)
    (args.out / f"bench-{size}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1), "utf-8"
    )
    return result


def _progress(out: Path, size: int, result: dict) -> None:
    """What is measured so far, for a long run that may be stopped."""
    (out / f"bench-{size}.partial.json").write_text(json.dumps(result, indent=1), "utf-8")


def report(size: int, r: dict) -> str:
    w, q, f = r["writes"], r["queries"], r["fts5"]
    floor = w["floor"]
    lines = [
        f"== {size} bulletins, {w['items']} items ==",
        f"jieba floor (2 processes): {floor['wall_s']:.2f} s wall, {floor['cpu_s']:.2f} s CPU",
    ]
    for name in w["ratios"]:
        run = w[name]
        lines.append(
            f"{name:<9} {run['wall_s']:6.2f} s wall ({w['ratios'][name]:.2f}× floor), "
            f"{run['cpu_s']:6.2f} s CPU ({w['cpu_ratios'][name]:.2f}×), peak RSS {run['peak_rss_mb']} MB"
        )
    lines.append(
        f"add one bulletin: {w['add_one']['wall_s']:.2f} s | index {w['index_mb']:.1f} MB, "
        f"store {w['db_mb']:.1f} MB"
    )
    lines.append(
        f"{'searches (' + str(q['queries']) + ' distinct)':<28}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'FTS5 p95':>10}{'ratio':>7}"
    )
    rows = [("all runs", q["all"], f["all"]), ("first runs", q["first"], f["first"])]
    rows += [(kind, q["kinds"][kind], f["kinds"][kind]) for kind in q["kinds"]]
    for name, ours, theirs in rows:
        lines.append(
            f"{name:<28}{ours['p50']:>8.1f}{ours['p95']:>8.1f}{ours['p99']:>8.1f}"
            f"{theirs['p95']:>10.1f}{ours['p95'] / max(theirs['p95'], 1e-3):>7.1f}"
        )
    if "compared" in r:
        c = r["compared"]
        lines.append(
            f"results against the earlier run: {c['queries']} queries; changed: total {c['total']}, "
            f"hits {c['hits']}, order {c['order']}, facets {c['facets']}"
        )
    for key in ("http", "http_workers"):
        if key in r:
            h = r[key]
            lines.append(
                f"HTTP 8 clients, {h['workers']} server process(es): {h['rps']:.0f} req/s, "
                f"p50 {h['p50']:.1f} / p95 {h['p95']:.1f} / p99 {h['p99']:.1f} ms, {h['errors']} errors "
                f"of {h['requests']}; start {h['start_s']:.2f} s (first search {h['search_s']:.2f} s); "
                f"PSS {h['pss_total_mb']} MB in all (largest RSS {h['rss_mb']} MB)"
            )
    return "\n".join(lines)


def _as_installed() -> str:
    """Every measured command (and the floor) runs with its modules' bytecode cached, as an
    installed product does: a machine that sets PYTHONDONTWRITEBYTECODE (these do) made each
    command compile our ~50 modules from source again, ~0.2 s of every command and of a
    server's start. The project's packages are compiled first (into their __pycache__, which
    git ignores), so that no measured command is the one that compiles them."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    packages = [str(ROOT / name) for name in ("archive", "indexer", "service", "web", "bulletins")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], check=True)
    return "cached"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000")
    parser.add_argument("--queries", type=int, default=400, help="distinct queries in the mix")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each query in process")
    parser.add_argument("--http-seconds", type=float, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--workers", type=int, default=2, help="server processes, second HTTP test")
    parser.add_argument(
        "--compare-to",
        help="results of an earlier run to compare with ({size} is replaced by the size)",
    )
    parser.add_argument("--skip", default="", help="writes not measured: reindex,reingest")
    parser.add_argument("--scenario", choices=("standard", "robust", "all"), default="standard")
    parser.add_argument("--robust-new", type=int, default=100, help="bulletins ingested under load")
    parser.add_argument("--robust-workers", default="1,2", help="server processes, a run each")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="measure the commands without cached bytecode (as with PYTHONDONTWRITEBYTECODE)",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    bytecode = "off" if args.no_bytecode else _as_installed()
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {date.today()}, "
        f"bytecode {bytecode}"
    )
    clean = True
    for size in (int(s) for s in args.sizes.split(",")):
        if args.scenario in ("standard", "all"):
            print(report(size, standard(size, args)), flush=True)
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


if __name__ == "__main__":
    main()
