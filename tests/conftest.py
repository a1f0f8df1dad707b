"""Shared fixtures: the real bundled dataset, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuopio_graph import GraphStore, Settings, load

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings for the bundled ontology, data and shapes, whatever the working directory."""
    return Settings(
        ontology=(ROOT / "ontology",),
        data=(ROOT / "data",),
        shapes=(ROOT / "shapes",),
        queries=(ROOT / "queries",),
    )


@pytest.fixture(scope="session")
def store(settings: Settings) -> GraphStore:
    """The bundled dataset in an Oxigraph store (treat as read-only)."""
    return load(settings)
