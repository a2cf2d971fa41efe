"""Benchmark: reading bulletins, as PDFs from each producer and as text, side by side.

    python bench/extract.py [--runs 3] [--count 200] [--baseline REV] [--out bench/out]

* PDF path: the five corpus bulletins typeset by each producer of the tests
  (tests/producers: reportlab in the GB/T 9704 layout and letter-spaced, Chromium's
  print to PDF, python-docx through LibreOffice; a producer that is not installed
  is left out). For each: `extract.document_text` per page and per bulletin, and
  `parse` of the text, the best of RUNS.
* Text path: `document_text` + `parse` of COUNT generated bulletins
  (bench/make_corpus.py) and of corpus/, with this tree's archive and with
  BASELINE's (a git worktree, default the commit before this benchmark's one),
  run alternately in child processes, the best of RUNS each: the ratio says
  whether the text path got slower.
* If pdfplumber is importable (it is not a dependency), its `extract_tables` on
  the same PDFs: the time and the rows found, against the archive's own tables.

Prints a table; writes OUT/extract.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

TEXT_PATH = """
import sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from archive.extract import document_text
from archive.parse import parse
files = [Path(p) for p in sys.argv[2:]]
data = [(f.read_bytes(), f.name) for f in files]
parse(document_text(*data[0]))  # imports, gazetteer and caches warm
start = time.perf_counter()
for raw, name in data:
    parse(document_text(raw, name))
print(time.perf_counter() - start)
"""


def best(runs: int, function) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def pdf_figures(folder: Path, runs: int) -> list[dict]:
    from archive.extract import document_text, pdf_pages
    from archive.parse import parse

    from producers.cache import NAMES, Producers, skip_reason
    from producers.variants import BY_ID

    producers = Producers(folder)
    out = []
    for variant_id in ("reportlab-gbt9704", "reportlab-tracked", "chromium-web", "libreoffice-word"):
        variant = BY_ID[variant_id]
        reason = skip_reason(variant.producer)
        if reason:
            out.append({"producer": variant_id, "skipped": reason})
            continue
        started = time.perf_counter()
        producers.build(variant, list(NAMES))
        built = time.perf_counter() - started
        pages = seconds = parsing = 0.0
        per_bulletin = []
        for name in NAMES:
            data = producers.path(variant, name).read_bytes()
            count = len(pdf_pages(data, f"{name}.pdf"))
            took = best(runs, lambda data=data, name=name: document_text(data, f"{name}.pdf"))
            text = document_text(data, f"{name}.pdf")
            parsing += best(runs, lambda text=text: parse(text))
            pages += count
            seconds += took
            per_bulletin.append(took)
        out.append(
            {
                "producer": variant_id,
                "bulletins": len(NAMES),
                "pages": int(pages),
                "ms_per_page": 1000 * seconds / pages,
                "ms_per_bulletin": 1000 * seconds / len(NAMES),
                "ms_per_bulletin_max": 1000 * max(per_bulletin),
                "parse_ms_per_bulletin": 1000 * parsing / len(NAMES),
                "build_s": built,
                "plumber": plumber_figures(producers, variant, NAMES, runs),
            }
        )
    return out


def plumber_figures(producers, variant, names, runs: int) -> dict | None:
    try:
        import pdfplumber
    except ImportError:
        return None
    from archive.extract import document_text
    from archive.parse import parse

    def tables(path: Path) -> list[list]:
        rows = []
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                for table in page.extract_tables():
                    rows.extend(table)
        return rows

    path = producers.path(variant, "2024-weekly-01")
    took = best(runs, lambda: tables(path))
    rows = tables(path)
    scored = [r for r in rows if r and (r[-1] or "").replace(".", "").replace("-", "").isdigit()]
    ours = parse(document_text(path.read_bytes(), path.name)).attachments[0].rows
    return {
        "table_ms": 1000 * took,
        "rows_with_a_score": len(scored),
        "rows_without_seq": sum(1 for r in scored if not r[0]),
        "ours_rows": len(ours),
        "ours_rows_without_seq": sum(1 for r in ours if r.seq is None),
    }


def text_figures(count: int, runs: int, baseline: str) -> dict:
    from make_corpus import generate

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        files = [*sorted((ROOT / "corpus").glob("*.txt")), *generate(scratch / "corpus", count)]
        tree = scratch / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), baseline], check=True, capture_output=True)
        try:
            times: dict[str, list[float]] = {"this": [], "baseline": []}
            for _ in range(runs):
                for key, code in (("baseline", tree), ("this", ROOT)):
                    result = subprocess.run(
                        [sys.executable, "-c", TEXT_PATH, str(code), *map(str, files)],
                        check=True,
                        capture_output=True,
                        text=True,
                    )
                    times[key].append(float(result.stdout.strip().splitlines()[-1]))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)
    this, base = min(times["this"]), min(times["baseline"])
    return {
        "bulletins": len(files),
        "baseline": baseline,
        "ms_per_bulletin": 1000 * this / len(files),
        "baseline_ms_per_bulletin": 1000 * base / len(files),
        "ratio": this / base,
        "runs": times,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--count", type=int, default=200, help="generated bulletins for the text path")
    parser.add_argument("--baseline", default="HEAD~1", help="git revision to compare the text path with")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # pdfminer's font warnings
    with tempfile.TemporaryDirectory() as folder:
        pdf = pdf_figures(Path(folder), args.runs)
    text = text_figures(args.count, args.runs, args.baseline)
    print(f"{'PDF producer':<22} {'pages':>5} {'ms/page':>8} {'ms/bulletin':>12} {'max':>6} {'parse ms':>9}")
    for row in pdf:
        if "skipped" in row:
            print(f"{row['producer']:<22} skipped: {row['skipped']}")
            continue
        print(
            f"{row['producer']:<22} {row['pages']:>5} {row['ms_per_page']:>8.1f} "
            f"{row['ms_per_bulletin']:>12.1f} {row['ms_per_bulletin_max']:>6.0f} {row['parse_ms_per_bulletin']:>9.2f}"
        )
    print(
        f"text path ({text['bulletins']} bulletins): {text['ms_per_bulletin']:.2f} ms/bulletin, "
        f"baseline {text['baseline']} {text['baseline_ms_per_bulletin']:.2f} ms, ratio {text['ratio']:.3f}"
    )
    for row in pdf:
        plumber = row.get("plumber")
        if plumber:
            print(
                f"pdfplumber extract_tables, {row['producer']} 2024-weekly-01: {plumber['table_ms']:.0f} ms, "
                f"{plumber['rows_with_a_score']} rows ({plumber['rows_without_seq']} without 序号); "
                f"archive: {plumber['ours_rows']} rows ({plumber['ours_rows_without_seq']} without 序号)"
            )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "extract.json").write_text(json.dumps({"pdf": pdf, "text": text}, indent=1))


if __name__ == "__main__":
    main()
