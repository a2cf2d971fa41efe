"""New bulletins for tests that need more issues than the corpus has: copies of a real
weekly moved to other weeks (the masthead rewritten, the body kept)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "corpus" / "2024-weekly-37.txt"
FIRST_MONDAY = date(2020, 1, 6)  # 200 weeks fit before the corpus: their ids never clash


def weekly(week: int, seed: str | None = None) -> tuple[str, str]:
    """(issue_id, text) of the seed weekly moved to week `week` (0-based) after FIRST_MONDAY."""
    text = seed if seed is not None else SEED.read_text("utf-8")
    start = FIRST_MONDAY + timedelta(weeks=week)
    end, published = start + timedelta(days=5), start + timedelta(days=14)
    number = week + 1
    text = text.replace(
        "2024年第 37 期（总第 508 期）", f"{start.year}年第 {number} 期（总第 {400 + number} 期）"
    )
    text = text.replace(
        "（9月9日—9月14日）", f"（{start.month}月{start.day}日—{end.month}月{end.day}日）"
    )
    text = text.replace(
        "2024年 9月 23日", f"{published.year}年 {published.month}月 {published.day}日"
    )
    return f"weekly-{start.isoformat()}", text


def write_weeklies(folder: Path, count: int, first: int = 0) -> dict[str, Path]:
    """`count` new weeklies as .txt files in `folder`: issue_id -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    seed = SEED.read_text("utf-8")
    written = {}
    for week in range(first, first + count):
        issue_id, text = weekly(week, seed)
        path = folder / f"weekly-{week:03d}.txt"
        path.write_text(text, "utf-8")
        written[issue_id] = path
    return written


# Corrections of the seed weekly (or of a copy moved by `weekly`), as a bulletin is corrected:
# its section 一 has the items （一）（二）（三）, s1-1 to s1-3.

INSERTED = "（二）9月10日，省中心召开窗口服务质量提升专题会，公安厅、民政厅窗口负责人参加。"


def with_an_item_inserted(text: str) -> str:
    """A new item （二） before the old （二）, which becomes （三） (s1-2 -> s1-3), and so on."""
    text = text.replace("\n（三）9月 11日", "\n（四）9月 11日", 1)
    text = text.replace("\n（二）9 月 11 日", f"\n{INSERTED}\n\n（三）9 月 11 日", 1)
    assert text.count("（四）9月 11日") == 1 and INSERTED in text
    return text


def with_an_item_edited(text: str) -> str:
    """Item （三） (s1-3) says 200余人 where it said 100余人; nothing moves."""
    assert text.count("100余人") == 1
    return text.replace("100余人", "200余人")


def with_an_item_removed(text: str) -> str:
    """Item （三） (s1-3) taken out; section 一 keeps （一）（二）."""
    start = text.index("（三）9月 11日")
    end = text.index("二、政务工作动态")
    return text[:start] + text[end:]


CHANGES = (with_an_item_inserted, with_an_item_edited, with_an_item_removed)
# The issues of `corrections`: copies of the seed moved to weeks 0, 1, 2, each corrected once.
INSERTED_ISSUE, EDITED_ISSUE, REMOVED_ISSUE = (weekly(n)[0] for n in range(len(CHANGES)))


def write_corrections(folder: Path) -> tuple[list[Path], list[Path]]:
    """Three new weeklies and a correction of each under another name (week-N（更正）.txt): one
    inserts an item before s1-2, one edits s1-3, one removes s1-3. (first files, corrections)"""
    first, second = folder / "first", folder / "corrections"
    first.mkdir(parents=True), second.mkdir(parents=True)
    files: tuple[list[Path], list[Path]] = ([], [])
    for n, change in enumerate(CHANGES):
        _, text = weekly(n)
        files[0].append(first / f"week-{n}.txt")
        files[1].append(second / f"week-{n}（更正）.txt")
        files[0][-1].write_text(text, "utf-8")
        files[1][-1].write_text(change(text), "utf-8")
    return files


# A weekly whose week spans the new year: 2024's last week, numbered the first of 2025 and
# published in January. Its lead item gives no date (its dates are the week's), the others
# one day each, one in either year.
YEAR_END_ISSUE = "weekly-2024-12-30"
YEAR_END = """窗口工作周报
2025年第1期（总第524期）
（12月30日—1月3日）
四川省政府政务服务和公共资源交易服务中心 2025年1月8日
一、政务工作动态
（一）本周，省政务服务大厅各窗口开展年度工作总结，民政厅窗口交流经验做法。
（二）12月31日，省中心召开年终工作会议，部署元旦期间窗口值班。
（三）1月2日，民政厅窗口恢复正常受理，当日办件120件。
"""
