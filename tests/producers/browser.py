"""A bulletin printed to PDF by Chromium, as a page saved from a browser or a web CMS.

Chromium's PDF backend (Skia) with Debian's Noto CJK fonts writes the text layer of
everyday characters as Kangxi and supplement radicals (一 as ⼀, 门 as ⻔): that is
where those code points come from. The page uses what such pages use: CSS
`letter-spacing`, `text-align: justify`, `@page` margin boxes for the running head
and the page number, a `<table>` with `rowspan` for ties and `<br>` in header cells,
and a named landscape page for the attachment.
"""

from __future__ import annotations

import base64
import html
import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

from chromium import CHROMIUM
from chromium import FLAGS as CHROMIUM_FLAGS

from .bulletin import Block, Bulletin, Table

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
FLAGS = (*CHROMIUM_FLAGS, "--no-pdf-header-footer")


def available() -> str | None:
    if not CHROMIUM.exists():
        return "Chromium is not installed (/usr/bin/chromium): apt-get install chromium"
    if not NOTO.exists():
        return f"Noto CJK fonts missing ({NOTO}): apt-get install fonts-noto-cjk"
    return None


@dataclass(frozen=True)
class Style:
    letter_spacing: float = 0.0  # em, the whole page
    title_spacing: float = 0.5  # em
    title_picture: bool = False
    issuer_date_one_line: bool = True
    running_head: bool = True
    alternate: bool = True  # head and page number right on odd pages, left on even
    page_number: str = '"— " counter(page) " —"'
    landscape_table: bool = False
    name_width: str = "7.5em"  # narrow enough for the longest names to wrap


def _css(style: Style, head: str) -> str:
    head_css = f'content: "{head}"; font-size: 10.5pt; border-bottom: 0.8pt solid black; vertical-align: bottom; padding-bottom: 2pt;'
    number_css = f"content: {style.page_number}; font-size: 14pt;"
    pages = ["@page { size: A4; margin: 37mm 26mm 35mm 28mm; }"]
    if style.alternate:
        pages.append(f"@page :right {{ @bottom-right {{ {number_css} }} }}")
        pages.append(f"@page :left {{ @bottom-left {{ {number_css} }} }}")
        if style.running_head:
            pages.append(f"@page :right {{ @top-right {{ {head_css} }} }}")
            pages.append(f"@page :left {{ @top-left {{ {head_css} }} }}")
    else:
        pages.append(f"@page {{ @bottom-center {{ {number_css} }} }}")
        if style.running_head:
            pages.append(f"@page {{ @top-center {{ {head_css} }} }}")
    pages.append("@page :first { @top-left { content: none; } @top-right { content: none; } @top-center { content: none; } }")
    pages.append("@page wide { size: A4 landscape; margin: 28mm 37mm 26mm 35mm; }")
    return "\n".join(pages) + f"""
body {{ font-family: "Noto Serif CJK SC"; font-size: 16pt; line-height: 29pt; text-align: justify;
       letter-spacing: {style.letter_spacing}em; margin: 0; }}
p {{ margin: 0; text-indent: 2em; }}
p.h {{ font-family: "Noto Sans CJK SC"; text-indent: 2em; }}
.masthead {{ text-align: center; border-bottom: 2pt solid #d91a1a; padding-bottom: 4pt; margin-bottom: 12pt;
             letter-spacing: 0; }}
.masthead p {{ text-indent: 0; text-align: center; }}
.masthead h1 {{ color: #d91a1a; font-family: "Noto Sans CJK SC"; font-size: 36pt; line-height: 48pt;
                letter-spacing: {style.title_spacing}em; margin: 0 0 8pt 0; }}
.masthead .issuer {{ display: flex; justify-content: space-between; white-space: nowrap; }}
.masthead img {{ height: 42pt; }}
.attachment {{ break-before: page; {'page: wide;' if style.landscape_table else ''} }}
.attachment p {{ text-indent: 0; }}
table {{ border-collapse: collapse; margin: 8pt auto; font-size: 10.5pt; line-height: 14pt;
        letter-spacing: 0; text-align: center; }}
th, td {{ border: 0.6pt solid black; padding: 2pt 4pt; vertical-align: middle; font-weight: normal; }}
td.name {{ width: {style.name_width}; }}
.footer {{ margin-top: 12pt; }}
.footer p {{ text-indent: 0; }}
"""


def _title_picture(text: str) -> str:
    """The title as an inline PNG (rendered with Pillow): no text in the PDF."""
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(str(NOTO.with_name("NotoSansCJK-Regular.ttc")), 120)
    image = Image.new("RGB", (130 * len(text) + 40, 170), "white")
    ImageDraw.Draw(image).text((20, 10), text, font=face, fill=(217, 26, 26))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return f'<img alt="" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def _masthead(blocks: list[Block], style: Style) -> str:
    out = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        text = html.escape(block.text)
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.kind == "title":
            out.append(_title_picture(block.text) if style.title_picture else f"<h1>{text}</h1>")
        elif block.kind == "issuer_date":
            issuer, date = (html.escape(t) for t in block.text.split("\t"))
            out.append(_issuer_date(issuer, date, style))
        elif (
            style.issuer_date_one_line
            and following is not None
            and block.text.endswith("中心")
            and following.text.endswith("日")
        ):
            out.append(_issuer_date(text, html.escape(following.text), style))
            index += 1
        else:
            out.append(f"<p>{text}</p>")
        index += 1
    return '<div class="masthead">' + "".join(out) + "</div>"


def _issuer_date(issuer: str, date: str, style: Style) -> str:
    if style.issuer_date_one_line:
        return f'<p class="issuer"><span>{issuer}</span><span>{date}</span></p>'
    return f"<p>{issuer}</p><p>{date}</p>"


def _table(table: Table) -> str:
    header = "".join(f"<th>{html.escape(c).replace(chr(10), '<br>')}</th>" for c in table.columns)
    rows = []
    for cells, span in zip(table.rows, table.spans, strict=True):
        seq, name, *scores = (html.escape(c) for c in cells)
        first = "" if span == 0 else (f'<td rowspan="{span}">{seq}</td>' if span > 1 else f"<td>{seq}</td>")
        rest = "".join(f"<td>{s}</td>" for s in scores)
        rows.append(f'<tr>{first}<td class="name">{name}</td>{rest}</tr>')
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def page(bulletin: Bulletin, style: Style, head: str) -> str:
    body = [_masthead(bulletin.masthead, style)]
    for block in bulletin.body:
        css = ' class="h"' if block.kind == "heading" else ""
        body.append(f"<p{css}>{html.escape(block.text)}</p>")
    for blocks, table in bulletin.attachments:
        part = "".join(f"<p>{html.escape(b.text)}</p>" for b in blocks[1:])
        body.append(f"<p>{html.escape(blocks[0].text)}</p>")
        if table is not None:
            body.append(f'<div class="attachment">{part}{_table(table)}</div>')
        else:
            body.append(part)
    if bulletin.footer:
        body.append('<div class="footer">' + "".join(f"<p>{html.escape(b.text)}</p>" for b in bulletin.footer) + "</div>")
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
        + _css(style, html.escape(head).replace('"', "'"))
        + "</style></head><body>"
        + "".join(body)
        + "</body></html>"
    )


def make(bulletin: Bulletin, path: Path, style: Style = Style(), head: str = "") -> Path:
    """Print the bulletin's page to `path` with a private profile in a folder beside it."""
    source = path.with_suffix(".html")
    source.write_text(page(bulletin, style, head), encoding="utf-8")
    profile = path.with_suffix(".profile")
    subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={path}", source.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return path
