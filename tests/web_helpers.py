"""Helpers for the web tests: read HTML pages, RDF documents and SPARQL results back into data."""

from __future__ import annotations

import csv
import io
import json
import struct
import xml.etree.ElementTree as ET  # noqa: S405 - parses the app's own answers in tests
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask.testing import FlaskClient
from rdflib import Graph, Namespace
from rdflib.util import from_n3
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from kuopio_graph import DEFAULT_BASE, RDF_FORMATS, GraphStore
from kuopio_graph.formats import find

BASE = DEFAULT_BASE
ID = f"{BASE}id/"
CLIENT_ROOT = "http://localhost/"
"""Where Flask's test client reaches the app: the addresses the service writes are under it."""
KUOPIO = Namespace(f"{BASE}ontology/")
SCHEMA = Namespace("https://schema.org/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")

HTML = "text/html"
TURTLE = "text/turtle"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"
NTRIPLES = "application/n-triples"
RDF_TYPES = {TURTLE: "turtle", JSONLD: "json-ld", RDFXML: "xml", NTRIPLES: "nt"}
"""The RDF media types the app offers, with rdflib's name for each."""

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
"""What a browser asks for."""


def local(iri: str) -> str:
    """The path that serves ``iri`` (an IRI under the base)."""
    assert iri.startswith(BASE), iri
    return "/" + iri[len(BASE) :]


# RDF


def parse_rdf(response: TestResponse) -> Graph:
    """The response body parsed as the RDF its Content-Type names."""
    return Graph().parse(data=response.get_data(), format=RDF_TYPES[response.mimetype])


def store_graph(store: GraphStore, construct: str) -> Graph:
    """What a CONSTRUCT query gives straight from the store."""
    result = store.query(construct)
    return Graph().parse(data=result.serialize(find(RDF_FORMATS, "nt")), format="nt")


def store_rows(store: GraphStore, select: str) -> set[tuple[str, ...]]:
    """What a SELECT query gives straight from the store: each row's values, as text."""
    result = store.query(select)
    names = result.variables
    return {
        tuple(row[name].value if row[name] is not None else "" for name in names)
        for row in result.answer  # type: ignore[union-attr]
    }


# SPARQL results

RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


def solutions(response: TestResponse) -> list[dict[str, str]]:
    """SELECT results in any of the four formats, each row as variable -> value (text)."""
    body = response.get_data(as_text=True)
    kind = response.mimetype
    if kind == SPARQL_JSON:
        return [
            {name: cell["value"] for name, cell in row.items()}
            for row in json.loads(body)["results"]["bindings"]
        ]
    if kind == SPARQL_XML:
        root = ET.fromstring(body)  # noqa: S314 - the app's own answer
        return [
            {binding.attrib["name"]: binding[0].text or "" for binding in result}
            for result in root.iter(f"{RESULTS_NS}result")
        ]
    if kind == CSV:
        return [
            {name: value for name, value in row.items() if value != ""}
            for row in csv.DictReader(io.StringIO(body, newline=""))
        ]
    if kind == TSV:
        header, *lines = body.rstrip("\n").split("\n")
        names = [name.lstrip("?") for name in header.split("\t")]
        return [
            {
                name: _tsv_value(cell)
                for name, cell in zip(names, line.split("\t"), strict=True)
                if cell
            }
            for line in lines
        ]
    raise AssertionError(f"not a SPARQL results type: {kind}")


def rows(response: TestResponse, *names: str) -> set[tuple[str, ...]]:
    """The SELECT results as a set of tuples of the values of ``names``."""
    return {tuple(row.get(name, "") for name in names) for row in solutions(response)}


def _tsv_value(cell: str) -> str:
    if cell.startswith("<") and cell.endswith(">"):
        return cell[1:-1]
    if cell.startswith('"'):
        return str(from_n3(cell))
    return cell  # a bare number or boolean, or a blank node label


def boolean(response: TestResponse) -> bool:
    """An ASK answer in SPARQL JSON or XML."""
    if response.mimetype == SPARQL_JSON:
        value = json.loads(response.get_data(as_text=True))["boolean"]
        assert isinstance(value, bool)
        return value
    assert response.mimetype == SPARQL_XML, response.mimetype
    root = ET.fromstring(response.get_data(as_text=True))  # noqa: S314 - the app's own answer
    node = root.find(f"{RESULTS_NS}boolean")
    assert node is not None
    return node.text == "true"


# Sending queries

METHODS = ["get", "form", "direct"]
"""The three ways the protocol sends a query."""

Params = Mapping[str, str | list[str]]


def send(
    client: FlaskClient,
    method: str,
    query: str,
    accept: str | None = None,
    params: Params | None = None,
) -> TestResponse:
    """Send ``query`` the way the protocol allows: GET, POST form or POST direct.

    ``params`` (``default-graph-uri``, ``format``...) go in the URL, or in the form body.
    """
    headers = {"Accept": accept} if accept else {}
    extra = MultiDict(params or {})
    if method == "get":
        extra.add("query", query)
        return client.get("/sparql", query_string=extra, headers=headers)
    if method == "form":
        extra.add("query", query)
        return client.post("/sparql", data=extra, headers=headers)
    assert method == "direct"
    return client.post(
        "/sparql",
        query_string=extra,
        data=query.encode("utf-8"),
        content_type="application/sparql-query",
        headers=headers,
    )


def count(response: TestResponse) -> int:
    """The single number a `SELECT (COUNT(*) AS ?n)` answers."""
    assert response.status_code == 200, response.get_data(as_text=True)
    ((n,),) = rows(response, "n")
    return int(n)


# HTTP headers


def alternates(link_header: str) -> dict[str, str]:
    """The ``rel="alternate"`` targets of a ``Link`` header, by media type."""
    found = {}
    for part in link_header.split(","):
        target, *parameters = (piece.strip() for piece in part.split(";"))
        values = dict(
            (key.strip().lower(), value.strip().strip('"'))
            for key, _, value in (p.partition("=") for p in parameters)
        )
        if values.get("rel") == "alternate":
            found[values["type"]] = target.strip("<>")
    return found


# HTML

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


@dataclass
class Element:
    """One HTML element, its attributes, its children and all the text inside it."""

    tag: str
    attrs: dict[str, str]
    children: list[Element] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text inside, with white space collapsed."""
        return " ".join("".join(self.parts).split())

    def iter(self, tag: str | None = None, **attrs: str) -> Iterator[Element]:
        """This element and those inside it, in document order, that match (``class_``=...)."""
        wanted = {key.rstrip("_"): value for key, value in attrs.items()}
        if (tag is None or self.tag == tag) and all(
            self.attrs.get(key) == value for key, value in wanted.items()
        ):
            yield self
        for child in self.children:
            yield from child.iter(tag, **attrs)

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Every matching element inside."""
        return list(self.iter(tag, **attrs))

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        """The first matching element inside; fails the test if there is none."""
        found = next(self.iter(tag, **attrs), None)
        assert found is not None, f"no <{tag} {attrs}>"
        return found

    def links(self) -> list[tuple[str, str]]:
        """Every ``<a>`` inside, as (href, text)."""
        return [(a.attrs.get("href", ""), a.text) for a in self.iter("a")]

    def hrefs(self) -> set[str]:
        """The targets of every ``<a>`` inside."""
        return {href for href, _ in self.links()}

    def section(self, heading: str) -> Element:
        """The ``<section>`` whose ``<h2>`` reads ``heading``."""
        for section in self.iter("section"):
            if any(h2.text == heading for h2 in section.iter("h2")):
                return section
        raise AssertionError(f"no section headed {heading!r}")


class Page(Element):
    """An HTML document, parsed."""

    def __init__(self, source: TestResponse | str) -> None:
        super().__init__("#document", {})
        if not isinstance(source, str):
            assert source.mimetype == HTML, source.mimetype
            source = source.get_data(as_text=True)
        _TreeBuilder(self).feed(source)

    @property
    def lang(self) -> str:
        """The document's language (``<html lang>``)."""
        return self.find("html").attrs.get("lang", "")


class _TreeBuilder(HTMLParser):
    def __init__(self, root: Element) -> None:
        super().__init__(convert_charrefs=True)
        self.open = [root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {key: value or "" for key, value in attrs})
        self.open[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if any(element.tag == tag for element in self.open[1:]):
            while self.open.pop().tag != tag:
                pass

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.parts.append(data)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """The width and height of a PNG image; fails the test if ``data`` is not one."""
    assert data.startswith(PNG_SIGNATURE), "not a PNG file"
    assert data[12:16] == b"IHDR", "a PNG file without its header chunk"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)
