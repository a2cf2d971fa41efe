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
