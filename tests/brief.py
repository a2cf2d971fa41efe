"""What the tests hold the corpus and the product brief to: the ids of the bundled
bulletins, and the keys of the brief's JSON shapes (a shape may have more)."""

from __future__ import annotations

WEEKLY_01 = "weekly-2024-01-02"  # has the 窗口考核结果 attachment a1
WEEKLY_37 = "weekly-2024-09-09"
WEEKLY_DEC = "weekly-2024-12-09"
MONTHLY_01 = "monthly-2025-01"
MONTHLY_06 = "monthly-2025-06"
NEWEST_FIRST = [MONTHLY_06, MONTHLY_01, WEEKLY_DEC, WEEKLY_37, WEEKLY_01]

ISSUE_KEYS = {
    "issue_id", "kind", "number", "total_number", "period_start", "period_end", "published",
    "title", "url", "sections", "attachments", "source",
}  # fmt: skip
ITEM_KEYS = {
    "item_id", "anchor", "label", "date_from", "date_to", "departments", "text", "children",
}  # fmt: skip
HIT_KEYS = {
    "item_id", "issue_id", "url", "kind", "issue_title", "section", "label",
    "date_from", "date_to", "departments", "snippet", "text",
}  # fmt: skip
