"""Shared fixtures: the real bundled dataset, loaded once per test session, the web app, and
the service running on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bundled import BUNDLED
from flask import Flask
from flask.testing import FlaskClient
from servers import Service, start_service, stop_service

from kuopio_graph import GraphStore, Settings, load
from webapp import create_app


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings for the bundled ontology, data and shapes, whatever the working directory."""
    return BUNDLED


@pytest.fixture(scope="session")
def store(settings: Settings) -> GraphStore:
    """The bundled dataset in an Oxigraph store (treat as read-only)."""
    return load(settings)


@pytest.fixture(scope="session")
def app(settings: Settings, store: GraphStore) -> Flask:
    """The web app over the bundled dataset, with the default limits but for the per-client
    budgets: every test here is the same client, and many send failing queries on purpose."""
    unbudgeted = settings.with_values({"query_budget": 1e9, "error_budget": 10**9})
    return create_app(unbudgeted, store=store, config={"TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of :func:`app`."""
    return app.test_client()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """``kuopio-graph serve`` over the bundled data on a loopback port, for the whole module
    (one per xdist worker); a module that needs other options defines its own."""
    running = start_service(tmp_path_factory.mktemp("service"))
    try:
        yield running
    finally:
        stop_service(running)
