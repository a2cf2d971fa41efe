"""An Atom feed (RFC 4287) of a search: a window subscribes once and sees each new item.

A pure function from the feed's entries to the XML bytes, shared by the web
feed and `bulletins feed`. Hand-written on the standard library's ElementTree
rather than feedgen: the feed needs a dozen elements, ElementTree escapes text
and attributes, and `xml_safe` drops the control characters that XML cannot
hold (feedgen raises on them, which would take the whole feed down over one
stray character of a PDF); measured on 50 entries it is twice as fast (4.9 ms
against 10.5 ms) and adds no dependency.

Each entry's id is its absolute permalink, which never changes (see the brief's
identity rules), so a reader shows an item once however often it polls.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from .xmltext import xml_safe

ATOM = "http://www.w3.org/2005/Atom"
AUTHOR = "四川省政府政务服务和公共资源交易服务中心"
SUMMARY_LENGTH = 120


@dataclass(frozen=True)
class FeedEntry:
    link: str  # the item's absolute permalink; also its id
    title: str  # the citation
    text: str  # paragraphs separated by "\n"
    updated: datetime  # when the archive received it (aware)
    published: datetime | None = None  # the bulletin's date of issue (aware)
    departments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    title: str
    self_link: str  # the feed's own absolute URL; also its id
    page_link: str  # the same search as a page, for people
    entries: tuple[FeedEntry, ...]
    updated: datetime  # the newest entry's time, or now for an empty feed (aware)
    subtitle: str = ""


def atom_feed(feed: Feed) -> bytes:
    """The feed as UTF-8 Atom XML."""
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "zh-CN"})
    _text(root, "id", feed.self_link)
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    _text(root, "updated", _time(feed.updated))
    ET.SubElement(root, "link", {"rel": "self", "href": xml_safe(feed.self_link)})
    ET.SubElement(
        root, "link", {"rel": "alternate", "type": "text/html", "href": xml_safe(feed.page_link)}
    )
    author = ET.SubElement(root, "author")
    _text(author, "name", AUTHOR)
    _text(root, "generator", "窗口工作周报检索")
    for entry in feed.entries:
        _entry(root, entry)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _entry(root: ET.Element, entry: FeedEntry) -> None:
    element = ET.SubElement(root, "entry")
    _text(element, "id", entry.link)
    _text(element, "title", entry.title)
    _text(element, "updated", _time(entry.updated))
    if entry.published:
        _text(element, "published", _time(entry.published))
    ET.SubElement(
        element, "link", {"rel": "alternate", "type": "text/html", "href": xml_safe(entry.link)}
    )
    for department in entry.departments:
        ET.SubElement(element, "category", {"term": xml_safe(department)})
    _text(element, "summary", _summary(entry.text))
    # The content as HTML (escaped once more by ElementTree, as type="html" wants): the paragraphs,
    # then the citation and the permalink, so a reader that shows only the content still has both.
    _text(element, "content", _content(entry), type="html")


def _content(entry: FeedEntry) -> str:
    paragraphs = [f"<p>{_html(p)}</p>" for p in entry.text.split("\n") if p.strip()]
    link = _html(entry.link)
    paragraphs.append(f'<p>引用：{_html(entry.title)} <a href="{link}">{link}</a></p>')
    return "".join(paragraphs)


def _summary(text: str) -> str:
    flat = " ".join(p.strip() for p in text.split("\n") if p.strip())
    return flat if len(flat) <= SUMMARY_LENGTH else flat[:SUMMARY_LENGTH] + "…"


def _html(text: str) -> str:
    return html.escape(xml_safe(text), quote=True)


def _text(parent: ET.Element, name: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, name, attributes)
    element.text = xml_safe(text)
    return element


def _time(moment: datetime) -> str:
    """RFC 3339, as Atom requires: with its offset (a naive time is the server's local time)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.isoformat(timespec="seconds")
