"""A summary of the graph: its size, its sources, resources per class, label coverage."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .namespaces import compact
from .store import Store

CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?resource) AS ?resources)
WHERE { ?resource a ?class }
GROUP BY ?class
ORDER BY DESC(?resources) ?class
"""

GRAPH_SIZES = """
SELECT ?graph (COUNT(*) AS ?triples)
WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph
ORDER BY ?graph
"""

# Every resource minted under the base, and the languages it has a label in. (Oxigraph binds
# ?minted only if it is projected, hence its place in SELECT and GROUP BY.)
LABEL_COVERAGE = """
SELECT ?minted ?language
       (COUNT(DISTINCT ?resource) AS ?resources) (COUNT(DISTINCT ?labelled) AS ?labelled)
WHERE {
  ?resource ?p ?o .
  FILTER(isIRI(?resource) && STRSTARTS(STR(?resource), STR(?minted)))
  VALUES ?language { "fi" "en" }
  OPTIONAL {
    ?resource rdfs:label|skos:prefLabel ?label .
    FILTER(LANGMATCHES(LANG(?label), ?language))
    BIND(?resource AS ?labelled)
  }
}
GROUP BY ?minted ?language
ORDER BY ?language
"""


@dataclass(frozen=True)
class Stats:
    """Counts that describe the graph."""

    triples: int
    graphs: dict[str, int]
    classes: dict[str, int]
    resources: int
    labelled: dict[str, int]

    def to_text(self, table: dict[str, str]) -> str:
        """A plain-text summary for the terminal, IRIs shortened with the prefixes in ``table``."""
        lines = [
            f"{self.triples} triples in the default graph",
            "",
            "Named graphs (one per source):",
        ]
        lines += [f"  {count:7d}  {compact(g, table)}" for g, count in self.graphs.items()]
        lines += ["", "Resources per class:"]
        lines += [f"  {count:7d}  {compact(c, table)}" for c, count in self.classes.items()]
        lines += [
            "",
            f"Label coverage of the {self.resources} resources under the base:",
        ]
        for language, count in self.labelled.items():
            share = 100 * count / self.resources if self.resources else 100.0
            lines.append(f"  {language}: {count}/{self.resources} ({share:.1f} %)")
        return "\n".join(lines)


def stats(store: Store) -> Stats:
    """Count triples, named graphs, resources per class and labels per language."""
    coverage = store.select(LABEL_COVERAGE, {"minted": ox.Literal(f"{store.base}id/")})
    return Stats(
        triples=len(store),
        graphs={row["graph"].value: int(row["triples"].value) for row in store.select(GRAPH_SIZES)},
        classes={
            row["class"].value: int(row["resources"].value) for row in store.select(CLASS_COUNTS)
        },
        resources=int(coverage[0]["resources"].value) if coverage else 0,
        labelled={row["language"].value: int(row["labelled"].value) for row in coverage},
    )
