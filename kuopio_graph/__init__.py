"""The knowledge graph of the City of Kuopio's international relationships.

Load it, validate it against its SHACL shapes, query it and export it::

    from kuopio_graph import Settings, load, validate, shapes_graph
    settings = Settings()
    store = load(settings)
    report = validate(store, shapes_graph(settings.shapes, settings.base))
"""

from __future__ import annotations

from .errors import KuopioGraphError, LoadError, QuerySyntaxError, UnknownFormat
from .export import export
from .formats import DATASET_FORMATS, RDF_FORMATS, RESULT_FORMATS, Format
from .load import SourceFile, discover, load
from .namespaces import DEFAULT_BASE, prefixes
from .queries import NamedQuery, named_queries
from .settings import Settings, SettingsError
from .stats import Stats, stats
from .store import GraphStore, QueryResult, Store
from .validate import Problem, ValidationReport, shapes_graph, validate

__all__ = [
    "DATASET_FORMATS",
    "DEFAULT_BASE",
    "Format",
    "GraphStore",
    "KuopioGraphError",
    "LoadError",
    "NamedQuery",
    "Problem",
    "QueryResult",
    "QuerySyntaxError",
    "RDF_FORMATS",
    "RESULT_FORMATS",
    "Settings",
    "SettingsError",
    "SourceFile",
    "Stats",
    "Store",
    "UnknownFormat",
    "ValidationReport",
    "discover",
    "export",
    "load",
    "named_queries",
    "prefixes",
    "shapes_graph",
    "stats",
    "validate",
]
