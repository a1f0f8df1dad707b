"""The service as deployed: behind a real nginx running ``deploy/nginx.conf`` in front of two
replicas, with clients each on a loopback address of their own; and one service of several web
server processes, whose budgets hold across them."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from proxying import Nginx, fetch_from, start_nginx, stop_nginx
from servers import BROWSER, Service, start_service, stop_service

ERROR_BUDGET = 3
BAD_QUERY = "sparql?query=SELEC"


def good_query() -> str:
    """A query that succeeds, each time a different text: an answer kept from an equal request
    would be served from memory, which no budget counts."""
    return f"sparql?query=ASK%20%7B%7D%20%23{next(NUMBERS)}"


NUMBERS = itertools.count()
JSON = "application/sparql-results+json"
VOID_ENDPOINT = rdflib.URIRef("http://rdfs.org/ns/void#sparqlEndpoint")


def settings_file(folder: Path, **values: str | int | bool) -> Path:
    """A TOML settings file in ``folder`` (``serve --config``) holding ``values``."""
    path = folder / "kuopio-graph.toml"
    path.write_text("".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items()))
    return path


@dataclass(frozen=True)
class Deployment:
    nginx: Nginx
    replicas: list[Service]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp("deployment")
    config = settings_file(
        folder, trusted_proxies="127.0.0.1", error_budget=ERROR_BUDGET, access_log=True
    )
    replicas: list[Service] = []
    try:
        for number in (1, 2):
            (folder / f"replica-{number}").mkdir()
            replicas.append(start_service(folder / f"replica-{number}", "--config", str(config)))
        (folder / "nginx").mkdir()
        nginx = start_nginx(folder / "nginx", [replica.port for replica in replicas])
        try:
            yield Deployment(nginx, replicas)
        finally:
            stop_nginx(nginx)
    finally:
        for replica in replicas:
            stop_service(replica)


def spend_errors(url: str, source: str, headers: dict[str, str] | None = None) -> int:
    """Send failing queries from ``source`` until four in a row are refused with 429 (each
    replica keeps its own accounts, so a client may reach each one's budget in turn); return
    how many were answered 400 first."""
    failed = refused_in_a_row = 0
    for _ in range(40):
        status = fetch_from(source, url + BAD_QUERY, JSON, headers).status
        if status == 429:
            refused_in_a_row += 1
            if refused_in_a_row == 4:
                return failed
        else:
            assert status == 400
            failed += 1
            refused_in_a_row = 0
    raise AssertionError(f"{source} was never refused")


def test_clients_keep_separate_budgets_through_the_proxy(deployment: Deployment) -> None:
    url = deployment.nginx.url
    spent = spend_errors(url, "127.0.0.2")
    assert ERROR_BUDGET <= spent <= ERROR_BUDGET * len(deployment.replicas)
    # Another user behind the same proxy is not held to the first one's budget.
    assert fetch_from("127.0.0.3", url + good_query(), JSON).status == 200
    assert fetch_from("127.0.0.3", url + BAD_QUERY, JSON).status == 400


def test_a_spoofing_client_does_not_escape_its_own_budget(deployment: Deployment) -> None:
    url = deployment.nginx.url
    spoofing = {"X-Forwarded-For": "127.0.0.6"}
    spend_errors(url, "127.0.0.5", spoofing)
    for pretended in ("127.0.0.6", "203.0.113.9", "127.0.0.1"):
        answer = fetch_from("127.0.0.5", url + good_query(), JSON, {"X-Forwarded-For": pretended})
        assert answer.status == 429, pretended
    # Nor did it spend the budget of the client it named.
    assert fetch_from("127.0.0.6", url + BAD_QUERY, JSON).status == 400


def test_the_addresses_the_service_writes_follow_the_client(deployment: Deployment) -> None:
    answer = fetch_from(
        "127.0.0.7",
        f"{deployment.nginx.url}.well-known/void",
        "text/turtle",
        {"Host": f"data.example.org:{deployment.nginx.port}"},
    )
    assert answer.status == 200
    void = rdflib.Graph().parse(data=answer.body, format="turtle")
    assert {str(url) for url in void.objects(None, VOID_ENDPOINT)} == {
        f"http://data.example.org:{deployment.nginx.port}/sparql"
    }


def test_the_access_log_names_the_client_behind_the_proxy(deployment: Deployment) -> None:
    assert fetch_from("127.0.0.8", f"{deployment.nginx.url}?lang=en", BROWSER).status == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        logs = "".join(replica.log_text() for replica in deployment.replicas)
        if "127.0.0.8 - [" in logs:
            break
        time.sleep(0.1)
    assert "127.0.0.8 - [" in logs
    assert '"GET / HTTP/1.1" 200' in logs


def test_forwarded_headers_from_anyone_else_change_nothing(deployment: Deployment) -> None:
    replica = deployment.replicas[0]
    forged = {
        "X-Forwarded-For": "127.0.0.10",
        "X-Forwarded-Host": "elsewhere.example",
        "X-Forwarded-Proto": "https",
    }
    answer = fetch_from("127.0.0.9", f"{replica.url}.well-known/void", "text/turtle", forged)
    void = rdflib.Graph().parse(data=answer.body, format="turtle")
    assert {str(url) for url in void.objects(None, VOID_ENDPOINT)} == {f"{replica.url}sparql"}
    for _ in range(ERROR_BUDGET):
        assert fetch_from("127.0.0.9", replica.url + BAD_QUERY, JSON, forged).status == 400
    assert fetch_from("127.0.0.9", replica.url + good_query(), JSON).status == 429
    assert fetch_from("127.0.0.10", replica.url + good_query(), JSON).status == 200


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    folder = tmp_path_factory.mktemp("workers")
    config = settings_file(folder, error_budget=ERROR_BUDGET)
    running = start_service(folder, "--config", str(config), "--workers", "3")
    try:
        yield running
    finally:
        stop_service(running)


def test_a_client_past_its_budget_is_refused_by_every_worker(workers: Service) -> None:
    for _ in range(ERROR_BUDGET):
        assert fetch_from("127.0.0.11", workers.url + BAD_QUERY, JSON).status == 400
    # A new connection for each request, so that every worker process gets some of them.
    refused = [fetch_from("127.0.0.11", workers.url + good_query(), JSON).status for _ in range(12)]
    assert refused == [429] * 12
    assert fetch_from("127.0.0.12", workers.url + good_query(), JSON).status == 200
