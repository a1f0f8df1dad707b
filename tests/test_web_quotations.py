"""The quotations on entity pages: beside each statement's source, the passages of that source
the resource cites, in the page's language where a rendering exists, folded when long, and
always with the original words."""

from __future__ import annotations

from collections import defaultdict

import pytest
from flask.testing import FlaskClient
from web_helpers import ID, Element, Page, local, store_rows

from kuopio_graph import GraphStore
from webapp.i18n import text
from webapp.pages import SHORT_QUOTATION

SVENDBORG = f"{ID}partnership/kuopio-svendborg"
FYENS = f"{ID}source/fyens-svendborg-twin-towns"
PRIMARY = f"{ID}source/kuopio-kansainvalinen-toiminta"
XARXA = f"{ID}network/xarxa-fp"


def words(quoted: str) -> str:
    """``quoted`` with its white space collapsed, as a page's text reads."""
    return " ".join(quoted.split())


def cited(store: GraphStore) -> dict[str, dict[str, dict[str, tuple[str, str, str]]]]:
    """resource -> source -> passage -> (original, its language, English rendering or "")."""
    found: dict[str, dict[str, dict[str, tuple[str, str, str]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for resource, source, passage, original, language, rendering in store_rows(
        store,
        """SELECT ?resource ?source ?passage ?text (LANG(?text) AS ?language) ?rendering WHERE {
             ?resource prov:wasDerivedFrom ?passage .
             ?passage a kuopio:Passage ; dct:isPartOf ?source ; prov:value ?text .
             OPTIONAL { ?passage rdfs:comment ?rendering FILTER(LANG(?rendering) = "en") }
           }""",
    ):
        found[resource][source][passage] = (words(original), language, words(rendering))
    return found


@pytest.fixture(scope="module")
def passages(store: GraphStore) -> dict[str, dict[str, dict[str, tuple[str, str, str]]]]:
    return cited(store)


def page(client: FlaskClient, iri: str, language: str) -> Page:
    response = client.get(f"{local(iri)}?lang={language}", headers={"Accept": "text/html"})
    assert response.status_code == 200, iri
    return Page(response)


def statements(page: Page) -> Element:
    return page.find("table", class_="statements")


def quotations_by_source(page: Page) -> list[tuple[set[str], list[Element]]]:
    """For each statement with a source: the sources it names, and the quotations beside it."""
    return [
        (
            {a.attrs["href"].split("?")[0] for a in item.find("span", class_="sources").iter("a")},
            item.find_all("details", class_="quotation"),
        )
        for item in statements(page).iter("li")
        if item.find_all("span", class_="sources")
    ]


def first_quotation(page: Page, source: str) -> Element:
    """The first quotation from ``source`` beside a statement of ``page``."""
    return next(
        quotation
        for quotation in statements(page).iter("details", class_="quotation")
        if quotation.attrs["data-source"] == source
    )


def shown_and_besides(quotation: Element) -> tuple[list[Element], list[Element]]:
    """The quotations shown in a fold, and the other versions folded inside it."""
    versions = [
        quote
        for fold in quotation.iter("details", class_="version")
        for quote in fold.iter("blockquote")
    ]
    shown = [
        quote for quote in quotation.iter("blockquote") if not any(quote is v for v in versions)
    ]
    return shown, versions


def test_the_data_quotes_pages_in_four_languages(
    passages: dict[str, dict[str, dict[str, tuple[str, str, str]]]],
) -> None:
    """The data has resources from sources in Finnish, English, German and Danish."""
    languages = {
        language
        for sources in passages.values()
        for quoted in sources.values()
        for _, language, _ in quoted.values()
    }
    assert languages >= {"fi", "en", "de", "da"}


@pytest.mark.parametrize("language", ["fi", "en"])
def test_each_statement_source_shows_the_passages_the_resource_cites_of_it(
    client: FlaskClient,
    passages: dict[str, dict[str, dict[str, tuple[str, str, str]]]],
    language: str,
) -> None:
    checked = 0
    for resource, sources in passages.items():
        for named, quotations in quotations_by_source(page(client, resource, language)):
            expected = {source for source in sources if local(source) in named}
            assert {q.attrs["data-source"] for q in quotations} == expected, resource
            for quotation in quotations:
                quoted = sources[quotation.attrs["data-source"]]
                shown, besides = shown_and_besides(quotation)
                assert len(shown) == len(quoted), resource
                assert {q.attrs["lang"] for q in shown} <= {
                    language,
                    *(tag for _, tag, _ in quoted.values()),
                }
                assert {(tag, original) for original, tag, _ in quoted.values()} <= {
                    (q.attrs["lang"], q.text) for q in shown + besides
                }, resource
                checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    ("language", "shown_language", "folded"),
    [("en", "en", {("da", "original_text")}), ("fi", "da", {("en", "rendering")})],
)
def test_a_danish_page_is_quoted_in_the_page_language_where_a_rendering_exists(
    client: FlaskClient,
    passages: dict[str, dict[str, dict[str, tuple[str, str, str]]]],
    language: str,
    shown_language: str,
    folded: set[tuple[str, str]],
) -> None:
    quoted = passages[SVENDBORG][FYENS]
    quotation = first_quotation(page(client, SVENDBORG, language), FYENS)
    shown, besides = shown_and_besides(quotation)
    assert {q.attrs["lang"] for q in shown} == {shown_language}
    index = 2 if shown_language == "en" else 0
    assert {q.text for q in shown} == {words(entry[index]) for entry in quoted.values()}
    folds = list(quotation.iter("details", class_="version"))
    assert len(folds) == len(quoted)
    ((tag, kind),) = folded
    names = {"da": {"en": "Danish", "fi": "tanska"}, "en": {"en": "English", "fi": "englanti"}}
    for fold in folds:
        assert fold.find("summary").text == text(kind, language).format(
            language=names[tag][language]
        )
        assert fold.find("blockquote").attrs["lang"] == tag
    assert {q.text for q in besides} == {
        words(entry[0 if tag == "da" else 2]) for entry in quoted.values()
    }


def test_the_primary_source_is_quoted_in_finnish_and_rendered_in_english(
    client: FlaskClient, passages: dict[str, dict[str, dict[str, tuple[str, str, str]]]]
) -> None:
    quoted = passages[XARXA][PRIMARY].values()
    finnish = {("fi", original) for original, _, _ in quoted}
    english = {("en", rendering) for _, _, rendering in quoted if rendering}
    unrendered = {("fi", original) for original, _, rendering in quoted if not rendering}
    assert english, "the Finnish passages have English renderings"
    for language, expected_shown, expected_besides in (
        ("fi", finnish, english),
        ("en", english | unrendered, finnish - unrendered),
    ):
        quotation = first_quotation(page(client, XARXA, language), PRIMARY)
        shown, besides = shown_and_besides(quotation)
        assert {(q.attrs["lang"], q.text) for q in shown} == expected_shown
        assert {(q.attrs["lang"], q.text) for q in besides} == expected_besides


def test_long_quotations_are_folded_and_short_ones_open(
    client: FlaskClient, passages: dict[str, dict[str, dict[str, tuple[str, str, str]]]]
) -> None:
    seen = {True: 0, False: 0}
    for resource in list(passages)[:40]:
        for quotation in statements(page(client, resource, "fi")).iter(
            "details", class_="quotation"
        ):
            length = sum(
                len(original)
                for original, _, _ in passages[resource][quotation.attrs["data-source"]].values()
            )
            is_open = "open" in quotation.attrs
            assert is_open == (length <= SHORT_QUOTATION), (resource, length)
            seen[is_open] += 1
    assert seen[True] and seen[False]


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_provenance_section_tags_each_quotation_with_its_language(
    client: FlaskClient,
    passages: dict[str, dict[str, dict[str, tuple[str, str, str]]]],
    language: str,
) -> None:
    provenance = page(client, SVENDBORG, language).section(text("provenance", language))
    quotes = {(q.attrs["lang"], q.text) for q in provenance.iter("blockquote")}
    for source in passages[SVENDBORG].values():
        for original, tag, _ in source.values():
            assert (tag, original) in quotes
