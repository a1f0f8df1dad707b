"""Values enter SPARQL text one way only: :func:`kuopio_graph.binding.bind`.

The first tests pin what ``bind`` writes; the last reads the library's and the web app's code
and fails on any other way of building query text from values at run time (an f-string,
``%``, ``str.format`` or ``str.replace`` on text that is SPARQL).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kuopio_graph import GraphStore, bind
from kuopio_graph.binding import graph_update, union

ROOT = Path(__file__).resolve().parent.parent
A = ox.NamedNode("http://example.org/a")
B = ox.NamedNode("http://example.org/b")


def test_values_open_the_where_group() -> None:
    bound = bind("SELECT ?label WHERE { ?entity rdfs:label ?label }", {"entity": A})
    assert bound == (
        "SELECT ?label WHERE { VALUES ?entity { <http://example.org/a> } ?entity rdfs:label"
        " ?label }"
    )


def test_values_open_each_subquery_and_each_union_branch() -> None:
    query = (
        "SELECT * WHERE { { SELECT ?o WHERE { ?entity ?p ?o } LIMIT 1 }"
        " { ?entity ?p ?x } UNION { ?x ?p ?entity } }"
    )
    bound = bind(query, {"entity": A})
    assert bound.count("VALUES ?entity { <http://example.org/a> }") == 4


def test_several_values_are_rows() -> None:
    bound = bind("SELECT * WHERE { ?s ?p ?o }", {"s": [A, B]})
    assert "VALUES ?s { <http://example.org/a> <http://example.org/b> }" in bound


def test_limit_and_offset_take_their_places() -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT $limit OFFSET $offset"
    assert bind(query, limit=25, offset=50).endswith("LIMIT 25 OFFSET 50")
    with pytest.raises(ValueError, match=r"\$offset"):
        bind(query, limit=25)
    with pytest.raises(ValueError, match=r"\$limit"):
        bind(query, limit=-1, offset=0)


def test_text_in_strings_and_comments_is_left_alone() -> None:
    query = 'SELECT * WHERE { # WHERE {\n ?s ?p "WHERE { $limit" }'
    bound = bind(query, {"s": A})
    assert bound.count("VALUES") == 1
    assert bound.endswith('# WHERE {\n ?s ?p "WHERE { $limit" }')


def test_a_literal_cannot_end_the_block() -> None:
    hostile = ox.Literal('x" } } INSERT DATA { <urn:a> <urn:b> <urn:c> } #')
    store = GraphStore("http://example.org/")
    bound = bind("SELECT ?v WHERE { ?s ?p ?v }", {"v": hostile})
    assert store.query(bound).kind == "select"  # one query, still: the quote is escaped
    assert bound.count("VALUES") == 1


def test_only_iris_and_literals_are_bound() -> None:
    with pytest.raises(ValueError, match="only IRIs and literals"):
        bind("SELECT * WHERE { ?s ?p ?o }", {"s": ox.BlankNode()})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="WHERE"):
        bind("ASK { ?s ?p ?o }", {"s": A})
    with pytest.raises(ValueError, match="variable name"):
        bind("SELECT * WHERE { ?s ?p ?o }", {"s ?p": A})


def test_graph_updates_and_unions() -> None:
    assert graph_update("DROP", A.value) == "DROP SILENT GRAPH <http://example.org/a>"
    assert graph_update("MOVE", A.value, B.value) == (
        "MOVE SILENT GRAPH <http://example.org/a> TO GRAPH <http://example.org/b>"
    )
    with pytest.raises(ValueError):
        graph_update("CLEAR", A.value)
    combined = union(["SELECT ?x WHERE { ?x ?p ?o }", "SELECT ?x WHERE { ?s ?p ?x }"])
    assert GraphStore("http://example.org/").query(combined).kind == "select"


SPARQL = re.compile(r"\b(SELECT|WHERE|ASK|CONSTRUCT|DESCRIBE|VALUES|GRAPH|INSERT|DROP|LIMIT)\b")
VARIABLE = re.compile(r"\?[A-Za-z_]\w*")
"""A SPARQL variable (SQL's parameters are a bare ``?``)."""


def _is_sparql(text: str) -> bool:
    return bool(SPARQL.search(text) and VARIABLE.search(text))


def _built_query_text(tree: ast.Module) -> list[int]:
    """The lines where a function builds SPARQL text from values: an f-string, ``%`` or
    ``.format`` whose literal text is SPARQL, or ``.format`` / ``.replace`` on a constant that
    is."""
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.JoinedStr):
                text = "".join(
                    part.value
                    for part in node.values
                    if isinstance(part, ast.Constant) and isinstance(part.value, str)
                )
                if _is_sparql(text):
                    found.append(node.lineno)
            elif (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Mod)
                and isinstance(node.left, ast.Constant)
                and isinstance(node.left.value, str)
                and _is_sparql(node.left.value)
            ):
                found.append(node.lineno)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("format", "replace")
                and isinstance(node.func.value, ast.Name)
                and _is_sparql(constants.get(node.func.value.id, ""))
            ):
                found.append(node.lineno)
    return found


@pytest.mark.parametrize(
    "path",
    [
        path
        for package in ("kuopio_graph", "webapp")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name != "binding.py"
    ],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_no_other_way_builds_query_text(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert _built_query_text(tree) == [], "bind values with kuopio_graph.binding.bind"


def test_the_check_finds_the_old_ways() -> None:
    old = """
DATED = "SELECT ?start WHERE { ?entity schema:startDate ?start }"
def f(iri, n):
    a = f"SELECT ?v WHERE {{ {iri} ?p ?v }}"
    b = "SELECT ?v WHERE { %s ?p ?v } LIMIT %d" % (iri, n)
    c = DATED.replace("?entity", iri)
    return a, b, c
"""
    assert _built_query_text(ast.parse(old)) == [4, 5, 6]
