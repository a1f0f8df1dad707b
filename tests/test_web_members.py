"""Class listings: every member of a class, paged, in label order either way."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from web_helpers import ID, Page

from kuopio_graph import Settings, load
from kuopio_graph.search_index import fold
from webapp import create_app
from webapp.i18n import text
from webapp.members import PAGE_SIZE

THEMATIC = "https://w3id.org/kuopio-graph/ontology/ThematicNetwork"
HTML = {"Accept": "text/html"}
TEST_CLASS = f"{ID}test/Thing"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module")
def many(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """An app whose data has 120 members of one class, labelled in Finnish and English."""
    extra = tmp_path_factory.mktemp("members") / "things.ttl"
    extra.write_text(
        "".join(
            f"<{ID}test/thing-{n:03}> a <{TEST_CLASS}> ;"
            f' <{RDFS_LABEL}> "Älvä {n:03}"@fi, "Thing {119 - n:03}"@en .\n'
            for n in range(120)
        )
    )
    store = load(settings.with_values({"extra": [extra]}))
    return create_app(settings, store=store, config={"TESTING": True}).test_client()


def listed(client: FlaskClient, path: str) -> tuple[list[str], Page]:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, response.data
    page = Page(response)
    return [li.text for li in page.find("ol", class_="members").iter("li")], page


def test_a_class_lists_its_members_in_label_order(client: FlaskClient) -> None:
    names, page = listed(client, f"/members?class={THEMATIC}&lang=en")
    assert names == sorted(names, key=fold)
    assert "ICLEI – Local Governments for Sustainability" in names
    assert len(names) == 3


def test_the_class_page_links_to_its_members(client: FlaskClient) -> None:
    page = Page(client.get("/ontology/ThematicNetwork?lang=en", headers=HTML))
    link = page.find("p", class_="members-link").find("a")
    assert link.text == text("members_link", "en").format(count=3)
    assert client.get(link.attrs["href"], headers=HTML).status_code == 200


@pytest.mark.parametrize("language", ["fi", "en"])
def test_many_members_come_in_pages_either_way(many: FlaskClient, language: str) -> None:
    seen: list[str] = []
    path: str | None = f"/members?class={TEST_CLASS}&lang={language}"
    while path:
        names, page = listed(many, path)
        assert len(names) <= PAGE_SIZE
        seen += names
        following = [a.attrs["href"] for a in page.iter("a", rel="next")]
        path = following[0] if following else None
    assert len(seen) == 120
    assert seen == sorted(seen, key=fold)
    assert all(name.startswith("Älvä" if language == "fi" else "Thing") for name in seen)
    reverse, _ = listed(many, f"/members?class={TEST_CLASS}&lang={language}&order=desc")
    assert reverse == sorted(seen, key=fold, reverse=True)[:PAGE_SIZE]


def test_a_page_past_the_end_is_not_found(many: FlaskClient) -> None:
    response = many.get(f"/members?class={TEST_CLASS}&page=4", headers=HTML)
    assert response.status_code == 404
    assert many.get(f"/members?class={TEST_CLASS}&page=0", headers=HTML).status_code == 404


def test_a_class_is_required(client: FlaskClient) -> None:
    assert client.get("/members", headers=HTML).status_code == 400


def test_a_class_without_members_says_so(client: FlaskClient) -> None:
    response = client.get(f"/members?class={ID}nothing&lang=en", headers=HTML)
    assert response.status_code == 200
    assert text("no_members", "en") in Page(response).find("main").text


def test_pages_made_before_the_index_are_not_kept(settings: Settings) -> None:
    app = create_app(settings, config={"TESTING": True})
    app.extensions["kuopio_graph"].served._search_elsewhere = True
    client = app.test_client()
    first = client.get("/ontology/ThematicNetwork", headers=HTML)
    assert first.status_code == 200
    assert "no-store" in first.headers.get("Cache-Control", "")
    assert b"members-link" not in first.data


@pytest.mark.parametrize(
    "path",
    [
        f"/members?class={THEMATIC}&page=99999999999999999999999",
        f"/members?class={THEMATIC}&page=-1",
        "/id/network/iclei?links=99999999999999999999999",
        "/id/network/iclei?links=0",
    ],
)
def test_page_numbers_out_of_range_are_not_found(client: FlaskClient, path: str) -> None:
    assert client.get(path, headers=HTML).status_code == 404
