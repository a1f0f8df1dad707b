"""``kuopio-graph sources check`` against pages served on loopback: what it finds on each page,
its exit codes and JSON, and that it asks politely (its User-Agent, one request per page, no
retries, the pause, the time limit, redirects only within the site). No test here reaches
outside the machine."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from servers import SCRIPT, free_port

from kuopio_graph.source_check import Fetcher, NotFetched, user_agent
from kuopio_graph.source_check.fetch import ACCEPT, MAX_PAGE_BYTES
from kuopio_graph.source_check.matching import find
from kuopio_graph.source_check.page_text import PageText
from webapp.commands import main

PAGES = Path(__file__).parent / "fixtures" / "source-pages"
DRIP_INTERVAL = 0.05
DRIP_FOR = 10.0
"""How long a slow page would take to arrive, a byte every :data:`DRIP_INTERVAL` seconds."""

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class Received:
    """One request a site received."""

    path: str
    user_agent: str | None
    accept: str | None
    at: float


@dataclass
class Site:
    """A web server on one loopback address, and the requests it has received."""

    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"


def serve(address: str, routes: dict[str, Route]) -> Site:
    """Serve ``routes`` on ``address`` (a free port), each request recorded."""
    received: list[Received] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = self.headers
            received.append(
                Received(self.path, headers["User-Agent"], headers["Accept"], time.monotonic())
            )
            route = routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            try:
                route(self)
            except OSError:
                pass  # the client hung up, as it must on a slow page

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((address, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Site(server, received)


def page(name: str) -> Route:
    return content((PAGES / name).read_bytes(), "text/html; charset=utf-8")


def content(body: bytes, media_type: str) -> Route:

    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", media_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return send


def redirect(status: int, location: str) -> Route:
    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.end_headers()

    return send


def busy(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(503)
    handler.send_header("Retry-After", "1")
    handler.end_headers()


def huge(handler: BaseHTTPRequestHandler) -> None:
    """A page larger than the limit, of no stated length."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    chunk = b"<p>venskabsbyer</p>" * 4096
    for _ in range(MAX_PAGE_BYTES // len(chunk) + 2):
        handler.wfile.write(chunk)


def dripping_page(handler: BaseHTTPRequestHandler) -> None:
    """Headers at once, then the page a byte at a time."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(int(DRIP_FOR / DRIP_INTERVAL)))
    handler.end_headers()
    _drip(handler)


def dripping_headers(handler: BaseHTTPRequestHandler) -> None:
    """A status line at once, then a header a byte at a time."""
    handler.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slowly: ")
    _drip(handler)


def _drip(handler: BaseHTTPRequestHandler) -> None:
    for _ in range(int(DRIP_FOR / DRIP_INTERVAL)):
        handler.wfile.write(b"a")
        time.sleep(DRIP_INTERVAL)


@dataclass(frozen=True)
class Source:
    """A source document of the fixture dataset: its page's path and its quotations."""

    path: str
    quotations: tuple[str, ...]


SOURCES = {
    "unchanged": Source(
        "/unchanged.html",
        (
            "Svendborgs venskabsbyer",
            "Svendborgs venskabsbyer tæller Kuopio i Finland, Jönköping i Sverige og Bodø i"
            " Norge.Aftalen om at være venskabsbyer er formaliseret af byrådene i de enkelte"
            " byer.",
            "Ifølge aftalen bliver der officielt afholdt venskabsmøde hvert andet år,og det sker"
            " på skift mellem venskabsbyerne.",
            "Læs mere om venskabsbyerne på kommunens hjemmeside.",
            "Svendborg Kommune\nRamsherred 5\n5700 Svendborg",
            "Kilde: Svendborg Kommune & Fyens Stiftstidende",
        ),
    ),
    "changed": Source(
        "/changed.html",
        (
            "Sidst Svendborg var vært for sine venskabsbyer var i 2008.",
            "Den seneste venskabsby-aftale gælder for perioden 2014 til 2022.",
        ),
    ),
    "gone": Source(
        "/gone.html",
        (
            "Svendborg har tre nordiske venskabsbyer.",
            "Ifølge aftalen bliver der officielt afholdt venskabsmøde hvert andet år.",
        ),
    ),
    "moved": Source("/moved", ("Svendborgs venskabsbyer",)),
    "elsewhere": Source("/elsewhere", ("Svendborgs venskabsbyer",)),
    "slow": Source("/slow.html", ("Svendborgs venskabsbyer",)),
    "busy": Source("/busy.html", ("Svendborgs venskabsbyer",)),
    "brochure": Source("/brochure.pdf", ("Svendborgs venskabsbyer",)),
    "huge": Source("/huge.html", ("Svendborgs venskabsbyer",)),
}

STATES = {
    "brochure": ["unchecked"],
    "busy": ["unchecked"],
    "changed": ["there", "changed"],
    "elsewhere": ["unchecked"],
    "gone": ["there", "gone"],
    "huge": ["unchecked"],
    "moved": ["there"],
    "slow": ["unchecked"],
    "unchanged": ["there"] * 6,
}

ID = "https://w3id.org/kuopio-graph/id/"


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[Site]:
    """Another host on loopback, which no redirect may take the check to."""
    site = serve("127.0.0.2", {"/elsewhere.html": page("unchanged.html")})
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture(scope="module")
def site(elsewhere: Site) -> Iterator[Site]:
    """The sources' host."""
    routes = {
        "/unchanged.html": page("unchanged.html"),
        "/changed.html": page("changed.html"),
        "/gone.html": page("gone.html"),
        "/moved": redirect(301, "/new-home.html"),
        "/new-home.html": page("unchanged.html"),
        "/elsewhere": redirect(302, f"{elsewhere.url}/elsewhere.html"),
        "/slow.html": dripping_page,
        "/slow-headers": dripping_headers,
        "/busy.html": busy,
        "/brochure.pdf": content(b"%PDF-1.4\n", "application/pdf"),
        "/huge.html": huge,
    }
    site = serve("127.0.0.1", routes)
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture(scope="module")
def dataset(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture sources and their passages, as Turtle, with addresses on :func:`site`."""
    lines = [
        f"@base <{ID}> .",
        "@prefix kuopio: <https://w3id.org/kuopio-graph/ontology/> .",
        "@prefix dct: <http://purl.org/dc/terms/> .",
        "@prefix prov: <http://www.w3.org/ns/prov#> .",
        "@prefix schema: <https://schema.org/> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
    ]
    for slug, source in SOURCES.items():
        lines.append(
            f"<source/{slug}> a kuopio:SourceDocument ;"
            f' schema:url "{site.url}{source.path}"^^xsd:anyURI .'
        )
        for position, quotation in enumerate(source.quotations, start=1):
            lines.append(
                f"<source/{slug}/p{position}> a kuopio:Passage ; dct:isPartOf <source/{slug}> ;"
                f" schema:position {position} ;"
                f" prov:value {json.dumps(quotation, ensure_ascii=False)}@da ."
            )
    path = tmp_path_factory.mktemp("sources") / "sources.ttl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def check(dataset: Path, *options: str) -> Result:
    """``kuopio-graph sources check`` over the fixture dataset, with no pause by default."""
    arguments = ["sources", "check", "--no-bundled", "--pause", "0", *options, str(dataset)]
    return CliRunner().invoke(main, arguments)


def states(report: dict[str, Any]) -> dict[str, list[str]]:
    return {
        source["slug"]: [passage["state"] for passage in source["passages"]]
        for source in report["sources"]
    }


def test_markup_and_whitespace_leave_an_unchanged_page_unchanged(dataset: Path, site: Site) -> None:
    site.received.clear()
    result = check(dataset, "--source", "unchanged", "--source", "moved", "--format", "json")
    assert result.exit_code == 0, result.output
    assert states(json.loads(result.stdout)) == {"unchanged": ["there"] * 6, "moved": ["there"]}
    assert [r.path for r in site.received] == ["/unchanged.html", "/moved", "/new-home.html"]


def test_every_page_is_asked_for_once_and_within_its_time(
    dataset: Path, site: Site, elsewhere: Site
) -> None:
    site.received.clear()
    started = time.monotonic()
    result = check(dataset, "--timeout", "1", "--format", "json")
    elapsed = time.monotonic() - started
    assert result.exit_code == 2, result.output
    report = json.loads(result.stdout)
    assert states(report) == STATES
    errors = {source["slug"]: source["error"] for source in report["sources"]}
    assert errors == {
        "brochure": "not HTML or text (application/pdf)",
        "busy": "HTTP 503 Service Unavailable",
        "changed": None,
        "elsewhere": f"redirected off the site to {elsewhere.url}/elsewhere.html",
        "gone": None,
        "huge": "larger than 5 MB",
        "moved": None,
        "slow": "did not arrive within 1 s",
        "unchanged": None,
    }
    asked = Counter(r.path for r in site.received)
    assert asked == Counter({source.path: 1 for source in SOURCES.values()} | {"/new-home.html": 1})
    assert elsewhere.received == []
    assert {(r.user_agent, r.accept) for r in site.received} == {(user_agent(), ACCEPT)}
    assert user_agent().startswith(f"kuopio-graph/{version('kuopio-graph')}")
    assert elapsed < 1 + 2.5, "the slow page held the check past its time limit"


def test_the_page_now_and_the_json_shape(dataset: Path) -> None:
    result = check(
        dataset, "--source", "changed", "--source", "gone", "--source", "busy", "--format", "json"
    )
    assert result.exit_code == 2, "a page not fetched wins over passages changed or gone"
    report = json.loads(result.stdout)
    assert set(report) == {"sources", "summary"}
    assert [source["slug"] for source in report["sources"]] == ["changed", "gone", "busy"]
    changed = report["sources"][0]
    assert set(changed) == {"slug", "iri", "url", "fetched", "error", "passages"}
    assert (changed["iri"], changed["fetched"]) == (f"{ID}source/changed", True)
    moved_on = changed["passages"][1]
    assert set(moved_on) == {"iri", "position", "state", "quotation", "page_text", "similarity"}
    assert moved_on["iri"] == f"{ID}source/changed/p2"
    assert moved_on["position"] == 2
    assert moved_on["quotation"] == SOURCES["changed"].quotations[1]
    assert (
        moved_on["page_text"] == "Den seneste venskabsby-aftale gælder for perioden 2023 til 2030."
    )
    assert 0.75 <= moved_on["similarity"] < 1
    assert [p["page_text"] for p in report["sources"][1]["passages"]] == [None, None]
    assert report["sources"][2]["fetched"] is False
    assert report["summary"] == {
        "sources": 3,
        "not_fetched": 1,
        "passages": 5,
        "there": 2,
        "changed": 1,
        "gone": 1,
        "unchecked": 1,
    }


def test_the_text_report(dataset: Path, site: Site) -> None:
    result = check(dataset, "--source", "changed", "--source", "gone")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:4] == [
        f"changed  {site.url}/changed.html",
        "    1  there      id:source/changed/p1",
        "    2  changed    id:source/changed/p2  (0.83 alike)",
        "         quoted:   Den seneste venskabsby-aftale gælder for perioden 2014 til 2022.",
    ]
    assert (
        "         page now: Den seneste venskabsby-aftale gælder for perioden 2023 til 2030."
        in (result.stdout)
    )
    assert result.stdout.endswith(
        "2 sources, 0 not fetched; 4 passages: 2 there, 1 changed, 1 gone, 0 unchecked\n"
    )


def test_an_unknown_source_is_a_usage_error(dataset: Path) -> None:
    result = check(dataset, "--source", "unchanged", "--source", "nowhere")
    assert result.exit_code == 2
    assert "no source nowhere; the sources are brochure, busy, changed," in result.output


def test_the_pause_between_pages_on_one_host(dataset: Path, site: Site) -> None:
    site.received.clear()
    result = check(dataset, "--source", "unchanged", "--source", "changed", "--pause", "0.4")
    assert result.exit_code == 1
    first, second = site.received
    assert second.at - first.at >= 0.4


def test_slow_headers_are_cut_off_at_the_time_limit(site: Site) -> None:
    fetcher = Fetcher(timeout=0.5, pause=0)
    started = time.monotonic()
    with pytest.raises(NotFetched, match=r"^did not arrive within 0\.5 s$"):
        fetcher.fetch(f"{site.url}/slow-headers")
    assert time.monotonic() - started < 1.5


def test_what_is_not_a_page_is_not_fetched() -> None:
    fetcher = Fetcher(timeout=2, pause=0)
    with pytest.raises(NotFetched, match="^not an http\\(s\\) address$"):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(NotFetched, match="Connection refused"):
        fetcher.fetch(f"http://127.0.0.1:{free_port()}/")


def test_a_redirect_between_a_host_and_its_www_stays_on_the_site() -> None:
    """``kuopio.fi`` and ``www.kuopio.fi`` are one site. The redirect is followed; where
    ``www.localhost`` has no address, the fetch then fails on the lookup, not on the rule."""
    routes: dict[str, Route] = {}
    site = serve("127.0.0.1", routes)
    port = site.server.server_address[1]
    routes["/"] = redirect(302, f"http://www.localhost:{port}/")
    try:
        Fetcher(timeout=2, pause=0).fetch(f"http://localhost:{port}/")
    except NotFetched as error:
        assert not str(error).startswith("redirected off the site"), error
    finally:
        site.server.shutdown()
        site.server.server_close()


@pytest.mark.parametrize(
    ("arguments", "code"),
    [(["--source", "unchanged"], 0), (["--source", "changed"], 1), (["--source", "busy"], 2)],
)
def test_the_program_exits_with_its_code(dataset: Path, arguments: list[str], code: int) -> None:
    command = [str(SCRIPT), "sources", "check", "--no-bundled", "--pause", "0", *arguments]
    finished = subprocess.run(
        [*command, str(dataset)], capture_output=True, text=True, timeout=60, check=False
    )
    assert finished.returncode == code, finished.stderr
    assert finished.stdout.endswith(" unchecked\n")
    assert finished.stderr == ""


def test_page_text_skips_what_is_not_text_and_breaks_at_blocks() -> None:
    text = PageText.of(
        "<title>T</title><style>p{}</style><script>var s = '<p>x</p>';</script>"
        "<p>One&nbsp;two<br>three <a href='#'>fo<b>ur</b></a>.</p><template><p>no</p></template>"
        "<noscript>none</noscript><p>Fi\u00adve. Six!</p>",
        "text/html",
    )
    assert text.blocks == ["T", "One two", "three four.", "Five. Six!"]
    assert text.sentences == ["T", "One two", "three four.", "Five.", "Six!"]
    assert text.squeezed == "TOnetwothreefour.Five.Six!"
    assert find("two three", text).verdict == "there"
    assert find("twothree four.", text).verdict == "there"
    assert find("var s", text).verdict == "gone"


def test_a_long_page_is_read_quickly() -> None:
    sentences = [f"Sentence number {n} tells of partner city {n * 7 % 1000}." for n in range(4000)]
    html = "".join(f"<p>{sentence}</p>" for sentence in sentences)
    assert len(html) > 200_000
    quotations = [sentence.replace("tells", "told") for sentence in sentences[::400]]
    started = time.monotonic()
    text = PageText.of(html, "text/html")
    findings = [find(quotation, text) for quotation in [*quotations, "Nothing of the kind."]]
    assert time.monotonic() - started < 3
    assert [finding.page_text for finding in findings[:-1]] == sentences[::400]
    assert [finding.verdict for finding in findings] == ["changed"] * 10 + ["gone"]


def test_the_service_never_imports_the_checker() -> None:
    code = "import sys, webapp.commands; print('kuopio_graph.source_check' in sys.modules)"
    finished = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert finished.stdout == "False\n"
