"""Generate a dataset with the real data's shape, at any size, seeded and deterministic.

The generated graph uses the project's ontology (its own triples are included, so subclass
queries work) and the same kinds of resource and link as ``data/``: municipalities with service
areas (``org:unitOf``), thematic networks with a theme, scope, kind of member and coordinator,
memberships as ``kuopio:NetworkParticipation`` nodes with ``org:member`` / ``org:organization``
/ ``org:role`` and, for some, an ``org:memberDuring`` interval whose beginning is a blank
``time:Instant``, twin-town partnerships, SKOS concepts in concept schemes, source documents
quoted passage by passage (``kuopio:Passage`` with ``prov:value``), and on every resource
``rdfs:label`` (``skos:prefLabel`` for concepts) in Finnish and English, ``dct:source`` and
``prov:wasDerivedFrom``. Memberships fill the graph up to the requested number of triples, so
the count is met to within one membership.

N-Triples lines are written directly (no graph is held in memory), so a million triples take
a few seconds. The same ``triples`` and ``seed`` give the same bytes. Beside the data file a
manifest (``<file>.json``) lists sample IRIs of each kind, which :mod:`benchmarks.mix` draws
its query parameters from.

    python -m benchmarks.generate --triples 100000 --seed 1 -o /tmp/bench-100k.nt
"""

# ruff: noqa: S311 - seeded generators, for repeatable runs

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 1
"""Bumped whenever the output for a given size and seed changes (cached files are keyed on it)."""

BASE = "https://w3id.org/kuopio-graph/"
ID = BASE + "id/"
ONTOLOGY_FILE = Path(__file__).resolve().parent.parent / "ontology" / "kuopio.ttl"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
KUOPIO = BASE + "ontology/"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
TIME = "http://www.w3.org/2006/time#"


def _p(namespace: str, name: str) -> str:
    return f"<{namespace}{name}>"


A = _p(RDF, "type")
LABEL = _p(RDFS, "label")
COMMENT = _p(RDFS, "comment")
PREF_LABEL = _p(SKOS, "prefLabel")
ALT_LABEL = _p(SKOS, "altLabel")
DEFINITION = _p(SKOS, "definition")
IN_SCHEME = _p(SKOS, "inScheme")
TOP_CONCEPT_OF = _p(SKOS, "topConceptOf")
SOURCE = _p(DCT, "source")
TITLE = _p(DCT, "title")
LANGUAGE = _p(DCT, "language")
PUBLISHER = _p(DCT, "publisher")
IS_PART_OF = _p(DCT, "isPartOf")
DERIVED = _p(PROV, "wasDerivedFrom")
VALUE = _p(PROV, "value")
POSITION = _p(SCHEMA, "position")
URL = _p(SCHEMA, "url")
LOCATION = _p(SCHEMA, "location")
START_DATE = _p(SCHEMA, "startDate")
FOUNDING_DATE = _p(SCHEMA, "foundingDate")
PAGE = _p(FOAF, "page")
HOMEPAGE = _p(FOAF, "homepage")
MEMBER = _p(ORG, "member")
ORGANIZATION = _p(ORG, "organization")
ROLE = _p(ORG, "role")
MEMBER_DURING = _p(ORG, "memberDuring")
UNIT_OF = _p(ORG, "unitOf")
HAS_UNIT = _p(ORG, "hasUnit")
HAS_MEMBER = _p(ORG, "hasMember")
PURPOSE = _p(ORG, "purpose")
HAS_BEGINNING = _p(TIME, "hasBeginning")
HAS_END = _p(TIME, "hasEnd")
IN_YEAR = _p(TIME, "inXSDgYear")
INTERVAL = _p(TIME, "Interval")
INSTANT = _p(TIME, "Instant")
CONCEPT_SCHEME = _p(SKOS, "ConceptScheme")
COUNTRY = _p(SCHEMA, "Country")
GYEAR = f"^^<{XSD}gYear>"
INTEGER = f"^^<{XSD}integer>"
ANY_URI = f"^^<{XSD}anyURI>"


def k(name: str) -> str:
    """A term of the project's ontology."""
    return f"<{KUOPIO}{name}>"


def iri(path: str) -> str:
    """A resource minted under ``{base}id/``."""
    return f"<{ID}{path}>"


def lit(text: str, language: str) -> str:
    """A language-tagged literal, escaped for N-Triples."""
    return f'"{_escape(text)}"@{language}'


def _escape(text: str) -> str:
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"')
        text = text.replace("\n", "\\n").replace("\r", "\\r")
    return text


def ascii_slug(text: str) -> str:
    """Lower-case ASCII slug of a name."""
    table = str.maketrans({"ä": "a", "ö": "o", "å": "a", " ": "-"})
    return text.lower().translate(table)


# Names and concepts. Finnish first, English second.

PREFIXES = [
    "Kalla", "Savo", "Puijo", "Haapa", "Koivu", "Järvi", "Lahti", "Mänty", "Pihla", "Rauta",
    "Sorsa", "Tammi", "Vaaja", "Kuusi", "Lumi", "Metsä", "Ranta", "Salmi", "Väinö", "Ilo",
    "Kivi", "Leppä", "Niini", "Ohra", "Paju", "Räkki", "Suvi", "Tuuli", "Uko", "Viita",
]  # fmt: skip
SUFFIXES = [
    "vesi", "niemi", "lahti", "joki", "mäki", "saari",
    "linna", "koski", "harju", "lampi", "salo", "vaara",
]  # fmt: skip
LABEL_WORDS = [prefix.lower() for prefix in PREFIXES] + SUFFIXES
"""Words that occur in Finnish labels (the label search draws from them)."""

SERVICE_AREAS = [
    ("wellbeing-promotion", "hyvinvoinnin edistämisen", "Wellbeing Promotion"),
    ("urban-environment", "kaupunkiympäristön", "Urban Environment"),
    ("education-and-learning", "kasvun ja oppimisen", "Education and Learning"),
    ("culture-and-leisure", "kulttuurin ja vapaa-ajan", "Culture and Leisure"),
    ("business-services", "elinvoiman", "Business and Vitality"),
    ("health-and-social-services", "sosiaali- ja terveyspalvelujen", "Health and Social Services"),
    ("city-strategy", "kaupunkistrategian", "City Strategy"),
    ("international-affairs", "kansainvälisten asioiden", "International Affairs"),
]
THEMES = [
    ("wellbeing-promotion", "hyvinvoinnin edistäminen", "wellbeing promotion"),
    ("sustainable-development", "kestävä kehitys", "sustainable development"),
    ("vocational-student-mobility", "ammatillinen opiskelijaliikkuvuus", "vocational mobility"),
    ("climate", "ilmasto", "climate"),
    ("healthy-ageing", "terve ikääntyminen", "healthy ageing"),
    ("culture", "kulttuuri", "culture"),
    ("education", "koulutus", "education"),
    ("innovation", "innovaatiot", "innovation"),
    ("circular-economy", "kiertotalous", "circular economy"),
    ("digitalisation", "digitalisaatio", "digitalisation"),
    ("mobility", "liikkuminen", "mobility"),
    ("youth", "nuoret", "youth"),
    ("integration", "kotoutuminen", "integration"),
    ("energy", "energia", "energy"),
    ("food", "ruoka", "food"),
    ("water", "vesi", "water"),
]
SCOPES = [
    ("european", "eurooppalainen", "European"),
    ("worldwide", "maailmanlaajuinen", "worldwide"),
    ("nordic", "pohjoismainen", "Nordic"),
    ("national", "kansallinen", "national"),
    ("baltic-sea-region", "Itämeren alueen", "Baltic Sea Region"),
]
ROLES = [
    ("participant", "osallistuja", "participant"),
    ("member", "jäsen", "member"),
    ("contact-handler", "yhteydenpitäjä", "contact handler"),
    ("contact-coordinator", "yhteydenpidon koordinaattori", "contact coordinator"),
    ("actor-and-contact-body", "toimija ja yhteystaho", "actor and contact body"),
    ("observer", "tarkkailija", "observer"),
    ("chair", "puheenjohtaja", "chair"),
]
ACTOR_KINDS = [
    ("residents", "asukkaat", "residents"),
    ("international-experts", "kansainväliset asiantuntijat", "international experts"),
    ("schools", "koulut", "schools"),
    ("companies", "yritykset", "companies"),
    ("associations", "järjestöt", "associations"),
    ("educational-institutions", "oppilaitokset", "educational institutions"),
    ("european-cities", "eurooppalaiset kaupungit", "European cities"),
    ("regions", "maakunnat", "regions"),
    ("universities", "yliopistot", "universities"),
    ("project-actors", "projektitoimijat", "project actors"),
]
ACTIVITY_KINDS = [
    ("knowledge-exchange", "tiedon ja näkemysten vaihto", "exchange of information and views"),
    ("cultural-exchange", "kulttuurivaihto", "cultural exchange"),
    ("pupil-and-teacher-exchange", "oppilas- ja opettajavaihto", "pupil and teacher exchange"),
    ("expert-cooperation", "asiantuntijayhteistyö", "expert cooperation"),
    ("projects", "hankkeet", "projects"),
    ("international-conferences", "kansainväliset konferenssit", "international conferences"),
]
NETWORK_KINDS = [
    ("expert-networks", "asiantuntijaverkostot", "expert networks"),
    ("partner-networks", "kumppaniverkostot", "partner networks"),
    ("personal-networks", "henkilökohtaiset verkostot", "personal networks"),
    ("service-area-networks", "palvelualueiden verkostot", "service area networks"),
]
GOALS = [
    ("internationality", "kansainvälisyys", "internationality"),
    ("residents-wellbeing", "asukkaiden hyvinvointi", "residents' wellbeing"),
    ("one-shared-message", "yhteinen viesti", "one shared message"),
    ("better-service-processes", "paremmat palveluprosessit", "better service processes"),
]
COUNTRIES = [
    ("finland", "Suomi", "Finland"), ("sweden", "Ruotsi", "Sweden"),
    ("norway", "Norja", "Norway"), ("denmark", "Tanska", "Denmark"),
    ("estonia", "Viro", "Estonia"), ("latvia", "Latvia", "Latvia"),
    ("lithuania", "Liettua", "Lithuania"), ("germany", "Saksa", "Germany"),
    ("france", "Ranska", "France"), ("spain", "Espanja", "Spain"),
    ("italy", "Italia", "Italy"), ("portugal", "Portugali", "Portugal"),
    ("netherlands", "Alankomaat", "Netherlands"), ("belgium", "Belgia", "Belgium"),
    ("poland", "Puola", "Poland"), ("austria", "Itävalta", "Austria"),
    ("czechia", "Tšekki", "Czechia"), ("hungary", "Unkari", "Hungary"),
    ("ireland", "Irlanti", "Ireland"), ("united-kingdom", "Yhdistynyt kuningaskunta",
    "United Kingdom"), ("iceland", "Islanti", "Iceland"), ("greece", "Kreikka", "Greece"),
    ("china", "Kiina", "China"), ("japan", "Japani", "Japan"),
    ("united-states", "Yhdysvallat", "United States"), ("canada", "Kanada", "Canada"),
]  # fmt: skip
SCHEMES = [
    ("activity-kinds", "Kansainvälisen toiminnan muodot", "Kinds of international activity"),
    ("themes", "Teemat", "Themes"),
    ("actor-kinds", "Toimijatyypit", "Kinds of actor"),
    ("network-kinds", "Verkostotyypit", "Kinds of network"),
    ("roles", "Roolit verkostoissa", "Roles in networks"),
    ("geographic-scopes", "Maantieteelliset ulottuvuudet", "Geographic scopes"),
    ("goals", "Tavoitteet", "Goals"),
]
ORGANISATION_KINDS = [
    ("EducationalInstitution", "ammattiopisto", "Vocational College"),
    ("School", "lukio", "Upper Secondary School"),
    ("Company", "Oy", "Ltd"),
    ("Association", "ry", "Association"),
    ("JointMunicipalAuthority", "kuntayhtymä", "Joint Authority"),
    ("PartnerOrganisation", "kehitysyhtiö", "Development Company"),
]
COORDINATOR_KINDS = [
    ("IntergovernmentalOrganisation", "kansainvälinen järjestö", "international organisation"),
    ("Association", "kaupunkien liitto", "association of cities"),
]
SENTENCES_FI = [
    "Kaupunki osallistuu verkoston työhön ja vaihtaa käytäntöjä muiden jäsenten kanssa.",
    "Yhteistyön tavoitteena on edistää asukkaiden hyvinvointia ja alueen elinvoimaa.",
    "Palvelualue hoitaa yhteydenpitoa verkostoon ja raportoi sen toiminnasta.",
    "Verkosto järjestää vuosittain konferenssin, johon kaupunki lähettää edustajansa.",
    "Sopimuskauden painopisteet ovat kestävä kehitys, osaaminen ja kulttuuri.",
    'Lähde toteaa: "kansainvälisyys on ovien avaamista ja verkostojen antamista".',
]
SENTENCES_EN = [
    "The city takes part in the network's work and exchanges practices with other members.",
    "The cooperation aims to promote residents' wellbeing and the region's vitality.",
    "The service area handles contact with the network and reports on its activity.",
    "The network holds a yearly conference to which the city sends its representatives.",
    "The focus of the agreement period is sustainable development, skills and culture.",
    'The source says: "internationality means opening doors and sharing networks".',
]

CITY = "organisation/city-of-kuopio"
PRIMARY_SOURCE = "source/kuopio-kansainvalinen-toiminta"
SAMPLES = 2000
"""Most sample IRIs of each kind kept in the manifest."""


@dataclass(frozen=True)
class Plan:
    """How many resources of each kind a graph of ``triples`` triples gets."""

    triples: int
    documents: int
    municipalities: int
    networks: int
    coordinators: int
    organisations: int
    partnerships: int
    themes: int

    @classmethod
    def for_size(cls, triples: int) -> Plan:
        """Scale every kind with the size; memberships (about 80 %) fill the rest."""
        return cls(
            triples=triples,
            documents=max(3, triples // 3000),
            municipalities=max(10, triples // 400),
            networks=max(8, triples // 1500),
            coordinators=max(3, triples // 6000),
            organisations=max(5, triples // 800),
            partnerships=max(3, triples // 1000),
            themes=max(8, min(40, 8 + triples // 25000)),
        )


@dataclass
class Samples:
    """Reservoir samples of IRIs (paths under ``id/``) by kind, for the manifest."""

    rng: random.Random
    kinds: dict[str, list[str]] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, path: str) -> None:
        """Keep ``path`` with the probability that makes every one equally likely."""
        count = self.seen.get(kind, 0) + 1
        self.seen[kind] = count
        kept = self.kinds.setdefault(kind, [])
        if len(kept) < SAMPLES:
            kept.append(path)
        else:
            slot = self.rng.randrange(count)
            if slot < SAMPLES:
                kept[slot] = path


class Writer:
    """Buffers N-Triples lines and writes them in large chunks, counting them."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.lines: list[str] = []
        self.count = 0

    def t(self, s: str, p: str, o: str) -> None:
        """One triple, each term already in N-Triples form."""
        self.lines.append(f"{s} {p} {o} .\n")
        self.count += 1
        if len(self.lines) >= 50_000:
            self.flush()

    def labels(self, s: str, fi: str, en: str, prop: str = LABEL) -> None:
        """The Finnish and English label."""
        self.t(s, prop, lit(fi, "fi"))
        self.t(s, prop, lit(en, "en"))

    def flush(self) -> None:
        """Write what is buffered."""
        self.out.write("".join(self.lines).encode("utf-8"))
        self.lines.clear()


def ontology_lines() -> Iterator[str]:
    """The ontology's own triples, in file order."""
    import pyoxigraph as ox

    for triple in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE):
        yield f"{triple.subject} {triple.predicate} {triple.object} .\n"


def municipality_names(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct place names built from Finnish-looking syllables."""
    combos = [prefix + suffix for prefix in PREFIXES for suffix in SUFFIXES]
    rng.shuffle(combos)
    names = []
    for index in range(count):
        name = combos[index % len(combos)]
        round_ = index // len(combos)
        names.append(name if round_ == 0 else f"{name} {round_ + 1}")
    return names


def generate(triples: int, seed: int, out: Path) -> dict[str, Any]:
    """Write about ``triples`` triples to ``out`` (N-Triples) and ``out.json`` (manifest).

    Returns the manifest: the exact triple count, counts by kind and sample IRIs by kind.
    """
    rng = random.Random(seed)
    samples = Samples(random.Random(seed + 1))
    plan = Plan.for_size(triples)
    temporary = out.with_name(out.name + ".part")
    with temporary.open("wb") as handle:
        w = Writer(handle)
        manifest = _write(w, plan, rng, samples)
        w.flush()
    temporary.replace(out)
    manifest.update(
        triples=w.count,
        requested=triples,
        seed=seed,
        base=BASE,
        generator_version=GENERATOR_VERSION,
        counts=samples.seen,
        samples=samples.kinds,
        label_words=LABEL_WORDS,
    )
    out.with_name(out.name + ".json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def _write(w: Writer, plan: Plan, rng: random.Random, samples: Samples) -> dict[str, Any]:
    for line in ontology_lines():
        w.lines.append(line)
        w.count += 1

    # Concept schemes and concepts.
    concepts: dict[str, list[str]] = {}
    primary = iri(PRIMARY_SOURCE)
    themes = list(THEMES)
    for extra in range(plan.themes - len(THEMES)):
        slug, fi, en = THEMES[extra % len(THEMES)]
        n = extra // len(THEMES) + 2
        themes.append((f"{slug}-{n}", f"{fi} {n}", f"{en} {n}"))
    themes = themes[: plan.themes]
    schemes = {
        "activity-kinds": ("activity-kind", "ActivityKind", ACTIVITY_KINDS),
        "themes": ("theme", "Theme", themes),
        "actor-kinds": ("actor-kind", "ActorKind", ACTOR_KINDS),
        "network-kinds": ("network-kind", "NetworkKind", NETWORK_KINDS),
        "roles": ("role", "Role", ROLES),
        "geographic-scopes": ("scope", "GeographicScope", SCOPES),
        "goals": ("goal", "Goal", GOALS),
    }
    for scheme_slug, fi, en in SCHEMES:
        scheme = iri(f"scheme/{scheme_slug}")
        w.t(scheme, A, CONCEPT_SCHEME)
        w.labels(scheme, fi, en, PREF_LABEL)
        w.t(scheme, SOURCE, primary)
        kind, cls, members = schemes[scheme_slug]
        for slug, cfi, cen in members:
            path = f"{kind}/{slug}"
            concepts.setdefault(kind, []).append(path)
            samples.add("concept", path)
            s = iri(path)
            w.t(s, A, k(cls))
            w.t(s, IN_SCHEME, scheme)
            w.t(s, TOP_CONCEPT_OF, scheme)
            w.labels(s, cfi, cen, PREF_LABEL)
            w.t(s, DEFINITION, lit(f"{cfi[0].upper()}{cfi[1:]}: käsite lähteen tekstistä.", "fi"))
            w.t(s, DEFINITION, lit(f"{cen[0].upper()}{cen[1:]}: a concept from the source.", "en"))
            w.t(s, DERIVED, iri(f"{PRIMARY_SOURCE}/p-001"))
            w.t(s, SOURCE, primary)

    for slug, fi, en in COUNTRIES:
        s = iri(f"place/{slug}")
        w.t(s, A, COUNTRY)
        w.labels(s, fi, en)
        w.t(s, DERIVED, iri(f"{PRIMARY_SOURCE}/p-001"))
        w.t(s, SOURCE, primary)

    # Source documents, each quoted passage by passage.
    names = municipality_names(plan.municipalities + plan.documents, rng)
    documents: list[tuple[str, list[str]]] = []
    for index in range(plan.documents):
        if index == 0:
            path, fi, en = (
                PRIMARY_SOURCE,
                "Kuopion kansainvälinen toiminta",
                "Kuopio's international activities",
            )
        else:
            name = names[plan.municipalities + index]
            path = f"source/{ascii_slug(name)}-international-{index:04d}"
            fi, en = f"{name}: kansainvälinen toiminta", f"{name}: international activity"
        s = iri(path)
        w.t(s, A, k("SourceDocument"))
        w.labels(s, fi, en)
        w.t(s, TITLE, lit(fi, "fi"))
        w.t(s, LANGUAGE, "<http://id.loc.gov/vocabulary/iso639-1/fi>")
        w.t(s, PUBLISHER, iri(CITY))
        page = f"https://www.example.org/{path.removeprefix('source/')}"
        w.t(s, URL, f'"{page}"{ANY_URI}')
        w.t(s, PAGE, f"<{page}>")
        w.t(s, COMMENT, lit(f"Verkkosivu, joka kuvaa aihetta {fi}.", "fi"))
        w.t(s, COMMENT, lit(f"The web page describing {en}.", "en"))
        samples.add("document", path)
        passages = []
        for position in range(1, 4 + rng.randrange(9)):
            passage_path = f"{path}/p-{position:03d}"
            p = iri(passage_path)
            passages.append(passage_path)
            samples.add("passage", passage_path)
            w.t(p, A, k("Passage"))
            w.labels(p, f"Kappale {position}", f"Paragraph {position}")
            w.t(p, IS_PART_OF, s)
            w.t(p, POSITION, f'"{position}"{INTEGER}')
            sentence = rng.randrange(len(SENTENCES_FI))
            w.t(p, VALUE, lit(SENTENCES_FI[sentence], "fi"))
            w.t(p, COMMENT, lit(SENTENCES_EN[sentence], "en"))
        documents.append((path, passages))

    def provenance(s: str) -> None:
        path, passages = documents[rng.randrange(len(documents))]
        w.t(s, DERIVED, iri(passages[rng.randrange(len(passages))]))
        w.t(s, SOURCE, iri(path))

    # Coordinators of networks.
    coordinators = []
    for index in range(plan.coordinators):
        cls, kind_fi, kind_en = COORDINATOR_KINDS[index % len(COORDINATOR_KINDS)]
        name = f"{SCOPES[index % len(SCOPES)][2].title()} {THEMES[index % len(THEMES)][2].title()}"
        path = f"organisation/coordinator-{ascii_slug(name)}-{index:03d}"
        coordinators.append(path)
        s = iri(path)
        w.t(s, A, k(cls))
        w.labels(s, f"{name} ({kind_fi})", f"{name} ({kind_en})")
        w.t(s, ALT_LABEL, lit(f"{name.split()[0][:3].upper()}{index}", "en"))
        w.t(s, COMMENT, lit(f"{kind_fi[0].upper()}{kind_fi[1:]}, joka koordinoi verkostoja.", "fi"))
        w.t(s, COMMENT, lit(f"An {kind_en} that coordinates networks.", "en"))
        provenance(s)

    # Networks: kuopio:ThematicNetwork (most) and kuopio:InternationalNetwork.
    networks = []
    for index in range(plan.networks):
        theme = themes[rng.randrange(len(themes))]
        scope = SCOPES[rng.randrange(len(SCOPES))]
        path = f"network/{scope[0]}-{theme[0]}-{index:04d}"
        networks.append(path)
        samples.add("network", path)
        s = iri(path)
        w.t(s, A, k("ThematicNetwork" if index % 5 else "InternationalNetwork"))
        fi = f"{scope[1][0].upper()}{scope[1][1:]} {theme[1]} -verkosto {index}"
        en = f"{scope[2][0].upper()}{scope[2][1:]} {theme[2]} network {index}"
        w.labels(s, fi, en)
        w.t(s, ALT_LABEL, lit(f"N{index:04d}", "en"))
        w.t(s, COMMENT, lit(f"{fi} on kaupunkien verkosto: {SENTENCES_FI[index % 6]}", "fi"))
        w.t(s, COMMENT, lit(f"{en} is a network of cities. {SENTENCES_EN[index % 6]}", "en"))
        w.t(s, PURPOSE, iri(f"theme/{theme[0]}"))
        w.t(s, k("geographicScope"), iri(f"scope/{scope[0]}"))
        w.t(s, k("memberKind"), iri(f"actor-kind/{ACTOR_KINDS[rng.randrange(10)][0]}"))
        w.t(s, k("coordinatedBy"), iri(coordinators[rng.randrange(len(coordinators))]))
        if rng.random() < 0.5:
            w.t(s, k("ledFrom"), iri(f"place/{COUNTRIES[rng.randrange(len(COUNTRIES))][0]}"))
        w.t(s, k("approximateNumberOfMembers"), f'"{10 * (1 + rng.randrange(50))}"{INTEGER}')
        if rng.random() < 0.3:
            w.t(s, FOUNDING_DATE, f'"{1960 + rng.randrange(60)}"{GYEAR}')
        if rng.random() < 0.3:
            w.t(s, HOMEPAGE, f"<https://www.example.org/networks/{index}>")
        provenance(s)

    # Municipalities with their service areas; the City of Kuopio first.
    municipalities: list[tuple[str, str, str]] = []
    units: list[list[tuple[str, str, str]]] = []
    for index in range(plan.municipalities):
        if index == 0:
            name, path, country = "Kuopio", CITY, "finland"
            fi, en = "Kuopion kaupunki", "City of Kuopio"
            areas = SERVICE_AREAS
        else:
            name = names[index]
            path = f"organisation/{ascii_slug(name)}"
            country = COUNTRIES[min(rng.randrange(len(COUNTRIES) * 2), len(COUNTRIES) - 1)][0]
            country = "finland" if rng.random() < 0.4 else country
            fi, en = f"{name}n kaupunki", f"City of {name}"
            areas = rng.sample(SERVICE_AREAS, 1 + rng.randrange(5))
        municipalities.append((path, fi, en))
        samples.add("municipality", path)
        s = iri(path)
        w.t(s, A, k("Municipality"))
        if index == 0 or rng.random() < 0.2:
            w.t(s, A, k("ExpertOrganisation"))
        w.labels(s, fi, en)
        w.t(s, ALT_LABEL, lit(name, "fi"))
        w.t(s, ALT_LABEL, lit(name, "en"))
        w.t(s, COMMENT, lit(f"{fi} tekee kansainvälistä yhteistyötä.", "fi"))
        w.t(s, COMMENT, lit(f"The {en} works with international partners.", "en"))
        w.t(s, LOCATION, iri(f"place/{country}"))
        own_units = []
        for slug, area_fi, area_en in areas:
            unit_path = (
                f"service-area/{slug}" if index == 0 else f"service-area/{ascii_slug(name)}-{slug}"
            )
            unit_fi, unit_en = f"{name}: {area_fi} palvelualue", f"{name}: {area_en} service area"
            own_units.append((unit_path, unit_fi, unit_en))
            w.t(s, HAS_UNIT, iri(unit_path))
            u = iri(unit_path)
            samples.add("service_area", unit_path)
            w.t(u, A, k("ServiceArea"))
            w.labels(u, unit_fi, unit_en)
            w.t(u, COMMENT, lit(f"Kaupungin {area_fi} palvelualue.", "fi"))
            w.t(u, COMMENT, lit(f"The city's {area_en} service area.", "en"))
            w.t(u, UNIT_OF, s)
            provenance(u)
        units.append(own_units)
        provenance(s)

    # Other organisations (schools, companies, associations…), each in a country.
    organisations: list[tuple[str, str, str]] = []
    for index in range(plan.organisations):
        cls, kind_fi, kind_en = ORGANISATION_KINDS[rng.randrange(len(ORGANISATION_KINDS))]
        town = names[rng.randrange(plan.municipalities)] if index else "Savo"
        path = f"organisation/{ascii_slug(town)}-{ascii_slug(kind_en)}-{index:04d}"
        fi, en = f"{town} {kind_fi} {index}", f"{town} {kind_en} {index}"
        organisations.append((path, fi, en))
        samples.add("organisation", path)
        s = iri(path)
        w.t(s, A, k(cls))
        if cls == "School":
            w.t(s, A, k("EducationalInstitution"))
        w.labels(s, fi, en)
        w.t(s, COMMENT, lit(f"{kind_fi[0].upper()}{kind_fi[1:]}, joka toimii verkostoissa.", "fi"))
        w.t(s, COMMENT, lit(f"A {kind_en.lower()} that takes part in networks.", "en"))
        country = "finland" if rng.random() < 0.6 else COUNTRIES[rng.randrange(len(COUNTRIES))][0]
        w.t(s, LOCATION, iri(f"place/{country}"))
        provenance(s)

    # Twin-town partnerships between two municipalities.
    for index in range(plan.partnerships):
        first = 0 if index % 4 == 0 else rng.randrange(plan.municipalities)
        second = rng.randrange(plan.municipalities)
        if first == second:
            second = (second + 1) % plan.municipalities
        a, b = municipalities[first], municipalities[second]
        path = f"partnership/twin-towns-{index:04d}"
        samples.add("partnership", path)
        s = iri(path)
        w.t(s, A, k("TwinTownPartnership"))
        w.labels(s, f"{a[1]} ja {b[1]}: ystävyyskaupungit", f"{a[2]} and {b[2]}: twin towns")
        w.t(s, HAS_MEMBER, iri(a[0]))
        w.t(s, HAS_MEMBER, iri(b[0]))
        w.t(s, START_DATE, f'"{1950 + rng.randrange(70)}"{GYEAR}')
        provenance(s)

    # Memberships fill the rest. Networks are picked with a skew, so a few are large.
    pairs: set[tuple[int, str]] = set()
    blank = 0
    memberships = 0
    while w.count < plan.triples:
        network_index = int(len(networks) * rng.random() ** 1.5)
        draw = rng.random()
        if draw < 0.03:
            member, member_fi, member_en = municipalities[0]
            roles = ["participant" if rng.random() < 0.6 else "member"]
        elif draw < 0.06:
            member, member_fi, member_en = units[0][rng.randrange(len(units[0]))]
            roles = ["contact-handler" if rng.random() < 0.5 else "contact-coordinator"]
        elif draw < 0.36:
            member, member_fi, member_en = municipalities[rng.randrange(len(municipalities))]
            roles = ["participant" if rng.random() < 0.6 else "member"]
        elif draw < 0.78:
            city_units = units[rng.randrange(len(units))]
            member, member_fi, member_en = city_units[rng.randrange(len(city_units))]
            roles = ["contact-handler" if rng.random() < 0.5 else "contact-coordinator"]
        else:
            member, member_fi, member_en = organisations[rng.randrange(len(organisations))]
            roles = [("actor-and-contact-body", "member", "observer")[rng.randrange(3)]]
        if (network_index, member) in pairs:
            continue
        pairs.add((network_index, member))
        if rng.random() < 0.08:
            roles.append("chair")
        network = networks[network_index]
        member_slug = member.split("/", 1)[1]
        network_slug = network.split("/", 1)[1]
        path = f"membership/{network_slug}/{member_slug}"
        memberships += 1
        samples.add("membership", path)
        s = iri(path)
        w.t(s, A, k("NetworkParticipation"))
        number = network_slug.rsplit("-", 1)[1].lstrip("0") or "0"
        w.labels(s, f"{member_fi} verkostossa {number}", f"{member_en} in network {number}")
        w.t(s, MEMBER, iri(member))
        w.t(s, ORGANIZATION, iri(network))
        for role in roles:
            w.t(s, ROLE, iri(f"role/{role}"))
        if rng.random() < 0.4:
            start = 1985 + rng.randrange(40)
            interval_path = f"interval/{network_slug}/{member_slug}"
            interval = iri(interval_path)
            w.t(s, MEMBER_DURING, interval)
            w.t(interval, A, INTERVAL)
            w.labels(
                interval, f"{member_fi}: jäsenyys vuodesta {start}", f"{member_en}: since {start}"
            )
            blank += 1
            w.t(interval, HAS_BEGINNING, f"_:b{blank}")
            w.t(f"_:b{blank}", A, INSTANT)
            w.t(f"_:b{blank}", IN_YEAR, f'"{start}"{GYEAR}')
            if rng.random() < 0.15 and start < 2024:
                blank += 1
                w.t(interval, HAS_END, f"_:b{blank}")
                w.t(f"_:b{blank}", A, INSTANT)
                w.t(f"_:b{blank}", IN_YEAR, f'"{start + 1 + rng.randrange(2024 - start)}"{GYEAR}')
            provenance(interval)
        provenance(s)

    return {
        "hubs": {
            "city": CITY,
            "roles": concepts["role"],
            "themes": concepts["theme"],
            "scopes": concepts["scope"],
            "largest_networks": networks[:5],
        },
        "themes": concepts["theme"],
        "scopes": concepts["scope"],
        "memberships": memberships,
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.generate --triples N --seed S -o FILE.nt``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000, help="about this many triples")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, required=True, help="the .nt file to write")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = generate(args.triples, args.seed, args.output)
    print(
        f"wrote {manifest['triples']} triples ({manifest['memberships']} memberships) to"
        f" {args.output} in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
