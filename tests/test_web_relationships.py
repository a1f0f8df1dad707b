"""The picture of an organisation's relationships, its own page, and the timeline."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from web_helpers import ID, Element, Page, local, store_rows

from kuopio_graph import GraphStore
from kuopio_graph.connections import PART_OF, UNIT, Branch, relationship_tree
from webapp.i18n import text

CITY = f"{ID}organisation/city-of-kuopio"
ICLEI = f"{ID}network/iclei"
URBAN_ENVIRONMENT = f"{ID}service-area/urban-environment"
HTML = {"Accept": "text/html"}


def page(client: FlaskClient, path: str) -> Page:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, path
    return Page(response)


def part(client: FlaskClient, iri: str, language: str = "en") -> Page:
    """What an organisation's page loads into itself: its picture and timeline."""
    on_page = page(client, f"{local(iri)}?lang={language}")
    (holder,) = [div for div in on_page.iter("div") if "data-relationships" in div.attrs]
    assert holder.attrs["data-relationships"] == "/relationships?" + urlencode(
        {"iri": iri, "part": "page", "lang": language}
    )
    return page(client, holder.attrs["data-relationships"])


def boxes(picture: Element) -> list[tuple[str, str]]:
    """Each box of a picture as (link, tooltip)."""
    return [
        (a.attrs["href"], next(a.iter("title")).text)
        for a in picture.iter("a")
        if a.attrs.get("class") in ("root", "node", "rest")
    ]


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_citys_page_pictures_its_units_and_their_networks(
    client: FlaskClient, store: GraphStore, language: str
) -> None:
    picture = part(client, CITY, language).find("figure", class_="picture")
    links = dict(boxes(picture))
    units = store_rows(store, f"SELECT ?unit WHERE {{ ?unit org:unitOf <{CITY}> }}")
    assert units
    for (unit,) in units:
        assert f"{local(unit)}?lang={language}" in links
        assert links[f"{local(unit)}?lang={language}"].startswith(text("rel_unit", language))
    # The networks a service area handles hang from it.
    handled = store_rows(
        store,
        f"""SELECT ?network WHERE {{
              ?p org:member <{URBAN_ENVIRONMENT}> ; org:organization ?network }}""",
    )
    assert {f"{local(n)}?lang={language}" for (n,) in handled} <= links.keys()


@pytest.mark.parametrize(
    ("language", "handler", "role"),
    [
        ("en", "Urban Environment service area", "coordinates the contact"),
        ("fi", "kaupunkiympäristön palvelualue", "yhteydenpidon koordinoija"),
    ],
)
def test_a_networks_picture_shows_who_in_kuopio_handles_it(
    client: FlaskClient, language: str, handler: str, role: str
) -> None:
    picture = part(client, ICLEI, language).find("figure", class_="picture")
    titles = [title for _, title in boxes(picture)]
    assert f"{role}: {handler}" in titles
    # ... and what that service area is part of, even though the city is in the picture already.
    assert titles.count(f"{text('rel_part_of', language)}: " + city_name(language)) == 1


def timeline_items(timeline: Element) -> list[tuple[str, str]]:
    """Each entry of a timeline as (years, name)."""
    return [(li.find("span", class_="years").text, li.find("a").text) for li in timeline.iter("li")]


def city_name(language: str) -> str:
    return {"fi": "Kuopion kaupunki", "en": "City of Kuopio"}[language]


def test_every_box_links_to_a_page_that_answers(client: FlaskClient) -> None:
    picture = part(client, CITY).find("figure", class_="picture")
    for href, _ in boxes(picture):
        assert client.get(href, headers=HTML).status_code == 200, href


def test_a_picture_is_labelled_for_assistive_technology(client: FlaskClient) -> None:
    figure = part(client, CITY).find("figure", class_="picture")
    caption = figure.find("figcaption")
    assert caption.text == text("picture_caption", "en")
    assert figure.find("svg").attrs["aria-labelledby"] == caption.attrs["id"]


def test_only_organisations_have_a_picture(client: FlaskClient) -> None:
    membership = page(client, local(f"{ID}membership/iclei/urban-environment"))
    assert not [div for div in membership.iter("div") if "data-relationships" in div.attrs]
    scripts = {script.attrs.get("src") for script in membership.iter("script")}
    assert "/static/relationships.js" not in scripts
    city = page(client, local(CITY))
    assert "/static/relationships.js" in {script.attrs.get("src") for script in city.iter("script")}


def test_the_tree_collapses_what_does_not_fit(store: GraphStore) -> None:
    """Past the limit, one box per way of relating stands for the rest, and counts them."""
    tree = relationship_tree(store, CITY, first=1, second=1)
    children = tree.root.children
    units = store_rows(store, f"SELECT DISTINCT ?u WHERE {{ ?u org:unitOf <{CITY}> }}")
    assert len(units) > 1
    (shown,) = [child for child in children if child.kind == UNIT]
    rest = children[children.index(shown) + 1]
    assert not rest.iri
    assert rest.hidden == len(units) - 1
    # Every way shows one resource at most, then its box for the rest.
    for before, after in zip(children, children[1:], strict=False):
        assert not (before.iri and after.iri and before.kind == after.kind)


def test_the_tree_shows_each_resource_once_but_for_what_it_is_part_of(
    store: GraphStore,
) -> None:
    tree = relationship_tree(store, ICLEI, first=50, second=50)
    shown: list[str] = []

    def walk(branch: Branch) -> None:
        if branch.iri and branch.kind != PART_OF:
            shown.append(branch.iri)
        for child in branch.children:
            walk(child)

    walk(tree.root)
    assert len(shown) == len(set(shown))


def test_the_relationships_page_shows_more_than_the_entity_page(client: FlaskClient) -> None:
    own = page(client, "/relationships?" + urlencode({"iri": CITY, "lang": "en"}))
    assert own.find("h1").text == text("relationships_of", "en").format(name="City of Kuopio")
    own_boxes = boxes(own.find("figure", class_="picture"))
    entity_boxes = boxes(part(client, CITY).find("figure", class_="picture"))
    assert len(own_boxes) >= len(entity_boxes)
    link = "/relationships?" + urlencode({"iri": CITY, "lang": "en"})
    assert link in page(client, local(CITY) + "?lang=en").hrefs()


@pytest.mark.parametrize(
    ("query", "status"),
    [({}, 400), ({"iri": f"{ID}organisation/nowhere"}, 404), ({"iri": "not an IRI"}, 404)],
)
def test_the_relationships_page_refuses_what_it_cannot_show(
    client: FlaskClient, query: dict[str, str], status: int
) -> None:
    assert client.get("/relationships", query_string=query, headers=HTML).status_code == status


def test_the_timeline_lists_dated_relationships_in_order(
    client: FlaskClient, store: GraphStore
) -> None:
    timeline = part(client, CITY).find("ol", class_="timeline")
    items = [
        (li.find("span", class_="years").text, li.find("a").text) for li in timeline.iter("li")
    ]
    starts = [int(years[:4]) for years, _ in items if years[:4].isdigit()]
    assert starts == sorted(starts)
    assert ("1997–", "City of Kuopio in the Municipal Climate Campaign") in items
    ends_only = store_rows(
        store,
        f"""SELECT ?p WHERE {{ ?p org:hasMember <{CITY}> ; schema:endDate ?end
                             FILTER NOT EXISTS {{ ?p schema:startDate ?start }} }}""",
    )
    # A partnership with an end but no start is shown by its end year alone ("–2029"); the data
    # has none since the Nordic agreement period (2022–2029) became an agreement of its own.
    assert sum(years.startswith("–") for years, _ in items) == len(ends_only)


def test_a_founding_is_a_point_on_the_timeline(client: FlaskClient) -> None:
    timeline = part(client, ICLEI).find("ol", class_="timeline")
    items = [
        (li.find("span", class_="years").text, li.find("a").text) for li in timeline.iter("li")
    ]
    assert ("1990", text("founded", "en")) in items
