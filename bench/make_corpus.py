"""A deterministic generator of realistic bulletins, for benchmarks at real and 10x scale.

    python bench/make_corpus.py OUT_DIR --count 500 [--seed 7]

The bulletins have the anatomy of the real ones in corpus/ (weekly and monthly,
期/总期 numbering, periods that cross year ends, 3-6 sections with the
recurring titles, items and sub-items with event dates, departments named by
short name, alias or full name, the recurring figures (综窗办件 of the week and the
year so far, 受理工作手册 progress, 总体运行情况), 窗口考核结果 tables, footers) and are printed as
text extracted from a PDF would be: hard wraps every ~30 characters, blank
lines between them, page-break lines starting with a space. Their sentences are
those of corpus/, recombined: the same seed always gives the same files.
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from archive.departments import gazetteer
from archive.figures import extract_figures
from archive.model import chinese_numeral
from archive.parse import parse

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
ISSUER = "四川省政府政务服务和公共资源交易服务中心"
SECTION_TITLES = [
    "政务工作动态",
    "重点工作推进情况",
    "窗口资讯",
    "厅（局）长进大厅",
    "综窗改革攻坚行动",
    "惠企政策直达快享专项行动",
    "“高效办成一件事”专项行动",
    "智慧政务能力提升项目推进情况",
]
ITEM_TITLES = [
    "其他工作开展情况",
    "窗口服务提升情况",
    "政务服务增值化改革",
]
WINDOW_SECTION = "综窗改革攻坚行动"
FOOTER = [
    "报：省政务管理办公室、省级相关部门（单位）、省中心领导。",
    "发：省级相关部门（单位）窗口，省直部门办事大厅，省中心各处（室）、直属单位。",
]
_LEADING_DATE = re.compile(r"^(?:\d{1,2}月(?:\d{1,2}日)?(?:[-—]\d{1,2}日)?|本周|上班伊始)，?")
PLACEHOLDER = "〔部门〕"


@dataclass
class Bank:
    """Sentences of the real bulletins with department names replaced by a placeholder."""

    sentences: list[str]
    departments: list[tuple[str, ...]]  # each department's names (short first)


def load_bank() -> Bank:
    names = sorted(
        {n for d in gazetteer().departments for n in d.names if len(n) >= 3}, key=len, reverse=True
    )
    pattern = re.compile("|".join(re.escape(n) for n in names))
    sentences: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        issue = parse(path.read_text("utf-8"))
        # The items that report the recurring figures are not prose to recombine: their
        # figures are printed on purpose, once per bulletin (see `window_report`).
        figures = {f.anchor for f in extract_figures(issue)}
        for _, item in issue.walk_items():
            if item.anchor in figures:
                continue
            text = _LEADING_DATE.sub("", item.text.replace("\n", ""))
            for sentence in re.findall(r"[^。]+。", text):
                if 12 <= len(sentence) <= 160:
                    sentences.append(pattern.sub(PLACEHOLDER, sentence))
    departments = [d.names for d in gazetteer().departments if d.kind != "编制发布单位"]
    return Bank(sorted(set(sentences)), departments)


def department_name(rng: random.Random, bank: Bank) -> str:
    names = rng.choice(bank.departments)
    return names[0] if rng.random() < 0.7 else rng.choice(names)


def item_text(rng: random.Random, bank: Bank, opening: str) -> str:
    parts = [opening]
    for _ in range(rng.randint(1, 3)):
        sentence = rng.choice(bank.sentences)
        while PLACEHOLDER in sentence:
            sentence = sentence.replace(PLACEHOLDER, department_name(rng, bank), 1)
        parts.append(sentence)
    if PLACEHOLDER not in opening and rng.random() < 0.6:
        parts.insert(1, f"{department_name(rng, bank)}窗口积极推进相关工作。")
    return "".join(parts)


def opening(rng: random.Random, start: date, end: date, monthly: bool) -> str:
    roll = rng.random()
    if monthly and roll < 0.25:
        return f"{start.month}月，"
    if roll < 0.3:
        return "本周，" if not monthly else ""
    day = start + timedelta(days=rng.randint(0, (end - start).days))
    if rng.random() < 0.08 and day < end:
        return f"{day.month}月{day.day}日-{min(end, day + timedelta(days=2)).day}日，"
    return f"{day.month}月{day.day}日，"


def week_counts(monday: date, seed: int) -> tuple[int, int, int, int]:
    """The week's 综窗 counts (咨询, 受理, 颁发, 流转): a function of the week, so that the
    running totals of the year, printed as sums of the weeks before, agree with them."""
    rng = random.Random(f"{seed}:{monday.isoformat()}")
    return (
        rng.randint(900, 1800),
        rng.randint(350, 650),
        rng.randint(900, 4000),
        rng.randint(2000, 7000),
    )


def window_report(rng: random.Random, start: date, end: date, seed: int) -> list[str]:
    """The 综窗 section's recurring items: the week's counts, often the year's so far, the 手册 progress."""
    consult, accept, issue, transfer = week_counts(start, seed)
    lines = [
        "（一）省本级综窗办件情况",
        f"本周，共计咨询{consult}人次、受理{accept}件、颁发{issue}件、流转{transfer}件次。",
    ]
    if rng.random() < 0.7:
        weeks = [start - timedelta(weeks=n) for n in range(0, 54)]
        totals = [
            sum(values)
            for values in zip(
                *(week_counts(m, seed) for m in weeks if (m + timedelta(days=4)).year == end.year),
                strict=True,
            )
        ]
        lines[-1] += (
            f"今年以来，累计咨询{totals[0]}人次、受理{totals[1]}件、颁发{totals[2]}件、流转{totals[3]}件次。"
        )
    if rng.random() < 0.4:
        done = 600 + (start - date(2015, 1, 5)).days // 7 * 2
        lines.append("（二）事项授权及受理手册编制推进情况")
        lines.append(
            f"完成{rng.randint(2, 9)}个办理项的受理工作手册编制。截至目前，共完成{done}个办理项的"
            f"受理工作手册编制，占比{min(100.0, done / 20):.2f}%。"
        )
    return lines


def overview(rng: random.Random, start: date) -> str:
    """A monthly's 总体运行情况, printed as the real ones are (万件 with two decimals)."""
    online = rng.randint(200, 600) / 100
    return (
        f"{start.month}月，省本级办理政务服务事项{online + rng.randint(5, 30) / 100:g}万件。"
        f"各进驻部门（单位）窗口共受理政务服务事项全程网办{online:g}万件，"
        f"办结政务服务事项全程网办{online + rng.randint(-10, 10) / 100:g}万件；"
        f"综合窗口受理政务服务事项{rng.randint(10, 30) / 100:g}万件，窗口出件量{rng.randint(10, 60) / 100:g}万件；"
        f"政务大厅现场邮寄量{rng.randint(3, 12) / 100:g}万件；为办事企业群众提供电话咨询"
        f"{rng.randint(900, 1500)}人（次）、现场咨询服务{rng.randint(3000, 6000)}人（次）。"
    )


def sections(
    rng: random.Random, bank: Bank, start: date, end: date, monthly: bool, seed: int = 7
) -> list[str]:
    lines: list[str] = []
    titles = rng.sample(SECTION_TITLES, rng.randint(3, 6) - (1 if monthly else 0))
    if monthly:
        titles.insert(0, f"{start.year}年{start.month}月总体运行情况")
    for number, title in enumerate(titles, 1):
        lines.append(f"{chinese_numeral(number)}、{title}")
        if title.endswith("总体运行情况"):
            lines.append(overview(rng, start))
            continue
        if title == WINDOW_SECTION and not monthly:
            lines += window_report(rng, start, end, seed)
            continue
        count = rng.choice((1, 1, 2, 2, 3, 3, 4, 5))
        if count == 1 and rng.random() < 0.5:
            lines.append(item_text(rng, bank, opening(rng, start, end, monthly)))
            continue
        for index in range(1, count + 1):
            label = f"（{chinese_numeral(index)}）"
            if rng.random() < 0.12:
                lines.append(label + rng.choice(ITEM_TITLES))
                for sub in range(1, rng.randint(2, 4)):
                    lines.append(f"{sub}." + item_text(rng, bank, ""))
            else:
                lines.append(label + item_text(rng, bank, opening(rng, start, end, monthly)))
    return lines


def attachment(rng: random.Random, bank: Bank, published: date) -> list[str]:
    month = published.replace(day=1) - timedelta(days=1)
    title = f"{month.year}年{month.month}月省政务服务大厅进驻部门（单位）窗口考核结果"
    lines = [
        f"附件：{title}",
        "附件",
        title,
        "序号\t部门窗口\t基础分 分值\t减分 分值\t加分分值\t实得分值",
    ]
    rows = rng.sample(bank.departments, min(29, len(bank.departments)))
    scores = sorted(
        ((rng.choice([0, 0, 0, -0.5, -1.5, -12]), rng.randint(0, 40) / 2) for _ in rows),
        key=lambda s: -(s[0] + s[1]),
    )
    previous = None
    for rank, (names, (deduction, bonus)) in enumerate(zip(rows, scores, strict=True), 1):
        total = 100 + deduction + bonus
        seq = "" if total == previous else str(rank)
        lines.append(f"{seq}\t{names[0]}\t100\t{deduction:g}\t{bonus:g}\t{total:g}")
        previous = total
    return lines


def wrap(lines: list[str], rng: random.Random, width: int = 30) -> str:
    """Print as extracted from a PDF: hard wraps, blank lines between them, page breaks."""
    out: list[str] = []
    printed = 0
    for line in lines:
        pieces = (
            [line]
            if "\t" in line
            else [line[i : i + width] for i in range(0, len(line), width)] or [""]
        )
        for piece in pieces:
            printed += 1
            page_break = printed % 34 == 0
            out.append((" " if page_break else "") + piece)
            if "\t" not in line and rng.random() < 0.85:
                out.append("")
    return "\n".join(out) + "\n"


@dataclass
class Plan:
    kind: str
    start: date
    end: date
    number: int
    total: int | None


def plans(count: int) -> list[Plan]:
    """Weeklies and monthlies, newest in 2026, going back as far as `count` needs."""
    result: list[Plan] = []
    monday = date(2026, 6, 1)
    month = date(2026, 6, 1)
    total = 5000 + count
    while len(result) < count:
        monday -= timedelta(days=7)
        end = monday + timedelta(days=4 if monday.toordinal() % 3 else 5)
        result.append(Plan("weekly", monday, end, 0, total))
        total -= 1
        if monday.day <= 7 and len(result) < count and month.year >= 2025:
            month = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
            last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            result.append(Plan("monthly", month, last, 0, None))
    weekly_numbers: dict[int, int] = {}
    for plan in sorted(result, key=lambda p: p.start):
        if plan.kind == "weekly":
            weekly_numbers[plan.end.year] = weekly_numbers.get(plan.end.year, 0) + 1
            plan.number = weekly_numbers[plan.end.year]
    monthlies = sorted((p for p in result if p.kind == "monthly"), key=lambda p: p.start)
    for number, plan in enumerate(monthlies, 1):
        plan.number = number
    return result


def bulletin(plan: Plan, rng: random.Random, bank: Bank, seed: int = 7) -> str:
    published = plan.end + timedelta(days=rng.randint(5, 14))
    monthly = plan.kind == "monthly"
    head: list[str] = []
    if rng.random() < 0.8:
        if monthly:
            head += ["政务窗口月报", f"第 {plan.number} 期"]
        else:
            head += [f"{plan.end.year}年第{plan.number}期（总第{plan.total}期）", "窗口工作周报"]
    if not monthly:
        head.append(
            f"（{plan.start.month}月{plan.start.day}日—{plan.end.month}月{plan.end.day}日）"
        )
    head.append(f"{ISSUER} {published.year}年 {published.month}月 {published.day}日")
    body = sections(rng, bank, plan.start, plan.end, monthly, seed)
    tail = attachment(rng, bank, published) if not monthly and rng.random() < 0.25 else []
    footer = FOOTER + ([f"（共印{rng.choice([100, 103, 110])}份）"] if not monthly else [])
    return wrap(head + body + tail + footer, rng)


def generate(out: Path, count: int, seed: int = 7) -> list[Path]:
    """Write `count` bulletins into `out` (cleared of earlier .txt files first)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    bank = load_bank()
    rng = random.Random(seed)
    paths = []
    for plan in plans(count):
        name = f"{plan.kind}-{plan.start:%Y-%m-%d}.txt"
        path = out / name
        path.write_text(bulletin(plan, rng, bank, seed), "utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = generate(args.out, args.count, args.seed)
    print(f"{len(paths)} bulletins in {args.out}")


if __name__ == "__main__":
    main()
