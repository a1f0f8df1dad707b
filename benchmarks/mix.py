"""The query mix: what analysts and entity pages run, with parameters drawn from the data.

Each :class:`Query` is a SPARQL template with one or more ``{placeholders}``; its parameters
are drawn, by a seeded random generator, from the IRIs the generator's manifest lists, so every
query names resources that exist and successive requests differ (as real traffic does, and so
that an answer cache is not the only thing measured). Every query declares its own prefixes,
so any SPARQL 1.1 endpoint can answer it. Every answer stays under the project's default result
cap (10,000 rows or triples), so answers can be compared whole.

The entity pages (``GET /id/…`` as HTML) are the project's alone; they are measured beside the
mix, not in it, so the mix compares like with like.
"""

# ruff: noqa: S311 - seeded generators, for repeatable runs

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PREFIXES = """PREFIX kuopio: <https://w3id.org/kuopio-graph/ontology/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX time: <http://www.w3.org/2006/time#>
"""

SELECT = "application/sparql-results+json"
GRAPH = "application/n-triples"
HTML = "text/html"


@dataclass(frozen=True)
class Query:
    """One named query of the mix: a template, how to fill it, and how often it is sent."""

    name: str
    kind: str
    """``select``, ``ask`` or ``construct``: what the answer is."""
    template: str
    params: Callable[[random.Random, Manifest], dict[str, str]]
    weight: int = 1
    what: str = ""

    @property
    def accept(self) -> str:
        """The media type asked for."""
        return GRAPH if self.kind == "construct" else SELECT

    def render(self, rng: random.Random, manifest: Manifest) -> str:
        """The query text with parameters drawn from ``manifest``."""
        return PREFIXES + self.template.format(**self.params(rng, manifest))


class Manifest:
    """The generator's manifest: sample IRIs by kind, and the words that labels contain."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.base: str = data["base"]
        self.samples: dict[str, list[str]] = data["samples"]
        self.counts: dict[str, int] = data["counts"]

    def iri(self, path: str) -> str:
        """The full IRI, in angle brackets, of a resource under ``{base}id/``."""
        return f"<{self.base}id/{path}>"

    def pick(self, rng: random.Random, kind: str) -> str:
        """A sample IRI of ``kind``, bracketed."""
        return self.iri(rng.choice(self.samples[kind]))

    def any_entity(self, rng: random.Random) -> str:
        """An entity of a kind a page or a description is asked for, weighted like traffic."""
        kind = rng.choice(
            ["municipality", "network", "membership", "membership", "service_area", "organisation"]
        )
        return self.pick(rng, kind)


def _entity(rng: random.Random, m: Manifest) -> dict[str, str]:
    return {"entity": m.any_entity(rng)}


def _word(rng: random.Random, m: Manifest) -> dict[str, str]:
    return {"word": rng.choice(m.data["label_words"])}


def _theme(rng: random.Random, m: Manifest) -> dict[str, str]:
    return {"theme": m.iri(rng.choice(m.data["themes"]))}


def _municipality(rng: random.Random, m: Manifest) -> dict[str, str]:
    return {"city": m.pick(rng, "municipality")}


def _page(rng: random.Random, m: Manifest) -> dict[str, str]:
    organisations = m.counts.get("municipality", 0) + m.counts.get("organisation", 0)
    pages = max(1, organisations // 50)
    return {"offset": str(50 * rng.randrange(pages))}


def _network(rng: random.Random, m: Manifest) -> dict[str, str]:
    return {"network": m.pick(rng, "network")}


def _member_and_network(rng: random.Random, m: Manifest) -> dict[str, str]:
    return {"city": m.pick(rng, "municipality"), "network": m.pick(rng, "network")}


def _scope(rng: random.Random, m: Manifest) -> dict[str, str]:
    return {"scope": m.iri(rng.choice(m.data["scopes"]))}


MIX: list[Query] = [
    Query(
        "entity_description",
        "select",
        """SELECT ?property ?value ?value_label WHERE {{
  {entity} ?property ?value .
  OPTIONAL {{ ?value rdfs:label|skos:prefLabel ?value_label FILTER(LANG(?value_label) = "en") }}
}}""",
        _entity,
        weight=3,
        what="every statement about one resource, with the English labels of what it links to",
    ),
    Query(
        "label_search",
        "select",
        """SELECT ?resource ?label WHERE {{
  ?resource rdfs:label ?label .
  FILTER(LANG(?label) = "fi" && CONTAINS(LCASE(STR(?label)), "{word}"))
}}
ORDER BY ?label ?resource
LIMIT 20""",
        _word,
        what="the first 20 resources whose Finnish label contains a word (a full label scan)",
    ),
    Query(
        "members_per_network",
        "select",
        """SELECT ?network ?label (COUNT(DISTINCT ?member) AS ?members) WHERE {{
  ?network org:purpose {theme} .
  ?membership a kuopio:NetworkParticipation ;
      org:organization ?network ;
      org:member ?member .
  OPTIONAL {{ ?network rdfs:label ?label FILTER(LANG(?label) = "en") }}
}}
GROUP BY ?network ?label
ORDER BY DESC(?members) ?network""",
        _theme,
        what="members of each network on one theme (counts per network)",
    ),
    Query(
        "units_networks",
        "select",
        """SELECT ?unit ?network ?theme_label ?coordinator_label WHERE {{
  ?unit org:unitOf+ {city} .
  ?membership org:member ?unit ;
      org:organization ?network .
  ?network org:purpose/skos:prefLabel ?theme_label .
  FILTER(LANG(?theme_label) = "en")
  OPTIONAL {{
    ?network kuopio:coordinatedBy/rdfs:label ?coordinator_label .
    FILTER(LANG(?coordinator_label) = "en")
  }}
}}""",
        _municipality,
        what="multi-hop: the networks a city's units take part in, their themes and coordinators",
    ),
    Query(
        "peer_cities",
        "select",
        """SELECT ?peer (COUNT(DISTINCT ?network) AS ?shared) WHERE {{
  ?mine org:member {city} ;
      org:organization ?network .
  ?theirs org:organization ?network ;
      org:member ?peer .
  ?peer a kuopio:Municipality .
  FILTER(?peer != {city})
}}
GROUP BY ?peer
ORDER BY DESC(?shared) ?peer
LIMIT 10""",
        _municipality,
        what="multi-hop: the cities that share the most networks with a city",
    ),
    Query(
        "organisations_page",
        "select",
        """SELECT ?organisation ?label_fi ?label_en ?comment_en WHERE {{
  ?organisation a/rdfs:subClassOf* org:FormalOrganization .
  OPTIONAL {{ ?organisation rdfs:label ?label_fi FILTER(LANG(?label_fi) = "fi") }}
  OPTIONAL {{ ?organisation rdfs:label ?label_en FILTER(LANG(?label_en) = "en") }}
  OPTIONAL {{ ?organisation rdfs:comment ?comment_en FILTER(LANG(?comment_en) = "en") }}
}}
ORDER BY ?organisation
LIMIT 50 OFFSET {offset}""",
        _page,
        what="OPTIONAL + language filters with paging, over a subclass path",
    ),
    Query(
        "network_neighbourhood",
        "construct",
        """CONSTRUCT {{
  {network} ?property ?value .
  ?value rdfs:label ?value_label .
  ?membership org:organization {network} ;
      org:member ?member ;
      org:role ?role .
}}
WHERE {{
  {{
    {network} ?property ?value .
    OPTIONAL {{ ?value rdfs:label ?value_label }}
  }}
  UNION
  {{
    ?membership org:organization {network} ;
        org:member ?member ;
        org:role ?role .
  }}
}}""",
        _network,
        what="CONSTRUCT of a network, the labels of what it links to, and its memberships",
    ),
    Query(
        "is_member",
        "ask",
        """ASK {{
  ?membership org:organization {network} ;
      org:member ?member .
  ?member org:unitOf* {city} .
}}""",
        _member_and_network,
        weight=2,
        what="ASK: does the city or one of its units take part in a network",
    ),
    Query(
        "memberships_with_dates",
        "select",
        """SELECT ?membership ?member_label ?role_label ?start WHERE {{
  ?membership org:organization {network} ;
      org:member ?member .
  OPTIONAL {{ ?member rdfs:label ?member_label FILTER(LANG(?member_label) = "en") }}
  OPTIONAL {{
    ?membership org:role/skos:prefLabel ?role_label .
    FILTER(LANG(?role_label) = "en")
  }}
  OPTIONAL {{ ?membership org:memberDuring/time:hasBeginning/time:inXSDgYear ?start }}
}}
ORDER BY ?member_label ?membership ?role_label
LIMIT 100""",
        _network,
        what="a network's memberships with roles and start years (OPTIONAL chains)",
    ),
    Query(
        "memberships_by_country",
        "select",
        """SELECT ?country ?country_label (COUNT(DISTINCT ?membership) AS ?memberships)
       (COUNT(DISTINCT ?network) AS ?networks) (COUNT(?start) AS ?dated) WHERE {{
  ?network kuopio:geographicScope {scope} .
  ?membership a kuopio:NetworkParticipation ;
      org:organization ?network ;
      org:member ?member .
  ?member org:unitOf* ?body .
  ?body schema:location ?country .
  ?country rdfs:label ?country_label FILTER(LANG(?country_label) = "en")
  OPTIONAL {{ ?membership org:memberDuring/time:hasBeginning/time:inXSDgYear ?start }}
}}
GROUP BY ?country ?country_label
ORDER BY DESC(?memberships) ?country""",
        _scope,
        what="the heavier aggregation: memberships per country for networks of one scope",
    ),
]
"""The SPARQL mix, sent to every server."""

BY_NAME = {query.name: query for query in MIX}


def schedule(rng: random.Random) -> list[Query]:
    """One round of the mix, each query as often as its weight, in a shuffled order."""
    round_ = [query for query in MIX for _ in range(query.weight)]
    rng.shuffle(round_)
    return round_


def entity_page_path(rng: random.Random, manifest: Manifest, hub: bool = False) -> str:
    """The path (``/id/…``) of an entity page: a typical resource, or a hub many things link to.

    Hubs are the City of Kuopio, the roles, the themes and the largest networks: their pages
    have thousands of backlinks at a million triples.
    """
    if hub:
        hubs = manifest.data["hubs"]
        choices: list[str] = [
            hubs["city"],
            *hubs["roles"][:3],
            *hubs["themes"][:3],
            *hubs["largest_networks"],
        ]
        return "/id/" + rng.choice(choices)
    return "/id/" + manifest.any_entity(rng)[len(manifest.base) + 4 : -1]
