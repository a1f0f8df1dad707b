"""A view of one resource for people: its statements with their sources, grouped by
property and paged where a property has many values, its blank nodes' own statements, the
labels of everything it names, what links to it, and the passages and sources it cites.

Every query here is static text; the resource, and the numbers of a page, enter it only
through :func:`kuopio_graph.binding.bind`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from .binding import bind
from .naming import best_label, labels
from .store import Store, Term

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
SOURCE = "http://purl.org/dc/terms/source"
DESCRIPTION_PROPERTIES = (
    "http://www.w3.org/2000/01/rdf-schema#comment",
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://purl.org/dc/terms/description",
)

STATEMENT_ROWS = 500
"""The most rows of statements a page reads at once; a resource with more is read a property
at a time, a page of values each."""

FIRST_STATEMENTS = """
SELECT ?entity ?property ?value ?source
WHERE {
  ?entity ?property ?value .
  OPTIONAL { GRAPH ?source { ?entity ?property ?value } }
}
LIMIT $limit
"""
"""The statements of an ordinary resource, all at once; unsorted, so that reading the first
rows of a resource with a hundred thousand costs no more than an ordinary one."""

VALUES_PER_PAGE = 25
"""How many values of one property a page lists; the rest are on further pages."""

VALUE_COUNTS = """
SELECT ?property (COUNT(*) AS ?count)
WHERE { ?entity ?property ?value }
GROUP BY ?property
"""
"""How many values the resource has of each property."""

VALUE_WINDOW = "SELECT ?value WHERE { ?entity ?property ?value } LIMIT $limit OFFSET $offset"
"""One page of one property's values, in the engine's own order (stable, as the data does not
change while it is served)."""

WINDOW_SOURCES = f"""
SELECT ?value ?source
WHERE {{
  {{ {VALUE_WINDOW} }}
  GRAPH ?source {{ ?entity ?property ?value }}
}}
"""
"""The sources of a page of one property's values. (A join, not ``OPTIONAL``: the engine
answers it value by value, where ``OPTIONAL`` would read every value of the property in every
source.)"""

WINDOW_BLANK_NODE_STATEMENTS = f"""
SELECT ?value ?inner_property ?inner_value
WHERE {{
  {{ {VALUE_WINDOW} }}
  FILTER(isBlank(?value))
  ?value ?inner_property ?inner_value .
}}
"""
"""The statements of the blank nodes among a page of one property's values."""

BLANK_NODE_STATEMENTS = """
SELECT ?entity ?value ?inner_property ?inner_value
WHERE {
  ?entity ?property ?value .
  FILTER(isBlank(?value))
  ?value ?inner_property ?inner_value .
}
"""
"""The statements of the resource's blank nodes (named as in the window's query)."""

BACKLINKS_PER_PAGE = 25
"""How many links to a resource one page lists; the rest are on further pages."""

BACKLINKS = """
SELECT ?entity ?subject ?property
WHERE { ?subject ?property ?entity . FILTER(isIRI(?subject)) }
LIMIT $limit OFFSET $offset
"""
"""What links here: one page of links in the engine's own order (stable, as the data does not
change while it is served), plus one to tell whether another page follows. Unsorted, so a page
about a resource with a hundred thousand links is as fast as any other."""

PASSAGES = """
SELECT ?entity ?passage ?text ?document ?url ?position ?rendering
WHERE {
  ?entity prov:wasDerivedFrom ?passage .
  ?passage prov:value ?text ; dct:isPartOf ?document .
  OPTIONAL { ?document schema:url ?url }
  OPTIONAL { ?passage schema:position ?position }
  OPTIONAL { ?passage rdfs:comment ?rendering FILTER(LANG(?rendering) != "") }
}
ORDER BY ?document ?position ?passage
"""
"""The passages the resource was drawn from, quoted in their page's language, with the address
of the page and the passage's renderings in other languages (one row for each)."""

SOURCES = """
SELECT ?entity ?document ?url
WHERE {
  ?entity dct:source ?document .
  OPTIONAL { ?document schema:url ?url }
}
ORDER BY ?document
"""


@dataclass(frozen=True)
class Value:
    """One value of a property: an IRI with its labels, a blank node, or a literal."""

    term: Term
    sources: tuple[str, ...] = ()
    inner: tuple[tuple[str, Value], ...] = ()
    """A blank node's own properties and values."""

    @property
    def is_iri(self) -> bool:
        """Whether the value is an IRI (and so can be linked to)."""
        return isinstance(self.term, ox.NamedNode)

    @property
    def text(self) -> str:
        """The IRI, the literal's lexical form, or the blank node's label."""
        return self.term.value

    @property
    def language(self) -> str | None:
        """The literal's language tag, if it has one."""
        return self.term.language if isinstance(self.term, ox.Literal) else None


@dataclass(frozen=True)
class Quotation:
    """A passage's words in one language: the page's own, or a rendering of them."""

    text: str
    language: str | None
    original: bool


@dataclass(frozen=True)
class Passage:
    """A quoted passage of a source document, verbatim in the page's language, and its
    renderings in other languages."""

    iri: str
    text: str
    language: str | None
    document: str
    url: str | None = None
    renderings: tuple[tuple[str, str], ...] = ()
    """(language, text) for each rendering."""

    @property
    def length(self) -> int:
        """How many characters the quotation has."""
        return len(self.text)

    @property
    def original(self) -> Quotation:
        """The passage as the page words it."""
        return Quotation(self.text, self.language, original=True)

    def in_language(self, language: str) -> Quotation:
        """The passage in ``language``: the original where the page is in it, else a
        rendering in it, else the original."""
        if self.language == language:
            return self.original
        for tag, text in self.renderings:
            if tag == language:
                return Quotation(text, tag, original=False)
        return self.original

    def besides(self, language: str) -> list[Quotation]:
        """Every other version of the passage than the one shown in ``language``: always the
        original when a rendering is shown, and the renderings in other languages."""
        shown = self.in_language(language)
        versions = [self.original] + [
            Quotation(text, tag, original=False) for tag, text in self.renderings
        ]
        return [version for version in versions if version != shown]


@dataclass(frozen=True)
class Source:
    """A source document and the address of the page."""

    iri: str
    url: str | None


@dataclass(frozen=True)
class EntityView:
    """Everything a page about one resource shows."""

    iri: str
    labels: dict[str, dict[str, str]]
    """Labels by IRI and language, for the resource and everything around it."""
    statements: list[tuple[str, list[Value]]]
    """Each property with one page of its values (all of them, for most)."""
    value_counts: dict[str, int]
    """How many values the resource has of each property."""
    value_pages: dict[str, int]
    """Which page of its values each property shows, from 1 (when it has more than one)."""
    backlinks: list[tuple[str, str]]
    """One page of what links here: (subject, property), sorted by property, then subject."""
    backlinks_page: int
    """Which page of links ``backlinks`` is, from 1."""
    more_backlinks: bool
    """Whether another page of links follows."""
    passages: list[Passage]
    sources: list[Source]

    def passages_of(self, document: str) -> list[Passage]:
        """The passages of ``document`` the resource cites: what that source states of it."""
        return [passage for passage in self.passages if passage.document == document]

    @property
    def types(self) -> list[str]:
        """The resource's classes."""
        return [v.text for p, values in self.statements if p == RDF_TYPE for v in values]

    def label(self, iri: str, language: str) -> str | None:
        """The label of ``iri`` in ``language``, else in English or Finnish, else None."""
        return best_label(self.labels.get(iri, {}), language)

    def descriptions(self, language: str) -> list[str]:
        """The resource's comments and definitions in ``language``."""
        return [
            value.text
            for prop, values in self.statements
            if prop in DESCRIPTION_PROPERTIES
            for value in values
            if value.language == language
        ]


def entity_view(
    store: Store,
    iri: str,
    backlinks_page: int = 1,
    value_pages: Mapping[str, int] | None = None,
) -> EntityView:
    """Gather what a page about ``iri`` shows: statements with sources, labels, and page
    ``backlinks_page`` of what links here. A property with many values shows page
    ``value_pages[property]`` of them (the first if not given).

    Blank nodes, passages and sources are asked for only when the statements name some, so a
    typical page costs four small queries."""
    entity = {"entity": ox.NamedNode(iri)}
    value_pages = value_pages or {}
    rows = store.select(FIRST_STATEMENTS, entity, limit=STATEMENT_ROWS + 1)
    if len(rows) > STATEMENT_ROWS:
        statements, value_counts = _statements_by_window(store, iri, value_pages)
    else:
        statements, value_counts = _window(_all_statements(store, rows, entity), value_pages)
    stated = {prop for prop, _ in statements}
    found = [
        (row["property"].value, row["subject"].value)
        for row in store.select(
            BACKLINKS,
            entity,
            limit=BACKLINKS_PER_PAGE + 1,
            offset=(backlinks_page - 1) * BACKLINKS_PER_PAGE,
        )
    ]
    backlinks = sorted(found[:BACKLINKS_PER_PAGE])
    view = EntityView(
        iri=iri,
        labels={},
        statements=statements,
        value_counts=value_counts,
        value_pages={
            prop: value_pages.get(prop, 1)
            for prop, count in value_counts.items()
            if count > VALUES_PER_PAGE
        },
        backlinks=[(subject, prop) for prop, subject in backlinks],
        backlinks_page=backlinks_page,
        more_backlinks=len(found) > BACKLINKS_PER_PAGE,
        passages=_passages(store.select(PASSAGES, entity) if DERIVED_FROM in stated else []),
        sources=[
            Source(row["document"].value, row["url"].value if "url" in row else None)
            for row in (store.select(SOURCES, entity) if SOURCE in stated else ())
        ],
    )
    view.labels.update(labels(store, _shown(view)))
    return view


def _passages(rows: list[dict[str, Term]]) -> list[Passage]:
    """The passages of ``rows``, in order, each with all its renderings."""
    renderings: dict[str, list[tuple[str, str]]] = {}
    first: dict[str, dict[str, Term]] = {}
    for row in rows:
        iri = row["passage"].value
        first.setdefault(iri, row)
        rendering = row.get("rendering")
        if isinstance(rendering, ox.Literal) and rendering.language:
            renderings.setdefault(iri, []).append((rendering.language, rendering.value))
    return [
        Passage(
            iri,
            row["text"].value,
            row["text"].language if isinstance(row["text"], ox.Literal) else None,
            row["document"].value,
            row["url"].value if "url" in row else None,
            tuple(renderings.get(iri, ())),
        )
        for iri, row in first.items()
    ]


def _shown(view: EntityView) -> Iterator[str]:
    """Every IRI a page about ``view`` names: the resource, properties, values, links."""
    yield view.iri
    for prop, values in view.statements:
        yield prop
        for value in values:
            if value.is_iri:
                yield value.text
            for inner_property, inner_value in value.inner:
                yield inner_property
                if inner_value.is_iri:
                    yield inner_value.text
    for subject, prop in view.backlinks:
        yield subject
        yield prop
    for passage in view.passages:
        yield passage.iri
    for source in view.sources:
        yield source.iri


def _all_statements(
    store: Store, rows: list[dict[str, Term]], entity: Mapping[str, ox.NamedNode]
) -> list[tuple[str, list[Value]]]:
    """Every statement of a resource from all its ``rows``, with its blank nodes' own."""
    inner = _blank_nodes(store, rows, bind(BLANK_NODE_STATEMENTS, entity))
    return _statements(((row["property"], row) for row in rows), inner)


def _blank_nodes(
    store: Store, rows: list[dict[str, Term]], query: str
) -> dict[Term, list[tuple[str, Value]]]:
    """The own statements of the blank nodes among the values of ``rows``, by node, from the
    bound ``query`` (asked only if there are any)."""
    inner: dict[Term, list[tuple[str, Value]]] = {}
    if any(isinstance(row["value"], ox.BlankNode) for row in rows):
        for row in store.select(query):
            inner.setdefault(row["value"], []).append(
                (row["inner_property"].value, Value(row["inner_value"]))
            )
    return inner


def _window(
    statements: list[tuple[str, list[Value]]], value_pages: Mapping[str, int]
) -> tuple[list[tuple[str, list[Value]]], dict[str, int]]:
    """Each property's page of values out of all of them, and how many it has."""
    shown = []
    for prop, values in statements:
        start = (value_pages.get(prop, 1) - 1) * VALUES_PER_PAGE
        shown.append((prop, values[start : start + VALUES_PER_PAGE]))
    return shown, {prop: len(values) for prop, values in statements}


def _statements_by_window(
    store: Store, iri: str, value_pages: Mapping[str, int]
) -> tuple[list[tuple[str, list[Value]]], dict[str, int]]:
    """A page of each property's values, read a property at a time (for a resource with too
    many statements to read at once), and how many values each property has."""
    entity = ox.NamedNode(iri)
    counts = {
        row["property"].value: int(row["count"].value)
        for row in store.select(VALUE_COUNTS, {"entity": entity})
    }
    statements = []
    for prop in counts:
        window = {"entity": entity, "property": ox.NamedNode(prop)}
        page = {
            "limit": VALUES_PER_PAGE,
            "offset": (value_pages.get(prop, 1) - 1) * VALUES_PER_PAGE,
        }
        rows = store.select(VALUE_WINDOW, window, **page)
        rows += store.select(WINDOW_SOURCES, window, **page)
        inner = _blank_nodes(store, rows, bind(WINDOW_BLANK_NODE_STATEMENTS, window, **page))
        statements += _statements(((ox.NamedNode(prop), row) for row in rows), inner)
    return statements, counts


def _statements(
    rows: Iterable[tuple[Term, dict[str, Term]]], inner: dict[Term, list[tuple[str, Value]]]
) -> list[tuple[str, list[Value]]]:
    """Group rows by property, and each value's sources together; values in SPARQL's order
    (blank nodes, then IRIs, then literals, each by text), so any store gives the same page."""
    grouped: dict[str, dict[Term, list[str]]] = {}
    for prop, row in rows:
        sources = grouped.setdefault(prop.value, {}).setdefault(row["value"], [])
        if "source" in row:
            sources.append(row["source"].value)
    return [
        (
            prop,
            [
                Value(term, sources=tuple(sorted(sources)), inner=_sorted(inner.get(term, ())))
                for term, sources in sorted(values.items(), key=_order)
            ],
        )
        for prop, values in grouped.items()
    ]


def _sorted(statements: Iterable[tuple[str, Value]]) -> tuple[tuple[str, Value], ...]:
    """A blank node's own statements, by property, then value (as the engine gives them,
    their order would differ from one store to another)."""
    return tuple(sorted(statements, key=lambda item: (item[0], *_order((item[1].term, [])))))


def _order(item: tuple[Term, list[str]]) -> tuple[int, str]:
    """Where a value sorts among its property's values."""
    term = item[0]
    kind = 0 if isinstance(term, ox.BlankNode) else 1 if isinstance(term, ox.NamedNode) else 2
    return kind, term.value
