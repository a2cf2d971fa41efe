"""The query language users already know, parsed into Whoosh queries.

    公安厅 居住证          both words (AND)
    公安厅 OR 民政厅       either
    -培训  NOT 培训        without
    "一窗受理"             the exact string
    (公安厅 OR 民政厅) 培训 grouping

A word is searched as (its jieba words, ANDed) OR (its bigram phrase); a
department name typed as a word also matches the department under any of its
names (住建厅 finds 住房城乡建设厅). Errors are `QueryError`s with a sentence for
the user, never a traceback. Note Whoosh 2.7 quirks this module steers round:
an empty `And([])`/`Or([])` matches everything, so empty groups are refused or
dropped before they reach Whoosh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import query as wq

from archive.departments import gazetteer

from .analysis import gram_phrase, query_words

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


def parse_query(text: str) -> object | None:
    """Query text -> tree of Term/Not/And/Or; None for an empty query."""
    text = (text or "").strip()
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


def _phrase(text: str) -> wq.Query | None:
    tokens = gram_phrase(text)
    if not tokens:
        return None
    if len(tokens) == 1:
        return wq.Term("grams", tokens[0])
    return wq.Phrase("grams", tokens)


def _term_query(term: Term) -> wq.Query | None:
    exact = _phrase(term.text)
    if term.quoted or exact is None:
        return exact
    alternatives = [exact]
    words = query_words(term.text)
    if len(words) == 1:
        alternatives.append(wq.Term("text", words[0]))
    elif words:
        alternatives.append(wq.And([wq.Term("text", w) for w in words]))
    department = gazetteer().resolve(term.text)
    if department:
        alternatives.append(wq.Term("departments", department.short_name))
        alternatives.extend(_phrase(name) for name in department.names if name != term.text)
    return wq.Or([a for a in alternatives if a is not None])


def to_whoosh(node) -> wq.Query | None:
    """The Whoosh query of a tree; None where nothing searchable is left (e.g. only punctuation)."""
    if node is None:
        return None
    if isinstance(node, Term):
        return _term_query(node)
    if isinstance(node, Not):
        inner = to_whoosh(node.node)
        return wq.AndNot(wq.Every(), inner) if inner is not None else None
    parts = [q for q in (to_whoosh(n) for n in node.nodes) if q is not None]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    if isinstance(node, And):
        positive = [p for p in parts if not _is_negation(p)]
        negative = [p.b for p in parts if _is_negation(p)]
        base = wq.And(positive) if len(positive) > 1 else (positive[0] if positive else wq.Every())
        return wq.AndNot(base, wq.Or(negative)) if negative else base
    return wq.Or(parts)


def _is_negation(q: wq.Query) -> bool:
    return isinstance(q, wq.AndNot) and isinstance(q.a, wq.Every)


def highlight_terms(node) -> list[str]:
    """Strings to mark in a hit: positive terms, their jieba words, and a department's other names."""
    found: list[str] = []

    def walk(n, negated: bool) -> None:
        if n is None:
            return
        if isinstance(n, Term):
            if negated:
                return
            found.append(n.text)
            if not n.quoted:
                found.extend(w for w in query_words(n.text) if len(w) > 1)
                department = gazetteer().resolve(n.text)
                if department:
                    found.extend(department.names)
        elif isinstance(n, Not):
            walk(n.node, not negated)
        else:
            for child in n.nodes:
                walk(child, negated)

    walk(node, False)
    return list(dict.fromkeys(t for t in found if t.strip()))
