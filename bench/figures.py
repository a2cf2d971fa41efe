"""Benchmark of the figures: their cost in the ingest, and the latency of the 数据 pages.

    python bench/figures.py [--sizes 500,5000] [--runs 20] [--out bench/out] [--keep DIR]

For each size, in one run on one machine (compare the ratios, measured side by side):

* extraction: parsing every generated bulletin, and reading the figures out of
  every parsed one (`archive.figures.extract_figures`), in process; the share
  the figures take of a whole ingest (parse, store with figures, index);
* pages: p50/p90 of `runs` requests to each 数据 page and twin, through the
  Flask app in process (no HTTP: the page's own cost), against the department
  page of the same archive as the baseline; and the item page, whose related
  items cost searches, against the issue page it shows.

Results print as a table and go to OUT/figures-<size>.json. With --keep, the
generated archives stay in DIR/<size>/ and a later run with the same --keep
measures the pages on them again without generating and ingesting anew.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_corpus import generate  # noqa: E402

from archive.extract import document_text  # noqa: E402
from archive.figures import extract_figures  # noqa: E402
from archive.ingest import ingest_files  # noqa: E402
from archive.parse import parse  # noqa: E402
from archive.store import Store  # noqa: E402
from indexer.index import SearchIndex  # noqa: E402
from service.config import Config  # noqa: E402
from web import create_app  # noqa: E402


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p90_ms": round(1000 * ordered[int(0.9 * (len(ordered) - 1))], 1),
    }


def extraction(paths: list[Path]) -> dict:
    texts = [document_text(p.read_bytes(), p.name) for p in paths]
    issues = []
    parse_s = timed(lambda: issues.extend(parse(t) for t in texts))
    figures = []
    extract_s = timed(lambda: figures.extend(f for i in issues for f in extract_figures(i)))
    return {
        "bulletins": len(paths),
        "figures": len(figures),
        "parse_s": round(parse_s, 2),
        "extract_s": round(extract_s, 3),
        "extract_per_bulletin_ms": round(1000 * extract_s / len(paths), 2),
        "extract_vs_parse": round(extract_s / parse_s, 3),
    }


def ingest(paths: list[Path], data: Path) -> dict:
    store = Store(data / "archive.db")
    store_s = timed(lambda: list(ingest_files(store, paths, processes=2)))
    index_s = timed(lambda: SearchIndex(data / "index").sync(store, processes=2))
    points = store.db.execute("SELECT count(*) FROM figures").fetchone()[0]
    store.close()
    return {
        "ingest_store_s": round(store_s, 1),
        "ingest_index_s": round(index_s, 1),
        "stored_points": points,
    }


def pages(data: Path, runs: int) -> dict:
    app = create_app(Config.load(data))
    client = app.test_client()
    store = Store(data / "archive.db")
    department = store.db.execute(
        "SELECT department FROM figures WHERE series = 'assessment-score' "
        "GROUP BY department ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    item = store.db.execute(
        "SELECT issue_id, anchor FROM figures WHERE series = 'window-accept' ORDER BY period_end DESC LIMIT 1"
    ).fetchone()
    items = store.db.execute(
        "SELECT issue_id, anchor FROM items WHERE depth = 0 ORDER BY item_id LIMIT ?", [runs]
    ).fetchall()
    store.close()
    urls = {
        "department page (baseline)": f"/departments/{department}",
        "数据 /figures/": "/figures/",
        "weekly series /figures/window-accept": "/figures/window-accept",
        "its JSON": "/api/figures/window-accept",
        "its CSV": "/figures/window-accept.csv",
        "assessments, all departments": "/figures/assessment-score",
        "assessments, one department": f"/figures/assessment-score?dept={department}",
        "all figures CSV": "/figures.csv",
        "issue page (baseline)": f"/issues/{item[0]}",
    }
    client.get("/search?q=窗口")  # load the index's table, as a running server has
    results = {}
    for name, url in urls.items():
        assert client.get(url).status_code == 200, url
        results[name] = percentiles([timed(lambda u=url: client.get(u)) for _ in range(runs)])
    # Item pages with their related items, each a different item (its words' frequencies are
    # looked up once per index generation: the first pages pay for words not seen before).
    results["item page with related items"] = percentiles(
        [timed(lambda i=i: client.get(f"/items/{i[0]}/{i[1]}")) for i in items]
    )
    results["the same item pages again"] = percentiles(
        [timed(lambda i=i: client.get(f"/items/{i[0]}/{i[1]}")) for i in items]
    )
    base = results["department page (baseline)"]["p50_ms"]
    for name, figures in results.items():
        reference = (
            results["issue page (baseline)"]["p50_ms"]
            if name.startswith(("item", "the same"))
            else base
        )
        figures["vs_baseline"] = round(figures["p50_ms"] / reference, 2)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--keep", type=Path, help="Keep (or reuse) the generated archives here.")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"figures-{size}-") as temp:
            folder = args.keep / str(size) if args.keep else Path(temp)
            data = folder / "data"
            result: dict = {"size": size}
            if not (data / "archive.db").exists():
                paths = generate(folder / "corpus", size)
                result.update(extraction(paths))
                result.update(ingest(paths, data))
                whole = result["ingest_store_s"] + result["ingest_index_s"]
                result["extract_share_of_ingest"] = round(result["extract_s"] / whole, 4)
            result["pages"] = pages(data, args.runs)
        print(f"\n== {size} bulletins")
        if "figures" in result:
            print(
                f"{result['figures']} figures: extraction {result['extract_s']} s "
                f"({result['extract_per_bulletin_ms']} ms a bulletin), "
                f"{result['extract_vs_parse']:.1%} of parsing, "
                f"{result['extract_share_of_ingest']:.1%} of the whole ingest "
                f"(store {result['ingest_store_s']} s + index {result['ingest_index_s']} s)"
            )
        for name, figures in result["pages"].items():
            print(
                f"  {name:<40} p50 {figures['p50_ms']:>7} ms  p90 {figures['p90_ms']:>7} ms  x{figures['vs_baseline']}"
            )
        (args.out / f"figures-{size}.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=2), "utf-8"
        )


if __name__ == "__main__":
    main()
