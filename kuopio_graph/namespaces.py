"""The vocabularies the graph uses, and the prefixes every query and serialisation shares."""

from __future__ import annotations

DEFAULT_BASE = "https://w3id.org/kuopio-graph/"


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Return the prefix table for a graph published under ``base``."""
    return {
        "kuopio": f"{base}ontology/",
        "id": f"{base}id/",
        "org": "http://www.w3.org/ns/org#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "dct": "http://purl.org/dc/terms/",
        "prov": "http://www.w3.org/ns/prov#",
        "schema": "https://schema.org/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "time": "http://www.w3.org/2006/time#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "sh": "http://www.w3.org/ns/shacl#",
        "geo": "http://www.opengis.net/ont/geosparql#",
        "geof": "http://www.opengis.net/def/function/geosparql/",
        "uom": "http://www.opengis.net/def/uom/OGC/1.0/",
        "wgs": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    }


def compact(iri: str, table: dict[str, str]) -> str:
    """Write ``iri`` as ``prefix:rest`` with the longest matching namespace, or leave it whole.

    >>> compact("http://www.w3.org/ns/org#member", prefixes())
    'org:member'
    """
    matches = [(name, ns) for name, ns in table.items() if iri.startswith(ns)]
    if not matches:
        return iri
    name, namespace = max(matches, key=lambda match: len(match[1]))
    return f"{name}:{iri[len(namespace) :]}"
