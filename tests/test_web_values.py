"""A property with many values is paged on its resource's page, so the page stays readable and
fast whether the resource has thirty values of it or a hundred thousand."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from web_helpers import ID, SPARQL_JSON, Element, Page

from kuopio_graph import Settings, load
from kuopio_graph.resource_view import STATEMENT_ROWS, VALUES_PER_PAGE, entity_view
from webapp import create_app
from webapp.i18n import text

ICLEI = f"{ID}network/iclei"
LINKS_TO = f"{ID}test/links-to"
HAS_PART = f"{ID}test/has-part"
FEW = 60
"""Values of one property on an ordinary resource (read at once, paged on the page)."""
MANY = STATEMENT_ROWS * 3
"""Values of one property on a resource too large to read at once (read a page at a time)."""
PARTS = 40
"""Blank-node values, each with a label of its own."""
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def targets(count: int) -> list[str]:
    return [f"{ID}test/target-{n:05}" for n in range(count)]


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> FlaskClient:
    """The bundled data, with ICLEI given FEW links and a new resource given MANY links and
    PARTS blank nodes."""
    extra = tmp_path_factory.mktemp("values") / "values.nt"
    many = f"{ID}test/many"
    lines = [f"<{ICLEI}> <{LINKS_TO}> <{iri}> .\n" for iri in targets(FEW)]
    lines += [f"<{many}> <{LINKS_TO}> <{iri}> .\n" for iri in targets(MANY)]
    lines += [f'<{many}> <{RDFS_LABEL}> "Paljon linkkejä"@fi .\n']
    lines += [f'<{many}> <{RDFS_LABEL}> "Many links"@en .\n']
    for n in range(PARTS):
        lines += [f"<{many}> <{HAS_PART}> _:part{n} .\n"]
        lines += [f'_:part{n} <{RDFS_LABEL}> "part {n}" .\n']
    extra.write_text("".join(lines))
    store = load(settings.with_values({"extra": [extra]}))
    return create_app(settings, store=store, config={"TESTING": True}).test_client()


def page(client: FlaskClient, path: str) -> Page:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return Page(response)


def row(page: Page, label: str) -> Element:
    """The statements table's row of the property shown as ``label``."""
    for tr in page.find("table", class_="statements").iter("tr"):
        if any(th.text == label for th in tr.iter("th", scope="row")):
            return tr
    raise AssertionError(f"no row for {label!r}")


def walk(client: FlaskClient, path: str, label: str) -> tuple[list[str], int]:
    """Follow a property's "next" links from ``path``: every value listed, and the pages."""
    listed: list[str] = []
    pages = 0
    next_path: str | None = path
    while next_path is not None:
        cells = row(page(client, next_path), label)
        items = cells.find("ul").find_all("li")
        assert 0 < len(items) <= VALUES_PER_PAGE
        listed += [item.text for item in items]
        following = [a.attrs["href"] for a in cells.iter("a", rel="next")]
        assert all("lang=en" in href for href in following)  # the reader's language is kept
        next_path = following[0] if following else None
        pages += 1
    return listed, pages


@pytest.mark.parametrize(("resource", "count"), [("network/iclei", FEW), ("test/many", MANY)])
def test_each_value_is_listed_once_across_the_pages(
    paged: FlaskClient, resource: str, count: int
) -> None:
    listed, pages = walk(paged, f"/id/{resource}?lang=en", "id:test/links-to")
    assert pages == -(-count // VALUES_PER_PAGE)
    assert sorted(listed) == sorted(f"id:test/target-{n:05}" for n in range(count))


def test_a_page_of_values_says_where_it_is_and_keeps_the_other_properties(
    paged: FlaskClient,
) -> None:
    second = page(paged, f"/id/test/many?lang=en&property={LINKS_TO}&values=2")
    nav = row(second, "id:test/links-to").find("nav")
    expected = text("values_shown", "en").format(
        first=VALUES_PER_PAGE + 1, last=2 * VALUES_PER_PAGE, count=MANY
    )
    assert expected in nav.text
    assert [a.attrs["rel"] for a in nav.iter("a") if "rel" in a.attrs] == ["prev", "next"]
    assert second.find("h1").text == "Many links"
    # The blank nodes keep their first page, each with its own statements inside.
    parts = row(second, "id:test/has-part").find_all("dl", class_="inner")
    assert len(parts) == VALUES_PER_PAGE
    assert all(part.find("dd").text.startswith("part ") for part in parts)


def test_blank_node_values_are_paged_with_their_statements(paged: FlaskClient) -> None:
    listed, pages = walk(paged, "/id/test/many?lang=en", "id:test/has-part")
    assert pages == 2
    # (<dt>label</dt><dd>part n</dd>, read as one text)
    assert sorted(listed) == sorted(f"labelpart {n}" for n in range(PARTS))


def test_a_property_with_few_values_is_not_paged(paged: FlaskClient) -> None:
    labels = row(page(paged, "/id/test/many?lang=en"), "label")
    assert not labels.find_all("nav")


def test_all_the_values_as_a_query(paged: FlaskClient) -> None:
    cells = row(page(paged, "/id/test/many?lang=en"), "id:test/links-to")
    (link,) = [href for href, label in cells.links() if label == text("all_values", "en")]
    query = parse_qs(urlsplit(link).query)["query"][0]
    answer = paged.get("/sparql", query_string={"query": query}, headers={"Accept": SPARQL_JSON})
    values = [b["value"]["value"] for b in answer.json["results"]["bindings"]]
    assert values == sorted(targets(MANY))


@pytest.mark.parametrize(
    "arguments",
    [
        f"property={LINKS_TO}&values={MANY // VALUES_PER_PAGE + 1}",  # past the last page
        f"property={LINKS_TO}&values=0",
        f"property={ID}test/no-such-property",
        "property=not an IRI",
        "values=2",  # a page of no property
    ],
)
def test_a_page_of_values_that_does_not_exist_is_404(paged: FlaskClient, arguments: str) -> None:
    response = paged.get(f"/id/test/many?{arguments}", headers={"Accept": "text/html"})
    assert response.status_code == 404


def test_the_two_ways_of_reading_show_the_same_statements(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resource read at once and read a property at a time shows the same statements, with
    the same sources and blank nodes (here one resource read both ways, by moving the line)."""
    store = load(settings)
    iri = f"{ID}organisation/city-of-kuopio"
    whole = entity_view(store, iri)
    assert max(whole.value_counts.values()) <= VALUES_PER_PAGE  # one page each, either way
    monkeypatch.setattr("kuopio_graph.resource_view.STATEMENT_ROWS", 0)
    windowed = entity_view(store, iri)
    assert whole.value_counts == windowed.value_counts
    assert sorted(whole.statements) == sorted(windowed.statements)
