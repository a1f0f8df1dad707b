"""The SHACL shapes accept the real data and catch the mistakes in tests/fixtures/invalid/.

Each fixture holds one mistake and starts with one or more lines

    # expect: <shape IRI> <focus node IRI>

naming the sh:sourceShape and sh:focusNode of every result it must produce. The fixture is
loaded beside the real data and ontology, as ``kuopio-graph validate FIXTURE`` would load it,
so the results must be exactly those.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH

from kuopio_graph import GraphStore, Settings, discover, load, shapes_graph, validate
from webapp.commands import main

FIXTURES = Path(__file__).parent / "fixtures" / "invalid"
FIXTURE_FILES = sorted(FIXTURES.glob("*.ttl"))
SHAPES_NS = "https://w3id.org/kuopio-graph/shapes/"


@pytest.fixture(scope="module")
def shapes(settings: Settings) -> Graph:
    return shapes_graph(settings.shapes, settings.base)


def expected_results(fixture: Path) -> set[tuple[str, str]]:
    """The (shape, focus node) pairs named by the fixture's ``# expect:`` lines."""
    expected = set()
    for line in fixture.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            shape, focus = line.removeprefix("# expect:").split()
            expected.add((shape.strip("<>"), focus.strip("<>")))
    return expected


def test_real_data_conforms(settings: Settings, store: GraphStore, shapes: Graph) -> None:
    report = validate(store, shapes, discover(settings))
    assert report.conforms, report.to_text()


def test_every_shape_explains_itself_in_english_and_finnish(shapes: Graph) -> None:
    named = {
        shape
        for kind in (SH.NodeShape, SH.PropertyShape)
        for shape in shapes.subjects(RDF.type, kind)
    }
    assert len(named) > 50
    for shape in named:
        assert str(shape).startswith(SHAPES_NS), shape
        languages = sorted(m.language for m in shapes.objects(shape, SH.message))
        assert languages == ["en", "fi"], shape
        assert (shape, RDFS.comment, None) in shapes, shape
        assert shapes.value(shape, SH.severity) == SH.Violation, shape


def test_there_are_fixtures() -> None:
    assert len(FIXTURE_FILES) >= 12


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=[f.name for f in FIXTURE_FILES])
def test_fixture_trips_exactly_its_shapes(fixture: Path, settings: Settings, shapes: Graph) -> None:
    expected = expected_results(fixture)
    assert expected, f"{fixture.name} has no '# expect: <shape> <focus>' line"
    with_fixture = settings.with_values({"extra": [fixture]})
    report = validate(load(with_fixture), shapes, discover(with_fixture))
    assert not report.conforms
    assert {(p.shape, p.focus) for p in report.problems} == expected, report.to_text()
    for problem in report.problems:
        assert set(problem.messages) == {"en", "fi"}, problem
    # The report names the file to fix wherever the fixture describes the resource at fault.
    described = {str(subject) for subject in Graph().parse(fixture, format="turtle").subjects()}
    for problem in report.problems:
        if problem.focus in described:
            assert str(fixture) in problem.files, problem


def test_validate_command_names_file_and_resource(settings: Settings) -> None:
    fixture = FIXTURES / "membership-without-role.ttl"
    (_, focus), *_ = expected_results(fixture)
    result = CliRunner().invoke(main, ["validate", str(fixture)])
    assert result.exit_code == 1
    assert f"{fixture}: {focus}" in result.output
    assert result.output.rstrip().endswith("\n1 problem in 1 resource.")
    finnish = CliRunner().invoke(main, ["validate", "--lang", "fi", str(fixture)])
    assert finnish.output.rstrip().endswith("\n1 ongelma 1 resurssissa.")


def test_validating_leaves_the_shapes_as_they_are(settings: Settings, store: GraphStore) -> None:
    """pySHACL adds axioms to the shapes graph it validates with; the shapes the service
    serves afterwards must still be the shapes as written."""
    shapes = shapes_graph(settings.shapes, settings.base)
    written = set(shapes)
    validate(store, shapes)
    assert set(shapes) == written
