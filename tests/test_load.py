"""Loading: files, named graphs per source, syntax errors, base rewriting."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kuopio_graph import DEFAULT_BASE, GraphStore, LoadError, Settings, discover, load
from kuopio_graph.export import export

PRIMARY = f"{DEFAULT_BASE}id/source/kuopio-kansainvalinen-toiminta"


def test_each_source_folder_is_a_named_graph(settings: Settings, store: GraphStore) -> None:
    data_root = settings.data[0]
    folders = {p.name for p in data_root.iterdir() if p.is_dir()}
    expected = {f"{DEFAULT_BASE}id/source/{name}" for name in folders} | {f"{DEFAULT_BASE}ontology"}
    assert set(store.graphs()) == expected


def test_every_source_graph_names_a_described_source_document(store: GraphStore) -> None:
    rows = store.select(
        """SELECT ?graph WHERE {
             GRAPH ?graph { ?s ?p ?o }
             FILTER(STRSTARTS(STR(?graph), STR(id:source)))
             FILTER NOT EXISTS { ?graph a kuopio:SourceDocument ; schema:url ?url }
           } GROUP BY ?graph"""
    )
    assert rows == []


def test_default_graph_is_the_merge_of_all_sources(store: GraphStore) -> None:
    (row,) = store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
    )
    assert int(row["n"].value) == len(store)


def test_which_source_says_what(store: GraphStore) -> None:
    rows = store.select(
        f"SELECT ?g WHERE {{ GRAPH ?g {{ <{DEFAULT_BASE}id/network/iclei> org:purpose ?t }} }}"
    )
    assert {row["g"].value for row in rows} == {PRIMARY}


def test_syntax_error_names_file_line_and_column(tmp_path: Path, settings: Settings) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "unterminated .\n')
    with pytest.raises(LoadError) as caught:
        load(settings.with_values({"extra": [broken]}))
    assert caught.value.path == broken
    assert caught.value.line == 2
    assert str(caught.value).startswith(f"{broken}:2:")


def test_extra_files_load_into_the_default_graph(tmp_path: Path, settings: Settings) -> None:
    extra = tmp_path / "mine.nt"
    extra.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    store = load(settings.with_values({"extra": [extra], "data": []}))
    assert store.query("ASK { <http://example.org/a> ?p ?o }").answer
    assert store.graphs() == [f"{DEFAULT_BASE}ontology"]


def test_a_data_file_named_again_loads_once_into_its_source_graph(settings: Settings) -> None:
    """``kuopio-graph validate data/`` names the bundled data a second time: loading it twice
    would double every blank node (and so every interval's beginning)."""
    again = settings.with_values({"extra": [*settings.data, *settings.data]})
    assert discover(again) == discover(settings)
    assert len(load(again)) == len(load(settings))


def test_a_file_that_is_not_rdf_is_refused(tmp_path: Path, settings: Settings) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(LoadError, match="not an RDF file"):
        discover(settings.with_values({"extra": [other]}))


def test_missing_path_is_refused(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(LoadError, match="no such file"):
        discover(settings.with_values({"extra": [tmp_path / "nowhere.ttl"]}))


def test_another_base_rewrites_every_minted_iri(settings: Settings) -> None:
    store = load(settings.with_values({"base": "http://localhost:8080/"}))
    assert store.query("ASK { <http://localhost:8080/id/network/iclei> a ?type }").answer
    leftover = store.select(
        f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{DEFAULT_BASE}")) }} LIMIT 1'
    )
    assert leftover == []


def test_blank_nodes_keep_their_identity_across_a_large_file(
    tmp_path: Path, settings: Settings
) -> None:
    lines = ["<http://example.org/a> <http://example.org/p> _:b .\n"]
    lines += [f'<http://example.org/s{i}> <http://example.org/q> "{i}" .\n' for i in range(20000)]
    lines += ['_:b <http://example.org/r> "end" .\n']
    big = tmp_path / "big.nt"
    big.write_text("".join(lines))
    store = load(settings.with_values({"extra": [big], "data": [], "ontology": []}))
    joined = (
        "ASK { <http://example.org/a> <http://example.org/p> ?b . ?b <http://example.org/r> ?e }"
    )
    assert store.query(joined).answer


@pytest.mark.parametrize("name", ["trig", "nq"])
def test_a_dump_of_every_graph_loads_back_as_it_was(
    tmp_path: Path, settings: Settings, store: GraphStore, name: str
) -> None:
    """A TriG or N-Quads dump (as replicas load it) gives back each source's graph, the merged
    default graph, and blank nodes that the two share."""
    dump = tmp_path / f"kuopio.{name}"
    dump.write_bytes(export(store, name))
    copy = load(Settings(ontology=(), data=(), extra=(dump,)))
    assert copy.graphs() == store.graphs()
    assert len(copy) == len(store)
    for graph in store.graphs():
        assert len(list(copy.triples(graph))) == len(list(store.triples(graph)))
    shared = """SELECT (COUNT(*) AS ?n) WHERE {
        ?s ?p ?node . FILTER(isBlank(?node)) GRAPH ?g { ?s ?p ?node } }"""
    assert copy.select(shared) == store.select(shared) != [{"n": ox.Literal(0)}]
