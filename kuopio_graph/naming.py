"""Names of resources, and the one rule for choosing which to show."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from .store import Store

FALLBACK = ("en", "fi")
"""The languages a name is taken from when there is none in the reader's."""

LABELS = """
SELECT ?resource ?label
WHERE { ?resource rdfs:label|skos:prefLabel ?label }
"""
"""The labels of the resources a page shows."""


def best_language(names: Mapping[str, str], language: str) -> str | None:
    """Which of ``names`` (by language) to show a reader of ``language``: theirs, else
    English, else Finnish, else any; None if there is none."""
    for wanted in (language, *FALLBACK):
        if names.get(wanted):
            return wanted
    return next((key for key, name in names.items() if name), None)


def best_label(names: Mapping[str, str], language: str) -> str | None:
    """The name of one resource to show a reader of ``language`` (see :func:`best_language`)."""
    chosen = best_language(names, language)
    return None if chosen is None else names[chosen]


def labels(store: Store, iris: Iterable[str]) -> dict[str, dict[str, str]]:
    """The labels of ``iris`` by language (the first of each language)."""
    nodes = [ox.NamedNode(iri) for iri in dict.fromkeys(iris)]
    found: dict[str, dict[str, str]] = {}
    if not nodes:
        return found
    for row in store.select(LABELS, {"resource": nodes}):
        label = row["label"]
        if isinstance(label, ox.Literal):
            found.setdefault(row["resource"].value, {}).setdefault(
                label.language or "", label.value
            )
    return found


def term_labels(turtle: bytes) -> dict[str, dict[str, str]]:
    """The language-tagged names a Turtle document gives its subjects, by language."""
    names: dict[str, dict[str, str]] = {}
    for quad in ox.parse(turtle, format=ox.RdfFormat.TURTLE):
        if isinstance(quad.object, ox.Literal) and quad.object.language:
            names.setdefault(quad.subject.value, {})[quad.object.language] = quad.object.value
    return names
