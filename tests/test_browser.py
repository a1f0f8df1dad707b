"""The site in a real browser (Chromium, through Playwright): every page type is accessible
(axe-core, WCAG 2.1 A and AA) in both languages and on a phone, the query editor, search, the
picture of relationships, the map and the language switch work, and no page asks anything of any
host but the service."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlencode, urlsplit

import pyoxigraph as ox
import pytest
from browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    DEVICES,
    PHONE,
    ROOT,
    Guard,
    axe_report,
    localised,
    overflow_report,
    screenshots_folder,
    select_variables,
)
from bundled import BUNDLED
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from servers import Service, start_service, stop_service
from web_helpers import png_size

from kuopio_graph import DEFAULT_BASE, load
from kuopio_graph.queries import NamedQuery, parse_named_query
from webapp import create_app
from webapp.i18n import LANGUAGES, text

CITY = "/id/organisation/city-of-kuopio"
ICLEI = "/id/network/iclei"
URBAN_ENVIRONMENT = "/id/service-area/urban-environment"
URBAN_ENVIRONMENT_NAME = {
    "fi": "kaupunkiympäristön palvelualue",
    "en": "Urban Environment service area",
}
COORDINATES_CONTACT = {"fi": "yhteydenpidon koordinoija", "en": "coordinates the contact"}
"""The service area's label, and its role's, in data/kuopio-kansainvalinen-toiminta."""
EXAMPLE = "networks-and-contacts"
SERVICE_AREAS = "SELECT ?area WHERE { ?area a kuopio:ServiceArea }"
"""A query that leans on a prefix the query page declares for you."""
LOCALES = {"fi": "fi-FI", "en": "en-GB"}
PICTURE = "figure.picture svg"
EDITOR = ".yasqe .CodeMirror"
MAP = "figure.map svg"
"""Coordinates of a few places, which the bundled data does not have yet."""
POINTS = """PREFIX geo: <http://www.opengis.net/ont/geosparql#>
SELECT ?place ?wkt WHERE { ?place geo:hasGeometry/geo:asWKT ?wkt }"""
"""A query whose results are points on the map."""


class PageType(NamedTuple):
    """A kind of page: a path to one (``{base}`` is the service's base IRI), what shows once
    it is whole (scripts may fill some of it in), and its status."""

    path: str
    ready: str = "main h1"
    status: int = 200


PAGES = {
    "home": PageType("/"),
    "city": PageType(CITY, PICTURE),
    "network": PageType(ICLEI, PICTURE),
    "place": PageType("/id/place/svendborg", MAP),
    "relationships": PageType("/relationships?iri={base}id/organisation/city-of-kuopio", PICTURE),
    "map": PageType("/map", MAP),
    "search": PageType("/search?q=iclei", "ol.results"),
    "search-no-hits": PageType("/search?q=zzqxw"),
    "query": PageType("/sparql", EDITOR),
    "query-results": PageType(f"/sparql?example={EXAMPLE}", EDITOR),
    "query-map": PageType("/sparql?" + urlencode({"query": POINTS}), MAP),
    "query-error": PageType(
        "/sparql?" + urlencode({"query": "SELECT ?x WHERE {"}), "#query-error", 400
    ),
    "members": PageType(
        "/members?class={base}ontology/ServiceArea", f"main a[href^='{URBAN_ENVIRONMENT}']"
    ),
    "ontology": PageType("/ontology"),
    "ontology-class": PageType("/ontology/ServiceArea"),
    "shapes": PageType("/shapes"),
    "shape": PageType("/shapes/LabelShape", "section#LabelShape h2"),
    "validation": PageType("/validation"),
    "void": PageType("/.well-known/void"),
    "not-found": PageType("/id/organisation/no-such-organisation", status=404),
}
"""Every kind of page the service serves but a resource's (see :data:`RESOURCE_PAGES`)."""
NOT_PAGES = {
    "dataset.dump": "the dumps, files to download",
    "dataset.sitemap": "the sitemap, XML for crawlers",
    "relationship_map.base_map_image": "the map's countries, an SVG image the pages include",
    "completion.resources": "the query editor's completions, JSON",
    "completion.vocabulary": "the query editor's completions, JSON",
    "favicon.icon": "the site's icon",
    "favicon.drawing": "the site's icon",
    "static": "scripts, the stylesheet and the editor's files",
}
"""The app's routes that answer no page, with what they answer instead."""


RESOURCES = """SELECT DISTINCT ?resource WHERE {
  ?resource ?property ?value FILTER(isIRI(?resource) && STRSTARTS(STR(?resource), ?prefix))
}"""
"""Every resource the data describes under ``?prefix``."""


def resource_kind(path: str) -> str:
    """The kind of resource at ``/id/…``, by the shape of its path: the first segment, and a
    ``/…`` for each segment below the second (a passage is ``source/…``)."""
    first, *rest = path.removeprefix("/id/").split("/")
    return first + "/…" * (len(rest) - 1)


def resource_pages() -> dict[str, PageType]:
    """A page of one resource of each kind in the bundled data (the first of its kind in
    order), but the kinds :data:`PAGES` visits already."""
    store = load(BUNDLED)
    prefix = f"{store.base}id/"
    paths = sorted(
        "/id/" + row["resource"].value.removeprefix(prefix)
        for row in store.select(RESOURCES, {"prefix": ox.Literal(prefix)})
    )
    visited = {resource_kind(page.path) for page in PAGES.values() if page.path.startswith("/id/")}
    found: dict[str, PageType] = {}
    for path in paths:
        kind = resource_kind(path)
        if kind not in visited:
            found.setdefault(f"resource:{kind}", PageType(path))
    return found


RESOURCE_PAGES = resource_pages()
"""One resource's page of each kind the data has, beside those in :data:`PAGES`: a kind of
resource added to the data is visited with no change here."""
ALL_PAGES = {**PAGES, **RESOURCE_PAGES}
MAIN_PAGES = ["home", "city", "query-results", "map"]
"""The pages photographed."""
MAPPED_PAGES = ["home", "city"]
"""The pages whose map is photographed on its own."""

OpenPage = Callable[..., Page]

expect.set_options(timeout=10_000)  # a loaded test machine may take a while to render a page


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, for the whole module."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: install it, or name it in $CHROMIUM")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """``kuopio-graph serve`` over the bundled data."""
    running = start_service(tmp_path_factory.mktemp("service"))
    try:
        yield running
    finally:
        stop_service(running)


@pytest.fixture
def guard() -> Guard:
    """This test's requests, those stopped for leaving the loopback host, and script errors."""
    return Guard()


@pytest.fixture
def open_page(browser: Browser, service: Service, guard: Guard) -> Iterator[OpenPage]:
    """Open a page in a new guarded context (``new_context`` options, desktop-sized unless
    told); at the end no page may have reached outside or thrown an uncaught script error."""
    contexts: list[BrowserContext] = []

    def open_(**options: Any) -> Page:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=service.url, **options)
        contexts.append(context)
        context.route("**/*", guard.route)
        context.on("weberror", lambda error: guard.script_errors.append(str(error.error)))
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()
    assert not guard.blocked, f"requests outside {service.url}: {guard.blocked}"
    assert not guard.script_errors, f"uncaught script errors: {guard.script_errors}"


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    """A fresh desktop-sized page."""
    return open_page()


@pytest.fixture(scope="module")
def example(service: Service) -> NamedQuery:
    """The example query of the networks and who handles each, under the service's base."""
    return parse_named_query(ROOT / "queries" / f"{EXAMPLE}.rq", service.url)


def visit(page: Page, path: str, status: int = 200) -> None:
    """Go to ``path`` and check the answer's status."""
    response = page.goto(path)
    assert response is not None, path
    assert response.status == status, f"{path}: {response.status}"


LOADED = """() => [...document.querySelectorAll("[data-relationships]")]
  .every(holder => holder.children.length > 0)"""
"""Whether every part of the page that a script fills in (a picture of relationships) is
there; one that failed to load is removed."""


def visit_whole(page: Page, kind: PageType, lang: str, base: str) -> None:
    """Go to a page of ``kind`` in ``lang`` and wait until it is whole: what shows once it is
    whole shows, and every part a script loads has come (or is gone, having failed)."""
    visit(page, localised(kind.path.format(base=base), lang), kind.status)
    expect(page.locator(kind.ready).first).to_be_visible()
    page.wait_for_function(LOADED)


def wait_for(page: Page, path: str, argument: str | None = None) -> None:
    """Wait until the page is at ``path``, with ``argument`` in its query string if given."""

    def arrived(url: str) -> bool:
        parts = urlsplit(url)
        return parts.path == path and (argument is None or argument in parse_qs(parts.query))

    page.wait_for_url(arrived)


def result_rows(page: Page) -> int:
    """How many rows the results table has, once it has some."""
    rows = page.locator("table.results tbody tr")
    expect(rows.first).to_be_visible()
    return rows.count()


def download(page: Page, link_name: str) -> bytes:
    """Click the link named ``link_name`` and read the file it downloads."""
    with page.expect_download() as started:
        page.get_by_role("link", name=link_name, exact=True).click()
    return started.value.path().read_bytes()


def check_csv(data: bytes, variables: list[str], rows: int) -> None:
    """SPARQL CSV: a header naming ``variables``, then ``rows`` rows, every line ending CRLF."""
    header = ",".join(variables).encode("utf-8") + b"\r\n"
    assert data.startswith(header), data[:200]
    body = data.decode("utf-8")
    assert body.endswith("\r\n") and body.count("\n") == body.count("\r\n"), "not CRLF lines"
    assert len(list(csv.reader(io.StringIO(body, newline="")))) == 1 + rows


def fail_on(*reports: str) -> None:
    """Fail the test with the reports that are not empty, as they are."""
    if any(reports):
        pytest.fail("\n".join(report for report in reports if report), pytrace=False)


# Accessibility (each test tries both languages in one page: a page that has run axe-core once
# runs it again much faster than a fresh one)


@pytest.mark.parametrize("name", ALL_PAGES)
def test_page_is_accessible(open_page: OpenPage, service: Service, name: str) -> None:
    """Each kind of page, in Finnish and in English, at a desktop's and then a phone's width,
    breaks no WCAG 2.1 A/AA rule that axe-core checks; and at the phone's width nothing but
    scroll boxes (tables, the picture, listings) scrolls sideways (WCAG 1.4.10 Reflow, which
    axe-core leaves out)."""
    page = open_page()
    reports = []
    for lang in LANGUAGES:
        page.set_viewport_size(DESKTOP)
        visit_whole(page, ALL_PAGES[name], lang, service.url)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        reports.append(axe_report(page))
        page.set_viewport_size(PHONE)
        reports.extend([axe_report(page), overflow_report(page)])
    fail_on(*reports)


SCROLLABLE = """() => [...document.querySelectorAll("body *")]
  .filter(element => ["auto", "scroll"].includes(getComputedStyle(element).overflowX)
    && element.scrollWidth > element.clientWidth)
  .map((element, index) => {
    element.dataset.scrollable = index;
    return element.outerHTML.slice(0, 80);
  })"""
"""Mark every region that scrolls sideways now; their openings."""
FOCUSED = "() => document.activeElement.dataset.scrollable ?? null"
MOST_TABS = 300
"""More Tab presses than any page has stops before its last scroll box."""


@pytest.mark.parametrize("name", ["void", "home", "city", "map"])
def test_scroll_boxes_are_reached_and_scrolled_by_keyboard(
    open_page: OpenPage, name: str, service: Service
) -> None:
    """At a phone's width, Tab reaches every region that scrolls sideways, and the arrow key
    then scrolls it (WCAG 2.1.1 Keyboard)."""
    page = open_page(viewport=PHONE)
    visit_whole(page, ALL_PAGES[name], "en", service.url)
    regions = page.evaluate(SCROLLABLE)
    assert regions, f"nothing scrolls sideways on {name} at {PHONE['width']} px"
    for index, opening in enumerate(regions):
        region = page.locator(f"[data-scrollable='{index}']")
        for _ in range(MOST_TABS):
            page.keyboard.press("Tab")
            if page.evaluate(FOCUSED) == str(index):
                break
        else:
            pytest.fail(f"Tab never reaches {opening}")
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        # Chromium scrolls by keyboard smoothly: the box gets there over a few frames.
        try:
            page.wait_for_function(
                "element => element.scrollLeft > 0", arg=region.element_handle(), timeout=3000
            )
        except PlaywrightTimeout:
            pytest.fail(f"the arrow key does not scroll {opening}")


def unvisited_routes(app: Flask) -> set[str]:
    """The endpoints of ``app`` that neither a page the accessibility test visits reaches nor
    :data:`NOT_PAGES` names."""
    routes = app.url_map.bind("localhost")
    visited = {
        routes.match(urlsplit(page.path.format(base=DEFAULT_BASE)).path)[0]
        for page in ALL_PAGES.values()
    }
    return {rule.endpoint for rule in app.url_map.iter_rules()} - visited - NOT_PAGES.keys()


@pytest.fixture
def fresh_app() -> Flask:
    """An app of its own over the bundled data, in this process, for a test to change."""
    return create_app(BUNDLED, config={"TESTING": True})


def test_every_route_has_its_pages_visited(fresh_app: Flask) -> None:
    """Every route of the app is one whose pages the accessibility test visits, or one that
    answers no page."""
    assert unvisited_routes(fresh_app) == set()
    endpoints = {rule.endpoint for rule in fresh_app.url_map.iter_rules()}
    assert NOT_PAGES.keys() <= endpoints, "routes said to answer no page are not in the app"


def test_a_route_added_without_a_visited_page_is_found(fresh_app: Flask) -> None:
    fresh_app.add_url_rule("/new-page", "new_page", lambda: "a new page")
    assert unvisited_routes(fresh_app) == {"new_page"}


def test_every_kind_of_resource_has_its_page_visited() -> None:
    """Organisations, networks, places, concepts, sources, passages and partnerships are among
    the kinds of resource the accessibility test visits."""
    kinds = {
        resource_kind(page.path) for page in ALL_PAGES.values() if page.path.startswith("/id/")
    }
    named = {"organisation", "network", "place", "theme", "source", "source/…", "partnership"}
    assert named <= kinds


def test_class_page_leads_to_its_members(page: Page) -> None:
    """A class's page links to the page of its members, which lists them."""
    visit(page, localised("/ontology/ServiceArea", "en"))
    page.locator("p.members-link a").click()
    wait_for(page, "/members", "class")
    expect(page.locator(f"main a[href^='{URBAN_ENVIRONMENT}']")).to_be_visible()


def test_favicon(page: Page, service: Service) -> None:
    """Every page names its icon, as SVG and as ICO, and both answer, to be kept for long."""
    visit(page, "/")
    icons = page.locator("link[rel=icon]")
    expect(icons).to_have_count(2)
    for href, media_type in (
        ("/favicon.ico", "image/vnd.microsoft.icon"),
        ("/favicon.svg", "image/svg+xml"),
    ):
        expect(page.locator(f"link[rel=icon][href='{href}']")).to_have_count(1)
        response = page.request.get(href)
        assert response.status == 200, href
        assert response.headers["content-type"].startswith(media_type)
        assert "max-age=2592000" in response.headers["cache-control"]


# Screenshots


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_screenshots(open_page: OpenPage, service: Service, name: str) -> None:
    """Whole-page screenshots of the main pages in each language at a desktop's and a phone's
    width, for people to look at, in ``$SCREENSHOTS`` (``test-artifacts/screenshots``)."""
    page = open_page()
    for lang in LANGUAGES:
        page.set_viewport_size(DESKTOP)
        visit_whole(page, PAGES[name], lang, service.url)
        for device, size in DEVICES.items():
            page.set_viewport_size(size)
            target = screenshots_folder() / f"{name}-{device}-{lang}.png"
            target.unlink(missing_ok=True)
            page.screenshot(path=target, full_page=True)
            width, height = png_size(target.read_bytes())
            assert width >= size["width"] and height >= size["height"], (target, width, height)


@pytest.mark.parametrize("name", MAPPED_PAGES)
def test_map_screenshots(open_page: OpenPage, service: Service, name: str) -> None:
    """Screenshots of the map section alone, in each language at a desktop's and a phone's
    width, beside the whole pages."""
    page = open_page()
    for lang in LANGUAGES:
        for device, size in DEVICES.items():
            page.set_viewport_size(size)
            visit_whole(page, PAGES[name], lang, service.url)
            section = page.locator("section.relationship-map")
            expect(section.locator(MAP).first).to_be_visible()
            target = screenshots_folder() / f"{name}-map-{device}-{lang}.png"
            target.unlink(missing_ok=True)
            section.screenshot(path=target)
            width, _ = png_size(target.read_bytes())
            assert width <= size["width"] * 2, (target, width)  # a device pixel ratio of 1 or 2


# What people do


def test_example_query_runs_and_downloads_as_csv(page: Page, example: NamedQuery) -> None:
    """Pick an example, run it with the Run button, read the table, download it as CSV."""
    visit(page, "/sparql?lang=en")
    page.locator("ul.examples").get_by_role("link", name=example.title("en")).click()
    wait_for(page, "/sparql", "example")
    page.get_by_role("button", name=text("run", "en")).click()
    wait_for(page, "/sparql", "query")
    rows = result_rows(page)
    variables = select_variables(example.text)
    expect(page.locator("table.results thead th")).to_have_text([f"?{v}" for v in variables])
    check_csv(download(page, "CSV"), variables, rows)


def test_search_ignores_accents(page: Page) -> None:
    """A search for "kansainvalinen" finds what one for "kansainvälinen" finds."""
    visit(page, "/?lang=fi")
    found = []
    for words in ("kansainvalinen", "kansainvälinen"):
        page.locator("#site-search-q").fill(words)
        page.locator("form.site-search button[type=submit]").click()
        wait_for(page, "/search", "q")
        hits = page.locator("ol.results li > a")
        expect(hits.first).to_be_visible()
        found.append([(hit.get_attribute("href"), hit.inner_text()) for hit in hits.all()])
    assert found[0] == found[1]


def test_picture_box_opens_the_network(page: Page) -> None:
    """On the city's page, a network's box in the picture is a link to the network's page."""
    visit(page, localised(CITY, "en"))
    box = page.locator(f"figure.picture svg a[href^='{ICLEI}?']")
    title = box.locator("title").text_content() or ""
    box.click()
    wait_for(page, ICLEI)
    heading = page.locator("h1").inner_text()
    assert heading and title.endswith(f": {heading}"), (title, heading)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_map_marker_opens_the_place(page: Page, lang: str) -> None:
    """On the map's own page, a partner's marker in the Europe view is a link to the place's
    page, named as the page names the place."""
    visit(page, localised("/map", lang))
    marker = page.locator("figure.map .map-europe a.marker[href^='/id/place/svendborg']")
    expect(marker).to_have_count(1)
    label = marker.get_attribute("aria-label") or ""
    marker.click()
    wait_for(page, "/id/place/svendborg")
    heading = page.locator("h1").inner_text()
    assert label.startswith(f"{heading} ("), (label, heading)
    expect(page.locator("figure.map a.marker.current").first).to_be_visible()


@pytest.mark.parametrize(
    ("path", "start", "switch_to"), [(ICLEI, "fi", "en"), ("/search?q=iclei", "en", "fi")]
)
def test_language_switch_keeps_the_page(page: Page, path: str, start: str, switch_to: str) -> None:
    """The language links show the same page, with the same arguments, in the other language."""
    visit(page, localised(path, start))
    expect(page.locator("html")).to_have_attribute("lang", start)
    page.locator(f"nav.languages a[hreflang={switch_to}]").click()
    expect(page.locator("html")).to_have_attribute("lang", switch_to)
    before, after = urlsplit(path), urlsplit(page.url)
    assert after.path == before.path
    assert parse_qs(after.query) == {**parse_qs(before.query), "lang": [switch_to]}
    current = page.locator(f"nav.languages a[hreflang={switch_to}]")
    expect(current).to_have_attribute("aria-current", "true")


def test_query_form_works_without_javascript(open_page: OpenPage) -> None:
    """With scripts off the query page is a plain form: type, submit, read the table."""
    page = open_page(java_script_enabled=False)
    visit(page, "/sparql?lang=en")
    expect(page.locator(".CodeMirror")).to_have_count(0)
    page.locator("textarea[name=query]").fill(SERVICE_AREAS)
    page.get_by_role("button", name=text("run", "en")).click()
    wait_for(page, "/sparql", "query")
    assert result_rows(page) >= 1
    expect(page.locator(f"table.results a[href^='{URBAN_ENVIRONMENT}']")).to_have_count(1)


# The query editor


def test_editor_highlights_and_runs_with_ctrl_enter(page: Page) -> None:
    """The editor colours the query, and Ctrl+Enter runs what it holds."""
    visit(page, "/sparql?lang=en")
    expect(page.locator(EDITOR)).to_be_visible()
    page.evaluate("query => kuopioEditor.setValue(query)", SERVICE_AREAS)
    expect(page.locator(".CodeMirror .cm-keyword")).to_have_text(["SELECT", "WHERE"])
    page.locator(".CodeMirror-code").click()
    page.keyboard.press("Control+Enter")
    wait_for(page, "/sparql", "query")
    assert parse_qs(urlsplit(page.url).query)["query"] == [SERVICE_AREAS]
    assert result_rows(page) >= 1
    assert page.evaluate("kuopioEditor.getValue()") == SERVICE_AREAS


def test_editor_knows_the_declared_prefixes(page: Page) -> None:
    """The page says the project's prefixes are declared for you, and the service runs a query
    that uses them undeclared: the editor must not mark such a query as an error."""
    visit(page, "/sparql?lang=en")
    expect(page.locator(EDITOR)).to_be_visible()
    page.evaluate("query => kuopioEditor.setValue(query)", SERVICE_AREAS)
    expect(page.locator(".CodeMirror .cm-keyword")).to_have_text(["SELECT", "WHERE"])
    assert page.evaluate("kuopioEditor.queryValid"), "the editor marks the query as invalid"
    expect(page.locator(".CodeMirror .parseErrorIcon")).to_have_count(0)


def test_editor_completes_from_this_graph(page: Page, guard: Guard) -> None:
    """Ctrl+Space offers the graph's own classes, read from /sparql/vocabulary."""
    visit(page, "/sparql?lang=en")
    expect(page.locator(EDITOR)).to_be_visible()
    assert page.evaluate("kuopioEditor.getValue()") == ""
    page.locator(".CodeMirror-code").click()
    page.keyboard.type("SELECT * WHERE { ?s a kuopio:Serv")
    page.keyboard.press("Control+Space")
    expect(page.locator(".CodeMirror-hints li", has_text="kuopio:ServiceArea")).to_be_visible()
    assert "/sparql/vocabulary" in guard.requested_paths()


# A newcomer's visit


@pytest.mark.parametrize("lang", LANGUAGES)
def test_newcomer_journey(open_page: OpenPage, example: NamedQuery, lang: str) -> None:
    """Someone whose browser speaks ``lang`` searches for ICLEI, sees who in Kuopio handles it,
    then finds the example query about networks, runs it and downloads the answer."""
    page = open_page(locale=LOCALES[lang])
    visit(page, "/")
    expect(page.locator("html")).to_have_attribute("lang", lang)

    page.locator("#site-search-q").fill("ICLEI")
    page.locator("#site-search-q").press("Enter")
    wait_for(page, "/search", "q")
    page.locator("ol.results").get_by_role("link", name="ICLEI", exact=True).click()
    wait_for(page, ICLEI)
    box = page.locator("figure.picture svg a", has_text=URBAN_ENVIRONMENT_NAME[lang])
    expect(box).to_have_attribute("href", URBAN_ENVIRONMENT)
    expect(box.locator("text.relation")).to_have_text(COORDINATES_CONTACT[lang])

    page.locator("header.site nav").get_by_role("link", name=text("query", lang)).click()
    wait_for(page, "/sparql")
    page.locator("ul.examples").get_by_role("link", name=example.title(lang)).click()
    wait_for(page, "/sparql", "example")
    page.get_by_role("button", name=text("run", lang)).click()
    wait_for(page, "/sparql", "query")
    rows = result_rows(page)
    check_csv(download(page, "CSV"), select_variables(example.text), rows)
