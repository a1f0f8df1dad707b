"""Read a query's text once, as Oxigraph's parser will read it, before any parser sees it.

Oxigraph parses SPARQL with a recursive-descent parser that has no lexer of its own, and it
reads some texts otherwise than the grammar's letter or rdflib does: a keyword may follow a
number, a prefixed name or another keyword with no space between (``1SERVICE``,
``SERVICEex:s``, ``ASKFROM``), the local part of a prefixed name takes one run of dots at most,
and ``\\u`` escapes count only inside strings and IRIs. :func:`scan` reads a query the same way,
with one regular expression, and reports what the checks in :mod:`kuopio_graph.guard` need:

- where a word holds ``service``, outside strings, IRIs, comments, variables and local names:
  only there can Oxigraph read a SERVICE keyword;
- the graphs FROM and FROM NAMED name, and the prefixes the query declares;
- whether the query is an update (its first keyword);
- how deep its parse goes, in levels of about a kilobyte of the parser's stack each: every
  bracket open around a point, and every operator or clause chained before it (the parser and
  the engine recurse once per link of ``!!!``, ``1+1+1``, ``p|p|p``, ``UNION`` or ``BIND``);
- how much the parser reads again: it tries the long form of REGEX, SUBSTR, REPLACE and
  GROUP_CONCAT first, and reads their arguments again when it does not fit, so a token inside
  k of them is read 2^k times.

It raises :class:`QuerySyntaxError` for what no parser accepts: an escape that names no
character, a string that does not end, a lone surrogate.

Where a ``<`` could begin an IRI or compare two values (``?a <b> …`` inside brackets), the scan
takes it as an IRI. When reading it as a comparison could hide a SERVICE or FROM (the would-be
IRI holds a quote, or a closing bracket and then one of those words, or a ``#`` that would begin
a comment while the rest of its line opens a long string), it says the query is unclear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import QuerySyntaxError

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
"""PN_CHARS_BASE as Oxigraph has it (without the supplementary planes)."""
_START = _BASE + "_0-9"
"""What a variable's name, a blank node's label or a local name may begin with."""
_NAME = _START + "\u00b7\u0300-\u036f\u203f-\u2040"
"""What the rest of a variable's name may hold."""
_PN = _NAME + "\\-"
"""PN_CHARS: what the rest of a prefix, a label or a local name may hold."""
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_IRI_BODY = r"(?:[^\x00-\x20<>\"{}|^`\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+"

TOKEN = re.compile(
    rf"""
    (?:[ \t\r\n]++|\#[^\r\n]*+)*+
    (?:(?P<iri><{_IRI_BODY}>)
    |(?P<string>(?s:'''(?:[^'\\]|\\.|'(?!''))*+'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*+\"\"\")
        |'(?:[^'\\\n\r]|\\.)*+'|"(?:[^"\\\n\r]|\\.)*+")
    |(?P<unended>['"])
    |(?P<var>[?$][{_START}][{_NAME}]*+)
    |(?P<bnode>_:[{_START}][{_PN}]*+)
    |(?P<langtag>@[A-Za-z]++(?:-[A-Za-z0-9]++)*+(?:--[A-Za-z]++)?)
    |(?P<number>[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?))
    |(?P<pname>(?:[{_BASE}][{_PN}]*+)?:(?:(?:[{_START}:]|{_PLX})(?:[{_PN}:]|{_PLX})*+)?)
    |(?P<word>[{_BASE}_][{_PN}]*+)
    |(?P<open><(?!<{_IRI_BODY}>)<|[({{\[])
    |(?P<close>>>|[)}}\]])
    |(?P<separator>[.,;])
    |(?P<datatype>\^\^)
    |(?P<operator>\|\||&&|!=|<=|>=|[!=<>+\-*/|^?])
    |(?P<other>(?s:\\.?|.))
    |(?P<end>\Z))
    """,
    re.VERBOSE,
)
"""One token of a query, after any spaces and comments, as Oxigraph reads it. Prefixes and
local names stop at the first dot, and a backslash outside strings and IRIs is read with the
character after it: either can only make the scan see more of the query as code than Oxigraph
does, never less. Every repetition is possessive, a word takes the same run of letters a prefix
would, and spaces and comments at the end are a token too, so that no text is read more than
twice."""

DOTTED = re.compile(rf"\.+(?:[{_PN}:]|{_PLX})+")
"""What Oxigraph's local names take on past a dot: one run of dots, and what follows."""
ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([tbnrf\"'\\])|(.?))", re.S)
SURROGATE = re.compile("[\ud800-\udfff]")
LINE_BREAK = re.compile("[\r\n]")

OPEN_LEVELS = 8
"""Levels an open bracket stands for: a function call such as ``STR(`` takes about eight
kilobytes of the parser's stack, more than anything else that nests."""
CHAINED_LEVELS = {
    "bind": 3,
    "filter": 1,
    "optional": 1,
    "minus": 1,
    "union": 1,
    "graph": 1,
    "service": 1,
    "values": 1,
    "exists": 1,
    "lateral": 1,
}
"""Clauses that chain: each adds to the depth of what follows it in its group (BIND most)."""
CHAINED = re.compile("|".join(CHAINED_LEVELS))
NOTABLE = re.compile("|".join(("service", "from", "-", *CHAINED_LEVELS)), re.IGNORECASE)
"""What makes a word worth a closer look past the prologue."""
DOUBLED = ("regex", "substr", "replace", "group_concat")
"""Functions whose arguments the parser may read twice."""
UPDATES = ("insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with")
"""The first keywords of SPARQL Update operations."""
OPERAND_END = frozenset(
    ("iri", "string", "var", "bnode", "langtag", "number", "pname", "word", "close")
)
"""Tokens after which a ``<`` may compare rather than begin an IRI."""
PLAIN = frozenset(("var", "bnode", "langtag", "datatype"))
"""Tokens that need no more than counting."""
HIDDEN_COMMENT = "a long string begins on the line of a '<' that may begin a comparison"


@dataclass
class Scan:
    """What :func:`scan` found in a query."""

    service: int | None = None
    """Where the first word holding ``service`` is, or None."""
    dataset: list[tuple[bool, str | tuple[str, str]]] = field(default_factory=list)
    """Each FROM (False) and FROM NAMED (True) graph: an IRI, or a prefixed name's parts."""
    prefixes: dict[str, str] = field(default_factory=dict)
    """The prefixes the query declares."""
    update: bool = False
    depth: int = 0
    """The deepest the parse goes, in levels (see the module's description)."""
    deepest: int = 0
    """Where it first goes that deep."""
    rereads: int = 0
    """How many times the parser reads a token again, all tokens together."""
    unclear: tuple[int, str] | None = None
    """Where, and why, the scan cannot tell what Oxigraph reads: SERVICE or FROM may hide."""


def scan(query: str, max_depth: int | None = None, max_rereads: int | None = None) -> Scan:
    """Read ``query`` as Oxigraph will; raise :class:`QuerySyntaxError` if no parser can.

    The scan stops as soon as the parse goes deeper than ``max_depth`` or reads tokens again
    more than ``max_rereads`` times: a query that will be refused need not be read to its end.
    """
    surrogate = SURROGATE.search(query)
    if surrogate:
        raise QuerySyntaxError(
            f"the text holds a lone surrogate, U+{ord(surrogate.group()):04X}, at"
            f" {position(query, surrogate.start())}: it is not a character"
        )
    reader = _Reader(query)
    found = reader.found
    depth_limit = max_depth if max_depth is not None else len(query) * OPEN_LEVELS
    reread_limit = max_rereads if max_rereads is not None else 1 << 62
    previous = ""
    for token in TOKEN.finditer(query):
        kind = token.lastgroup or "other"
        if kind == "end":
            break
        start = token.start(kind)
        if reader.line_end >= 0:
            reader.past_line(kind, start, token.end())
        found.rereads += reader.multiplier - 1
        if found.depth > depth_limit or found.rereads > reread_limit:
            break
        if kind in PLAIN:
            if reader.expecting is not None:
                reader.expected(kind, token.group(kind), start)
            previous = kind
            continue
        text = token.group(kind)
        if kind == "string":
            if "\\" in text:
                _check_escapes(query, text, start)
        elif kind == "iri":
            if "\\" in text:
                _check_escapes(query, text, start)
            if previous in OPERAND_END and (reader.guessing or reader.top.bracket == "("):
                reader.maybe_comparison(text, start, token.end())
        elif kind == "unended":
            raise QuerySyntaxError(f"the string that begins at {position(query, start)} never ends")
        if kind == "word" or kind == "pname":
            reader.last_word = text
            if reader.expecting is not None or reader.prologue or NOTABLE.search(text):
                reader.word(kind, text, start)
        elif reader.expecting is not None:
            reader.expected(kind, text, start)
        if kind == "open":
            doubled = previous == "word" and reader.last_word.lower().endswith(DOUBLED)
            reader.open(text, start, doubled)
        elif kind == "close":
            reader.close(text, start)
        elif kind == "operator":
            reader.deeper(1, start)
        elif kind == "number":
            if text[0] in "+-" and reader.top.bracket == "(":
                reader.deeper(1, start)  # "1 -1" inside brackets subtracts
        elif kind == "separator":
            if text == "," or reader.top.bracket != "(":
                reader.level = reader.top.inside  # a new triple, object or argument
        previous = kind
    return found


def position(query: str, offset: int) -> str:
    """``line L, column C`` of ``offset`` in ``query`` (both counted from 1)."""
    line = query.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - query.rfind(chr(10), 0, offset)}"


def iri_value(text: str) -> str:
    """The IRI an IRI token (``<…>``) names, its ``\\u`` escapes decoded."""
    return ESCAPE.sub(_decoded, text[1:-1])


@dataclass
class _Frame:
    """A bracket open at this point of the scan."""

    bracket: str
    outside: int
    """The depth just before the bracket."""
    multiplier: int
    """How many times the parser reads what was before it (see :data:`DOUBLED`)."""
    chain: int = 0
    """Levels of the clauses chained in it so far (FILTER, BIND, UNION, groups, …)."""

    @property
    def inside(self) -> int:
        """The depth of its contents before any operator."""
        return self.outside + (OPEN_LEVELS if self.bracket else 0) + self.chain


class _Reader:
    """The state of one scan: what it has found, and the brackets open."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.found = Scan()
        self.stack = [_Frame("", 0, 1)]
        self.top = self.stack[0]
        self.level = 0
        self.multiplier = 1
        self.expecting: str | None = None
        """What the next token is: after FROM, "from" or "from named"; after PREFIX, "prefix",
        then the prefix declared ("ex:"); after BASE or VERSION, "base" or "version"."""
        self.prologue = True
        self.last_word = ""
        """The last word read, for the function a "(" opens."""
        self.guessing = False
        """A "<…#…>" was read as an IRI: the brackets may differ from Oxigraph's from here on."""
        self.line_end = -1
        """…and the end of its line must not fall inside a long string."""
        self.newline = -1
        """Where the next line break is, from the last place it was looked for."""

    def deeper(self, levels: int, at: int, chained: bool = False) -> None:
        self.level += levels
        if chained:
            self.top.chain += levels
        if self.level > self.found.depth:
            self.found.depth, self.found.deepest = self.level, at

    def unclear(self, at: int, reason: str) -> None:
        self.found.unclear = self.found.unclear or (at, reason)

    def open(self, bracket: str, at: int, doubled: bool) -> None:
        self.top = _Frame(bracket, self.level, self.multiplier)
        self.stack.append(self.top)
        if doubled and self.multiplier < 1 << 40:
            self.multiplier *= 2
        self.deeper(OPEN_LEVELS, at)

    def close(self, bracket: str, at: int) -> None:
        if bracket == ">>" and self.top.bracket != "<<":
            self.deeper(2, at)  # two ">" comparisons
            return
        if len(self.stack) == 1:
            return  # unbalanced: the parser stops there
        closed = self.stack.pop()
        self.top = self.stack[-1]
        self.level, self.multiplier = closed.outside, closed.multiplier
        if closed.bracket == "{":
            self.deeper(1, at, chained=True)  # a group joins the ones before it

    def word(self, kind: str, text: str, start: int) -> None:
        """Look at a word or a prefixed name: SERVICE, FROM, PREFIX, the first keyword."""
        name = text.lower() if kind == "word" else text[: text.index(":")].lower()
        if "service" in name and self.found.service is None:
            self.found.service = start
        if self.expecting is not None:
            self.expected(kind, text, start)
        elif kind == "pname":
            if "from" in name:
                self.unclear(start, "a word holding FROM is joined to a prefixed name")
            elif self.prologue and name.startswith("prefix"):
                self.expecting = "prefix"
                self.expected(kind, text[len("prefix") :], start)
        elif "from" in name:
            if name.endswith("from"):
                self.expecting = "from"
            elif name.endswith("fromnamed"):
                self.expecting = "from named"
            else:
                self.unclear(start, "a word holds FROM but does not end with it")
        elif self.prologue and name in ("prefix", "base", "version"):
            self.expecting = name  # BASE and VERSION take one token, PREFIX two
        elif self.prologue:
            self.prologue = False
            self.found.update = name.startswith(UPDATES)
        if kind == "word":
            for clause in CHAINED.findall(name):
                self.deeper(CHAINED_LEVELS[clause], start, chained=True)
            if "-" in name:  # "true-true": a word takes in the "-" a prefix could hold
                self.deeper(name.count("-"), start)

    def expected(self, kind: str, text: str, start: int) -> None:
        """Read the token after FROM, FROM NAMED, PREFIX, BASE or VERSION."""
        expecting, self.expecting = self.expecting or "", None
        if expecting == "prefix":
            if kind == "pname" and text.endswith(":"):
                self.expecting = text  # the prefix declared, waiting for its IRI
        elif expecting.endswith(":"):
            if kind == "iri":
                self.found.prefixes[expecting[:-1]] = iri_value(text)
        elif expecting == "from" and kind == "word" and text.lower() == "named":
            self.expecting = "from named"
        elif expecting.startswith("from"):
            self.dataset(expecting == "from named", kind, text, start)

    def dataset(self, named: bool, kind: str, text: str, start: int) -> None:
        """Keep the graph a FROM or FROM NAMED names."""
        if kind == "iri":
            self.found.dataset.append((named, iri_value(text)))
        elif kind == "pname":
            prefix, _, local = text.partition(":")
            dotted = DOTTED.match(self.query, start + len(text))
            local += dotted.group() if dotted else ""
            self.found.dataset.append((named, (prefix, re.sub(r"\\(.)", r"\1", local))))
        else:
            self.unclear(start, "FROM is not followed by an IRI or a prefixed name")

    def maybe_comparison(self, text: str, start: int, end: int) -> None:
        """An IRI right after an operand inside brackets: it may be ``<`` and code instead."""
        body = text[1:-1]
        bracket = body.find(")")
        if "'" in body:
            self.unclear(start, "the text after a '<' that may begin a comparison holds a quote")
        elif bracket >= 0 and re.search("service|from", body[bracket:], re.IGNORECASE):
            self.unclear(start, "the text after a '<' that may begin a comparison names a clause")
        elif "#" in body:  # as a comparison, a comment would hide the rest of the line
            self.guessing = True
            if self.newline < end:
                found = LINE_BREAK.search(self.query, end)
                self.newline = found.start() if found else len(self.query)
            self.line_end = self.newline

    def past_line(self, kind: str, start: int, end: int) -> None:
        """Past the end of a line that a comment may hide: it must not be inside a string."""
        if end > self.line_end:
            if kind == "string" and start < self.line_end:
                self.unclear(self.line_end, HIDDEN_COMMENT)
            self.line_end = -1


def _check_escapes(query: str, text: str, start: int) -> None:
    """Raise :class:`QuerySyntaxError` for an escape in a string or IRI that no parser reads."""
    for escape in ESCAPE.finditer(text):
        code = escape.group(1) or escape.group(2)
        point = int(code, 16) if code is not None else 0
        if escape.group(4) is None and point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF:
            continue
        where = position(query, start + escape.start())
        if 0xD800 <= point <= 0xDFFF:
            raise QuerySyntaxError(
                f"{escape.group()} at {where} is a surrogate, not a character: write a"
                " character past U+FFFF as \\U and eight hex digits, not as a pair of \\u"
            )
        if point > 0x10FFFF:
            raise QuerySyntaxError(
                f"{escape.group()} at {where} names no character: code points end at U+10FFFF"
            )
        if escape.group(4) is not None:
            raise QuerySyntaxError(
                f"{escape.group()!r} at {where} is not an escape: a string may hold \\t \\b \\n"
                " \\r \\f \\\" \\' \\\\, \\u and four hex digits, or \\U and eight"
            )


def _decoded(escape: re.Match[str]) -> str:
    code = escape.group(1) or escape.group(2)
    return chr(int(code, 16)) if code else escape.group()
