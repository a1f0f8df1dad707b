"""The check before evaluation is sound and cheap: whatever Oxigraph would run as SERVICE is
refused however the text hides it, what would overflow or stall the engine's parser is refused,
and a valid query of a megabyte is checked in well under a second.

The witnesses run in Oxigraph itself, without the check, so each test shows the engine would
have reached out or crashed had the query not been refused.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kuopio_graph.errors import QuerySyntaxError
from kuopio_graph.guard import MAX_DEPTH, QueryRefused, check_query, query_dataset
from kuopio_graph.scan import scan

GRAPH = "http://example.org/graph"
EX = "http://example.org/"


class Listener:
    """A loopback port that counts the connections made to it and closes each at once."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.calls = 0
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/sparql"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.calls += 1
            connection.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.server.close()


@pytest.fixture(scope="module")
def engine() -> ox.Store:
    """A store where every pattern the witnesses use has a match, so that a SERVICE clause in
    them is reached."""
    store = ox.Store()
    subject, predicate = ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p")
    for term in (
        ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
        ox.NamedNode(f"{EX}a.b"),
        subject,
    ):
        store.add(ox.Quad(subject, predicate, term))
    return store


def reaches_out(engine: ox.Store, listener: Listener, query: str) -> bool:
    """Whether Oxigraph, asked ``query`` with no check, connects to the listener. (The listener
    counts a connection before it closes it, and Oxigraph returns only once it is closed.)"""
    before = listener.calls
    try:
        answer = engine.query(query)
        if not isinstance(answer, ox.QueryBoolean):
            list(answer)
    except (SyntaxError, OSError, RuntimeError):
        pass
    return listener.calls > before


def checked(query: str) -> bool:
    """Whether the check lets ``query`` through."""
    try:
        check_query(query, [GRAPH], {"ex": EX})
    except (QueryRefused, QuerySyntaxError):
        return False
    return True


HIDDEN_SERVICES = [
    pytest.param(
        "SELECT * WHERE {{ ?s ?p 1SERVICE <{url}> {{ ?a ?b ?c }} }}", id="glued-to-a-number"
    ),
    pytest.param(
        "SELECT * WHERE {{ ?s ?p trueSERVICE <{url}> {{ ?a ?b ?c }} }}", id="glued-to-true"
    ),
    pytest.param(
        "PREFIX e: <{url}#> SELECT * WHERE {{ ?s ?p ?o SERVICEe:x {{ ?a ?b ?c }} }}",
        id="glued-to-a-prefixed-name",
    ),
    pytest.param(
        "SELECT * WHERE {{ ?s ?p ex:a.b.SERVICE <{url}> {{ ?a ?b ?c }} }}",
        id="after-a-dotted-local-name",
    ),
    pytest.param(
        "SELECT * WHERE {{ BIND('\\u0027' AS ?a) SERVICE <{url}> {{ ?s ?p ?o }}"
        " BIND('\\u0027' AS ?b) }}",
        id="between-escaped-quotes",
    ),
    pytest.param(
        'SELECT * WHERE {{ BIND("\\u0022" AS ?a) SERVICE <{url}> {{ ?s ?p ?o }}'
        ' BIND("\\u0022" AS ?b) }}',
        id="between-escaped-double-quotes",
    ),
    pytest.param(
        "SELECT * WHERE {{ ?s ?p ?o FILTER(0<1#>'''\n) SERVICE <{url}> {{ ?a ?b ?c }}"
        " BIND(\"'''\" AS ?q) }} # \"",
        id="after-a-comparison-that-looks-like-an-iri-with-a-comment",
    ),
    pytest.param(
        "PREFIX e: <{url}#> SELECT * WHERE {{ ?s ?p ?o FILTER(0<1)SERVICEe:x#>\n{{ ?a ?b ?c }} }}",
        id="inside-a-comparison-that-looks-like-an-iri",
    ),
    pytest.param(
        "PREFIX e: <{url}#> SELECT * WHERE {{ ?s ?p ?o FILTER('a'<'x>') SERVICE e:x"
        " {{ ?a ?b ?c }} FILTER('a'<'y>') }}",
        id="between-comparisons-that-look-like-iris-with-quotes",
    ),
]


@pytest.mark.parametrize("template", HIDDEN_SERVICES)
def test_a_hidden_service_is_refused(engine: ox.Store, listener: Listener, template: str) -> None:
    query = "PREFIX ex: <http://example.org/>\n" + template.format(url=listener.url)
    assert reaches_out(engine, listener, query), "the witness should reach out unchecked"
    assert not checked(query)


PARTS = st.fixed_dictionaries(
    {
        "glue": st.sampled_from(
            ["", " ", "\n", "#c\n", "1", "1.0", "1e0", "true", "}", ")", ".", "ex:s", "'o'"]
        ),
        "keyword": st.sampled_from(["SERVICE", "service", "SeRvIcE", "SERVICE SILENT"]),
        "target": st.sampled_from(["<{url}>", " <{url}>", "e:x", " ?svc", "\n<{url}>"]),
        "hiding": st.sampled_from(
            [
                ("", ""),
                ("BIND('\\u0027' AS ?h)", "BIND('\\u0027' AS ?i)"),
                ('BIND("\\u0022" AS ?h)', 'BIND("\\u0022" AS ?i)'),
                ("FILTER(0<1#>'''\n)", "BIND(\"'''\" AS ?q) # \""),
                ("FILTER('a'<'x>')", "FILTER('a'<'y>')"),
                ("FILTER(0<1", ")"),
                ("# ", "\n"),
                ("'''", "'''"),
                ("<", ">"),
            ]
        ),
        "insertions": st.lists(
            st.tuples(
                st.integers(0, 400),
                st.sampled_from(["'", '"', "#", "<", ">", "\\u0027", "\\", "\n", "'''", " ", ")"]),
            ),
            max_size=3,
        ),
    }
)


@hypothesis_settings(
    max_examples=800, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=PARTS)
def test_whatever_oxigraph_runs_as_service_is_refused(
    engine: ox.Store, listener: Listener, parts: dict
) -> None:
    before, after = parts["hiding"]
    query = (
        f"PREFIX ex: <{EX}> PREFIX e: <{{url}}#>\n"
        f"SELECT * WHERE {{{{ BIND(<{{url}}> AS ?svc) ?s ?p ?o {before} {parts['glue']}"
        f"{parts['keyword']}{parts['target']} {{{{ ?a ?b ?c }}}} {after} }}}}"
    )
    query = query.replace("{{", "{").replace("}}", "}").replace("{url}", listener.url)
    for at, text in sorted(parts["insertions"], reverse=True):
        query = query[:at] + text + query[at:]
    if checked(query):
        assert not reaches_out(engine, listener, query), query


@pytest.mark.parametrize(
    ("query", "dataset"),
    [
        ("ASKFROM<http://example.org/graph>{}", ([GRAPH], [])),
        ("ASK FROM NAMED<http://example.org/graph>{}", ([], [GRAPH])),
        ("ASK FROMNAMED ex:graph {}", ([], [GRAPH])),
        ("PREFIX g: <http://example.org/gr> ASK FROM g:aph {}", ([f"{EX}graph"], [])),
        ("PREFIXex: <http://example.org/other/> ASK FROM ex:graph {}", ([f"{EX}other/graph"], [])),
        (
            'VERSION "1.2" PREFIX ex: <http://example.org/other/> ASK FROM ex:graph {}',
            ([f"{EX}other/graph"], []),
        ),
        ("ASK FROM <http://example.org/gr\\u0061ph> {}", ([GRAPH], [])),
        ("ASK FROM ex:graph.x {}", ([f"{EX}graph.x"], [])),
        ("# FROM <http://elsewhere/>\nASK { ?from ?p ex:fromage }", None),
    ],
)
def test_from_is_read_as_oxigraph_reads_it(
    query: str, dataset: tuple[list[str], list[str]] | None
) -> None:
    assert query_dataset(query, {"ex": EX}) == dataset


@pytest.mark.parametrize(
    "query",
    [
        "ASK FROMe:graph {}",  # FROM glued to a prefixed name
        "ASK FROM ?g {}",
        "PREFIX from: <http://example.org/> ASK { from:x ?p ?o }",
        "SELECT * WHERE { ?s ?p (<http://example.org/a> <http://example.org/o'brien>) }",
    ],
)
def test_what_cannot_be_told_apart_is_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="cannot be checked"):
        check_query(query, [GRAPH], {"ex": EX})


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('ASK { FILTER("\\U00110000" != "") }', "names no character"),
        ('ASK { FILTER("\\uD83D\\uDE00" != "") }', "surrogate"),
        ("ASK { FILTER(<http://example.org/\\UFFFFFFFF> != 1) }", "names no character"),
        ('ASK { FILTER("\\q" != "") }', "not an escape"),
        ('ASK { FILTER("\\u12" != "") }', "not an escape"),
        ("ASK { FILTER('abc) }", "never ends"),
        ('ASK { FILTER("a\nb" = "") }', "never ends"),
        ("ASK { FILTER('\ud800' = '') }", "surrogate"),
    ],
)
def test_what_no_parser_reads_is_a_syntax_error(query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message):
        check_query(query, [], {})


@pytest.mark.parametrize(
    ("query", "update"),
    [
        ("INSERT DATA { <a> <b> <c> }", True),
        ("PREFIX ex: <http://example.org/>\n# a comment\ndelete where { ?s ?p ?o }", True),
        ("PREFIXex:<http://example.org/>LOAD<http://example.org/d>", True),
        ("WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True),
        ("CLEAR ALL", True),
        ("SELECT * WHERE { ?insert ?p ?o }", False),
        ("ASK { }", False),
    ],
)
def test_an_update_is_told_by_its_first_keyword(query: str, update: bool) -> None:
    assert scan(query).update is update


WIDE = {
    "values": lambda n: "SELECT * WHERE { VALUES ?x { " + " ".join(map(str, range(n))) + " } }",
    "negative values": lambda n: (
        "SELECT * WHERE { VALUES ?x { " + " ".join(f"-{i}" for i in range(n)) + " } }"
    ),
    "typed values": lambda n: "SELECT * WHERE { VALUES ?x { " + ' "1"^^xsd:integer' * n + " } }",
    "rows": lambda n: "SELECT * WHERE { VALUES (?x ?y) { " + " (1 -2)" * n + " } }",
    "in": lambda n: "ASK { FILTER(1 IN (" + ", ".join(["-1"] * n) + ")) }",
    "arguments": lambda n: "ASK { FILTER(CONCAT(" + ", ".join(["!true"] * n) + ") != '') }",
    "triples with paths": lambda n: (
        "ASK { " + " ".join(f"?s ex:p/ex:q|ex:r ?o{i} ." for i in range(n)) + " }"
    ),
}


@pytest.mark.parametrize("name", WIDE)
def test_long_lists_are_wide_not_deep(name: str) -> None:
    assert scan(WIDE[name](20_000)).depth < 40


def test_a_valid_query_of_a_megabyte_is_checked_in_well_under_a_second() -> None:
    values = []
    size = 0
    while size < 1024 * 1024 - 100:
        value = f'"value {len(values)}"'
        values.append(value)
        size += len(value) + 1
    query = "SELECT ?x WHERE { VALUES ?x { " + " ".join(values[:-2]) + " } }"
    assert 1024 * 1024 - 200 < len(query.encode()) <= 1024 * 1024
    started = time.perf_counter()
    check_query(query, [], {})
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("unit", ["a.:", "'\\u0041'", "(<a#b>", "#'''\n", "  ", "1+"])
def test_checking_any_megabyte_takes_linear_time(unit: str) -> None:
    query = "SELECT * WHERE { FILTER(" + unit * (1024 * 1024 // len(unit) - 30)
    started = time.perf_counter()
    try:
        check_query(query, [], {})
    except (QueryRefused, QuerySyntaxError):
        pass
    assert time.perf_counter() - started < 5.0


def test_the_deepest_query_accepted_is_just_below_the_limit() -> None:
    accepted = "ASK { FILTER(" + "!" * (MAX_DEPTH - 17) + "true) }"
    assert scan(accepted).depth == MAX_DEPTH
    check_query(accepted, [], {})
    with pytest.raises(QueryRefused, match="nests too deeply"):
        check_query(accepted.replace("!", "!!", 1), [], {})
