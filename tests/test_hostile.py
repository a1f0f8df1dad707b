"""Hostile requests to the real service, over sockets, each from a client address of its own
(so that no budget hides the answer): every one gets a 4xx that says why, never a 5xx or a
dropped connection, and the service goes on answering.

The service's query processes are forked from the web server's threads, whose stacks are 2 MiB:
the deepest query the check admits must still be answered there, by the embedded store and
through a remote store alike.
"""

from __future__ import annotations

import itertools
import socket
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from servers import Service, start_remote_service, start_service, stop_service, stop_store

from kuopio_graph.guard import MAX_DEPTH, MAX_REREADS
from kuopio_graph.scan import scan
from webapp.limits import HEAD_BUFFER, MAX_HEADER_LINE, MAX_HEADERS

JSON = "application/sparql-results+json"
ADDRESSES = (f"127.0.{n // 250}.{n % 250 + 2}" for n in itertools.count(250))
"""Loopback addresses, one for each request: every one a client the service has not seen."""


@pytest.fixture(scope="module", params=["embedded", "oxigraph"])
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """The service over its embedded store, and over an Oxigraph server it was published to."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "embedded":
        running, server = start_service(folder), None
    else:
        running, server = start_remote_service(folder)
    try:
        yield running
    finally:
        stop_service(running)
        if server is not None:
            stop_store(server)


@dataclass(frozen=True)
class Answer:
    status: int
    body: str


def exchange(service: Service, head: bytes, body: bytes = b"") -> Answer:
    """Send a request (its head up to the blank line, and its body) from a new address, and
    read the answer to its end. A server that answers before it has read everything may close
    the connection while the request is still going out: the answer is read all the same."""
    with socket.create_connection(
        ("127.0.0.1", service.port), timeout=60, source_address=(next(ADDRESSES), 0)
    ) as connection:
        try:
            connection.sendall(head + b"\r\n" + body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        received = bytearray()
        while chunk := connection.recv(65536):
            received += chunk
    assert received, "the service closed the connection without answering"
    status_line, _, rest = bytes(received).partition(b"\r\n")
    return Answer(int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2].decode())


def get(service: Service, query: str, extra: bytes = b"") -> Answer:
    target = "/sparql?" + urllib.parse.urlencode({"query": query})
    return exchange(
        service,
        f"GET {target} HTTP/1.1\r\nHost: x\r\nAccept: {JSON}\r\nConnection: close\r\n".encode()
        + extra,
    )


def post(service: Service, body: bytes, content_type: str) -> Answer:
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: {JSON}\r\nConnection: close\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
    ).encode()
    return exchange(service, head, body)


def direct(service: Service, query: str) -> Answer:
    return post(service, query.encode(), "application/sparql-query")


# The four requests reported in the issue, each of which got a 5xx or a 200.


def test_an_escape_past_the_last_code_point_is_a_400(service: Service) -> None:
    answer = get(service, 'SELECT ?v WHERE { BIND("\\U00110000" AS ?v) }')
    assert answer.status == 400
    assert "names no character" in answer.body


def test_ten_thousand_negations_are_a_400(service: Service) -> None:
    answer = direct(service, "ASK { FILTER(" + "!" * 10_000 + "true) }")
    assert answer.status == 400
    assert "nests too deeply" in answer.body


def test_a_large_query_in_a_form_body_is_answered(service: Service) -> None:
    values = " ".join(f'"{i}"' for i in range(50_000))
    query = f"# the values are read from the form\nSELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}"
    body = urllib.parse.urlencode({"query": query + " LIMIT 1"}).encode()
    assert 380_000 < len(query) < 400_000
    answer = post(service, body, "application/x-www-form-urlencoded")
    assert answer.status == 200, answer.body
    assert '"value":"0"' in answer.body


def test_a_64_kb_header_is_a_431(service: Service) -> None:
    answer = get(service, "ASK {}", b"X-Padding: " + b"x" * (64 * 1024) + b"\r\n")
    assert answer.status == 431
    assert "X-Padding" in answer.body


def test_a_function_the_engine_does_not_know_is_a_400(service: Service) -> None:
    answer = get(service, "SELECT (<http://example.org/unknown>(1) AS ?x) {}")
    assert answer.status == 400
    assert "not supported" in answer.body


# Headers


@pytest.mark.parametrize(
    ("headers", "status", "says"),
    [
        pytest.param([MAX_HEADER_LINE], 200, "", id="a-line-at-the-limit"),
        pytest.param([MAX_HEADER_LINE + 1], 431, "X-Pad-0", id="a-line-past-the-limit"),
        pytest.param([7000] * 9, 200, "", id="headers-just-under-64-kb"),
        pytest.param([8000] * 9, 431, f"{MAX_HEADERS:,}", id="headers-past-64-kb"),
        pytest.param([HEAD_BUFFER], 431, "", id="a-head-past-the-server-buffer"),
        pytest.param([16 * 1024 * 1024], 431, "", id="a-head-of-16-mb"),
        pytest.param([1] * 120, 431, "", id="too-many-headers"),
    ],
)
def test_headers_past_the_limits_are_a_431(
    service: Service, headers: list[int], status: int, says: str
) -> None:
    lines = b"".join(
        f"X-Pad-{i}: ".encode() + b"x" * (length - len(f"X-Pad-{i}: ")) + b"\r\n"
        for i, length in enumerate(headers)
    )
    answer = get(service, "ASK {}", lines)
    assert answer.status == status
    assert says in answer.body


# The deepest queries the check admits, and one level more


def negations(n: int) -> str:
    return "ASK { FILTER(" + "!" * n + "true) }"


def nested(opening: str, inner: str, closing: str, head: str = "ASK { ", tail: str = " }"):
    return lambda n: head + opening * n + inner + closing * n + tail


def chained(item: str, joint: str, head: str, tail: str) -> Callable[[int], str]:
    return lambda n: head + joint.join([item] * (n + 1)) + tail


DEEP: dict[str, Callable[[int], str]] = {
    "negations": negations,
    "brackets": nested("(", "true", ")", "ASK { FILTER(", ") }"),
    "groups": nested("{ ", "", " }", "ASK ", ""),
    "sums": chained("1", "+", "ASK { FILTER(", " > 0) }"),
    "disjunctions": chained("true", "||", "ASK { FILTER(", ") }"),
    "path alternatives": chained("kuopio:memberOf", "|", "ASK { ?s ", " ?o }"),
    "path groups": nested("(", "kuopio:memberOf", ")", "ASK { ?s ", " ?o }"),
    "unions": chained("{}", " UNION ", "ASK { ", " }"),
    "optionals": chained("OPTIONAL {}", " ", "ASK { ", " }"),
    "binds": lambda n: "SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(n)) + " }",
    "filters": chained("FILTER(true)", " ", "ASK { ", " }"),
    "function calls": nested("STR(", "1", ")", "ASK { FILTER(", " = '1') }"),
    "conditions": nested("IF(true, ", "1", ", 2)", "ASK { FILTER(", " = 1) }"),
    "casts": nested("xsd:string(", "'x'", ")", "ASK { FILTER(", " = 'x') }"),
    "negated brackets": nested("-(", "1", ")", "ASK { FILTER(", " != 0) }"),
    "exists": nested("FILTER EXISTS { ", "", " }"),
    "not exists": nested("FILTER NOT EXISTS { ", "", " }", "ASK { ?s ?p ?o ", " }"),
    "nested optionals": nested("OPTIONAL { ", "", " }"),
    "nested minus": nested("MINUS { ?s ?p ?o ", "", " }", "ASK { ?s ?p ?o "),
    "graphs": nested("GRAPH ?g { ", "", " }"),
    "subqueries": nested("{ SELECT * WHERE ", "{}", " }"),
    "blank nodes": nested("[ kuopio:memberOf ", "[]", " ]"),
    "replacements": nested("REPLACE(", "'a'", ", 'a', 'b')", "ASK { FILTER(", " = 'b') }"),
}


def deepest_admitted(make: Callable[[int], str]) -> int:
    """The largest ``n`` for which ``make(n)`` is within the check's limits."""
    low, high = 0, 1
    while admitted(make(high)):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if admitted(make(middle)) else (low, middle)
    return low


def admitted(query: str) -> bool:
    found = scan(query, MAX_DEPTH, MAX_REREADS)
    return found.depth <= MAX_DEPTH and found.rereads <= MAX_REREADS


@pytest.mark.parametrize("name", DEEP)
def test_the_deepest_admitted_query_is_answered(service: Service, name: str) -> None:
    deepest = deepest_admitted(DEEP[name])
    assert deepest > 8
    answer = direct(service, DEEP[name](deepest))
    assert answer.status == 200, answer.body[:300]
    refused = direct(service, DEEP[name](deepest + 1))
    assert refused.status == 400
    assert "too deeply" in refused.body or "too long to read" in refused.body


def test_the_service_still_answers(service: Service) -> None:
    assert get(service, "ASK { ?s ?p ?o }").status == 200
