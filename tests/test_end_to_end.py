"""The real service, started as a user starts it, answering real clients.

``kuopio-graph serve`` runs in a process group of its own on a free loopback port, with the
base IRI set to that address, so every IRI of the data is a URL the test can fetch. Then:

* SPARQLWrapper asks SELECT, ASK, CONSTRUCT and DESCRIBE queries in every result format, by
  GET, URL-encoded POST and direct POST, and gets the bundled data's answers;
* rdflib dereferences every resource of the Turtle dump and finds the dump's statements about
  it, and each resource answers in HTML, Turtle, JSON-LD, RDF/XML and N-Triples;
* a crawl of the HTML pages from the home page finds no link that answers 4xx or 5xx.

Each test runs three times: against the service over its embedded store, and against the
service started with ``--store`` over each of two real stores the data was published to, an
Oxigraph server (``oxigraph serve``) and Virtuoso Open Source 7 (Debian's ``virtuoso-t``). The
checks are the same, so the answers must be too.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import socket
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit
from xml.dom.minidom import Document

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS
from rdflib.term import BNode, Literal, URIRef
from rdflib.util import from_n3
from servers import (
    BROWSER,
    STOP_DEADLINE,
    TIMEOUT,
    Service,
    fetch,
    group_members,
    start_remote_service,
    start_service,
    stop_service,
    stop_store,
    wait_for_group,
)
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed
from SPARQLWrapper.Wrapper import QueryResult

from kuopio_graph import GraphStore
from kuopio_graph.errors import QuerySyntaxError

THREADS = 4
"""Concurrent requests in the bulk checks (the service runs two workers)."""
MAX_PAGES = 3000
"""The crawl parses at most this many HTML pages."""

RDF_FORMS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}
FORMS = ("text/html", *RDF_FORMS)

NETWORKS = {
    "who-european-healthy-cities": "WHO European Healthy Cities Network",
    "iclei": "ICLEI – Local Governments for Sustainability",
    "xarxa-fp": "Xarxa FP",
}
"""The thematic networks of the bundled data, by slug, with their English labels."""

T = TypeVar("T")
R = TypeVar("R")


@pytest.fixture(scope="module", params=["embedded", "oxigraph", "virtuoso"])
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """The service over its embedded store, and over each real store it was published to.

    Every request here comes from one address, and the crawl alone sends thousands of queries
    (each page's "as SPARQL" link among them): the per-client budgets, which have tests of their
    own, are set out of its way."""
    folder = tmp_path_factory.mktemp(request.param)
    settings = folder / "settings.toml"
    settings.write_text("query_budget = 1e9\nerror_budget = 1000000000\n", encoding="utf-8")
    options = ("--config", str(settings))
    if request.param == "embedded":
        running, server = start_service(folder, *options), None
    else:
        running, server = start_remote_service(folder, *options, kind=request.param)
    try:
        yield running
    finally:
        stop_service(running)
        if server is not None:
            stop_store(server)


# --- HTTP ----------------------------------------------------------------------------------


def in_parallel(work: Callable[[T], R], items: Iterable[T]) -> list[R]:
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(work, items))


# --- SPARQLWrapper ---------------------------------------------------------------------------

METHODS = {
    "GET": (GET, URLENCODED),
    "POST-urlencoded": (POST, URLENCODED),
    "POST-direct": (POST, POSTDIRECTLY),
}


def prefixes(service: Service) -> str:
    return (
        f"PREFIX kuopio: <{service.url}ontology/>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    )


def network(service: Service, slug: str) -> URIRef:
    return URIRef(f"{service.url}id/network/{slug}")


def wrapper(service: Service, method: str, query: str, return_format: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{service.url}sparql")
    http_method, request_method = METHODS[method]
    sparql.setMethod(http_method)
    sparql.setRequestMethod(request_method)
    sparql.setReturnFormat(return_format)
    sparql.setQuery(query)
    sparql.setTimeout(int(TIMEOUT))
    return sparql


def send_query(sparql: SPARQLWrapper) -> QueryResult:
    """Run the query; an HTTP error fails the test with the request and the server's answer."""
    try:
        return sparql.query()
    except urllib.error.HTTPError as error:
        request = sparql._createRequest()  # the request SPARQLWrapper sent, to show it
        with error:
            body = error.read().decode("utf-8", "replace")
        pytest.fail(
            f"{request.get_method()} {request.full_url} Accept: {request.get_header('Accept')}"
            f"\n-> {error.code} {error.headers.get('Content-Type')}: {body}"
        )


def ask_and_convert(sparql: SPARQLWrapper) -> tuple[str, Any]:
    """Run the query; return the answer's media type and SPARQLWrapper's conversion of it."""
    result = send_query(sparql)
    try:
        media_type = result.info()["content-type"].split(";")[0].strip()
        return media_type, result.convert()
    finally:
        result.response.close()


def expected_networks(service: Service) -> dict[str, str]:
    return {str(network(service, slug)): label for slug, label in NETWORKS.items()}


SELECT_FORMATS = {
    JSON: "application/sparql-results+json",
    XML: "application/sparql-results+xml",
    CSV: "text/csv",
    TSV: "text/tab-separated-values",
}


def read_rows(return_format: str, converted: Any) -> dict[str, str]:
    """``?network`` → ``?label`` from SPARQLWrapper's conversion of each result format."""
    if return_format == JSON:
        rows = {}
        for binding in converted["results"]["bindings"]:
            assert binding["network"]["type"] == "uri", binding
            assert binding["label"]["xml:lang"] == "en", binding
            rows[binding["network"]["value"]] = binding["label"]["value"]
        return rows
    if return_format == XML:
        assert isinstance(converted, Document)
        rows = {}
        for result in converted.getElementsByTagName("result"):
            cells = {
                b.getAttribute("name"): b.getElementsByTagName("uri")
                or b.getElementsByTagName("literal")
                for b in result.getElementsByTagName("binding")
            }
            label = cells["label"][0]
            assert label.getAttribute("xml:lang") == "en", label.toxml()
            rows[cells["network"][0].firstChild.data] = label.firstChild.data
        return rows
    text = converted.decode("utf-8")
    if return_format == CSV:
        return {row["network"]: row["label"] for row in csv.DictReader(io.StringIO(text))}
    header, *lines = text.splitlines()
    assert header.split("\t") == ["?network", "?label"], header
    rows = {}
    for line in lines:
        iri, label = (from_n3(cell) for cell in line.split("\t"))
        assert isinstance(label, Literal) and label.language == "en", line
        rows[str(iri)] = str(label)
    return rows


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("return_format", SELECT_FORMATS)
def test_sparqlwrapper_select(service: Service, return_format: str, method: str) -> None:
    query = prefixes(service) + (
        "SELECT ?network ?label WHERE {\n"
        "  ?network a kuopio:ThematicNetwork ; rdfs:label ?label .\n"
        '  FILTER(LANG(?label) = "en")\n'
        "} ORDER BY ?network"
    )
    media_type, converted = ask_and_convert(wrapper(service, method, query, return_format))
    assert media_type == SELECT_FORMATS[return_format]
    assert read_rows(return_format, converted) == expected_networks(service)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("return_format", [JSON, XML])
def test_sparqlwrapper_ask(service: Service, return_format: str, method: str) -> None:
    iclei = network(service, "iclei")
    for kind, expected in (("ThematicNetwork", True), ("TwinTown", False)):
        query = prefixes(service) + f"ASK {{ <{iclei}> a kuopio:{kind} }}"
        media_type, converted = ask_and_convert(wrapper(service, method, query, return_format))
        assert media_type == SELECT_FORMATS[return_format]
        if return_format == JSON:
            assert converted["boolean"] is expected
        else:
            (element,) = converted.getElementsByTagName("boolean")
            assert element.firstChild.data == ("true" if expected else "false")


GRAPH_FORMATS = {
    "turtle": "text/turtle",
    "n-triples": "application/n-triples",
    "rdf-xml": "application/rdf+xml",
    "json-ld": "application/ld+json",
}


def graph_answer(service: Service, method: str, query: str, form: str) -> rdflib.Graph:
    """A CONSTRUCT or DESCRIBE answer in ``form``, as SPARQLWrapper gets it, parsed."""
    media_type = GRAPH_FORMATS[form]
    if form == "n-triples":
        # SPARQLWrapper has no N-Triples return format: ask for it by the Accept header alone.
        sparql = wrapper(service, method, query, TURTLE)
        sparql.setOnlyConneg(True)
        sparql.addCustomHttpHeader("Accept", media_type)
        result = send_query(sparql)
        try:
            received = result.info()["content-type"].split(";")[0].strip()
            body = result.response.read()
        finally:
            result.response.close()
        assert received == media_type
        return rdflib.Graph().parse(data=body, format="nt")
    return_format = {"turtle": TURTLE, "rdf-xml": RDFXML, "json-ld": JSONLD}[form]
    received, converted = ask_and_convert(wrapper(service, method, query, return_format))
    assert received == media_type
    if isinstance(converted, rdflib.Graph):
        return converted
    return rdflib.Graph().parse(data=converted, format="turtle")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("form", GRAPH_FORMATS)
def test_sparqlwrapper_construct(service: Service, form: str, method: str) -> None:
    query = prefixes(service) + (
        "CONSTRUCT { ?network a kuopio:ThematicNetwork ; rdfs:label ?label }\n"
        "WHERE {\n"
        "  ?network a kuopio:ThematicNetwork ; rdfs:label ?label .\n"
        '  FILTER(LANG(?label) = "en")\n'
        "}"
    )
    graph = graph_answer(service, method, query, form)
    thematic = URIRef(f"{service.url}ontology/ThematicNetwork")
    expected = set()
    for iri, label in expected_networks(service).items():
        expected.add((URIRef(iri), RDF.type, thematic))
        expected.add((URIRef(iri), RDFS.label, Literal(label, lang="en")))
    assert set(graph) == expected


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("form", GRAPH_FORMATS)
def test_sparqlwrapper_describe(service: Service, form: str, method: str) -> None:
    iclei = network(service, "iclei")
    graph = graph_answer(service, method, f"DESCRIBE <{iclei}>", form)
    assert (iclei, RDF.type, URIRef(f"{service.url}ontology/ThematicNetwork")) in graph
    assert (iclei, RDFS.label, Literal(NETWORKS["iclei"], lang="en")) in graph
    assert {s for s in graph.subjects() if not isinstance(s, BNode)} == {iclei}


@pytest.mark.parametrize("method", METHODS)
def test_sparqlwrapper_malformed_query(service: Service, method: str) -> None:
    query = "SELECT ?x WHERE { ?x ?y }"
    with pytest.raises(QuerySyntaxError) as parsed:
        GraphStore(service.url).query(query)
    reason = str(parsed.value)
    with pytest.raises(QueryBadFormed) as refused:
        wrapper(service, method, query, JSON).query()
    # SPARQLWrapper quotes the response body as a bytes literal.
    assert repr(reason.encode("utf-8"))[2:-1] in str(refused.value)


@pytest.mark.parametrize("return_format", ["json", "xml", "csv", "tsv"])
def test_format_parameter_beats_a_browser_accept_header(
    service: Service, return_format: str
) -> None:
    """The interface: results are "also selectable with a format= parameter for browsers"."""
    query = prefixes(service) + "SELECT ?network WHERE { ?network a kuopio:ThematicNetwork }"
    url = f"{service.url}sparql?" + urlencode({"query": query, "format": return_format})
    answer = fetch(url, BROWSER)
    expected = SELECT_FORMATS[{"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV}[return_format]]
    assert (answer.status, answer.media_type) == (200, expected), answer.body[:300]


# --- Dereferencing -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dump(service: Service) -> rdflib.Graph:
    answer = fetch(f"{service.url}dumps/kuopio.ttl")
    assert (answer.status, answer.media_type) == (200, "text/turtle")
    return rdflib.Graph().parse(data=answer.body, format="turtle")


@pytest.fixture(scope="module")
def resources(service: Service, dump: rdflib.Graph) -> list[URIRef]:
    """Every IRI under ``id/`` and ``ontology/`` that is a subject in the dump."""
    minted = (f"{service.url}id/", f"{service.url}ontology/")
    # str(): rdflib's own URIRef.startswith takes no tuple.
    found = sorted(
        {s for s in dump.subjects() if isinstance(s, URIRef) and str(s).startswith(minted)}
    )
    assert len(found) > 100, f"only {len(found)} resources in the dump"
    return found


def statements(graph: rdflib.Graph, subject: URIRef) -> tuple[set[Any], Counter[Any]]:
    """The (predicate, object) pairs of ``subject`` without blank nodes, and per predicate how
    many blank-node objects it has."""
    pairs = set()
    blank: Counter[Any] = Counter()
    for predicate, value in graph.predicate_objects(subject):
        if isinstance(value, BNode):
            blank[predicate] += 1
        else:
            pairs.add((predicate, value))
    return pairs, blank


def test_rdflib_dereferences_every_resource(dump: rdflib.Graph, resources: list[URIRef]) -> None:
    def check(iri: URIRef) -> str | None:
        try:
            fetched = rdflib.Graph().parse(iri)
        except Exception as error:  # every failure is reported, with its IRI
            return f"{iri}: {type(error).__name__}: {error}"
        expected_pairs, expected_blank = statements(dump, iri)
        pairs, blank = statements(fetched, iri)
        missing = expected_pairs - pairs
        if missing:
            return f"{iri}: missing {sorted(missing)[:5]} ({len(missing)} in all)"
        if blank != expected_blank:
            return f"{iri}: blank-node objects {dict(blank)}, the dump has {dict(expected_blank)}"
        return None

    problems = [problem for problem in in_parallel(check, resources) if problem]
    assert not problems, f"{len(problems)} of {len(resources)}:\n" + "\n".join(problems[:20])


def test_every_resource_answers_in_five_forms(resources: list[URIRef]) -> None:
    def check(job: tuple[URIRef, str]) -> str | None:
        iri, media_type = job
        answer = fetch(str(iri), media_type)
        if (answer.status, answer.media_type) != (200, media_type):
            return f"{iri} Accept {media_type}: {answer.status} {answer.media_type}"
        if not answer.body:
            return f"{iri} Accept {media_type}: empty body"
        return None

    jobs = [(iri, media_type) for iri in resources for media_type in FORMS]
    problems = [problem for problem in in_parallel(check, jobs) if problem]
    assert not problems, f"{len(problems)} of {len(jobs)}:\n" + "\n".join(problems[:20])


# --- Crawl ---------------------------------------------------------------------------------


class LinkParser(HTMLParser):
    """Collects the ``href`` of every ``<a>``."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links += [value for name, value in attrs if name == "href" and value]


def local_links(service: Service, page: str, html: str) -> set[str]:
    """The page's links to this service, as ``/path?query`` without fragments."""
    parser = LinkParser()
    parser.feed(html)
    parser.close()
    ours = urlsplit(service.url).netloc
    found = set()
    for link in parser.links:
        target = urlsplit(urljoin(service.url + page.lstrip("/"), link.strip()))
        if target.scheme in ("http", "https") and target.netloc == ours:
            found.add(target.path + (f"?{target.query}" if target.query else ""))
    return found


def expansion_key(path: str) -> str:
    """The crawl reads the links of one page per key, and fetches every page.

    The answers to one query that differ only in ``lang`` or ``format`` show the same links
    (in another language), so they share a key: one is read, the others only fetched.
    """
    split = urlsplit(path)
    arguments = parse_qsl(split.query)
    if split.path != "/sparql" or "query" not in dict(arguments):
        return path
    kept = [(k, v) for k, v in arguments if k not in ("lang", "format")]
    return f"{split.path}?{urlencode(kept)}"


def test_no_link_is_broken(service: Service) -> None:
    """Crawl every page from the home page (both languages); no local link answers 4xx/5xx."""
    start = ["/", "/?lang=en", "/?lang=fi"]
    referrer = dict.fromkeys(start, "(start)")
    expanded: set[str] = set()
    frontier = list(start)
    broken = []
    fetched = parsed = 0
    while frontier:
        answers = in_parallel(lambda path: fetch(service.url + path.lstrip("/"), BROWSER), frontier)
        fetched += len(frontier)
        following = []
        for path, answer in zip(frontier, answers, strict=True):
            if answer.status >= 400:
                shown = path if len(path) <= 160 else f"{path[:160]}… ({len(path)} characters)"
                broken.append(f"{answer.status} {shown}, linked from {referrer[path][:160]}")
                continue
            key = expansion_key(path)
            if answer.media_type != "text/html" or key in expanded:
                continue
            expanded.add(key)
            parsed += 1
            assert parsed <= MAX_PAGES, f"the site has more than {MAX_PAGES} pages to crawl"
            for link in sorted(local_links(service, path, answer.body.decode("utf-8"))):
                if link not in referrer:
                    referrer[link] = path
                    following.append(link)
        frontier = following
    assert fetched > 500, f"the crawl reached only {fetched} URLs"
    assert not broken, f"{len(broken)} of {fetched} links fail:\n" + "\n".join(broken[:20])


# --- Stopping ------------------------------------------------------------------------------


def test_requests_are_logged_only_when_asked(service: Service, tmp_path: Path) -> None:
    assert fetch(f"{service.url}id/network/iclei", BROWSER).status == 200
    logging = start_service(tmp_path, "--access-log")
    try:
        assert fetch(f"{logging.url}id/network/iclei", BROWSER).status == 200
        deadline = time.monotonic() + 5
        while "/id/network/iclei" not in logging.log_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert '"GET /id/network/iclei HTTP/1.1" 200' in logging.log_text()
    finally:
        stop_service(logging)
    assert '"GET ' not in service.log_text()


def test_sigterm_stops_every_process(tmp_path: Path) -> None:
    """``kill PID`` stops the service: no process of it is left and its port is free again."""
    service = start_service(tmp_path)
    try:
        query = urlencode({"query": "ASK {}"})
        for _ in range(4):  # start the query processes of both web workers
            answer = fetch(f"{service.url}sparql?{query}", "application/sparql-results+json")
            assert answer.status == 200
        roles = process_roles(service.process.pid)
        os.kill(service.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_DEADLINE
        left = wait_for_group(service.process, service.process.pid, deadline)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            listening = probe.connect_ex(("127.0.0.1", service.port)) == 0
    finally:
        stop_service(service, grace=0)
    survivors = ", ".join(f"{pid} ({roles.get(pid, 'unknown')})" for pid in sorted(left))
    assert not left, (
        f"{len(left)} of the service's {len(roles)} processes outlived SIGTERM to the main"
        f" process by {STOP_DEADLINE:g} s: {survivors}; port {service.port} still accepts"
        f" connections: {listening}\n{service.log_text()[-1500:]}"
    )
    assert not listening, f"port {service.port} still accepts connections after SIGTERM"


def process_roles(main: int) -> dict[int, str]:
    """The service's processes: the main one, its web workers, and their query processes."""
    parents = group_members(main)
    return {
        pid: "main"
        if pid == main
        else "web worker"
        if parent == main
        else "query process"
        if parents.get(parent) == main
        else f"child of {parent}"
        for pid, parent in parents.items()
    }
