"""Read replicas: several ``kuopio-graph serve`` processes, each with its own store built from
the same dump, answer as the original does and as each other do, so a reverse proxy can send
any request to any of them (``deploy/nginx.conf``)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import rdflib
from comparing import comparable, links_here, solutions
from rdflib import URIRef
from rdflib.namespace import VOID
from servers import SCRIPT, Service, fetch, free_port, start_service, stop_service

ROOT = Path(__file__).resolve().parent.parent
SPARQL_JSON = "application/sparql-results+json"
PAGES = ("id/organisation/city-of-kuopio", "id/network/iclei", "ontology/ThematicNetwork")


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Service]]:
    """The original (the bundled data) and two replicas serving its TriG dump, all with the
    base of the first replica, as replicas behind one proxy share one public base."""
    folder = tmp_path_factory.mktemp("replicas")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    dump = folder / "kuopio.trig"
    subprocess.run(
        [str(SCRIPT), "export", "--format", "trig", "--base", base, "--output-file", str(dump)],
        check=True,
        timeout=120,
    )
    started: list[Service] = []
    try:
        for number, replica_port in enumerate([port, free_port()]):
            replica = folder / f"replica-{number}"
            replica.mkdir()
            started.append(
                start_service(replica, "--no-bundled", "--base", base, str(dump), port=replica_port)
            )
        started.append(start_service(folder, "--base", base))
        yield started
    finally:
        for service in started:
            stop_service(service)


def test_replicas_answer_each_query_as_the_original(services: list[Service]) -> None:
    for query_file in sorted((ROOT / "queries").glob("*.rq")):
        query = urlencode({"query": query_file.read_text()})
        answers = [fetch(f"{s.url}sparql?{query}", SPARQL_JSON) for s in services]
        assert {answer.status for answer in answers} == {200}, query_file.name
        assert len({repr(solutions(answer.body)) for answer in answers}) == 1, query_file.name


def test_replicas_serve_the_same_pages_and_dumps(services: list[Service]) -> None:
    for path in PAGES:
        pages = [fetch(f"{s.url}{path}?lang=en", "text/html") for s in services]
        assert {page.status for page in pages} == {200}
        bodies = {comparable(page.body, s.url) for page, s in zip(pages, services, strict=True)}
        assert len(bodies) == 1, path
        assert len({frozenset(links_here(s, path)) for s in services}) == 1, path
    sizes = set()
    for service in services:
        void = rdflib.Graph().parse(
            data=fetch(f"{service.url}.well-known/void", "text/turtle").body, format="turtle"
        )
        dataset = URIRef(f"{services[0].url}.well-known/void#dataset")  # the shared base
        sizes.add(void.value(dataset, VOID.triples))
        trig = fetch(f"{service.url}dumps/kuopio.trig").body
        graphs = rdflib.Dataset().parse(data=trig, format="trig").graphs()
        sizes.add(frozenset((str(graph.identifier), len(graph)) for graph in graphs))
    assert len(sizes) == 2  # one size of the dataset, one set of graphs with their sizes


def test_replicas_of_one_dump_share_their_validators(services: list[Service]) -> None:
    """Built from the same file, two replicas give a page the same ETag, so a client's copy
    from one is current at the other (a 304), whichever the proxy picks."""
    first, second, _ = services
    page = fetch(f"{first.url}id/network/iclei", "text/html")
    again = fetch(f"{second.url}id/network/iclei", "text/html")
    assert page.headers["ETag"] == again.headers["ETag"]
