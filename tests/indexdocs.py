"""Tiny real indexes for the indexer's tests: documents with defaults, built in a temp dir."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from indexer.documents import IndexDocument
from indexer.index import SearchIndex, Snapshot

DAY = date(2024, 1, 1)


def document(item_id: str, text: str, **fields) -> IndexDocument:
    """A document of one issue ("issue"), dated 2024-01-01 unless `fields` say otherwise."""
    values = {
        "item_id": item_id,
        "issue_id": item_id.split("/")[0],
        "anchor": item_id.rpartition("/")[2],
        "kind": "weekly",
        "section": "政务工作动态",
        "section_title": "一、政务工作动态",
        "label": "",
        "issue_title": "《窗口工作周报》",
        "number": "1",
        "departments": (),
        "date_from": DAY,
        "date_to": DAY,
        "period_start": DAY,
        "period_end": DAY,
        "published": DAY,
        "order": 0,
        "text": text,
    }
    values.update(fields)
    return IndexDocument(**values)


@contextmanager
def snapshot_of(folder: Path, docs: list[IndexDocument]) -> Iterator[Snapshot]:
    """A real index of these documents in `folder`, and its snapshot (docnums in their order)."""
    index = SearchIndex(folder / "index")
    index.build(docs)
    try:
        with index.searching() as snapshot:
            yield snapshot
    finally:
        index.close()
