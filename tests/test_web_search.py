"""Search by label: accents and case ignored, words as prefixes, ranked, as HTML and JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from web_helpers import ID, Page, local

from kuopio_graph import GraphStore, Settings
from kuopio_graph.search_index import SearchIndex, fold
from webapp import create_app
from webapp.i18n import text

JSON = {"Accept": "application/json"}
ICLEI = f"{ID}network/iclei"
CITY = f"{ID}organisation/city-of-kuopio"


def results(client: FlaskClient, query: str, **parameters: str) -> list[dict[str, object]]:
    response = client.get("/search", query_string={"q": query, **parameters}, headers=JSON)
    assert response.status_code == 200, response.data
    assert response.content_type == "application/json"
    found = response.json["results"]
    assert isinstance(found, list)
    return found


def iris(client: FlaskClient, query: str, **parameters: str) -> list[str]:
    return [str(hit["iri"]) for hit in results(client, query, **parameters)]


@pytest.mark.parametrize("query", ["ICLEI", "iclei", "IcLeI", "icl"])
def test_finds_by_label_ignoring_case_and_by_prefix(client: FlaskClient, query: str) -> None:
    assert iris(client, query)[0] == ICLEI


def test_accents_do_not_matter(client: FlaskClient) -> None:
    with_accents = iris(client, "kansainvälinen")
    without = iris(client, "kansainvalinen")
    assert with_accents == without
    assert with_accents
    labels = [str(hit["label"]) for hit in results(client, "kansainvalinen")]
    assert all(
        "kansainvälinen" in fold(label) or "kansainvalinen" in fold(label) for label in labels
    )


def test_an_equal_label_ranks_first(client: FlaskClient, store: GraphStore) -> None:
    found = results(client, "Kuopio", lang="en")
    assert fold(str(found[0]["label"])) == "kuopio"
    # every resource appears once
    assert len({hit["iri"] for hit in found}) == len(found)


def test_every_word_must_match(client: FlaskClient) -> None:
    found = results(client, "city kuopio", lang="en")
    assert found
    for hit in found:
        label = fold(str(hit["label"]))
        assert "city" in label
        assert "kuopio" in label
    assert CITY in [hit["iri"] for hit in found]


def test_json_names_the_page_of_each_result(client: FlaskClient) -> None:
    (hit, *_) = results(client, "iclei", lang="fi")
    assert hit["page"] == local(ICLEI)
    assert hit["language"] in ("fi", "en")
    assert client.get(str(hit["page"]), headers={"Accept": "text/html"}).status_code == 200


def test_json_is_utf8_text_not_escapes(client: FlaskClient) -> None:
    response = client.get("/search", query_string={"q": "kansainvalinen"}, headers=JSON)
    assert "kansainvälinen".encode() in response.data
    assert b"\\u00e4" not in response.data


def test_format_json_answers_json_too(client: FlaskClient) -> None:
    response = client.get("/search", query_string={"q": "iclei", "format": "json"})
    assert response.content_type == "application/json"
    assert response.json["results"][0]["iri"] == ICLEI


def test_limit_bounds_the_answer(client: FlaskClient) -> None:
    assert len(results(client, "a", limit="3")) == 3
    for bad in ("0", "101"):
        response = client.get("/search", query_string={"q": "a", "limit": bad}, headers=JSON)
        assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "NEAR(a b)",
        "a OR b",
        "-a",
        "^x",
        "a:b",
        "'); DROP TABLE labels; --",
        "🙂",
        "ä" * 50,
    ],
)
def test_any_text_is_a_search_not_an_error(client: FlaskClient, query: str) -> None:
    response = client.get("/search", query_string={"q": query}, headers=JSON)
    assert response.status_code == 200
    assert client.get("/search", query_string={"q": "iclei"}, headers=JSON).status_code == 200


def test_overlong_text_is_refused(client: FlaskClient) -> None:
    response = client.get("/search", query_string={"q": "x" * 201}, headers=JSON)
    assert response.status_code == 400


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_page_lists_results_as_links(client: FlaskClient, language: str) -> None:
    response = client.get(
        "/search", query_string={"q": "iclei", "lang": language}, headers={"Accept": "text/html"}
    )
    assert response.status_code == 200
    page = Page(response)
    assert page.find("h1").text == text("search_results", language).format(query="iclei")
    links = page.find("ol", class_="results").hrefs()
    assert f"{local(ICLEI)}?lang={language}" in links


def test_the_page_says_when_nothing_is_found(client: FlaskClient) -> None:
    page = Page(client.get("/search?q=zzzzqqq&lang=en", headers={"Accept": "text/html"}))
    assert text("no_results", "en") in page.find("main").text


@pytest.mark.parametrize("path", ["/", "/id/network/iclei", "/sparql", "/ontology"])
def test_every_page_has_a_labelled_search_box(client: FlaskClient, path: str) -> None:
    page = Page(client.get(path, headers={"Accept": "text/html"}))
    form = page.find("form", role="search")
    assert form.attrs["action"] == "/search"
    (field,) = form.find_all("input", type="search")
    labels = [
        label for label in form.find_all("label") if label.attrs.get("for") == field.attrs["id"]
    ]
    assert labels
    assert field.attrs["name"] == "q"


def test_search_waits_for_an_index_built_elsewhere(settings: Settings, store: GraphStore) -> None:
    app = create_app(settings, store=store, config={"TESTING": True})
    publication = app.extensions["kuopio_graph"].served
    client = app.test_client()
    publication._search_elsewhere = True  # as in a worker forked before the index is there
    response = client.get("/search", query_string={"q": "iclei"}, headers=JSON)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    builder = publication.build_search_index_in_background()
    builder.join(timeout=60)
    assert builder.exitcode == 0
    assert iris(client, "iclei")[0] == ICLEI


def test_the_index_is_written_whole_or_not_at_all(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "labels.sqlite"
    index = SearchIndex.build(store, path)
    assert path.exists()
    assert not list(tmp_path.glob("*.partial"))
    assert index.search("iclei", "en")[0].iri == ICLEI
    assert SearchIndex(path).search("ICLEI", "fi")[0].iri == ICLEI


@pytest.mark.parametrize("text", ["k", "ku", "kuopio", "e", "network", "pal", "i"])
@pytest.mark.parametrize("limit", [1, 3, 10])
def test_a_short_answer_is_the_beginning_of_a_long_one(
    store: GraphStore, tmp_path_factory: pytest.TempPathFactory, text: str, limit: int
) -> None:
    """Asking for fewer results skips the word search when labels that begin with the text
    fill the answer; the answer must be what the whole ranking would have put first."""
    index = SearchIndex.build(store, tmp_path_factory.mktemp("index") / "labels.sqlite")
    for language in ("fi", "en"):
        whole = [hit.iri for hit in index.search(text, language, 100)]
        assert [hit.iri for hit in index.search(text, language, limit)] == whole[:limit]
