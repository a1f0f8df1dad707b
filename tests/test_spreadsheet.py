"""CSV for spreadsheets: formulas neutralised, the SPARQL CSV itself untouched."""

from __future__ import annotations

import csv
import io

import pytest
from flask.testing import FlaskClient

from kuopio_graph.spreadsheet import BOM, neutralise, spreadsheet_csv

HOSTILE = (
    'SELECT ?value WHERE { VALUES ?value { "=HYPERLINK(\\"http://x\\")" "+1+2" "-cmd" "@SUM(A1)"'
    ' "\\t=1" "-12.5" "Kuopio" "" } }'
)


def first_cells(text: str) -> list[str]:
    """The first column of a CSV text (an empty line is an empty cell)."""
    return [row[0] if row else "" for row in csv.reader(io.StringIO(text, newline=""))]


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+1+2", "'+1+2"),
        ("+1", "+1"),
        ("-x", "'-x"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("Kuopio", "Kuopio"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_cells_that_would_run_become_text(cell: str, shown: str) -> None:
    assert neutralise(cell) == shown


def test_the_file_keeps_rows_and_quoting() -> None:
    original = b'value,note\r\n"=1,2","say ""hi"""\r\nplain,-x\r\n'
    converted = spreadsheet_csv(original).decode("utf-8")
    assert converted.startswith(BOM)
    rows = list(csv.reader(io.StringIO(converted[1:], newline="")))
    assert rows == [["value", "note"], ["'=1,2", 'say "hi"'], ["plain", "'-x"]]


def test_the_endpoint_offers_both_and_changes_only_the_spreadsheet_one(
    client: FlaskClient,
) -> None:
    plain = client.get("/sparql", query_string={"query": HOSTILE, "format": "csv"})
    assert plain.status_code == 200
    assert plain.content_type.startswith("text/csv")
    plain_cells = first_cells(plain.data.decode("utf-8"))
    assert '=HYPERLINK("http://x")' in plain_cells  # the SPARQL CSV is exactly the data

    safe = client.get("/sparql", query_string={"query": HOSTILE, "format": "spreadsheet"})
    assert safe.status_code == 200
    assert safe.content_type.startswith("text/csv")
    assert "attachment" in safe.headers["Content-Disposition"]
    text = safe.data.decode("utf-8")
    assert text.startswith(BOM)
    cells = first_cells(text[1:])
    assert cells[0] == "value"
    assert len(cells) == len(plain_cells)
    assert not [
        cell
        for cell in cells[1:]
        if cell.startswith(("=", "+", "-", "@", "\t")) and cell != "-12.5"
    ]
    assert '\'=HYPERLINK("http://x")' in cells
    assert "-12.5" in cells
    assert "Kuopio" in cells


def test_a_graph_cannot_be_a_spreadsheet(client: FlaskClient) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
    response = client.get("/sparql", query_string={"query": query, "format": "spreadsheet"})
    assert response.status_code == 406


def test_the_query_page_links_the_spreadsheet_download(client: FlaskClient) -> None:
    page = client.get(
        "/sparql",
        query_string={"example": "twin-towns", "lang": "en"},
        headers={"Accept": "text/html"},
    ).data.decode()
    assert "format=spreadsheet" in page
    assert "CSV for Excel" in page
