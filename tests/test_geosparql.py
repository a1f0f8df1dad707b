"""GeoSPARQL at the endpoint: the prefixes every query may use undeclared, the functions the
embedded engine evaluates and how exact they are, and what the service description says of
them. (Over a remote store, see ``test_remote.py``.)"""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from kuopio_graph import GraphStore

SPARQL_JSON = "application/sparql-results+json"
GEO = "http://www.opengis.net/ont/geosparql#"
GEOF = "http://www.opengis.net/def/function/geosparql/"
UOM = "http://www.opengis.net/def/uom/OGC/1.0/"
WGS = "http://www.w3.org/2003/01/geo/wgs84_pos#"


def ask(client: FlaskClient, query: str) -> list[dict[str, str]]:
    """The rows of a SELECT sent to the endpoint, each value as its lexical form."""
    answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": SPARQL_JSON})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    rows = json.loads(answer.data)["results"]["bindings"]
    return [{name: cell["value"] for name, cell in row.items()} for row in rows]


# --- The prefixes ---------------------------------------------------------------------------


def test_the_geosparql_and_wgs84_prefixes_are_declared(store: GraphStore) -> None:
    assert {
        "geo": GEO,
        "geof": GEOF,
        "uom": UOM,
        "wgs": WGS,
    }.items() <= store.prefixes.items()
    (row,) = store.select(
        "SELECT ?km ?lat WHERE { BIND(geof:distance("
        '"POINT(0 0)"^^geo:wktLiteral, "POINT(0 1)"^^geo:wktLiteral, uom:kilometre) AS ?km)'
        " BIND(wgs:lat AS ?lat) }"
    )
    assert round(float(row["km"].value)) == 111
    assert row["lat"].value == f"{WGS}lat"


def test_a_query_that_declares_a_prefix_its_own_way_keeps_its_meaning(
    client: FlaskClient,
) -> None:
    """Many datasets write geo: for WGS84 (Virtuoso predeclares it so): a query that declares
    it so gets its own meaning, not the service's."""
    query = (
        "PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>\n"
        "SELECT ?lat ?wkt WHERE { BIND(geo:lat AS ?lat) BIND(geof:asGeoJSON AS ?wkt) }"
    )
    assert ask(client, query) == [{"lat": f"{WGS}lat", "wkt": f"{GEOF}asGeoJSON"}]
