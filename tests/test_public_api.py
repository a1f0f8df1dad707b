"""The library's public names are deliberate: adding or removing one is a visible change, and
the web app uses nothing else (the import-linter contracts in pyproject.toml see to that)."""

from __future__ import annotations

import doctest

import kuopio_graph
from kuopio_graph import binding, formats, geography, namespaces

PUBLIC = {
    "BACKLINKS_PER_PAGE",
    "Branch",
    "DATASET_FORMATS",
    "DEFAULT_BASE",
    "DESCRIPTION_PREFIXES",
    "DUMPS",
    "Dated",
    "Format",
    "GraphStore",
    "Hit",
    "InvalidIRI",
    "KuopioGraphError",
    "LATITUDE",
    "LoadError",
    "LocatedPlace",
    "NamedQuery",
    "NoAcceptableFormat",
    "PARTNER",
    "PARTNERSHIP",
    "PART_OF",
    "Problem",
    "QueryAnswer",
    "QueryFailed",
    "QueryJob",
    "QueryNotSupported",
    "QueryRefused",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "RDF_FORMATS",
    "RELATIONSHIP_KINDS",
    "RESULT_FORMATS",
    "RelationshipPlaces",
    "RemoteStore",
    "SearchIndex",
    "SearchNotReady",
    "ServedDataset",
    "Settings",
    "SettingsError",
    "ShapeEntry",
    "SourceFile",
    "Stats",
    "Store",
    "StoreError",
    "StoreFailed",
    "StoreTimeout",
    "StoreUnavailable",
    "Tree",
    "UNIT",
    "UPDATE_REFUSED",
    "UnknownFormat",
    "VALUES_PER_PAGE",
    "ValidationReport",
    "Value",
    "backlinks_query",
    "best_label",
    "bind",
    "command_line",
    "compact",
    "dataset_markup",
    "dataset_options",
    "dated_relationships",
    "describe",
    "discover",
    "entity_markup",
    "entity_view",
    "export",
    "featured",
    "find",
    "is_described",
    "labels",
    "load",
    "locate",
    "minted",
    "named_queries",
    "ontology_documentation",
    "prefixes",
    "relationship_places",
    "relationship_tree",
    "serialize_graph",
    "serialize_triples",
    "settings_from_options",
    "shape_entries",
    "shapes_graph",
    "spreadsheet_csv",
    "statements_query",
    "stats",
    "term_labels",
    "validate",
    "values_query",
}


def test_the_public_names_are_exactly_these() -> None:
    assert set(kuopio_graph.__all__) == PUBLIC


def test_exported_names_are_sorted_and_exist() -> None:
    names = kuopio_graph.__all__
    assert names == sorted(names)
    for name in names:
        assert hasattr(kuopio_graph, name), name


def test_docstring_examples_run() -> None:
    for module in (binding, formats, geography, namespaces):
        assert doctest.testmod(module).failed == 0
