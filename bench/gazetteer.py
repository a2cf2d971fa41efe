"""The cost of finding departments in item texts, against the plain matching it replaced.

    python bench/gazetteer.py [--count 500] [--seed 7] [--runs 7]

The gazetteer runs on every item at ingest. Its names are derived by rule
(with or without 省, 和, 监管局 …) and bare names are read in their context,
so it matches some 500 forms where it used to match the ~150 listed names.
This measures, in one run and side by side (these machines are noisy), the
time `Gazetteer.find` takes over every item of a generated corpus and of
corpus/, against the matcher as it was before: one alternation of the listed
names with a check for a city right before a bare name. The figure to watch
is the ratio.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_corpus import generate  # noqa: E402

from archive.departments import gazetteer  # noqa: E402
from archive.parse import parse  # noqa: E402
from archive.repair import normalise_line  # noqa: E402


class PlainMatcher:
    """The gazetteer's matching before names were derived: listed names only, no context."""

    def __init__(self) -> None:
        self.by_name = {}
        for dept in gazetteer().departments:
            for name in dept.names:
                self.by_name.setdefault(re.sub(r"\s+", "", normalise_line(name)), dept.short_name)
        names = sorted(self.by_name, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(n) for n in names))

    def find(self, text: str) -> list[str]:
        squashed = re.sub(r"\s+", "", text)
        found = []
        for match in self.pattern.finditer(squashed):
            name = match.group()
            before = squashed[match.start() - 1 : match.start()]
            if (
                before
                and before in "市州县区"
                and not name.startswith(("省", "四川", "国家", "中国"))
            ):
                continue
            found.append(self.by_name[name])
        return found


def item_texts(paths: list[Path]) -> list[str]:
    texts = []
    for path in paths:
        issue = parse(path.read_text("utf-8"))
        texts.extend(item.text for _, item in issue.walk_items())
    return texts


def timed(find, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        find(text)
    return time.perf_counter() - start


def measure(label: str, texts: list[str], runs: int) -> dict:
    plain, derived = PlainMatcher(), gazetteer()
    best = {"plain": float("inf"), "gazetteer": float("inf")}
    for _ in range(runs):  # interleaved, best of each: the least a busy machine lets through
        best["plain"] = min(best["plain"], timed(plain.find, texts))
        best["gazetteer"] = min(best["gazetteer"], timed(derived.find, texts))
    chars = sum(len(t) for t in texts)
    print(
        f"{label}: {len(texts):,} items, {chars:,} characters; "
        f"plain {best['plain'] * 1000:.1f} ms, gazetteer {best['gazetteer'] * 1000:.1f} ms, "
        f"ratio {best['gazetteer'] / best['plain']:.2f}"
    )
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    forms = sum(len(d.forms) for d in gazetteer().departments)
    names = sum(len(d.names) for d in gazetteer().departments)
    print(f"{len(gazetteer().departments)} departments, {names} listed names, {forms} forms")
    measure("corpus/", item_texts(sorted((ROOT / "corpus").glob("*.txt"))), args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), args.count, args.seed)
        measure(f"{args.count} generated bulletins", item_texts(paths), args.runs)


if __name__ == "__main__":
    main()
