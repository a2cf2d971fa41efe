"""Reading the web app's answers as a reader sees them: a small DOM, the parameters of a
link, and GETs that check the status and the content type.

The DOM is built on `html.parser`, so that the tests name elements the way a reader
sees them (the hit titles, the facet links, the item with class "target") rather than
matching raw HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

HOST = "http://localhost"  # the test client's host: absolute permalinks are on it

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list = field(default_factory=list)  # Nodes and strings

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def words(self) -> str:
        """The text with runs of whitespace collapsed, as a reader sees it."""
        return " ".join(self.text.split())

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}> class={cls} {attrs} on the page"
        return found[0]

    def by_id(self, id_: str) -> Node:
        [node] = [n for n in self.iter() if n.attrs.get("id") == id_]
        return node

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def dom(response) -> Node:
    builder = _Builder()
    builder.feed(response.get_data(as_text=True))
    builder.close()
    return builder.root


def query_of(url: str) -> dict[str, str]:
    """The parameters of a link, one value each (a repeated parameter fails the test)."""
    params = parse_qs(urlsplit(url).query, keep_blank_values=True)
    assert all(len(v) == 1 for v in params.values()), url
    return {k: v[0] for k, v in params.items()}


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


# --- answers of the app ---------------------------------------------------------


def get(client, url: str, status: int = 200, content_type: str = "text/html"):
    response = client.get(url)
    assert response.status_code == status, (
        url,
        response.status_code,
        response.get_data(True)[:500],
    )
    assert response.mimetype == content_type, (url, response.mimetype)
    if content_type.startswith("text/"):
        assert response.mimetype_params.get("charset") == "utf-8"
    return response


def page(client, url: str, status: int = 200) -> Node:
    return dom(get(client, url, status))


def api(client, url: str, status: int = 200):
    return get(client, url, status, "application/json").get_json()


def hit_links(doc: Node) -> list[str]:
    """The permalink of each hit (its link also carries the search, see test_web_search)."""
    return [urlsplit(a.attrs["href"]).path for a in doc.find_all("a", cls="hit-title")]
