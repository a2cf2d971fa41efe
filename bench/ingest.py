"""Writing the archive: full ingest, reindex, re-ingest of unchanged text and one new bulletin,
each against a fair jieba floor measured in the same run.

The floor is the least a jieba-based index of these bulletins must do, done
the way the ingest does it: two processes (the machine's two cores), each
starting Python, loading jieba's dictionary with the project's user
dictionary, reading its half of the files and segmenting the text of its
half of the items in search mode. Its wall time is the floor.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common import ROOT, disk_mb, run_cli
from make_corpus import generate

FLOOR = """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
from indexer.analysis import segmenter
tk = segmenter()
part, parts = int(sys.argv[3]), int(sys.argv[4])
for p in sorted(Path(sys.argv[1]).glob('*.txt'))[part::parts]:
    p.read_bytes()
n = 0
for text in json.loads(Path(sys.argv[2]).read_text('utf-8'))[part::parts]:
    n += sum(1 for _ in tk.tokenize(text, mode='search'))
print(time.perf_counter() - start)
"""


def floor(corpus: Path, texts_file: Path, processes: int = 2) -> dict:
    """Wall and CPU seconds of the floor: `processes` fresh Pythons, each segmenting its share."""
    start = time.perf_counter()
    before = _children_cpu()
    running = [
        subprocess.Popen(
            [sys.executable, "-c", FLOOR, str(corpus), str(texts_file), str(n), str(processes)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    for process in running:
        process.communicate()
    return {"wall_s": time.perf_counter() - start, "cpu_s": _children_cpu() - before}


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_cli(data: Path, *args: str) -> dict:
    """Wall and CPU seconds and peak RSS of one `bulletins` command."""
    before = _children_cpu()
    seconds, peak = run_cli(data, *args)
    return {"wall_s": seconds, "cpu_s": _children_cpu() - before, "peak_rss_mb": peak}


def corpus_of(size: int, out: Path) -> Path:
    corpus = out / f"corpus-{size}"
    if len(list(corpus.glob("*.txt"))) != size:
        generate(corpus, size)
    return corpus


def item_texts(data: Path, out: Path, size: int) -> tuple[Path, int]:
    db = sqlite3.connect(f"file:{data / 'archive.db'}?mode=ro", uri=True)
    texts = [r[0] for r in db.execute("SELECT text FROM items ORDER BY item_id")]
    db.close()
    path = out / f"texts-{size}.json"
    path.write_text(json.dumps(texts, ensure_ascii=False), "utf-8")
    return path, len(texts)


@contextmanager
def touched(corpus: Path) -> Iterator[Path]:
    """The corpus with every file changed (a trailing line end) but its text the same, in place
    (the store knows a file by its path): the store replaces every issue, with the same items.
    The files are put back afterwards."""
    originals = {path: path.read_bytes() for path in sorted(corpus.glob("*.txt"))}
    try:
        for path, content in originals.items():
            path.write_bytes(content + b"\n")
        yield corpus
    finally:
        for path, content in originals.items():
            path.write_bytes(content)


def one_new_bulletin(out: Path) -> Path:
    """A generated bulletin moved to a week no generated archive has, so it is a new issue."""
    extra = out / "extra"
    shutil.rmtree(extra, ignore_errors=True)
    one = generate(extra, 1, seed=99)[0]
    target = extra / "weekly-2030-01-07.txt"
    one.rename(target)
    lines = target.read_text("utf-8").splitlines()
    lines[0] = "2030年第1期（总第9999期）"
    period = next(i for i, line in enumerate(lines) if line.startswith("（") and "日—" in line)
    lines[period] = "（1月7日—1月11日）"
    published = next(i for i, line in enumerate(lines) if "服务中心" in line and "年" in line)
    lines[published] = "四川省政府政务服务和公共资源交易服务中心 2030年 1月 18日"
    target.write_text("\n".join(lines), "utf-8")
    return target


def writes(size: int, out: Path, skip: frozenset[str] = frozenset()) -> tuple[Path, dict]:
    """Build the archive of `size` bulletins and measure every kind of write against the floor
    (but those in `skip`: "reindex", "reingest")."""
    corpus = corpus_of(size, out)
    data = out / f"data-{size}"
    shutil.rmtree(data, ignore_errors=True)
    full = timed_cli(data, "ingest", str(corpus))
    texts_file, items = item_texts(data, out, size)
    base = floor(corpus, texts_file)
    index_mb = disk_mb((data / "index").resolve())
    runs = {"ingest": full}
    if "reindex" not in skip:
        runs["reindex"] = timed_cli(data, "reindex")
    if "reingest" not in skip:
        with touched(corpus):
            runs["reingest"] = timed_cli(data, "ingest", str(corpus))
    add_one = timed_cli(data, "ingest", str(one_new_bulletin(out)))
    return data, {
        "bulletins": size,
        "items": items,
        "floor": base,
        **runs,
        "add_one": add_one,
        "ratios": {name: run["wall_s"] / base["wall_s"] for name, run in runs.items()},
        "cpu_ratios": {name: run["cpu_s"] / base["cpu_s"] for name, run in runs.items()},
        "index_mb": index_mb,
        "db_mb": (data / "archive.db").stat().st_size / 2**20,
    }
