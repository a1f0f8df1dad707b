"""The command line, driven through click's runner as a user would type it."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph

from kuopio_graph import GraphStore
from webapp.commands import main

NETWORKS = "SELECT ?network WHERE { ?network a kuopio:ThematicNetwork } ORDER BY ?network"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_validate_accepts_the_bundled_data(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_validate_json_for_tools(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"conforms": True, "problems": []}


def test_validate_reports_a_syntax_error_with_file_and_line(
    runner: CliRunner, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ex:d .\n")
    result = runner.invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}:3:" in result.output


def test_validate_usage_error_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", "--format", "yaml"])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("output", "check"),
    [
        ("table", lambda text: "network/iclei" in text and "(3 rows)" in text),
        ("csv", lambda text: len(list(csv.reader(io.StringIO(text)))) == 4),
        ("tsv", lambda text: text.splitlines()[0] == "?network"),
        ("json", lambda text: len(json.loads(text)["results"]["bindings"]) == 3),
        ("xml", lambda text: text.count("<result>") == 3),
    ],
)
def test_query_select_formats(runner: CliRunner, output: str, check: object) -> None:
    result = runner.invoke(main, ["query", "--format", output, NETWORKS])
    assert result.exit_code == 0, result.output
    assert callable(check) and check(result.output)


@pytest.mark.parametrize("output", ["turtle", "nt", "jsonld", "xml"])
def test_query_construct_formats(runner: CliRunner, output: str) -> None:
    query = (
        "CONSTRUCT { ?n a org:OrganizationalCollaboration } WHERE { ?n a kuopio:ThematicNetwork }"
    )
    result = runner.invoke(main, ["query", "--format", output, query])
    assert result.exit_code == 0, result.output
    rdf_format = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}[output]
    assert len(Graph().parse(data=result.output, format=rdf_format)) == 3


def test_query_from_file_and_stdin(runner: CliRunner, tmp_path: Path) -> None:
    query_file = tmp_path / "q.rq"
    query_file.write_text("ASK { ?s a kuopio:Strategy }")
    assert runner.invoke(main, ["query", "-f", str(query_file)]).output == "yes\n"
    assert runner.invoke(main, ["query"], input="ASK { ?s a kuopio:Nothing }").output == "no\n"


def test_query_syntax_error_is_one_line_and_exit_1(runner: CliRunner) -> None:
    result = runner.invoke(main, ["query", "SELECT ?x WHERE { ?x a "])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith("Query syntax error:")


def test_query_sees_extra_files(runner: CliRunner, tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text("<http://example.org/x> a <http://example.org/Thing> .\n")
    result = runner.invoke(main, ["query", "ASK { ?x a <http://example.org/Thing> }", str(extra)])
    assert result.output == "yes\n"


@pytest.mark.parametrize(
    ("name", "rdflib_format"),
    [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")],
)
def test_export_round_trips(
    runner: CliRunner, store: GraphStore, name: str, rdflib_format: str
) -> None:
    result = runner.invoke(main, ["export", "--format", name])
    assert result.exit_code == 0
    assert len(Graph().parse(data=result.stdout_bytes, format=rdflib_format)) == len(store)


def test_export_gzip_to_file_keeps_named_graphs(
    runner: CliRunner, store: GraphStore, tmp_path: Path
) -> None:
    target = tmp_path / "dump.nq.gz"
    result = runner.invoke(main, ["export", "--format", "nq", "--gzip", "-o", str(target)])
    assert result.exit_code == 0
    dataset = Dataset()
    dataset.parse(data=gzip.decompress(target.read_bytes()), format="nquads")
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert set(store.graphs()) <= graphs


def test_stats(runner: CliRunner, store: GraphStore) -> None:
    result = runner.invoke(main, ["stats", "--format", "json"])
    summary = json.loads(result.output)
    assert summary["triples"] == len(store)
    assert summary["labelled"] == {"en": summary["resources"], "fi": summary["resources"]}
    assert summary["classes"]["https://w3id.org/kuopio-graph/ontology/ThematicNetwork"] == 3


def test_query_never_reaches_out(runner: CliRunner) -> None:
    result = runner.invoke(main, ["query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> {} }"])
    assert result.exit_code == 1
    assert result.output.startswith("Query refused: SERVICE is not allowed")
