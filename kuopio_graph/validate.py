"""SHACL validation of the loaded graph, reported resource by resource in plain words."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import RDF, SH, BNode, Graph, Literal, Node, URIRef

from .files import SourceFile, rdf_files, read_source, subjects_by_file
from .formats import RDF_FORMATS, find
from .store import Store


@dataclass(frozen=True)
class Problem:
    """One SHACL result: what is wrong with which resource, where it is, and what to do."""

    focus: str
    shape: str
    messages: dict[str, str]
    path: str | None = None
    value: str | None = None
    severity: str = "Violation"
    files: tuple[str, ...] = ()

    def message(self, language: str = "en") -> str:
        """The shape's message in ``language``, falling back to any message it has."""
        return self.messages.get(language) or next(iter(self.messages.values()), "")


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating the graph against the shapes."""

    conforms: bool
    problems: tuple[Problem, ...] = field(default=())

    def by_resource(self) -> dict[str, list[Problem]]:
        """The problems grouped by the resource they concern, in a stable order."""
        grouped: dict[str, list[Problem]] = {}
        for problem in sorted(self.problems, key=lambda p: (p.focus, p.path or "", p.shape)):
            grouped.setdefault(problem.focus, []).append(problem)
        return grouped

    def to_text(self, language: str = "en") -> str:
        """A report people can act on: file, resource, what is wrong, what to do."""
        if self.conforms:
            return (
                "The graph conforms to the shapes."
                if language == "en"
                else "Graafi on muotojen mukainen."
            )
        lines = []
        for focus, problems in self.by_resource().items():
            files = ", ".join(problems[0].files) or "(no file describes it)"
            lines.append(f"{files}: {focus}")
            for problem in problems:
                detail = f" [{_short(problem.path)}]" if problem.path else ""
                value = f" (value: {problem.value})" if problem.value else ""
                lines.append(f"  - {problem.message(language)}{detail}{value}")
                lines.append(f"    shape: {problem.shape}")
        lines.append(_summary(len(self.problems), len(self.by_resource()), language))
        return "\n".join(lines)

    def to_graph(self) -> Graph:
        """The report as a SHACL validation report graph."""
        graph = Graph()
        graph.bind("sh", SH)
        report = BNode("report")
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms)))
        for problem in self.problems:
            result = BNode()
            graph.add((report, SH.result, result))
            graph.add((result, RDF.type, SH.ValidationResult))
            graph.add((result, SH.focusNode, _node(problem.focus)))
            graph.add((result, SH.sourceShape, URIRef(problem.shape)))
            graph.add((result, SH.resultSeverity, SH[problem.severity]))
            if problem.path:
                graph.add((result, SH.resultPath, URIRef(problem.path)))
            if problem.value:
                graph.add((result, SH.value, Literal(problem.value)))
            for language, message in problem.messages.items():
                graph.add((result, SH.resultMessage, Literal(message, lang=language)))
        return graph

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-ready dict, for tools."""
        return {
            "conforms": self.conforms,
            "problems": [asdict(p) for p in self.problems],
        }


def shapes_graph(paths: Iterable[Path], base: str) -> Graph:
    """Parse the SHACL shapes files below ``paths``."""
    graph = Graph()
    for root in paths:
        for path in rdf_files(root):
            graph.parse(
                data=read_source(path, base),
                format="turtle" if path.suffix == ".ttl" else "nt",
            )
    return graph


def validate(store: Store, shapes: Graph, files: Sequence[SourceFile] = ()) -> ValidationReport:
    """Validate the store's default graph (data and ontology merged) against ``shapes``.

    ``files`` are the files the store was loaded from; each problem names those that describe
    its resource.
    """
    data = Graph().parse(data=store.dump(find(RDF_FORMATS, "nt")), format="nt")
    # pySHACL adds a few RDFS/OWL axioms to the shapes graph it is given: give it a copy, so
    # that the shapes served afterwards are the shapes as written.
    shapes_copy = Graph()
    shapes_copy += shapes
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes_copy, inference="none", advanced=True, allow_warnings=False
    )
    problems = list(_problems(results))
    if problems and files:
        where = subjects_by_file(files, store.base)
        problems = [
            Problem(**{**asdict(p), "files": tuple(str(f) for f in where.get(p.focus, []))})
            for p in problems
        ]
    return ValidationReport(bool(conforms), tuple(problems))


def _problems(results: Graph) -> Iterable[Problem]:
    # Only the report's own results: those of sh:node and sh:or nest below them as sh:detail.
    report = results.value(predicate=RDF.type, object=SH.ValidationReport, any=False)
    for result in results.objects(report, SH.result):
        messages: dict[str, str] = {}
        for message in results.objects(result, SH.resultMessage):
            language = (
                message.language if isinstance(message, Literal) and message.language else "en"
            )
            messages.setdefault(language, str(message))
        yield Problem(
            focus=_text(results.value(result, SH.focusNode)),
            shape=_text(results.value(result, SH.sourceShape)),
            messages=messages,
            path=_optional_text(results.value(result, SH.resultPath)),
            value=_optional_text(results.value(result, SH.value)),
            severity=_short(_text(results.value(result, SH.resultSeverity))),
        )


def _text(node: Node | None) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node) if node is not None else ""


def _node(text: str) -> URIRef | BNode:
    return BNode(text[2:]) if text.startswith("_:") else URIRef(text)


def _optional_text(node: Node | None) -> str | None:
    return _text(node) if node is not None else None


def _short(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if isinstance(iri, str | URIRef) else str(iri)


def _summary(problems: int, resources: int, language: str) -> str:
    """How many problems in how many resources, in ``language`` ("fi" or "en")."""
    if language == "fi":
        return f"{problems} {'ongelma' if problems == 1 else 'ongelmaa'} {resources} resurssissa."
    return (
        f"{problems} problem{'' if problems == 1 else 's'}"
        f" in {resources} resource{'' if resources == 1 else 's'}."
    )
