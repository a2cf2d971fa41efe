"""Every generated PDF built once per test session, in the pytest temp dir.

A PDF is named by producer, variant and bulletin; a test asking for one that exists
gets it without building it again. Chromium prints two pages at a time (the
machine's two cores); LibreOffice converts all its documents in one run.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from archive.model import Issue
from archive.parse import parse

from . import browser, office, typeset
from .bulletin import Bulletin, bulletin, running_head

CORPUS = Path(__file__).resolve().parent.parent.parent / "corpus"
NAMES = tuple(sorted(path.stem for path in CORPUS.glob("*.txt")))


@functools.cache
def corpus_issue(name: str) -> Issue:
    return parse((CORPUS / f"{name}.txt").read_text("utf-8"))


@dataclass(frozen=True)
class Variant:
    producer: str  # "reportlab", "chromium", "libreoffice"
    name: str
    style: object  # the producer's Style

    @property
    def id(self) -> str:
        return f"{self.producer}-{self.name}"


def skip_reason(producer: str) -> str | None:
    """Why a producer cannot run here, or None."""
    return {"reportlab": typeset.available, "chromium": browser.available, "libreoffice": office.available}[
        producer
    ]()


class Producers:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def path(self, variant: Variant, name: str) -> Path:
        return self.folder / f"{variant.id}-{name}.pdf"

    def pdf(self, variant: Variant, name: str, source: Bulletin | None = None, head: str | None = None) -> Path:
        """The PDF of one bulletin in one variant (`source` for a bulletin not in corpus/)."""
        path = self.path(variant, name)
        if not path.exists():
            self.build(variant, [name], {name: (source, head)} if source else {})
        return path

    def build(self, variant: Variant, names: list[str], sources: dict | None = None) -> None:
        """Make the missing PDFs of a variant, as fast as the producer allows."""
        sources = sources or {}
        todo = [n for n in names if not self.path(variant, n).exists()]
        if not todo:
            return
        jobs = []
        for name in todo:
            source, head = sources.get(name, (None, None))
            if source is None:
                issue = corpus_issue(name)
                source, head = bulletin(name, issue), running_head(issue)
            jobs.append((name, source, head))
        if variant.producer == "reportlab":
            for name, source, head in jobs:
                typeset.make(source, self.path(variant, name), variant.style, head)
        elif variant.producer == "chromium":
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda job: browser.make(job[1], self.path(variant, job[0]), variant.style, job[2]), jobs))
        else:
            documents = [
                office.document(source, self.folder / f"{variant.id}-{name}.docx", variant.style, head)
                for name, source, head in jobs
            ]
            office.convert(documents, self.folder, self.folder / "libreoffice-profile")
