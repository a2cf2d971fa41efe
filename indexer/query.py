"""The query language users already know, parsed and evaluated into sets of documents.

    公安厅 居住证          both words (AND)
    公安厅 OR 民政厅       either
    -培训  NOT 培训        without
    "一窗受理"             the exact string
    (公安厅 OR 民政厅) 培训 grouping

A word is searched as (its jieba words, ANDed, in the word postings) OR (its
exact substring in the flat text); a department name typed as a word also
matches the department under any of its names (住建厅 finds 住房城乡建设厅).
Matching is set algebra over the document numbers of one `index.Snapshot`;
relevance is BM25 over the query's jieba words (`ranking_words`), see
`table.DocTable.most_relevant`. Errors are `QueryError`s with a sentence for
the user, never a traceback; a query that leaves nothing to search is None,
never everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_, sub
from typing import TYPE_CHECKING

from pyroaring import BitMap

from archive.departments import gazetteer

from .analysis import flat, query_words, searchable

if TYPE_CHECKING:
    from .index import Snapshot

MAX_QUERY_LENGTH = 200
MAX_TERMS = 32


class QueryError(ValueError):
    """A query or search parameter the user must correct; the message says how."""


@dataclass(frozen=True)
class Term:
    text: str
    quoted: bool = False


@dataclass(frozen=True)
class Not:
    node: object


@dataclass(frozen=True)
class And:
    nodes: tuple


@dataclass(frozen=True)
class Or:
    nodes: tuple


_TOKEN = re.compile(
    r'\s*(?:(?P<minus>-(?=["“(（]))|(?P<quote>"[^"]*"?|“[^”]*”?)|(?P<open>[(（])|(?P<close>[)）])|(?P<word>[^\s"“”()（）]+))'
)


def _lex(text: str) -> list[tuple[str, str]]:
    tokens = []
    for m in _TOKEN.finditer(text):
        if m["minus"]:  # -"phrase" and -(group) exclude, like -word
            tokens.append(("not", "-"))
        elif m["quote"]:
            quote = m["quote"]
            closing = "”" if quote[0] == "“" else '"'
            if len(quote) < 2 or quote[-1] != closing:
                raise QueryError("引号不成对：请补上结束的引号")
            tokens.append(("phrase", quote[1:-1]))
        elif m["open"]:
            tokens.append(("open", "("))
        elif m["close"]:
            tokens.append(("close", ")"))
        elif m["word"]:
            word = m["word"]
            if word in ("OR", "|"):
                tokens.append(("or", word))
            elif word == "AND":
                continue
            elif word == "NOT":
                tokens.append(("not", word))
            elif word.startswith("-") and len(word) > 1:
                tokens.append(("not", "-"))
                tokens.append(("word", word[1:]))
            else:
                tokens.append(("word", word))
    return tokens


# Control characters (C0, DEL, C1) are no text anyone searches for: a pasted or
# URL-encoded one ("%00") separates words like a space. Kept, NUL would match across
# the "\0" that ends each document in `DocTable.joined` ("。\0公" found "…会议。").
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def parse_query(text: str) -> object | None:
    """Query text -> tree of Term/Not/And/Or; None for an empty query."""
    text = _CONTROL.sub(" ", text or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"查询过长：最多 {MAX_QUERY_LENGTH} 个字符")
    tokens = _lex(text)
    if not tokens:
        return None
    if sum(1 for kind, _ in tokens if kind in ("word", "phrase")) > MAX_TERMS:
        raise QueryError(f"查询词过多：最多 {MAX_TERMS} 个")
    parser = _Parser(tokens)
    node = parser.expression()
    if parser.position != len(tokens):
        raise QueryError("括号不成对：多了一个右括号")
    return node


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.position = 0

    def peek(self) -> str | None:
        return self.tokens[self.position][0] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def expression(self):
        parts = [self.conjunction()]
        while self.peek() == "or":
            self.take()
            if self.peek() in (None, "close", "or"):
                raise QueryError("OR 的两边都要有查询词")
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def conjunction(self):
        parts = []
        while self.peek() not in (None, "or", "close"):
            parts.append(self.unary())
        if not parts:
            raise QueryError("OR 的两边都要有查询词" if self.peek() == "or" else "括号里没有查询词")
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self):
        kind, value = self.take()
        if kind == "not":
            if self.peek() in (None, "or", "close"):
                raise QueryError("NOT 或 - 后面要跟查询词")
            return Not(self.unary())
        if kind == "open":
            node = self.expression()
            if self.peek() != "close":
                raise QueryError("括号不成对：缺少右括号")
            self.take()
            return node
        if kind == "phrase":
            return Term(value, quoted=True)
        if kind == "word":
            return Term(value)
        raise QueryError("括号不成对：多了一个右括号")


def matching(node, snapshot: Snapshot) -> BitMap | None:
    """The documents a query tree matches; None where nothing searchable is left (only punctuation)."""
    if node is None:
        return None
    if isinstance(node, Term):
        return _term_docs(node, snapshot)
    live = snapshot.table.live
    if isinstance(node, Not):
        inner = matching(node.node, snapshot)
        return BitMap(live) - inner if inner is not None else None
    if isinstance(node, Or):
        parts = [p for p in (matching(n, snapshot) for n in node.nodes) if p is not None]
        return reduce(or_, parts, BitMap()) if parts else None
    positive = [
        p
        for p in (matching(n, snapshot) for n in node.nodes if not isinstance(n, Not))
        if p is not None
    ]
    negative = [
        p
        for p in (matching(n.node, snapshot) for n in node.nodes if isinstance(n, Not))
        if p is not None
    ]
    if not positive and not negative:
        return None
    result = reduce(and_, sorted(positive, key=len)) if positive else BitMap(live)
    return reduce(sub, negative, BitMap(result))


def _term_docs(term: Term, snapshot: Snapshot) -> BitMap | None:
    needle = flat(term.text)
    if not searchable(needle):
        return None
    table = snapshot.table
    docs = table.containing(needle)
    if term.quoted:
        return docs
    words = query_words(term.text)
    if len(words) > 1:  # one word is a substring already; several may stand apart
        docs |= reduce(and_, sorted((snapshot.word_docs(w) for w in words), key=len))
    department = gazetteer().resolve(term.text)
    if department:
        docs |= table.having("department", department.short_name)
        for name in department.names:
            if needle not in flat(name):  # a name holding the term is found already
                docs |= table.containing(flat(name))
    return docs


def ranking_words(node) -> list[str]:
    """What relevance is measured by: the jieba words of the positive terms (flat), and quoted phrases whole."""
    found: list[str] = []
    for term in _positive_terms(node):
        found.extend(flat(w) for w in ([term.text] if term.quoted else query_words(term.text)))
    return list(dict.fromkeys(w for w in found if searchable(w)))


def _positive_terms(node, negated: bool = False) -> list[Term]:
    if node is None:
        return []
    if isinstance(node, Term):
        return [] if negated else [node]
    if isinstance(node, Not):
        return _positive_terms(node.node, not negated)
    return [t for n in node.nodes for t in _positive_terms(n, negated)]


def highlight_terms(node) -> list[str]:
    """Strings to mark in a hit: positive terms, their jieba words, and a department's other names."""
    found: list[str] = []
    for term in _positive_terms(node):
        found.append(term.text)
        if not term.quoted:
            found.extend(w for w in query_words(term.text) if len(w) > 1)
            department = gazetteer().resolve(term.text)
            if department:
                found.extend(department.forms)
    return list(dict.fromkeys(t for t in found if t.strip()))
