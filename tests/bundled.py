"""The settings of the bundled ontology, data, shapes and example queries, found from this
folder, so tests read them whatever the working directory."""

from __future__ import annotations

from pathlib import Path

from kuopio_graph import Settings

ROOT = Path(__file__).resolve().parent.parent

BUNDLED = Settings(
    ontology=(ROOT / "ontology",),
    data=(ROOT / "data",),
    shapes=(ROOT / "shapes",),
    queries=(ROOT / "queries",),
)
