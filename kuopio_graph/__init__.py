"""The knowledge graph of the City of Kuopio's international relationships.

Load it, validate it against its SHACL shapes, query it and export it::

    from kuopio_graph import Settings, load, validate, shapes_graph
    settings = Settings()
    store = load(settings)
    report = validate(store, shapes_graph(settings.shapes, settings.base))

Everything a program (the web service among them) uses of the library is named here; the
modules behind these names are the library's own business.
"""

from __future__ import annotations

from .binding import bind
from .cli import command_line, dataset_options, settings_from_options
from .connections import (
    PART_OF,
    PARTNER,
    PARTNERSHIP,
    UNIT,
    Branch,
    Dated,
    Tree,
    dated_relationships,
    relationship_tree,
)
from .dataset_description import PREFIXES as DESCRIPTION_PREFIXES
from .documentation import ShapeEntry, ontology_documentation, shape_entries
from .errors import (
    InvalidIRI,
    KuopioGraphError,
    LoadError,
    QueryNotSupported,
    QuerySyntaxError,
    StoreError,
    StoreFailed,
    StoreTimeout,
    StoreUnavailable,
    UnknownFormat,
)
from .executor import (
    NoAcceptableFormat,
    QueryAnswer,
    QueryFailed,
    QueryJob,
    QueryTimeout,
)
from .export import export
from .files import SourceFile, discover, load
from .formats import DATASET_FORMATS, RDF_FORMATS, RESULT_FORMATS, Format, find
from .geography import (
    LATITUDE,
    RELATIONSHIP_KINDS,
    LocatedPlace,
    RelationshipPlaces,
    locate,
    relationship_places,
)
from .guard import UPDATE_REFUSED, QueryRefused
from .listings import featured, minted
from .namespaces import DEFAULT_BASE, compact, prefixes
from .naming import best_label, labels, term_labels
from .queries import NamedQuery, named_queries
from .remote import RemoteStore
from .resource import backlinks_query, describe, is_described, statements_query, values_query
from .resource_view import BACKLINKS_PER_PAGE, VALUES_PER_PAGE, Value, entity_view
from .schema_org import dataset_markup, entity_markup
from .search_index import Hit, SearchIndex
from .serialize import serialize_graph, serialize_triples
from .served import DUMPS, SearchNotReady, ServedDataset
from .settings import Settings, SettingsError
from .spreadsheet import spreadsheet_csv
from .stats import Stats, stats
from .store import GraphStore, QueryResult, Store
from .validate import Problem, ValidationReport, shapes_graph, validate

__all__ = [
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
]
