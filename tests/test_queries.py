"""The named queries: each is documented and answers, each gives the answer its source gives,
and together they answer every passage of the primary source.

What the page itself says is asked of the ontology and the primary source alone
(``primary_store``); what other sources add is asked of the whole dataset (``store``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from geodesy import haversine_km

from kuopio_graph import GraphStore, NamedQuery, Settings, discover, load, named_queries

QUERY_FOLDER = Path(__file__).resolve().parent.parent / "queries"
"""The points of a few places, as the places data will state them, until it does."""
QUERY_NAMES = sorted(path.stem for path in QUERY_FOLDER.glob("*.rq"))
ID = "https://w3id.org/kuopio-graph/id/"
ONTOLOGY = "https://w3id.org/kuopio-graph/ontology/"
PRIMARY = f"{ID}source/kuopio-kansainvalinen-toiminta"

Row = dict[str, str | None]


def iri(path: str) -> str:
    return ID + path


CITY = iri("organisation/city-of-kuopio")
ACTIVITY = iri("international-activity/kuopio")
WHO = iri("network/who-european-healthy-cities")
ICLEI = iri("network/iclei")
XARXA = iri("network/xarxa-fp")
WELLBEING = iri("service-area/wellbeing-promotion")
URBAN = iri("service-area/urban-environment")
SAKKY = iri("organisation/sakky")
OFFICE = iri("office/east-and-north-finland-eu-office")
PARTICIPANT = iri("role/participant")

PASSAGES = [
    f"{PRIMARY}/{slug}"
    for slug in (
        "title",
        "purpose",
        "expert-organisation",
        "strategy",
        "strategy-quotation",
        "cooperation",
        "heading-thematic-networks",
        "thematic-networks",
        "who-european-healthy-cities",
        "iclei",
        "xarxa-fp",
        "heading-representations",
        "eu-office",
        "heading-other-networks",
        "other-networks",
        "schools-and-partners",
    )
]

NETWORKS_AND_CONTACTS = {
    (WHO, CITY, PARTICIPANT),
    (WHO, WELLBEING, iri("role/contact-handler")),
    (ICLEI, CITY, PARTICIPANT),
    (ICLEI, URBAN, iri("role/contact-coordinator")),
    (XARXA, CITY, PARTICIPANT),
    (XARXA, SAKKY, iri("role/actor-and-contact-body")),
}

INTERNATIONALITY_FI = (
    "Kansainvälisyys on ovien avaamista ja verkostojen antamista kumppaneiden käyttöön,"
    " alueen osaamisen ja vahvuuksien tunnetuksi tekemistä sekä asiantuntijayhteistyötä."
    " Se on myös sitä, että huolehditaan organisaation valmiuksista kumppaneiden ja"
    " asukkaiden kansainvälistyessä sekä vastuullisesti kunnan kotoutumistehtävästä ja"
    " yleisestä suvaitsevaisesta ilmapiiristä."
)
INTERNATIONALITY_EN = (
    "Internationality means opening doors and making networks available to partners,"
    " making the region's expertise and strengths known, and expert cooperation. It also"
    " means taking care of the organisation's readiness as partners and residents become"
    " more international, and taking responsible care of the municipality's integration"
    " task and of a generally tolerant atmosphere."
)

# Each query's answer over the primary source alone, on the columns that carry it.
SOURCE_ANSWERS = [
    ("networks-and-contacts", ("network", "member", "role"), NETWORKS_AND_CONTACTS),
    ("networks-w3c-only", ("network", "member", "role"), NETWORKS_AND_CONTACTS),
    (
        "service-areas-international-duties",
        ("service_area", "network", "role"),
        {
            (WELLBEING, WHO, iri("role/contact-handler")),
            (URBAN, ICLEI, iri("role/contact-coordinator")),
        },
    ),
    (
        "eu-office-functions",
        ("office", "location_label", "function"),
        {
            (OFFICE, "Brussels", iri(f"activity-kind/{slug}"))
            for slug in (
                "informing-on-eu-funded-projects",
                "networking-project-actors",
                "window-to-europe",
                "marketing-regional-expertise",
            )
        },
    ),
    (
        "actor-kinds",
        ("actor_kind",),
        {
            (iri(f"actor-kind/{slug}"),)
            for slug in (
                "residents",
                "international-experts",
                "international-expert-organisations",
                "schools",
                "companies",
                "associations",
                "educational-institutions",
                "newcomers-from-abroad",
                "project-actors",
                "partner-actors",
                "european-cities",
            )
        },
    ),
    (
        "strategy-internationality",
        (
            "strategy",
            "goal",
            "number_of_cross_cutting_goals",
            "definition_fi",
            "definition_en",
        ),
        {
            (
                iri("strategy/kuopio-strategy-2030"),
                iri("goal/internationality"),
                "3",
                INTERNATIONALITY_FI,
                INTERNATIONALITY_EN,
            )
        },
    ),
    (
        "aims-of-international-activity",
        ("activity", "aim", "beneficiary_label"),
        {
            (ACTIVITY, iri("goal/residents-wellbeing"), "residents of Kuopio"),
            (
                ACTIVITY,
                iri("goal/better-service-processes-for-newcomers"),
                "people arriving in Kuopio from abroad",
            ),
            (ACTIVITY, iri("goal/one-shared-message"), None),
        },
    ),
    (
        "kinds-of-activity",
        ("activity_kind",),
        {
            (iri(f"activity-kind/{slug}"),)
            for slug in (
                "knowledge-exchange",
                "cultural-exchange",
                "pupil-and-teacher-exchange",
                "opening-business-opportunities",
                "adopting-best-practices",
                "opening-doors",
                "making-networks-available-to-partners",
                "making-regional-expertise-known",
                "expert-cooperation",
                "organisational-readiness",
                "municipal-integration-task",
                "tolerant-atmosphere",
                "eu-funded-project-activity",
                "informing-on-eu-funded-projects",
                "networking-project-actors",
                "window-to-europe",
                "marketing-regional-expertise",
                "projects",
                "international-cooperation-and-exchange-of-experience",
                "work-based-learning-abroad",
                "international-conferences",
                "international-project-activity",
            )
        },
    ),
    (
        "new-contacts",
        ("channel",),
        {
            (iri("activity-kind/projects"),),
            (iri("activity-kind/international-cooperation-and-exchange-of-experience"),),
            (iri("activity-kind/work-based-learning-abroad"),),
            (iri("activity-kind/international-conferences"),),
            (iri("network-kind/partner-networks"),),
        },
    ),
    (
        "network-kinds",
        ("network_kind", "subject", "relation_label"),
        {
            (iri("network-kind/expert-networks"), ACTIVITY, "carried out in"),
            (iri("network-kind/service-area-networks"), CITY, "has access to"),
            (iri("network-kind/personal-networks"), CITY, "has access to"),
            (iri("network-kind/partner-networks"), ACTIVITY, "new contacts through"),
        },
    ),
    (
        "network-profiles",
        (
            "network",
            "theme",
            "scope",
            "members",
            "led_from",
            "approximate_members",
            "coordinated_by",
        ),
        {
            (
                WHO,
                "wellbeing promotion",
                "European",
                "European cities",
                None,
                "100",
                None,
            ),
            (ICLEI, "sustainable development", "worldwide", None, None, None, None),
            (
                XARXA,
                "student mobility in vocational education",
                "European",
                "European cities",
                "Spain",
                None,
                None,
            ),
        },
    ),
    (
        "passage-contents",
        ("resource",),
        {
            (iri(path),)
            for path in (
                "network/xarxa-fp",
                "place/spain",
                "organisation/sakky",
                "membership/xarxa-fp/sakky",
                "theme/vocational-student-mobility",
                "role/actor-and-contact-body",
                "scope/european",
                "actor-kind/european-cities",
            )
        },
    ),
    (
        "source-passages",
        ("position", "passage"),
        {(str(position), passage) for position, passage in enumerate(PASSAGES, 1)},
    ),
]

# Statements of the source that a query's answer must include, among others.
SOURCE_STATEMENTS = [
    (
        "actor-kinds",
        ("subject_label", "relation_label", "object_label"),
        {
            ("Kuopio's schools", "engages in", "international project activity"),
            (
                "City of Kuopio",
                "takes part in the work of",
                "international expert organisations",
            ),
            ("Kuopio's international activity", "involves kind of actor", "associations"),
            ("WHO European Healthy Cities Network", "kind of member", "European cities"),
        },
    ),
    (
        "actor-kinds",
        ("actor_kind", "note"),
        {
            (
                iri("actor-kind/educational-institutions"),
                "Educational institutions have traditionally had the widest"
                " international contact networks.",
            )
        },
    ),
    (
        "kinds-of-activity",
        ("context", "activity_kind"),
        {
            (OFFICE, iri("activity-kind/informing-on-eu-funded-projects")),
            (iri("goal/internationality"), iri("activity-kind/opening-doors")),
            (iri("actor-kind/schools"), iri("activity-kind/pupil-and-teacher-exchange")),
            (CITY, iri("activity-kind/adopting-best-practices")),
            (ACTIVITY, iri("activity-kind/cultural-exchange")),
        },
    ),
]

# High-confidence twin towns in shared/source/facts.md §4c: (partner, country, first year). No
# quoted page names Gera's country (its source calls it "die thüringische Stadt Gera").
TWIN_TOWNS = [
    ("castrop-rauxel", "germany", "1965"),
    ("gera", None, "1972"),
    ("minneapolis", "united-states", "1972"),
    ("shanghai-pudong-new-area", "china", "2012"),
    ("bodo", "norway", None),
    ("jonkoping", "sweden", None),
    ("svendborg", "denmark", None),
    ("aluksne", "latvia", None),
    ("besancon", "france", None),
]
# Partners that facts.md rates below high or could not verify.
NOT_TWIN_TOWNS = {"Winnipeg", "Opole", "Pécs", "Petrozavodsk", "Pskov"}

# Memberships whose start facts.md marks high: (membership, first year).
DATED_MEMBERSHIPS = [
    ("membership/who-european-healthy-cities/city-of-kuopio", "2005"),
    ("membership/who-european-healthy-cities/helsinki", "2020"),
    ("membership/municipal-climate-campaign/city-of-kuopio", "1997"),
]

W3C_NAMESPACES = {
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
}


@pytest.fixture(scope="module")
def queries(settings: Settings) -> dict[str, NamedQuery]:
    return named_queries(settings.queries)


@pytest.fixture(scope="module")
def primary_store(settings: Settings) -> GraphStore:
    """The ontology and the primary source alone: what the page itself says."""
    keep = {f"{settings.base}ontology", PRIMARY}
    return load(settings, [f for f in discover(settings) if f.graph in keep])


def answer(store: GraphStore, query: NamedQuery) -> list[Row]:
    """The rows of a SELECT, each value as its IRI or lexical form (None when unbound)."""
    result = store.query(query.text)
    assert isinstance(result.answer, ox.QuerySolutions), f"{query.name} is no SELECT"
    return [
        {name: None if row[name] is None else row[name].value for name in result.variables}
        for row in result.answer
    ]


def project(rows: list[Row], columns: tuple[str, ...]) -> set[tuple[str | None, ...]]:
    return {tuple(row[column] for column in columns) for row in rows}


def test_the_required_queries_exist(queries: dict[str, NamedQuery]) -> None:
    required = {name for name, _, _ in SOURCE_ANSWERS} | {
        "sources-of-a-resource",
        "twin-towns",
        "memberships-with-dates",
    }
    assert required <= set(queries)
    assert len(queries) >= 14


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_query_is_documented_and_answers(
    name: str, queries: dict[str, NamedQuery], store: GraphStore
) -> None:
    query = queries[name]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
    for language in ("en", "fi"):
        assert query.titles.get(language), f"no title@{language}"
        assert query.descriptions.get(language), f"no description@{language}"
    assert answer(store, query), "no rows"


@pytest.mark.parametrize(("name", "columns", "expected"), SOURCE_ANSWERS)
def test_query_gives_the_source_answer(
    name: str,
    columns: tuple[str, ...],
    expected: set[tuple[str | None, ...]],
    queries: dict[str, NamedQuery],
    primary_store: GraphStore,
) -> None:
    assert project(answer(primary_store, queries[name]), columns) == expected


@pytest.mark.parametrize(("name", "columns", "expected"), SOURCE_STATEMENTS)
def test_query_includes_the_source_statements(
    name: str,
    columns: tuple[str, ...],
    expected: set[tuple[str | None, ...]],
    queries: dict[str, NamedQuery],
    primary_store: GraphStore,
) -> None:
    assert expected <= project(answer(primary_store, queries[name]), columns)


def test_source_passages_come_in_order(queries: dict[str, NamedQuery], store: GraphStore) -> None:
    rows = answer(store, queries["source-passages"])
    assert [row["passage"] for row in rows] == PASSAGES


def test_networks_w3c_only_names_no_project_term(
    queries: dict[str, NamedQuery],
) -> None:
    text = queries["networks-w3c-only"].text
    assert "kuopio:" not in text
    assert ONTOLOGY not in text
    assert ID not in text
    assert all(
        any(found.startswith(ns) for ns in W3C_NAMESPACES.values())
        for found in re.findall(r"<([^>\s]+)>", text)
    )
    assert set(re.findall(r"(?<![\w<#/])([a-z]+):[A-Za-z]", text)) <= set(W3C_NAMESPACES)


@pytest.mark.parametrize("dataset", ["primary_store", "store"])
def test_networks_w3c_only_gives_the_same_pairs(
    dataset: str, queries: dict[str, NamedQuery], request: pytest.FixtureRequest
) -> None:
    store: GraphStore = request.getfixturevalue(dataset)
    columns = ("network", "member", "role")
    assert project(answer(store, queries["networks-w3c-only"]), columns) == project(
        answer(store, queries["networks-and-contacts"]), columns
    )


def test_contacts_stay_in_kuopio_with_every_source(
    queries: dict[str, NamedQuery], store: GraphStore
) -> None:
    rows = answer(store, queries["networks-and-contacts"])
    assert NETWORKS_AND_CONTACTS <= project(rows, ("network", "member", "role"))
    # Turku and Helsinki are fellow members of the WHO network, not Kuopio's contacts.
    fellow_members = {iri("organisation/turku"), iri("organisation/helsinki")}
    assert not fellow_members & {row["member"] for row in rows}


def test_sources_of_a_resource_name_each_source(
    queries: dict[str, NamedQuery], store: GraphStore
) -> None:
    rows = answer(store, queries["sources-of-a-resource"])
    assert {iri("source/kommunalwiki-iclei"), iri("source/wikipedia-iclei"), PRIMARY} <= {
        row["source"] for row in rows
    }
    assert {
        (PRIMARY, ICLEI, "purpose", iri("theme/sustainable-development")),
        (PRIMARY, ICLEI, "geographic scope", iri("scope/worldwide")),
        (PRIMARY, iri("membership/iclei/urban-environment"), "organization", ICLEI),
    } <= project(rows, ("source", "subject", "property_label", "object"))


@pytest.mark.parametrize(("partner", "country", "since"), TWIN_TOWNS)
def test_twin_towns(
    partner: str,
    country: str | None,
    since: str | None,
    queries: dict[str, NamedQuery],
    store: GraphStore,
) -> None:
    rows = answer(store, queries["twin-towns"])
    found = project(rows, ("partner", "country", "since"))
    if since is None:
        found = {(city, land, None) for city, land, _ in found}
    place = iri(f"place/{country}") if country else None
    assert (iri(f"organisation/{partner}"), place, since) in found


def test_twin_towns_only_verified_ones(queries: dict[str, NamedQuery], store: GraphStore) -> None:
    rows = answer(store, queries["twin-towns"])
    assert not NOT_TWIN_TOWNS & {row["partner_label"] for row in rows}


@pytest.mark.parametrize(("membership", "start"), DATED_MEMBERSHIPS)
def test_memberships_with_dates(
    membership: str, start: str, queries: dict[str, NamedQuery], store: GraphStore
) -> None:
    rows = answer(store, queries["memberships-with-dates"])
    assert (iri(membership), start) in project(rows, ("membership", "start"))


def test_the_primary_source_has_these_passages(store: GraphStore) -> None:
    rows = store.select(
        "SELECT ?passage ?document WHERE { ?passage a kuopio:Passage ; dct:isPartOf ?document }",
        {"document": ox.NamedNode(PRIMARY)},
    )
    assert {row["passage"].value for row in rows} == set(PASSAGES)


@pytest.fixture(scope="module")
def answered(queries: dict[str, NamedQuery], store: GraphStore) -> set[str]:
    """Every value in the answers, leaving out source-passages, which lists every passage."""
    return {
        value
        for name, query in queries.items()
        if name != "source-passages"
        for row in answer(store, query)
        for value in row.values()
        if value is not None
    }


@pytest.mark.parametrize("passage", PASSAGES)
def test_every_passage_is_answered(passage: str, answered: set[str], store: GraphStore) -> None:
    derived = {
        row["resource"].value
        for row in store.select(
            "SELECT ?resource ?passage WHERE { ?resource prov:wasDerivedFrom ?passage }",
            {"passage": ox.NamedNode(passage)},
        )
    }
    assert passage in answered or derived & answered


def test_queries_follow_another_base(settings: Settings) -> None:
    base = "http://localhost:8080/"
    rebased = settings.with_values({"base": base})
    query = named_queries(rebased.queries, base)["networks-and-contacts"]
    assert ID not in query.text
    rows = answer(load(rebased), query)
    slugs = ("who-european-healthy-cities", "iclei", "xarxa-fp", "municipal-climate-campaign")
    assert {row["network"] for row in rows} == {f"{base}id/network/{slug}" for slug in slugs}


# --- Distances ------------------------------------------------------------------------------


def point(store: GraphStore, place: str) -> tuple[float, float]:
    """A place's latitude and longitude, as the data gives them (wgs:lat, wgs:long)."""
    (row,) = store.select(
        "SELECT ?lat ?long WHERE { ?place wgs:lat ?lat ; wgs:long ?long }",
        {"place": ox.NamedNode(place)},
    )
    return float(row["lat"].value), float(row["long"].value)


def test_partners_by_country_measure_from_kuopio(
    queries: dict[str, NamedQuery], store: GraphStore
) -> None:
    """Each distance is the one from Kuopio's point to the partner's place, computed here from
    the places' latitudes and longitudes."""
    rows = answer(store, queries["partners-by-country"])
    kuopio = point(store, iri("place/kuopio"))
    for row in rows:
        assert row["place"] is not None and row["distance_km"] is not None
        expected = haversine_km(kuopio, point(store, row["place"]))
        assert int(row["distance_km"]) == round(expected), row["partner"]
    assert {
        (iri("organisation/bodo"), iri("place/bodo"), "789"),
        (iri("organisation/svendborg"), iri("place/svendborg"), "1303"),
        (iri("organisation/castrop-rauxel"), iri("place/castrop-rauxel"), "1744"),
        (ICLEI, iri("place/bonn"), "1827"),
    } <= project(rows, ("partner", "place", "distance_km"))
    # Gera and the EU office's Brussels have no point: no cited page names their country.
    assert not {iri("organisation/gera"), OFFICE} & {row["partner"] for row in rows}
    # Only partners abroad, each at its own town (not also at its country), once.
    assert not any(row["place"] == iri("place/kuopio") for row in rows)
    partners = [row["partner"] for row in rows]
    assert len(partners) == len(set(partners))


def test_nearest_and_farthest_are_the_ends_of_partners_by_country(
    queries: dict[str, NamedQuery], store: GraphStore
) -> None:
    every = answer(store, queries["partners-by-country"])
    ends = answer(store, queries["nearest-and-farthest-partners"])
    distances = [int(row["distance_km"] or 0) for row in every]
    nearest = {row["partner"] for row in every if int(row["distance_km"] or 0) == min(distances)}
    farthest = {row["partner"] for row in every if int(row["distance_km"] or 0) == max(distances)}
    assert {(row["end"], row["partner"]) for row in ends} == {
        ("nearest", partner) for partner in nearest
    } | {("farthest", partner) for partner in farthest}


def test_partners_within_1500_km(queries: dict[str, NamedQuery], store: GraphStore) -> None:
    every = answer(store, queries["partners-by-country"])
    within = answer(store, queries["partners-within-1500-km"])
    assert {row["partner"] for row in within} == {
        row["partner"] for row in every if int(row["distance_km"] or 0) <= 1500
    }
    names = {row["partner"] for row in within}
    assert {iri("organisation/bodo"), iri("organisation/svendborg")} <= names
    assert iri("organisation/castrop-rauxel") not in names  # 1,744 km
    assert [row["distance_km"] for row in within] == sorted(
        (row["distance_km"] for row in within), key=lambda km: int(km or 0)
    )


def test_network_seats_come_with_points_a_map_can_show(
    queries: dict[str, NamedQuery], store: GraphStore
) -> None:
    result = store.query(queries["network-seats"].text)
    assert isinstance(result.answer, ox.QuerySolutions)
    rows = [dict(zip(result.variables, row, strict=True)) for row in result.answer]
    (bonn,) = [row for row in rows if row["network"] == ox.NamedNode(ICLEI)]
    assert bonn["seat"] == ox.NamedNode(iri("place/bonn"))
    assert bonn["point"] == ox.Literal(
        "POINT(7.09549 50.73438)",
        datatype=ox.NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral"),
    )
    assert bonn["distance_km"] == ox.Literal(
        "1827", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    )
