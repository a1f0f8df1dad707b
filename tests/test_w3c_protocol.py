"""The W3C SPARQL 1.1 Protocol test suite, replayed against the app through Flask's test client.

The suite (manifest and data only, no code) sits in ``shared/w3c/sparql11-protocol`` beside
the checkout; ``KUOPIO_W3C_DIR`` names another folder. Every query test runs as the manifest
writes it: each ``ut:graphData`` file in the named graph its label names, each request sent as
it stands (method, path with ``/sparql/`` mapped to ``/sparql``, headers, body in its
encoding), each response checked for its status class, format and boolean. The update tests
only check refusal: the endpoint is read-only, so every update must get a 4xx and change nothing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET  # noqa: S405 - parses the app's own answers
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from werkzeug.test import TestResponse

from kuopio_graph import GraphStore, Settings
from webapp import create_app
from webapp.state import served

SUITE_ENV = "KUOPIO_W3C_DIR"
BESIDE_CHECKOUT = Path(__file__).resolve().parents[2] / "shared" / "w3c" / "sparql11-protocol"
MANIFEST_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest.ttl"
"""Where the manifest is published; its relative IRIs (entries, data files) resolve against it."""

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

KASEI = "http://kasei.us/2009/09/sparql/data/"
"""Where the suite's data files say they come from; their graphs are named so."""
SRX = "{http://www.w3.org/2005/sparql-results#}"
BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = (*BOOLEAN_TYPES, "text/csv", "text/tab-separated-values")
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "text/n3": "n3",
}


@dataclass(frozen=True)
class Request:
    """One ``ht:Request`` and the ``ht:Response`` it expects."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: frozenset[int]
    """Acceptable status classes: 2 for ``hts:StatusCode2xx`` and so on."""
    expected_format: str | None
    expected_boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    """One ``mf:ProtocolTest``: its data and its requests, in order."""

    name: str
    title: str
    graphs: tuple[tuple[Path, str], ...]
    """Each ``ut:graphData``: the file and the name of the graph it goes in."""
    requests: tuple[Request, ...]


def suite_folder() -> Path:
    """The suite's folder: ``KUOPIO_W3C_DIR`` if set, else ``shared/`` beside the checkout."""
    override = os.environ.get(SUITE_ENV)
    return Path(override) if override else BESIDE_CHECKOUT


def missing_suite_message() -> str | None:
    """Why the suite cannot be read, or None if it can."""
    folder = suite_folder()
    if (folder / "manifest.ttl").is_file():
        return None
    if os.environ.get(SUITE_ENV):
        return f"{SUITE_ENV}={folder} names no folder holding the suite's manifest.ttl"
    return (
        f"the W3C SPARQL 1.1 Protocol tests are not at {folder}: check out shared/ beside the"
        f" repository, or set {SUITE_ENV} to the folder holding manifest.ttl and data1-3.nt"
    )


def read_manifest(folder: Path) -> list[ProtocolTest]:
    """Every ``mf:ProtocolTest`` of the manifest, in the order of ``mf:entries``."""
    graph = rdflib.Graph().parse(folder / "manifest.ttl", format="turtle", publicID=MANIFEST_BASE)
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        if (entry, RDF.type, MF.ProtocolTest) not in graph:
            continue
        graphs = tuple(
            (
                folder / str(graph.value(data, UT.graph)).rsplit("/", 1)[-1],
                str(graph.value(data, RDFS.label)),
            )
            for data in graph.objects(entry, UT.graphData)
        )
        action = graph.value(entry, MF.action)
        requests = tuple(
            read_request(graph, node)
            for node in Collection(graph, graph.value(action, HT.requests))
        )
        name = str(entry).rsplit("#", 1)[-1]
        tests.append(ProtocolTest(name, str(graph.value(entry, MF.name)), graphs, requests))
    return tests


def read_request(graph: rdflib.Graph, node: rdflib.term.Node) -> Request:
    """One ``ht:Request`` as the test client will send it."""
    path = str(graph.value(node, HT.absolutePath))
    assert path.startswith("/sparql/"), path
    headers: tuple[tuple[str, str], ...] = ()
    header_list = graph.value(node, HT.headers)
    if header_list is not None:
        headers = tuple(
            (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
            for h in Collection(graph, header_list)
        )
    body = None
    content = graph.value(node, HT.body)
    if content is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = frozenset(
        int(str(status).rsplit("StatusCode", 1)[-1][0])
        for status in graph.objects(response, MF.expectedStatus)
    )
    expected_format = graph.value(response, MF.expectedFormat)
    expected_boolean = graph.value(response, MF.expectedBoolean)
    return Request(
        method=str(graph.value(node, HT.methodName)),
        path="/sparql" + path[len("/sparql/") :],
        headers=headers,
        body=body,
        statuses=statuses,
        expected_format=None if expected_format is None else str(expected_format),
        expected_boolean=None if expected_boolean is None else bool(expected_boolean.toPython()),
    )


def is_query_test(name: str) -> bool:
    return name.startswith(("query_", "bad_query")) or name == "bad_multiple_queries"


def is_update_test(name: str) -> bool:
    return name.startswith(("update_", "bad_update")) or name == "bad_multiple_updates"


def cases(select: str) -> list[Any]:
    """The manifest's tests of one kind as pytest parameters, or one that fails to say why not."""
    problem = missing_suite_message()
    if problem is not None:
        return [pytest.param(problem, id="suite-missing")]
    wanted = is_query_test if select == "query" else is_update_test
    chosen = [test for test in read_manifest(suite_folder()) if wanted(test.name)]
    if not chosen:
        return [pytest.param(f"{suite_folder()}: the manifest has no {select} tests", id="empty")]
    return [pytest.param(test, id=test.name) for test in chosen]


@contextmanager
def serving(settings: Settings, graphs: Sequence[tuple[Path, str]]) -> Iterator[Served]:
    """A fresh store with ``graphs``, and a client of the app over it; its query processes
    are stopped afterwards.

    ``GraphStore.load`` puts each file in its named graph and in the default graph too. No
    query test of the suite needs an empty default graph: those that read the default graph
    name it with ``default-graph-uri``, and every expected boolean is true.
    """
    store = GraphStore(settings.base)
    for path, label in graphs:
        store.add(path.read_bytes(), ox.RdfFormat.N_TRIPLES, label)
    app = create_app(settings, store=store, config={"TESTING": True})
    try:
        yield Served(store, app.test_client())
    finally:
        with app.app_context():
            served().close()


@dataclass(frozen=True)
class Served:
    store: GraphStore
    client: FlaskClient


def send(client: FlaskClient, request: Request) -> TestResponse:
    """Replay one request exactly as the manifest writes it."""
    return client.open(
        request.path,
        method=request.method,
        headers=list(request.headers),
        data=request.body,
    )


def describe(request: Request, response: TestResponse) -> str:
    body = response.get_data()
    shown = body[:500].decode("utf-8", "replace") + ("…" if len(body) > 500 else "")
    return (
        f"{request.method} {request.path} {dict(request.headers)} body={request.body!r}\n"
        f"-> {response.status} {response.content_type}\n{shown}"
    )


def check_response(request: Request, response: TestResponse) -> None:
    """Status class, format and boolean, as the manifest's ``ht:Response`` expects."""
    context = describe(request, response)
    assert response.status_code // 100 in request.statuses, context
    media_type = response.mimetype
    body = response.get_data()
    if request.expected_format == "boolean":
        assert media_type in BOOLEAN_TYPES, context
        value = read_boolean(media_type, body)
        if request.expected_boolean is not None:
            assert value is request.expected_boolean, context
    elif request.expected_format == "tabular":
        assert media_type in TABULAR_TYPES, context
        assert read_variables(media_type, body), context
    elif request.expected_format == "RDF":
        assert media_type in RDF_TYPES, context
        rdflib.Graph().parse(data=body, format=RDF_TYPES[media_type], publicID="http://base/")
    elif request.expected_format is not None:
        pytest.fail(f"unknown mf:expectedFormat {request.expected_format!r}")
    elif request.expected_boolean is not None:
        assert media_type in BOOLEAN_TYPES, context
        assert read_boolean(media_type, body) is request.expected_boolean, context


def read_boolean(media_type: str, body: bytes) -> bool:
    """The answer of an ASK in SPARQL JSON or XML results."""
    if media_type == "application/sparql-results+json":
        value = json.loads(body)["boolean"]
        assert isinstance(value, bool), body
        return value
    element = ET.fromstring(body).find(f"{SRX}boolean")  # noqa: S314 - the app's own output
    assert element is not None and element.text in ("true", "false"), body
    return element.text == "true"


def read_variables(media_type: str, body: bytes) -> list[str]:
    """The variables a SELECT answer declares, read as its format says."""
    if media_type == "application/sparql-results+json":
        document = json.loads(body)
        assert isinstance(document["results"]["bindings"], list), body
        return list(document["head"]["vars"])
    if media_type == "application/sparql-results+xml":
        root = ET.fromstring(body)  # noqa: S314 - the app's own output
        assert root.find(f"{SRX}results") is not None, body
        return [v.get("name", "") for v in root.iter(f"{SRX}variable")]
    text = body.decode("utf-8")
    if media_type == "text/csv":
        return next(csv.reader(io.StringIO(text)))
    return [name.lstrip("?") for name in text.splitlines()[0].split("\t")]


def dataset_state(store: GraphStore) -> tuple[frozenset[str], frozenset[str]]:
    """Every triple of the default graph and every quad of the named graphs, as text."""
    default = frozenset(str(t) for t in store.triples())
    named = frozenset(f"{t} {name}" for name in store.graphs() for t in store.triples(name))
    return default, named


@pytest.mark.parametrize("test", cases("query"))
def test_query(settings: Settings, test: ProtocolTest | str) -> None:
    if isinstance(test, str):
        pytest.fail(test, pytrace=False)
    with serving(settings, test.graphs) as served:
        for request in test.requests:
            check_response(request, send(served.client, request))


@pytest.mark.parametrize("test", cases("update"))
def test_update_is_refused(settings: Settings, test: ProtocolTest | str) -> None:
    """Each update request of the suite gets a 4xx, and the dataset stays as it was.

    The suite follows some updates with an ASK that expects their effect; here that ASK must
    answer false. The three data files are loaded whatever the test names, so that "changes
    nothing" has something to change, and the dataset is compared in the store and through the
    endpoint (whose queries run in worker processes of their own).
    """
    if isinstance(test, str):
        pytest.fail(test, pytrace=False)
    folder = suite_folder()
    data = [(folder / f"data{i}.nt", f"{KASEI}data{i}.rdf") for i in (1, 2, 3)]
    with serving(settings, data) as served:
        before = dataset_state(served.store)
        counted = count_through_endpoint(served.client)
        updates = [r for r in test.requests if r.expected_format is None]
        assert updates, test
        for request in updates:
            response = send(served.client, request)
            assert response.status_code // 100 == 4, describe(request, response)
        for request in test.requests:
            if request.expected_format is None:
                continue
            # The suite's check of the update's effect: the effect must be absent.
            response = send(served.client, request)
            context = describe(request, response)
            assert response.status_code // 100 == 2, context
            assert read_boolean(response.mimetype, response.get_data()) is False, context
        assert dataset_state(served.store) == before
        assert count_through_endpoint(served.client) == counted


def count_through_endpoint(client: FlaskClient) -> tuple[int, int]:
    """The number of triples in the default graph and of quads in named graphs, as served."""
    query = (
        "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
        "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }",
    )
    counts = []
    for text in query:
        response = client.get(
            "/sparql",
            query_string={"query": text},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        counts.append(int(response.get_json()["results"]["bindings"][0]["n"]["value"]))
    return counts[0], counts[1]
