"""Does the index agree with the store? What a crash, a kill or a bug could have left wrong.

The store is the record; the index is derived from it. `check` compares them
document by document: every item and attachment of every stored issue must be
in the index exactly once, marked with the version (signature) of the issue
the store holds, and nothing else may be there. Each finding says how to fix
it; `repair` applies the fix, which never touches the store.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from archive.store import Store

from .index import SearchIndex, index_version

REPAIR = "bulletins check --repair"
SHOWN = 5  # ids named in a finding; the count gives the rest


@dataclass
class Finding:
    """One disagreement, with the command that fixes it."""

    code: str
    message: str
    fix: str
    issues: list[str] = field(default_factory=list)  # issues whose documents must be redone

    def to_json(self) -> dict:
        return {"code": self.code, "message": self.message, "fix": self.fix, "issues": self.issues}


@dataclass
class CheckReport:
    issues: int  # in the store
    items: int  # documents the store's issues give (items, sub-items, attachments)
    documents: int | None  # in the index; None when it could not be read
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def needs_rebuild(self) -> bool:
        return any(f.code in REBUILD for f in self.findings)

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "issues": self.issues,
            "items": self.items,
            "documents": self.documents,
            "findings": [f.to_json() for f in self.findings],
        }


REBUILD = {"index_missing", "index_outdated", "index_unreadable"}


def check(store: Store, index: SearchIndex) -> CheckReport:
    """Compare the store and the index; an empty list of findings means they agree."""
    findings = _check_store(store)
    want = store.document_versions()
    expected = sum(len(ids) for _, ids in want.values())
    findings += _leftovers(index)
    if index.live_dir() is None:
        findings.append(
            Finding("index_missing", "the search index does not exist", "bulletins reindex")
        )
        return CheckReport(len(want), expected, None, findings)
    if not index.is_current():
        findings.append(
            Finding(
                "index_outdated",
                f"the index was built by another version ({index.meta().get('version')}, "
                f"this one makes {index_version()})",
                "bulletins reindex",
            )
        )
        return CheckReport(len(want), expected, None, findings)
    try:
        have = _indexed(index)
    except Exception as error:  # a damaged index raises anything from its codec
        findings.append(
            Finding("index_unreadable", f"the index cannot be read ({error})", "bulletins reindex")
        )
        return CheckReport(len(want), expected, None, findings)
    documents = sum(sum(c.values()) for c in have.values())
    findings += _compare(want, have)
    findings += _compare_record(store.issue_signatures(), index.meta().get("issues", {}))
    return CheckReport(len(want), expected, documents, findings)


def repair(store: Store, index: SearchIndex, report: CheckReport, processes: int = 1) -> str:
    """Fix what `report` found, from the store; says what was done."""
    done = []
    if any(f.code == "leftovers" for f in report.findings):
        removed = index.remove_leftovers()
        done.append(f"removed {len(removed)} leftovers of an interrupted rebuild")
    if report.needs_rebuild:
        count = index.rebuild(store, processes)
        done.append(f"rebuilt the index ({count} documents)")
    else:
        redo = sorted({i for f in report.findings for i in f.issues})
        if redo:
            index.sync(store, processes, redo=redo)
            done.append(f"re-indexed {len(redo)} issues")
    return "; ".join(done) or "nothing to repair"


def _check_store(store: Store) -> list[Finding]:
    result = store.integrity()
    if result == "ok":
        return []
    return [
        Finding(
            "store_damaged",
            f"the SQLite store is damaged: {result}",
            "restore the data dir from a backup, or ingest the bulletin files into a new one",
        )
    ]


def _leftovers(index: SearchIndex) -> list[Finding]:
    found = index.leftovers()
    if not found:
        return []
    names = ", ".join(p.name for p in found[:SHOWN])
    return [
        Finding(
            "leftovers",
            f"{len(found)} leftovers of an interrupted rebuild ({names}); searches do not use them",
            REPAIR,
        )
    ]


def _indexed(index: SearchIndex) -> dict[str, Counter[tuple[str, str]]]:
    """issue_id -> how many times each (document id, version) is in the live index."""
    found: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for issue_id, item_id, version in index.contents():
        found[issue_id][(item_id, version)] += 1
    return found


def _compare(
    want: dict[str, tuple[str, set[str]]], have: dict[str, Counter[tuple[str, str]]]
) -> list[Finding]:
    missing, outdated, duplicated, partial = [], [], [], []
    for issue_id, (version, docs) in sorted(want.items()):
        counts = have.get(issue_id)
        if not counts:
            missing.append(issue_id)
            continue
        if any(n > 1 for n in counts.values()):
            duplicated.append(issue_id)
        if {v for _, v in counts} != {version}:
            outdated.append(issue_id)
        elif {d for d, _ in counts} != docs:
            partial.append(issue_id)
    extra = sorted(set(have) - set(want))
    findings = []
    for code, ids, what in (
        ("missing", missing, "stored issues are not in the index"),
        ("outdated", outdated, "issues are in the index in an older version than the store's"),
        ("partial", partial, "issues have items missing from the index or not in the store"),
        ("duplicated", duplicated, "issues have documents in the index more than once"),
        ("extra", extra, "issues in the index are no longer in the store"),
    ):
        if ids:
            findings.append(Finding(code, f"{len(ids)} {what}: {_names(ids)}", REPAIR, ids))
    return findings


def _compare_record(want: dict[str, str], recorded: dict[str, str]) -> list[Finding]:
    """The index's record of what it holds drives the next sync; a wrong one hides changes."""
    wrong = sorted(i for i in want.keys() | recorded.keys() if want.get(i) != recorded.get(i))
    if not wrong:
        return []
    return [
        Finding(
            "record",
            f"the index's record of its issues disagrees with the store for {len(wrong)}: "
            f"{_names(wrong)}",
            REPAIR,
            wrong,
        )
    ]


def _names(ids: list[str]) -> str:
    shown = ", ".join(ids[:SHOWN])
    return shown + (f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")
