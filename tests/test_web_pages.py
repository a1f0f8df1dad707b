"""Every resource under the base, for people and for machines: ``/id/...``, ``/ontology/...``
and the home page (the public interface's "Identifiers" and "Dereferencing" sections)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from web_helpers import (
    BASE,
    BROWSER,
    HTML,
    ID,
    JSONLD,
    KUOPIO,
    NTRIPLES,
    RDFXML,
    SCHEMA,
    SPARQL_JSON,
    TURTLE,
    Page,
    alternates,
    local,
    parse_rdf,
    solutions,
    store_graph,
    store_rows,
)

from kuopio_graph import GraphStore, Settings, load
from kuopio_graph.resource_view import BACKLINKS_PER_PAGE
from webapp import create_app
from webapp.i18n import text

ICLEI = f"{ID}network/iclei"
XARXA = f"{ID}network/xarxa-fp"
SAKKY_IN_XARXA = f"{ID}membership/xarxa-fp/sakky"
XARXA_BULLET = f"{ID}source/kuopio-kansainvalinen-toiminta/xarxa-fp"
PRIMARY_SOURCE_URL = "https://www.kuopio.fi/kansainvalinen-toiminta"
ASK_HTML = {"Accept": "text/html"}


def html_page(client: FlaskClient, path: str, **headers: str) -> Page:
    response = client.get(path, headers={**ASK_HTML, **headers})
    assert response.status_code == 200, path
    return Page(response)


# Content negotiation


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/html", HTML),
        (BROWSER["Accept"], HTML),
        ("text/turtle", TURTLE),
        ("application/ld+json", JSONLD),
        ("application/rdf+xml", RDFXML),
        ("application/n-triples", NTRIPLES),
        ("application/json", JSONLD),
        ("text/turtle;q=0.5, application/rdf+xml;q=0.9", RDFXML),
        ("application/n-triples, text/html;q=0.1", NTRIPLES),
        ("application/ld+json;q=0.4, text/turtle;q=0.8, text/html;q=0.2", TURTLE),
    ],
)
def test_entity_answers_by_accept(client: FlaskClient, accept: str, expected: str) -> None:
    response = client.get("/id/network/iclei", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == expected
    assert "Accept" in response.vary
    if expected == HTML:
        assert Page(response).find("h1").text == "ICLEI-verkosto"
        return
    graph = parse_rdf(response)
    assert (URIRef(ICLEI), RDF.type, KUOPIO.ThematicNetwork) in graph
    # Content-Location names the document of this format, which holds the same graph.
    document = client.get(response.headers["Content-Location"])
    assert document.status_code == 200
    assert document.mimetype == expected
    assert isomorphic(parse_rdf(document), graph)


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [(".ttl", TURTLE), (".jsonld", JSONLD), (".rdf", RDFXML), (".nt", NTRIPLES)],
)
def test_entity_form_by_suffix(client: FlaskClient, suffix: str, expected: str) -> None:
    response = client.get(f"/id/network/iclei{suffix}", headers=BROWSER)  # the suffix wins
    assert response.status_code == 200
    assert response.mimetype == expected
    assert (URIRef(ICLEI), RDF.type, KUOPIO.ThematicNetwork) in parse_rdf(response)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ttl", TURTLE),
        ("turtle", TURTLE),
        ("jsonld", JSONLD),
        ("rdfxml", RDFXML),
        ("nt", NTRIPLES),
        ("html", HTML),
    ],
)
def test_entity_form_by_format_parameter(client: FlaskClient, name: str, expected: str) -> None:
    other = {"Accept": "text/turtle"} if expected == HTML else BROWSER
    response = client.get(f"/id/network/iclei?format={name}", headers=other)
    assert response.status_code == 200
    assert response.mimetype == expected
    if expected != HTML:
        assert (URIRef(ICLEI), RDF.type, KUOPIO.ThematicNetwork) in parse_rdf(response)


@pytest.mark.parametrize("suffix", ["ttl", "jsonld", "rdf", "nt"])
def test_entity_rdf_holds_its_description(
    client: FlaskClient, store: GraphStore, suffix: str
) -> None:
    graph = parse_rdf(client.get(f"/id/network/iclei.{suffix}"))
    # Every triple with the entity as subject.
    own = store_graph(
        store, f"CONSTRUCT {{ <{ICLEI}> ?p ?o }} WHERE {{ <{ICLEI}> ?p ?o FILTER(!isBlank(?o)) }}"
    )
    assert len(own) > 20
    assert set(own) <= set(graph)
    # The labels of the resources it links to (places, sources, its class, its theme).
    labels = store_graph(
        store,
        f"""CONSTRUCT {{ ?value ?property ?label }} WHERE {{
             <{ICLEI}> ?link ?value FILTER(isIRI(?value))
             VALUES ?property {{ rdfs:label skos:prefLabel }}
             ?value ?property ?label }}""",
    )
    assert (
        KUOPIO.ThematicNetwork,
        RDFS.label,
        Literal("kansainvälinen teemaverkosto", lang="fi"),
    ) in labels
    assert (URIRef(f"{ID}place/bonn"), RDFS.label, Literal("Bonn", lang="en")) in labels
    assert set(labels) <= set(graph)
    # The blank node it owns: the address from Wikipedia.
    address = graph.value(URIRef(ICLEI), SCHEMA.address)
    assert isinstance(address, BNode)
    assert (address, RDF.type, SCHEMA.PostalAddress) in graph
    assert graph.value(address, SCHEMA.streetAddress) == Literal("Kaiser-Friedrich-Str. 7")
    assert graph.value(address, SCHEMA.postalCode) == Literal("53113")
    assert graph.value(address, SCHEMA.addressLocality) == Literal("Bonn")


def test_json_ld_has_a_context_and_compact_terms(client: FlaskClient) -> None:
    response = client.get("/id/network/iclei", headers={"Accept": "application/ld+json"})
    document = response.get_json()
    context = document["@context"]
    assert isinstance(context, dict)
    assert context["rdfs"] == str(RDFS)
    assert context["kuopio"] == str(KUOPIO)

    def expand(name: str) -> str:
        prefix, _, rest = name.partition(":")
        return context[prefix] + rest if prefix in context else name

    nodes = document.get("@graph", [document])
    (node,) = [node for node in nodes if expand(node["@id"]) == ICLEI]
    assert expand(node["@type"]) == str(KUOPIO.ThematicNetwork)
    assert node["@type"] == "kuopio:ThematicNetwork"
    assert "rdfs:label" in node
    assert {"@language": "fi", "@value": "ICLEI-verkosto"} in _as_list(node["rdfs:label"])
    keys = {key for node in nodes for key in node}
    assert not [key for key in keys if key.startswith(("http://", "https://"))]


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def test_entity_names_every_form_in_a_link_header(client: FlaskClient) -> None:
    response = client.get("/id/network/iclei", headers=ASK_HTML)
    forms = alternates(response.headers["Link"])
    assert set(forms) == {HTML, TURTLE, JSONLD, RDFXML, NTRIPLES}
    for media_type, url in forms.items():
        alternate = client.get(url)
        assert alternate.status_code == 200, url
        assert alternate.mimetype == media_type, url


def test_entity_page_links_its_rdf_forms(client: FlaskClient) -> None:
    page = html_page(client, "/id/network/iclei")
    links = {link.attrs["type"]: link.attrs["href"] for link in page.iter("link", rel="alternate")}
    assert set(links) == {TURTLE, JSONLD, RDFXML, NTRIPLES}
    for media_type, url in links.items():
        alternate = client.get(url, headers=BROWSER)
        assert alternate.status_code == 200, url
        assert alternate.mimetype == media_type, url
        assert (URIRef(ICLEI), RDF.type, KUOPIO.ThematicNetwork) in parse_rdf(alternate)
        assert url in page.section(text("other_forms", "fi")).hrefs()


@pytest.mark.parametrize(
    ("suffix", "headers", "expected"),
    [
        ("", {"Accept": "text/html"}, HTML),
        ("", BROWSER, HTML),
        ("", {"Accept": "text/turtle"}, TURTLE),
        ("", {"Accept": "application/ld+json"}, JSONLD),
        ("", {"Accept": "application/n-triples"}, NTRIPLES),
        (".ttl", {}, TURTLE),
        (".jsonld", {}, JSONLD),
        (".rdf", {}, RDFXML),
        (".nt", {}, NTRIPLES),
    ],
)
def test_unknown_iri_is_404_in_the_requested_format(
    client: FlaskClient, suffix: str, headers: dict[str, str], expected: str
) -> None:
    response = client.get(f"/id/network/no-such-network{suffix}", headers=headers)
    assert response.status_code == 404
    assert response.mimetype == expected
    if expected == HTML:
        assert Page(response).find("h1").text == text("not_found", "fi")
    else:
        assert len(parse_rdf(response)) == 0


def test_negotiated_404_varies_by_accept(client: FlaskClient) -> None:
    # The same URL is a 404 page for browsers and an empty Turtle document for RDF clients,
    # so a cache must know that the answer depends on Accept.
    response = client.get("/id/network/no-such-network", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert "Accept" in response.vary


@pytest.mark.parametrize(
    ("iri", "kind", "label", "definition"),
    [
        (
            f"{BASE}ontology/ThematicNetwork",
            OWL.Class,
            "kansainvälinen teemaverkosto",
            "Kansainvälinen asiantuntijaverkosto, joka keskittyy yhteen teemaan",
        ),
        (
            f"{ID}role/contact-handler",
            KUOPIO.Role,
            "yhteydenpidon hoitaja",
            "Hoitaa kaupungin yhteydenpitoa verkostoon",
        ),
    ],
)
def test_ontology_terms_and_concepts_have_pages(
    client: FlaskClient, iri: str, kind: URIRef, label: str, definition: str
) -> None:
    page = html_page(client, local(iri))
    assert page.find("h1").text == label
    assert any(p.text.startswith(definition) for p in page.iter("p", class_="description"))
    graph = parse_rdf(client.get(local(iri), headers={"Accept": "text/turtle"}))
    assert (URIRef(iri), RDF.type, kind) in graph
    assert any(
        value == Literal(label, lang="fi")
        for value in graph.objects(URIRef(iri), RDFS.label | SKOS.prefLabel)
    )


# Pages for people


@pytest.mark.parametrize(
    ("query", "headers", "language", "title"),
    [
        ("", {}, "fi", "XARXA FP"),
        ("?lang=en", {}, "en", "Xarxa FP"),
        ("", {"Accept-Language": "en"}, "en", "Xarxa FP"),
        ("", {"Accept-Language": "en-GB,en;q=0.9"}, "en", "Xarxa FP"),
        ("", {"Accept-Language": "sv, en;q=0.5, fi;q=0.8"}, "fi", "XARXA FP"),
        ("?lang=fi", {"Accept-Language": "en"}, "fi", "XARXA FP"),
        ("?lang=xx", {}, "fi", "XARXA FP"),
    ],
)
def test_page_language(
    client: FlaskClient, query: str, headers: dict[str, str], language: str, title: str
) -> None:
    response = client.get(f"/id/network/xarxa-fp{query}", headers={**ASK_HTML, **headers})
    assert response.headers["Content-Language"] == language
    assert "Accept-Language" in response.vary
    page = Page(response)
    assert page.lang == language
    assert page.find("h1").text == title
    head = page.find("table", class_="statements").find("thead")
    assert [th.text for th in head.iter("th")] == [
        text("property", language),
        text("value", language),
    ]


@pytest.mark.parametrize(
    "path",
    ["/id/network/xarxa-fp", "/ontology/ThematicNetwork", "/", "/ontology", "/shapes", "/sparql"],
)
def test_language_switch_keeps_the_path(client: FlaskClient, path: str) -> None:
    page = html_page(client, path)
    for language in ("fi", "en"):
        (link,) = page.find_all("a", hreflang=language)
        target = urlsplit(link.attrs["href"])
        assert target.path == path
        assert parse_qs(target.query)["lang"] == [language]
        assert html_page(client, link.attrs["href"]).lang == language


def test_language_switch_keeps_the_query(client: FlaskClient) -> None:
    page = html_page(client, "/sparql?query=ASK+%7B%7D")
    (link,) = page.find_all("a", hreflang="en")
    assert parse_qs(urlsplit(link.attrs["href"]).query) == {"query": ["ASK {}"], "lang": ["en"]}


@pytest.mark.parametrize("language", ["fi", "en"])
def test_entity_page_shows_label_type_and_description(client: FlaskClient, language: str) -> None:
    page = html_page(client, f"/id/network/xarxa-fp?lang={language}")
    expected = {
        "fi": (
            "XARXA FP",
            "kansainvälinen teemaverkosto",
            "XARXA FP on ammatillisen opetuksen opiskelijaliikkuvuutta edistävä",
        ),
        "en": (
            "Xarxa FP",
            "international thematic network",
            "XARXA FP is a Spanish-led network of European cities",
        ),
    }
    title, kind, description = expected[language]
    assert page.find("h1").text == title
    assert (f"/ontology/ThematicNetwork?lang={language}", kind) in page.links()
    assert any(p.text.startswith(description) for p in page.iter("p", class_="description"))


@pytest.mark.parametrize(
    ("language", "labels"),
    [("fi", {"jäsen", "organisaatio", "rooli"}), ("en", {"member", "organisation", "role"})],
)
def test_entity_page_names_properties_by_label(
    client: FlaskClient, language: str, labels: set[str]
) -> None:
    page = html_page(client, f"{local(SAKKY_IN_XARXA)}?lang={language}")
    shown = {th.text for th in page.find("table", class_="statements").iter("th", scope="row")}
    assert labels <= shown
    assert not [name for name in shown if "://" in name or name.startswith(("org:", "rdf"))]


def test_entity_page_links_to_local_paths(client: FlaskClient, store: GraphStore) -> None:
    page = html_page(client, local(XARXA))
    hrefs = page.hrefs()
    assert not [href for href in hrefs if href.startswith(BASE)]
    linked = store_rows(store, f"SELECT ?v WHERE {{ <{XARXA}> ?p ?v FILTER(isIRI(?v)) }}")
    minted = {local(iri) for (iri,) in linked if iri.startswith(BASE)}
    assert f"{ID}place/spain" in {iri for (iri,) in linked}
    assert minted <= hrefs
    assert ("/id/place/spain", "Espanja") in page.links()
    assert ("/id/organisation/barcelona", "Barcelona") in page.links()


def test_entity_page_lists_what_links_here(client: FlaskClient, store: GraphStore) -> None:
    page = html_page(client, local(XARXA))
    backlinks = page.section(text("links_here", "fi")).hrefs()
    subjects = store_rows(store, f"SELECT ?s WHERE {{ ?s ?p <{XARXA}> FILTER(isIRI(?s)) }}")
    assert local(SAKKY_IN_XARXA) in backlinks
    assert {local(iri) for (iri,) in subjects} == backlinks


def test_links_here_come_in_pages_and_as_a_query_for_all(
    settings: Settings, tmp_path: Path
) -> None:
    hub = f"{ID}network/iclei"
    linkers = {f"{ID}test/linker-{n:03}" for n in range(80)}
    extra = tmp_path / "linkers.nt"
    extra.write_text("".join(f"<{iri}> <{ID}test/links-to> <{hub}> .\n" for iri in linkers))
    store = load(settings.with_values({"extra": [extra]}))
    client = create_app(settings, store=store, config={"TESTING": True}).test_client()
    listed: list[str] = []
    path: str | None = local(hub) + "?lang=en"
    pages = 0
    while path is not None:
        section = html_page(client, path).section(text("links_here", "en"))
        items = section.find("ul").find_all("li")
        assert 0 < len(items) <= BACKLINKS_PER_PAGE
        listed += [a.attrs["href"] for li in items for a in li.iter("a")]
        following = [a.attrs["href"] for a in section.iter("a", rel="next")]
        assert all("lang=en" in href for href in following)  # the reader's language is kept
        path = following[0] if following else None
        pages += 1
    total = len(store_rows(store, f"SELECT ?s ?p WHERE {{ ?s ?p <{hub}> FILTER(isIRI(?s)) }}"))
    assert pages == -(-total // BACKLINKS_PER_PAGE) > 3
    assert len(listed) == total  # each link once, on one page
    assert {local(iri) for iri in linkers} <= {href.split("?")[0] for href in listed}
    beyond = client.get(f"{local(hub)}?links={pages + 1}", headers=ASK_HTML)
    assert beyond.status_code == 404
    assert client.get(f"{local(hub)}?links=0", headers=ASK_HTML).status_code == 404
    first_page = html_page(client, local(hub) + "?lang=en")
    (query_link,) = [
        href for href, label in first_page.links() if label == text("all_backlinks", "en")
    ]
    query = parse_qs(urlsplit(query_link).query)["query"][0]
    everything = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": SPARQL_JSON}
    )
    assert {row["subject"]["value"] for row in everything.json["results"]["bindings"]} >= linkers


def test_a_page_with_few_links_here_lists_them_all_without_paging(client: FlaskClient) -> None:
    section = html_page(client, local(XARXA) + "?lang=en").section(text("links_here", "en"))
    assert not list(section.iter("nav"))


@pytest.mark.parametrize("language", ["fi", "en"])
def test_entity_page_shows_provenance(
    client: FlaskClient, store: GraphStore, language: str
) -> None:
    page = html_page(client, f"{local(XARXA)}?lang={language}")
    provenance = page.section(text("provenance", language))
    assert PRIMARY_SOURCE_URL in provenance.hrefs()
    ((passage,),) = store_rows(store, f"SELECT ?text WHERE {{ <{XARXA_BULLET}> prov:value ?text }}")
    assert passage.startswith("XARXA FP, ammatillisen opetuksen opiskelijaliikkuvuutta")
    quotes = [quote for quote in provenance.iter("blockquote") if quote.attrs.get("lang") == "fi"]
    assert " ".join(passage.split()) in [quote.text for quote in quotes]


@pytest.mark.parametrize("iri", [XARXA, SAKKY_IN_XARXA, ICLEI])
def test_this_page_as_sparql_gives_the_page_statements(
    client: FlaskClient, store: GraphStore, iri: str
) -> None:
    page = html_page(client, local(iri))
    (href,) = [href for href, label in page.links() if label == text("as_sparql", "fi")]
    response = client.get(href, headers={"Accept": SPARQL_JSON})
    assert response.status_code == 200
    answer = solutions(response)
    assert {row["entity"] for row in answer} == {iri}
    expected = store_rows(store, f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o FILTER(!isBlank(?o)) }}")
    blank = store_rows(store, f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o FILTER(isBlank(?o)) }}")
    shown = {(row["property"], row["value"]) for row in answer}
    assert expected <= shown
    assert len(shown) == len(expected) + len(blank)


# The home page


@pytest.mark.parametrize("language", ["fi", "en"])
def test_home_page_lists_the_city_networks_and_actor_kinds(
    client: FlaskClient, store: GraphStore, language: str
) -> None:
    page = html_page(client, f"/?lang={language}")
    hrefs = {urlsplit(href).path for href in page.hrefs()}
    networks = store_rows(
        store, "SELECT ?n WHERE { ?n a/rdfs:subClassOf* kuopio:InternationalNetwork }"
    )
    kinds = store_rows(store, "SELECT ?k WHERE { ?k a kuopio:ActorKind }")
    assert len(networks) >= 3
    assert len(kinds) >= 3
    assert "/id/organisation/city-of-kuopio" in hrefs
    assert {local(iri) for (iri,) in networks | kinds} <= hrefs
    assert {"/sparql", "/.well-known/void"} <= hrefs
    title = {"fi": "XARXA FP", "en": "Xarxa FP"}[language]
    kind = {"fi": "eurooppalaiset kaupungit", "en": "European cities"}[language]
    suffix = f"?lang={language}"
    assert (f"{local(XARXA)}{suffix}", title) in page.links()
    assert (f"/id/actor-kind/european-cities{suffix}", kind) in page.links()


def test_home_page_in_finnish_by_default(client: FlaskClient) -> None:
    page = html_page(client, "/")
    assert page.lang == "fi"
    assert page.find("h1").text == text("site_title", "fi")
    assert html_page(client, "/", **{"Accept-Language": "en"}).lang == "en"


def test_every_minted_resource_has_a_page_and_rdf(client: FlaskClient, store: GraphStore) -> None:
    minted = store_rows(
        store, f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{ID}")) }}'
    )
    assert len(minted) > 100
    failures = []
    for (iri,) in sorted(minted):
        page = client.get(local(iri), headers=ASK_HTML)
        rdf = client.get(f"{local(iri)}.ttl")
        if page.status_code != 200 or rdf.status_code != 200:
            failures.append((iri, page.status_code, rdf.status_code))
        elif (URIRef(iri), None, None) not in parse_rdf(rdf):
            failures.append((iri, "no triples about it", rdf.status_code))
    assert failures == []


def test_entity_page_shows_each_kind_of_term(client: FlaskClient) -> None:
    """IRIs link (outside ones marked external), literals keep their language, and a blank
    node's own statements are listed inside its value."""
    page = html_page(client, local(ICLEI) + "?lang=en")
    statements = page.find("table", class_="statements")
    outside = {a.attrs["href"] for a in statements.iter("a", rel="external")}
    assert "https://www.iclei.org/" in outside
    assert "/id/place/bonn?lang=en" in statements.hrefs()
    tagged = [span for span in statements.iter("span") if span.attrs.get("lang") == "en"]
    assert any(span.text.startswith("ICLEI – Local Governments") for span in tagged)
    (address,) = statements.find_all("dl", class_="inner")
    assert "Kaiser-Friedrich-Str. 7" in address.text
    assert "53113" in [dd.text for dd in address.iter("dd")]
