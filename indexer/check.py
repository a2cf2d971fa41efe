"""Does the index agree with the store? What a crash, a kill or a bug could have left wrong.

The store is the record; the index is derived from it. `check` compares them
document by document: every item and attachment of every stored issue must be
in the index exactly once, marked with the version (signature) of the issue
the store holds, and nothing else may be there. Each finding says how to fix
it; `repair` applies the fix, which never touches the store.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from archive.store import RESTORE, RESTORE_ZH, Store, StoreError, describe

from .index import SearchIndex, index_version

REPAIR = "bulletins check --repair"
REINDEX = "bulletins reindex"
SHOWN = 5  # ids named in a finding; the count gives the rest


@dataclass
class Finding:
    """One disagreement, with the command that fixes it."""

    code: str
    message: str
    fix: str
    issues: list[str] = field(default_factory=list)  # issues whose documents must be redone
    message_zh: str = ""  # the message for people: the CLI's text output is in Chinese
    fix_zh: str = ""  # the fix in Chinese, when it is more than a command

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
            "fix": self.fix,
            "issues": self.issues,
        }


@dataclass
class CheckReport:
    issues: int | None  # in the store; None when it could not be read
    items: int | None  # documents the store's issues give (items, sub-items, attachments)
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
UNREPAIRABLE = {"store_damaged", "store_empty"}  # the index is all that is left: never rebuilt


def check(store: Store, index: SearchIndex) -> CheckReport:
    """Compare the store and the index; an empty list of findings means they agree.

    A store that cannot be read is the one finding (nothing can be compared with it); a
    store of no issue beside an index of documents is a lost store, not an empty archive.
    """
    try:
        findings = _check_store(store)
        want = store.document_versions()
    except sqlite3.DatabaseError as error:
        return CheckReport(None, None, document_count(index), [damaged(describe(error, store.path))])
    expected = sum(len(ids) for _, ids in want.values())
    if not want and document_count(index):
        return CheckReport(0, 0, document_count(index), [_empty_store(document_count(index))])
    findings += _leftovers(index)
    if index.live_dir() is None:
        findings.append(
            Finding("index_missing", "the search index does not exist", REINDEX, [], "检索索引不存在")
        )
        return CheckReport(len(want), expected, None, findings)
    if not index.is_current():
        findings.append(
            Finding(
                "index_outdated",
                f"the index was built by another version ({index.meta().get('version')}, "
                f"this one makes {index_version()})",
                REINDEX,
                [],
                f"索引由另一版本建立（{index.meta().get('version')}，本版本为 {index_version()}）",
            )
        )
        return CheckReport(len(want), expected, None, findings)
    try:
        have = _indexed(index)
    except Exception as error:  # a damaged index raises anything from its codec
        findings.append(
            Finding(
                "index_unreadable",
                f"the index cannot be read ({error})",
                REINDEX,
                [],
                f"索引无法读取（{error}）",
            )
        )
        return CheckReport(len(want), expected, None, findings)
    documents = sum(sum(c.values()) for c in have.values())
    findings += _compare(want, have)
    findings += _compare_record(store.issue_signatures(), index.meta().get("issues", {}))
    return CheckReport(len(want), expected, documents, findings)


@dataclass
class Repaired:
    """What a repair did: each action in English (the JSON's) and in Chinese (the CLI's)."""

    done: list[tuple[str, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "; ".join(english for english, _ in self.done) or "nothing to repair"

    @property
    def text_zh(self) -> str:
        return "；".join(chinese for _, chinese in self.done) or "无需修复"


def repair(store: Store, index: SearchIndex, report: CheckReport, processes: int = 1) -> Repaired:
    """Fix what `report` found, from the store; says what was done."""
    done = Repaired()
    if any(f.code in UNREPAIRABLE for f in report.findings):
        done.done.append(
            ("nothing repaired: the store must be restored first", "未修复：须先恢复档案库")
        )
        return done
    if any(f.code == "leftovers" for f in report.findings):
        removed = len(index.remove_leftovers())
        done.done.append(
            (f"removed {removed} leftovers of an interrupted rebuild", f"删除了 {removed} 个中断重建的残留")
        )
    if report.needs_rebuild:
        count = index.rebuild(store, processes)
        done.done.append((f"rebuilt the index ({count} documents)", f"重建了索引（{count} 条）"))
    else:
        redo = sorted({i for f in report.findings for i in f.issues})
        if redo:
            index.sync(store, processes, redo=redo)
            done.done.append((f"re-indexed {len(redo)} issues", f"重新索引了 {len(redo)} 期"))
    return done


def _check_store(store: Store) -> list[Finding]:
    result = store.integrity()
    if result == "ok":
        return []
    return [
        damaged(
            StoreError(
                f"{store.path} is damaged: {result}", f"{store.path} 已损坏：{result}"
            )
        )
    ]


def damaged(error: StoreError) -> Finding:
    """The finding of a store that cannot be read or does not hold together."""
    message_zh = error.chinese.removesuffix(f"：{RESTORE_ZH}")  # the fix is said apart
    return Finding("store_damaged", str(error).removesuffix(f": {RESTORE}"), RESTORE, [],
                   message_zh, RESTORE_ZH)  # fmt: skip


def _empty_store(documents: int) -> Finding:
    return Finding(
        "store_empty",
        f"the store holds no issue but the index holds {documents} documents: archive.db was "
        "lost or replaced (the index is kept: it is the last copy)",
        "restore archive.db from a backup, or ingest the bulletin files again "
        "(bulletins ingest FOLDER)",
        [],
        f"档案库中没有任何一期，索引中却有 {documents} 条：archive.db 已丢失或被替换"
        "（索引保留：它是最后一份）",
        "请从备份恢复 archive.db，或重新导入简报文件（bulletins ingest 文件夹）",
    )


def document_count(index: SearchIndex) -> int | None:
    """The live index's documents; None when it cannot be read."""
    try:
        return index.document_count()
    except Exception:  # a damaged index raises anything from its codec
        return None


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
            [],
            f"{len(found)} 个中断的重建留下的文件（{names}）；检索不使用它们",
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
    for code, ids, what, what_zh in (
        ("missing", missing, "stored issues are not in the index", "期已存档但不在索引中"),
        (
            "outdated",
            outdated,
            "issues are in the index in an older version than the store's",
            "期在索引中是比档案旧的版本",
        ),
        (
            "partial",
            partial,
            "issues have items missing from the index or not in the store",
            "期的条目在索引中缺失或多出",
        ),
        (
            "duplicated",
            duplicated,
            "issues have documents in the index more than once",
            "期的条目在索引中重复",
        ),
        ("extra", extra, "issues in the index are no longer in the store", "期在索引中但已不在档案中"),
    ):
        if ids:
            findings.append(
                Finding(
                    code,
                    f"{len(ids)} {what}: {_names(ids)}",
                    REPAIR,
                    ids,
                    f"{len(ids)} {what_zh}：{_names(ids)}",
                )
            )
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
            f"索引对所收各期的记录有 {len(wrong)} 期与档案不符：{_names(wrong)}",
        )
    ]


def _names(ids: list[str]) -> str:
    shown = ", ".join(ids[:SHOWN])
    return shown + (f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")
