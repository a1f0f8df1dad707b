"""The map of the city's relationships and of query results: a marker per located partner place,
each a working link, a table that says what the graph says, the base maps, and points in query
results, over the bundled data and its places' GeoNames coordinates."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # noqa: S405 - parses the app's own answers in tests
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from flask.testing import FlaskClient
from web_helpers import ID, Element, Page, local, store_rows

from kuopio_graph import GraphStore, Settings, load
from webapp import create_app
from webapp.i18n import LANGUAGES, text

ROOT = Path(__file__).resolve().parent.parent
VENDORED = ROOT / "webapp" / "static" / "vendor" / "world-atlas"
PACKAGE = ROOT / "node_modules" / "world-atlas"
CITY = f"{ID}organisation/city-of-kuopio"
KUOPIO = f"{ID}place/kuopio"
HTML = {"Accept": "text/html"}

PARTNER_PLACES = f"""
PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?place ?relationship (MIN(SUBSTR(STR(?date), 1, 4)) AS ?since)
       (SAMPLE(?lat) AS ?latitude) (SAMPLE(?long) AS ?longitude)
WHERE {{
  {{
    ?relationship a kuopio:TwinTownPartnership ; org:hasMember <{CITY}> , ?partner .
    ?partner schema:location ?place .
    FILTER(?partner != <{CITY}>)
    FILTER NOT EXISTS {{ ?partner schema:location <{KUOPIO}> }}
    OPTIONAL {{ ?relationship schema:startDate ?date }}
  }} UNION {{
    ?relationship a kuopio:Partnership ; org:hasMember <{CITY}> .
    {{
      ?relationship org:hasMember ?partner . ?partner schema:location ?place .
      FILTER(?partner != <{CITY}>)
      FILTER NOT EXISTS {{ ?partner schema:location <{KUOPIO}> }}
    }} UNION {{ ?relationship schema:location ?place }}
    OPTIONAL {{ ?relationship schema:startDate ?date }}
  }} UNION {{
    ?membership org:organization ?relationship ; org:member ?member .
    ?member org:unitOf? <{CITY}> .
    ?relationship schema:location ?place .
    OPTIONAL {{ ?membership org:memberDuring/time:hasBeginning/time:inXSDgYear ?date }}
  }} UNION {{
    ?relationship a kuopio:RepresentationOffice ; kuopio:represents ?region ;
      schema:location ?place .
    <{CITY}> schema:location ?region .
    OPTIONAL {{ ?relationship schema:foundingDate ?date }}
  }}
  ?place wgs:lat ?lat ; wgs:long ?long .
  FILTER NOT EXISTS {{ ?place a schema:Country }}
  FILTER(?place != <{KUOPIO}>)
}}
GROUP BY ?place ?relationship
"""
"""What the map's table should say, asked of the store directly: each relationship of the
city at a located place, when it began, and where the place is."""

POINTS = """
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
SELECT ?place ?wkt WHERE { ?place geo:hasGeometry/geo:asWKT ?wkt }
"""
LATITUDES_AND_LONGITUDES = """
PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?name ?placeLat ?placeLong
WHERE {
  ?place wgs:lat ?placeLat ; wgs:long ?placeLong ; rdfs:label ?name FILTER(LANG(?name) = "en")
}
"""


def page(client: FlaskClient, path: str) -> Page:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, path
    return Page(response)


def markers(view: Element) -> list[Element]:
    """The markers of one view of a map, in order."""
    return [a for a in view.iter() if "marker" in a.attrs.get("class", "").split()]


def views(html: Page) -> dict[str, Element]:
    """The views of the page's first map, by name."""
    figure = next(f for f in html.iter("figure") if f.attrs.get("class") == "map")
    return {
        div.attrs["class"].split("-")[-1]: div
        for div in figure.iter("div")
        if div.attrs.get("class", "").startswith("map-view map-")
    }


def expected_rows(store: GraphStore) -> set[tuple[str, str, str, int]]:
    """(place, relationship, since, distance in km) for each relationship at a located place."""
    kuopio = (62.89238, 27.67703)
    found = set()
    for place, relationship, since, latitude, longitude in store_rows(store, PARTNER_PLACES):
        distance = _law_of_cosines(kuopio, (float(latitude), float(longitude)))
        found.add((place, relationship, since or "–", round(distance)))
    return found


def _law_of_cosines(a: tuple[float, float], b: tuple[float, float]) -> float:
    phi1, phi2 = math.radians(a[0]), math.radians(b[0])
    cosine = math.sin(phi1) * math.sin(phi2) + math.cos(phi1) * math.cos(phi2) * math.cos(
        math.radians(b[1] - a[1])
    )
    return 6371.0088 * math.acos(min(cosine, 1.0))


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_marker_per_located_partner_place_each_a_working_link(
    client: FlaskClient, store: GraphStore, language: str
) -> None:
    html = page(client, f"/map?lang={language}")
    places = {place for place, *_ in expected_rows(store)}
    assert places, "the fixture gives the city's partners no coordinates"
    for name, view in views(html).items():
        links = [a.attrs["href"] for a in markers(view)]
        assert len(links) == len(set(links)), f"a place marked twice in the {name} view"
        home = f"{local(KUOPIO)}?lang={language}"
        assert links[0] == home
        if name == "world":
            assert set(links) == {home} | {f"{local(p)}?lang={language}" for p in places}
        for link in links:
            assert client.get(link, headers=HTML).status_code == 200, link
    # Each marker is named in the page's language: the place, its country, the relationship.
    world = views(html)["world"]
    svendborg = next(a for a in markers(world) if a.attrs["href"].startswith("/id/place/svendb"))
    country = "Tanska" if language == "fi" else "Denmark"
    assert svendborg.attrs["aria-label"].startswith(f"Svendborg ({country}): ")
    assert text("map_twin_town", language) in svendborg.attrs["aria-label"]
    # A line for each located place, dashed by its kind (the stylesheet gives each a pattern).
    lines = [line.attrs["class"] for line in world.iter("line")]
    assert len(lines) == len(places)
    assert {"tie twin-town", "tie network-seat"} <= set(lines)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_table_says_what_the_graph_says(
    client: FlaskClient, store: GraphStore, language: str
) -> None:
    table = page(client, f"/map?lang={language}").find("table", class_="map-table")
    shown = set()
    for row in table.find("tbody").iter("tr"):
        place = row.find("th").find("a").attrs["href"]
        cells = row.find_all("td")
        relationship = cells[1].find("a").attrs["href"]
        distance = "".join(cells[3].text.split()).replace(",", "").removesuffix("km")
        shown.add((place, relationship, cells[2].text, int(distance)))
    suffix = f"?lang={language}"
    assert shown == {
        (f"{local(p)}{suffix}", f"{local(r)}{suffix}", since, km)
        for p, r, since, km in expected_rows(store)
    }


def test_partners_without_coordinates_are_named_apart(client: FlaskClient) -> None:
    unlocated = page(client, "/map?lang=en").find("ul", class_="map-unlocated")
    assert "/id/organisation/gera?lang=en" in unlocated.hrefs()
    assert "/id/organisation/svendborg?lang=en" not in unlocated.hrefs()


@pytest.mark.parametrize("path", ["/", local(CITY)])
def test_the_home_page_and_the_citys_page_show_the_map(client: FlaskClient, path: str) -> None:
    html = page(client, f"{path}?lang=en")
    section = html.section(text("map_title", "en"))
    assert section.find("table", class_="map-table")
    assert "/map?lang=en" in section.hrefs()
    world = [a.attrs["href"] for a in markers(views(html)["world"])]
    on_own_page = [a.attrs["href"] for a in markers(views(page(client, "/map?lang=en"))["world"])]
    assert world == on_own_page


def test_a_place_page_shows_its_own_position(client: FlaskClient) -> None:
    html = page(client, "/id/place/svendborg?lang=fi")
    section = html.section(text("map", "fi"))
    world = views(html)["world"]
    classes = {a.attrs["href"]: a.attrs["class"] for a in markers(world)}
    assert classes == {
        "/id/place/kuopio?lang=fi": "marker home",
        "/id/place/svendborg?lang=fi": "marker twin-town current",
    }
    assert [line.attrs["class"] for line in world.iter("line")] == ["tie twin-town"]
    rows = section.find("table", class_="map-table").find("tbody").find_all("tr")
    assert len(rows) == 2  # a twin town, and a partner in the Nordic collaboration
    # The home town's own page shows where it is, with no line.
    assert html.find("ul", class_="map-legend")
    kuopio = page(client, "/id/place/kuopio?lang=en")
    home = views(kuopio)["world"]
    assert [a.attrs["class"] for a in markers(home)] == ["marker home current"]
    assert not home.find_all("line") and not kuopio.find_all("ul", class_="map-legend")


def test_the_maps_page_is_in_the_sitemap(client: FlaskClient) -> None:
    assert b"<loc>http://localhost/map</loc>" in client.get("/sitemap.xml").data


def test_other_pages_show_no_map(client: FlaskClient) -> None:
    html = page(client, "/id/network/iclei?lang=en")
    assert not [f for f in html.iter("figure") if f.attrs.get("class") == "map"]


@pytest.mark.parametrize("name", ["world", "europe"])
def test_the_base_maps_are_svg_documents(client: FlaskClient, name: str) -> None:
    response = client.get(f"/map/{name}.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    document = ET.fromstring(response.data)  # noqa: S314 - the app's own answer
    paths = document.findall(".//{http://www.w3.org/2000/svg}path")
    assert len(paths) > (100 if name == "world" else 30)
    assert response.headers["ETag"]


def test_the_vendored_countries_are_the_locked_npm_package() -> None:
    assert PACKAGE.is_dir(), "run `make test` (or `npm ci`) to install the locked npm packages"
    for name in ("countries-110m.json", "LICENSE"):
        assert (VENDORED / name).read_bytes() == (PACKAGE / name).read_bytes(), name


def test_an_unknown_view_is_not_found(client: FlaskClient) -> None:
    assert client.get("/map/mars.svg").status_code == 404


@pytest.mark.parametrize("query", [POINTS, LATITUDES_AND_LONGITUDES])
def test_query_results_with_points_are_on_the_map(client: FlaskClient, query: str) -> None:
    html = page(client, "/sparql?" + urlencode({"query": query, "lang": "en"}))
    world = views(html)["world"]
    found = markers(world)
    rows = html.find("table", class_="results").find("tbody").find_all("tr")
    assert len(found) == len(rows) >= 5
    names = {a.find("title").text for a in found}
    assert {"Svendborg", "Bonn", "Jönköping", "Bodø", "Kuopio"} <= names
    if query == POINTS:
        assert {urlsplit(a.attrs["href"]).path for a in found} >= {
            f"/id/place/{slug}" for slug in ("svendborg", "bonn", "jonkoping", "bodo", "kuopio")
        }
    else:  # no IRI in the row: a marker, but no link
        assert {a.tag for a in found} == {"g"}


def test_results_without_points_have_no_map(client: FlaskClient) -> None:
    query = "SELECT ?area WHERE { ?area a kuopio:ServiceArea }"
    html = page(client, "/sparql?" + urlencode({"query": query}))
    assert not [f for f in html.iter("figure") if f.attrs.get("class") == "map"]


def test_without_the_citys_coordinates_there_is_no_map(tmp_path: Path) -> None:
    """On data that gives Kuopio no coordinates the map's page says so, and the home page and
    the city's page leave the map out."""
    city = tmp_path / "city.ttl"
    city.write_text(
        "@prefix schema: <https://schema.org/> .\n"
        f"<{CITY}> schema:location <{KUOPIO}> .\n"
        f"<{KUOPIO}> a schema:City ; schema:name 'Kuopio' .\n",
        encoding="utf-8",
    )
    settings = Settings(ontology=(ROOT / "ontology",), data=(), extra=(city,))
    client = create_app(settings, store=load(settings), config={"TESTING": True}).test_client()
    assert text("map_none", "fi") in page(client, "/map").text
    for path in ("/", local(CITY)):
        html = page(client, path)
        assert not [f for f in html.iter("figure") if f.attrs.get("class") == "map"]
