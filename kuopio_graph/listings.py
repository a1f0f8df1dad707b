"""What the overviews list: the networks, partnerships and kinds of actor the home page shows,
and every resource minted under the base, for the sitemap."""

from __future__ import annotations

import pyoxigraph as ox

from .naming import best_label, labels
from .store import Store

FEATURED = {
    "networks": "SELECT ?item WHERE { ?item a/rdfs:subClassOf* kuopio:InternationalNetwork }"
    " LIMIT $limit",
    "partnerships": "SELECT ?item WHERE { ?item a/rdfs:subClassOf* kuopio:Partnership }"
    " LIMIT $limit",
    "actor_kinds": "SELECT ?item WHERE { ?item a kuopio:ActorKind } LIMIT $limit",
}
"""What the home page lists, each by its label."""

MINTED = """
SELECT DISTINCT ?resource WHERE {
  ?resource ?p ?o .
  FILTER(isIRI(?resource) && STRSTARTS(STR(?resource), STR(?minted)))
}
ORDER BY ?resource
"""


def featured(store: Store, language: str, limit: int) -> dict[str, list[tuple[str, str]]]:
    """At most ``limit`` of each kind in :data:`FEATURED`, as (label, IRI) in label order."""
    found = {
        key: [row["item"].value for row in store.select(query, limit=limit)]
        for key, query in FEATURED.items()
    }
    names = labels(store, (iri for listed in found.values() for iri in listed))
    return {
        key: sorted(
            ((best_label(names.get(iri, {}), language) or iri, iri) for iri in listed),
            key=lambda pair: pair[0].casefold(),
        )
        for key, listed in found.items()
    }


def minted(store: Store) -> list[str]:
    """Every resource with statements whose IRI is under the store's base, sorted."""
    rows = store.select(MINTED, {"minted": ox.Literal(store.base)})
    return [row["resource"].value for row in rows]
