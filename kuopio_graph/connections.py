"""How a resource is connected to others: the tree of its relationships two steps out, the
classes of organisations, and its dated relationships for a timeline.

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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial

import pyoxigraph as ox

from .binding import bind, union
from .naming import best_label, labels
from .store import Store

READ_AHEAD = 3
"""For each resource and way of relating, this many times as many neighbours are read as are
shown; past that, the tree says there are more (and orders by label only what it read)."""

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

NEIGHBOURS = {
    way: f"""SELECT ("{way}" AS ?way) ?node ?neighbour ?kind
  WHERE {{ {pattern} FILTER(isIRI(?neighbour) && ?neighbour != ?node) }}
  LIMIT $limit"""
    for way, pattern in WAYS.items()
}
"""For each way, the neighbours of the resources ``?node`` binds (at most ``$limit``)."""

COUNTS = {
    way: f"""SELECT ("{way}" AS ?way) (COUNT(DISTINCT ?neighbour) AS ?count)
  WHERE {{ {pattern} FILTER(isIRI(?neighbour) && ?neighbour != ?node) }}"""
    for way, pattern in WAYS.items()
}
"""For each way, how many neighbours the resource ``?node`` has."""

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
  { ?class rdfs:subClassOf* org:Organization }
  UNION { ?class rdfs:subClassOf* org:FormalOrganization }
  UNION { ?class rdfs:subClassOf* org:OrganizationalUnit }
  UNION { ?class rdfs:subClassOf* org:OrganizationalCollaboration }
}
"""
"""The W3C ORG vocabulary's kinds of organisation and the ontology's classes under them. (Each
kind named in the path itself: Virtuoso 7 follows a path of any length only from a term the
query names there, not from a variable bound by ``VALUES``.)"""

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
"""The dated relationships of ``?entity``: its participations over an interval, partnerships
and agreement periods, events it hosted or that concern it, and its founding."""


@dataclass
class Branch:
    """One resource in the tree, how it relates to its parent, and what hangs from it."""

    iri: str
    kind: str
    """How the resource relates to its parent: ``unit``, ``part-of``, ``partnership``,
    ``partner`` or a role's IRI; empty for the root and for a box standing for the rest."""
    children: list[Branch] = field(default_factory=list)
    hidden: int | None = 0
    """For a box that stands for the rest of one way of relating (``iri`` empty): how many
    more the parent has than the tree shows, or None if not counted."""


@dataclass(frozen=True)
class Tree:
    """The relationship tree of one resource, with the labels of everything in it."""

    root: Branch
    labels: dict[str, dict[str, str]]

    def label(self, iri: str, language: str) -> str | None:
        """The label of ``iri`` in ``language``, else in English or Finnish."""
        return best_label(self.labels.get(iri, {}), language)


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
    store: Store,
    iri: str,
    first: int = 8,
    second: int = 4,
    language: str = "en",
    also_named: Iterable[str] = (),
) -> Tree:
    """The tree of ``iri``'s relationships two steps out, showing at most ``first`` resources
    of each way of relating at the first step and ``second`` at the second, ordered by kind and
    label in ``language``. The tree's labels include those of ``also_named``."""
    root = Branch(iri, "")
    rows, truncated = _neighbours(store, {way: [iri] for way in WAYS}, READ_AHEAD * first)
    counts = _counts(store, iri, truncated)
    names = labels(store, [iri, *also_named, *_named(rows)])
    seen = {iri}
    _grow(root, [row[1:] for row in rows], first, seen, names, language, counts)
    step = [child for child in root.children if child.iri]
    asked: dict[str, list[str]] = {}
    for child in step:
        for way in FOLLOWED.get(child.kind, FOLLOWED_BY_DEFAULT):
            asked.setdefault(way, []).append(child.iri)
    if asked:
        rows, truncated = _neighbours(store, asked, READ_AHEAD * second)
        names.update(labels(store, set(_named(rows)) - names.keys()))
        for child in step:
            mine = [row[1:] for row in rows if row[0] == child.iri]
            # What a resource is part of is shown even when the tree has it already: that
            # line is the answer to "whose unit is this?".
            allowed = seen - {n for way, n, _ in mine if way == PART_OF and n != iri}
            unknown: dict[str, int | None] = {
                way: None for way in asked if child.iri in truncated.get(way, ())
            }
            _grow(child, mine, second, allowed, names, language, unknown)
            seen |= {grandchild.iri for grandchild in child.children}
    return Tree(root, names)


def organisation_classes(store: Store) -> frozenset[str]:
    """The classes of organisations: ORG's own and those the loaded ontology puts under them."""
    return frozenset(row["class"].value for row in store.select(ORGANISATIONS))


def dated_relationships(store: Store, iri: str) -> list[Dated]:
    """The relationships of ``iri`` that have a date (at most 500), earliest first."""
    rows = store.select(DATED, {"entity": ox.NamedNode(iri)})
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
    store: Store, asked: dict[str, list[str]], per_way: int
) -> tuple[list[tuple[str, str, str, str]], dict[str, list[str]]]:
    """For each way of relating in ``asked``, the neighbours of the resources listed for it,
    reading at most ``per_way`` for each resource and way: rows of (resource, way, neighbour,
    kind); and, by way, the resources whose neighbours may not all have been read."""
    parts = [
        bind(
            NEIGHBOURS[way],
            {"node": [ox.NamedNode(iri) for iri in iris]},
            limit=per_way * len(iris),
        )
        for way, iris in asked.items()
    ]
    found = store.select(union(parts))
    rows = [
        (row["node"].value, row["way"].value, row["neighbour"].value, row["kind"].value)
        for row in found
    ]
    read: dict[str, int] = {}
    for _, way, _, _ in rows:
        read[way] = read.get(way, 0) + 1
    # A way that reached its limit may have left out neighbours of any resource it was asked for.
    truncated = {
        way: iris for way, iris in asked.items() if read.get(way, 0) >= per_way * len(iris)
    }
    return rows, truncated


def _named(rows: list[tuple[str, str, str, str]]) -> Iterator[str]:
    """The IRIs rows of neighbours name: the neighbours, and the roles among the kinds."""
    for _, _, neighbour, kind in rows:
        yield neighbour
        if kind not in WAYS:
            yield kind


def _counts(store: Store, iri: str, ways: Iterable[str]) -> dict[str, int | None]:
    """How many neighbours ``iri`` has in each of ``ways``."""
    parts = [bind(COUNTS[way], {"node": ox.NamedNode(iri)}) for way in ways]
    if not parts:
        return {}
    found = store.select(union(parts))
    return {row["way"].value: int(row["count"].value) for row in found}


def _grow(
    branch: Branch,
    rows: list[tuple[str, str, str]],
    limit: int,
    seen: set[str],
    names: dict[str, dict[str, str]],
    language: str,
    counts: dict[str, int | None],
) -> None:
    """Hang from ``branch`` the first ``limit`` unseen neighbours of each way, by kind and
    label, and a box for the rest of each way: ``counts`` has the number of neighbours of the
    ways not read to their end (None where not counted)."""
    by_way: dict[str, dict[str, str]] = {}
    for way, neighbour, kind in rows:
        if neighbour not in seen:
            by_way.setdefault(way, {}).setdefault(neighbour, kind)
    for way in sorted(by_way.keys() | counts.keys(), key=list(WAYS).index):
        neighbours = by_way.get(way, {})
        ordered = sorted(
            neighbours, key=partial(_order, kinds=neighbours, names=names, language=language)
        )
        for neighbour in ordered[:limit]:
            seen.add(neighbour)
            branch.children.append(Branch(neighbour, neighbours[neighbour]))
        total = counts.get(way, len(ordered)) if way in counts else len(ordered)
        if total is None or total > limit:
            hidden = None if total is None else total - len(ordered[:limit])
            branch.children.append(Branch("", "", hidden=hidden))


def _order(
    neighbour: str, kinds: dict[str, str], names: dict[str, dict[str, str]], language: str
) -> tuple[str, str, str]:
    """Sort key of a neighbour: the label of its kind, then its own label, then its IRI."""
    kind = kinds[neighbour]
    name = best_label(names.get(neighbour, {}), language) or neighbour
    return (best_label(names.get(kind, {}), language) or kind, name.lower(), neighbour)


def _year(value: str | None) -> int | None:
    """The year of an ``xsd:gYear``, ``gYearMonth`` or ``date`` lexical form."""
    if not value:
        return None
    digits = value.lstrip("-")[:4]
    return int(digits) if digits.isdigit() else None
