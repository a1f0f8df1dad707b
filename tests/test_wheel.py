"""The package as a city's IT would install it: a wheel built with ``python -m build``, installed
with pip (not editable) into a fresh virtual environment, and run from a folder that is not the
checkout, with only what the wheel carries."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from servers import BROWSER, Service, fetch, start_service, stop_service

ROOT = Path(__file__).resolve().parent.parent
INSTALL_TIMEOUT = 600


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment holding the wheel, and a folder away from the checkout."""

    script: Path
    folder: Path

    def run(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.script), *arguments],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=INSTALL_TIMEOUT,
    )
    (wheel,) = dist.glob("*.whl")
    environment = root / "venv"
    venv.create(environment, with_pip=True)
    subprocess.run(
        [str(environment / "bin" / "pip"), "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        timeout=INSTALL_TIMEOUT,
    )
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    yield Installed(environment / "bin" / "kuopio-graph", elsewhere)


def test_the_wheel_is_not_the_checkout(installed: Installed) -> None:
    done = installed.run("--version")
    assert done.returncode == 0, done.stderr
    python = installed.script.parent / "python"
    where = subprocess.run(
        [str(python), "-c", "import kuopio_graph, webapp; print(kuopio_graph.__file__)"],
        cwd=installed.folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert not Path(where.strip()).is_relative_to(ROOT)


def test_validate(installed: Installed) -> None:
    done = installed.run("validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "conforms" in done.stdout


def test_query(installed: Installed) -> None:
    done = installed.run(
        "query", "--format", "json", "SELECT (COUNT(*) AS ?n) WHERE { ?s a kuopio:ThematicNetwork }"
    )
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)["results"]["bindings"]
    assert int(row["n"]["value"]) > 0


def test_export(installed: Installed) -> None:
    done = installed.run("export", "--format", "ttl", "-o", "kuopio.ttl")
    assert done.returncode == 0, done.stderr
    exported = rdflib.Graph().parse(installed.folder / "kuopio.ttl", format="turtle")
    assert len(exported) > 2000


def test_stats(installed: Installed) -> None:
    done = installed.run("stats")
    assert done.returncode == 0, done.stderr
    assert "triples in the default graph" in done.stdout


@pytest.mark.parametrize("folder", ["ontology", "data", "shapes", "queries"])
def test_the_bundled_dataset_is_inside_the_package(installed: Installed, folder: str) -> None:
    python = installed.script.parent / "python"
    where = subprocess.run(
        [
            str(python),
            "-c",
            f"from kuopio_graph.settings import bundled; print(bundled({folder!r}))",
        ],
        cwd=installed.folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    packaged = Path(where)
    assert packaged.is_relative_to(installed.script.parent.parent)
    files = sorted(p.relative_to(packaged) for p in packaged.rglob("*") if p.is_file())
    checkout = ROOT / folder
    assert files == sorted(p.relative_to(checkout) for p in checkout.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def served(installed: Installed) -> Iterator[Service]:
    running = start_service(installed.folder, script=installed.script)
    try:
        yield running
    finally:
        stop_service(running)


def test_serve(served: Service) -> None:
    home = fetch(served.url, BROWSER)
    assert home.status == 200
    assert b"<h1>" in home.body
    entity = fetch(f"{served.url}id/network/iclei", "text/turtle")
    assert entity.status == 200
    assert len(rdflib.Graph().parse(data=entity.body, format="turtle")) > 5
    answer = fetch(f"{served.url}sparql?query=ASK%20%7B%20%3Fs%20a%20kuopio%3AMunicipality%20%7D")
    assert json.loads(answer.body)["boolean"] is True
    void = fetch(f"{served.url}.well-known/void", "text/turtle")
    assert void.status == 200
    assert b"dcat:Catalog" in void.body
    page = fetch(f"{served.url}id/organisation/city-of-kuopio", BROWSER)
    assert page.status == 200
    assert "Kuopion kaupunki" in page.body.decode("utf-8")
