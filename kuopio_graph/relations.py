"""An organisation's relationships, for people: a tree of who is part of what, and dates.

The tree starts at one resource and follows the organisational links of the W3C ORG vocabulary
two steps out: units (``org:unitOf``, ``org:hasUnit``), participations (``org:Membership`` with
``org:member``, ``org:organization`` and ``org:role``) and partnerships (``org:hasMember``).
So the city's tree reads Kuopio → its service areas → the networks they handle, and a network's
tree reads the network → who in Kuopio takes part, in what role → what they are part of. Each
resource appears once (but for what a resource is part of); each group of like relationships
shows its first members by label and counts the rest, so a resource with thousands of links
still gives a readable picture.

Every query is plain SPARQL 1.1; resources enter as bindings or as IRIs written by the engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .describe import best_label, labels
from .store import GraphStore

READ_FIRST = 100
"""At most this many neighbours of the root are read for each way of relating; past it, the
tree says there are more (and sorts by label only what it read)."""
READ_SECOND = 4
"""At the second step, this many times as many neighbours are read as are shown."""

UNIT = "unit"
PART_OF = "part-of"
TAKES_PART = "takes-part"
HAS_PART = "has-part"
PARTNERSHIP = "partnership"
PARTNER = "partner"

WAYS = {
    UNIT: '?neighbour org:unitOf|^org:hasUnit ?node . BIND("unit" AS ?kind)',
    PART_OF: '?node org:unitOf|^org:hasUnit ?neighbour . BIND("part-of" AS ?kind)',
    TAKES_PART: "?participation org:member ?node ; org:organization ?neighbour ; org:role ?kind .",
    HAS_PART: "?participation org:organization ?node ; org:member ?neighbour ; org:role ?kind .",
    PARTNERSHIP: '?neighbour org:hasMember ?node . BIND("partnership" AS ?kind)',
    PARTNER: '?node org:hasMember ?neighbour . BIND("partner" AS ?kind)',
}
"""Each way a resource (``?node``) relates to a neighbour, as a graph pattern binding the kind of
relationship: ``unit``, ``part-of``, ``partnership``, ``partner``, or a participation's role."""

NEIGHBOURS = """
{
  SELECT ("%s" AS ?way) ?node ?neighbour ?kind
  WHERE { VALUES ?node { %s } %s FILTER(isIRI(?neighbour) && ?neighbour != ?node) }
  LIMIT %d
}
"""
"""One way's part of the query for neighbours: a name from :data:`WAYS`, IRIs written by
Oxigraph (``str(NamedNode)``, never text from a request), that way's pattern and a limit."""

FOLLOWED = {
    UNIT: tuple(way for way in WAYS if way != PART_OF),
    PARTNERSHIP: (PARTNER,),
}
"""What the tree follows at its second step, by how the resource there relates to the root:
from a unit, everything but the way back; from a partnership, its other partners; from
anything else (the default), only what it is part of, so a network's tree shows whose units
take part."""
FOLLOWED_BY_DEFAULT = (PART_OF,)

ORGANISATIONS = """
SELECT DISTINCT ?class
WHERE {
  VALUES ?top {
    org:Organization org:FormalOrganization org:OrganizationalUnit org:OrganizationalCollaboration
  }
  ?class rdfs:subClassOf* ?top .
}
"""
"""The W3C ORG vocabulary's kinds of organisation and the ontology's classes under them."""

DATED = """
SELECT DISTINCT ?event ?kind ?start ?end
WHERE {
  {
    ?event org:member|org:organization ?entity ; org:memberDuring ?interval .
    BIND("lasting" AS ?kind)
    OPTIONAL { ?interval time:hasBeginning/time:inXSDgYear ?start }
    OPTIONAL { ?interval time:hasEnd/time:inXSDgYear ?end }
  } UNION {
    ?event org:hasMember ?entity .
    BIND("lasting" AS ?kind)
    OPTIONAL { ?event schema:startDate ?start }
    OPTIONAL { ?event schema:endDate ?end }
  } UNION {
    ?event kuopio:hostedBy|dct:relation ?entity ; a kuopio:Event .
    BIND("event" AS ?kind)
    OPTIONAL { ?event schema:startDate ?start }
    OPTIONAL { ?event schema:endDate ?end }
  } UNION {
    ?entity schema:foundingDate ?start .
    BIND(?entity AS ?event)
    BIND("event" AS ?kind)
  }
  FILTER(BOUND(?start) || BOUND(?end))
}
LIMIT 500
"""
"""The dated relationships of ``?entity`` (replaced by an IRI written by Oxigraph): its
participations over an interval, partnerships and agreement periods, events it hosted or that
concern it, and its founding."""


@dataclass
class Branch:
    """One resource in the tree, how it relates to its parent, and what hangs from it."""

    iri: str
    kind: str
    """How the resource relates to its parent: ``unit``, ``part-of``, ``partnership``,
    ``partner`` or a role's IRI; empty for the root."""
    children: list[Branch] = field(default_factory=list)
    hidden: int = 0
    """How many more resources of this kind the parent has than the tree shows."""
    more: bool = False
    """Whether the store has more relationships than were read, so ``hidden`` is a floor."""


@dataclass(frozen=True)
class Tree:
    """The relationship tree of one resource, with the labels of everything in it."""

    root: Branch
    labels: dict[str, dict[str, str]]

    def label(self, iri: str, language: str) -> str | None:
        """The label of ``iri`` in ``language``, else in English or Finnish."""
        return best_label(self.labels.get(iri, {}), language)

    @property
    def size(self) -> int:
        """How many resources the tree shows, the root included."""
        return sum(1 for _ in _walk(self.root))


@dataclass(frozen=True)
class Dated:
    """A relationship or event with a start, an end, or both (years, or ISO dates)."""

    iri: str
    start: str | None
    end: str | None
    lasting: bool
    """Whether it lasts (a participation, a partnership) rather than happens (an event, a
    founding): one that lasts and has no end is still going on."""

    @property
    def first_year(self) -> int | None:
        """The year the relationship began, else the year it ends."""
        return _year(self.start) or _year(self.end)

    @property
    def last_year(self) -> int | None:
        """The year it ends, else the year it began."""
        return _year(self.end) or _year(self.start)


def relationship_tree(
    store: GraphStore, iri: str, first: int = 8, second: int = 4, language: str = "en"
) -> Tree:
    """The tree of ``iri``'s relationships two steps out, showing at most ``first`` resources
    of each kind at the first step and ``second`` at the second, ordered by their labels in
    ``language``."""
    root = Branch(iri, "")
    seen = {iri}
    found, truncated = _neighbours(store, {way: [iri] for way in WAYS}, max(READ_FIRST, first))
    names = labels(store, [iri, *(n for n, _ in found.get(iri, []))])
    _grow(root, found.get(iri, []), iri in truncated, first, seen, names, language)
    step = [child for child in root.children if child.iri]
    asked: dict[str, list[str]] = {}
    for child in step:
        for way in FOLLOWED.get(child.kind, FOLLOWED_BY_DEFAULT):
            asked.setdefault(way, []).append(child.iri)
    if asked:
        found, truncated = _neighbours(store, asked, READ_SECOND * second)
        names.update(labels(store, {n for rows in found.values() for n, _ in rows} - seen))
        for child in step:
            rows = found.get(child.iri, [])
            # What a resource is part of is shown even when the tree has it already: that
            # line is the answer to "whose unit is this?".
            allowed = seen - {n for n, kind in rows if kind == PART_OF and n != iri}
            _grow(child, rows, child.iri in truncated, second, allowed, names, language)
            seen |= {grandchild.iri for grandchild in child.children}
    shown = {branch.iri for branch in _walk(root)}
    kinds = {branch.kind for branch in _walk(root, placeholders=True) if ":" in branch.kind}
    names.update(labels(store, kinds - names.keys()))
    return Tree(root, {iri: names[iri] for iri in shown | kinds if iri in names})


def organisation_classes(store: GraphStore) -> frozenset[str]:
    """The classes of organisations: ORG's own and those the loaded ontology puts under them."""
    return frozenset(row["class"].value for row in store.select(ORGANISATIONS))


def dated_relationships(store: GraphStore, iri: str) -> list[Dated]:
    """Every relationship of ``iri`` that has a date, earliest first."""
    # Written into the text: Oxigraph applies a substitution after evaluating the UNION, which
    # at a million triples is ten times slower.
    rows = store.select(DATED.replace("?entity", str(ox.NamedNode(iri))))
    found: dict[str, Dated] = {}
    for row in rows:
        event = row["event"].value
        start = row["start"].value if "start" in row else None
        end = row["end"].value if "end" in row else None
        earlier = found.get(event)
        if earlier is None or (start or "") < (earlier.start or ""):
            found[event] = Dated(event, start, end, lasting=row["kind"].value == "lasting")
    return sorted(found.values(), key=lambda d: (d.first_year or 0, d.last_year or 0, d.iri))


def _neighbours(
    store: GraphStore, asked: dict[str, list[str]], per_way: int
) -> tuple[dict[str, list[tuple[str, str]]], set[str]]:
    """For each way of relating in ``asked``, the neighbours of the resources listed for it,
    with the kind of each relationship (a neighbour related in two ways once, by the first
    read), reading about ``per_way`` for each resource and way; and the resources whose
    neighbours may not all have been read. The resources of one way must be distinct."""
    parts = [
        NEIGHBOURS
        % (
            way,
            " ".join(str(ox.NamedNode(iri)) for iri in iris),
            WAYS[way],
            per_way * len(iris),
        )
        for way, iris in asked.items()
    ]
    rows = store.select("SELECT ?way ?node ?neighbour ?kind WHERE {" + "UNION".join(parts) + "}")
    found: dict[str, dict[str, str]] = {}
    read: dict[str, int] = {}
    for row in rows:
        found.setdefault(row["node"].value, {}).setdefault(
            row["neighbour"].value, row["kind"].value
        )
        read[row["way"].value] = read.get(row["way"].value, 0) + 1
    # A way that reached its limit may have left out neighbours of any resource it was asked for.
    truncated = {
        iri
        for way, iris in asked.items()
        if read.get(way, 0) >= per_way * len(iris)
        for iri in iris
    }
    return {node: list(n.items()) for node, n in found.items()}, truncated


def _grow(
    branch: Branch,
    rows: list[tuple[str, str]],
    more: bool,
    limit: int,
    seen: set[str],
    names: dict[str, dict[str, str]],
    language: str,
) -> None:
    """Hang from ``branch`` the first ``limit`` unseen neighbours of each kind, by label, and
    a placeholder for the rest of each kind."""
    by_kind: dict[str, list[str]] = {}
    for neighbour, kind in rows:
        if neighbour not in seen:
            by_kind.setdefault(kind, []).append(neighbour)
    for kind in sorted(by_kind, key=lambda k: (k == PART_OF, k)):
        ordered = sorted(
            by_kind[kind], key=lambda n: ((best_label(names.get(n, {}), language) or n).lower(), n)
        )
        for neighbour in ordered[:limit]:
            seen.add(neighbour)
            branch.children.append(Branch(neighbour, kind))
        if len(ordered) > limit or more:
            hidden = max(0, len(ordered) - limit)
            branch.children.append(Branch("", kind, hidden=hidden, more=more))


def _walk(branch: Branch, placeholders: bool = False) -> Iterable[Branch]:
    """``branch`` and every branch under it that stands for a resource (and, with
    ``placeholders``, those that stand for the rest of a kind)."""
    if branch.iri or placeholders:
        yield branch
    for child in branch.children:
        yield from _walk(child, placeholders)


def _year(value: str | None) -> int | None:
    """The year of an ``xsd:gYear``, ``gYearMonth`` or ``date`` lexical form."""
    if not value:
        return None
    digits = value.lstrip("-")[:4]
    return int(digits) if digits.isdigit() else None
