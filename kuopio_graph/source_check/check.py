"""The source documents and their passages, as the graph has them, and checking each against
its page as it is now."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from tqdm import tqdm

from ..store import Store, Term
from .fetch import Fetcher, NotFetched
from .matching import find
from .page_text import PageText
from .report import PassageCheck, SourceCheck, SourcesReport

SOURCE_DOCUMENTS = """
SELECT ?source ?url WHERE { ?source a kuopio:SourceDocument ; schema:url ?url }
ORDER BY ?source ?url
"""

PASSAGES = """
SELECT ?source ?passage ?position ?quotation
WHERE {
  ?passage a kuopio:Passage ; dct:isPartOf ?source ; prov:value ?quotation .
  OPTIONAL { ?passage schema:position ?position }
}
ORDER BY ?source ?position ?passage
"""


@dataclass(frozen=True)
class SourceDocument:
    """A source document: its IRI, the slug that ends it, the address of its page."""

    iri: str
    slug: str
    url: str


@dataclass(frozen=True)
class _Passage:
    iri: str
    position: int | None
    quotation: str


def source_documents(store: Store) -> list[SourceDocument]:
    """Every source document with an address (the first, should it have several), by IRI."""
    minted = f"{store.base}id/source/"
    found: dict[str, SourceDocument] = {}
    for row in store.select(SOURCE_DOCUMENTS):
        iri = row["source"].value
        if iri not in found:
            found[iri] = SourceDocument(iri, iri.removeprefix(minted), row["url"].value)
    return list(found.values())


def check_sources(
    store: Store, documents: Sequence[SourceDocument], fetcher: Fetcher, progress: bool = False
) -> SourcesReport:
    """Fetch each document's page with ``fetcher`` and look each of its passages up on it.

    With ``progress``, a progress bar on standard error follows the pages (when it is a
    terminal)."""
    passages = _passages(store, documents)
    pages = tqdm(documents, desc="Checking", unit="page", disable=None if progress else True)
    return SourcesReport(
        tuple(_check(document, passages.get(document.iri, []), fetcher) for document in pages)
    )


def _check(document: SourceDocument, quoted: list[_Passage], fetcher: Fetcher) -> SourceCheck:
    """Fetch ``document``'s page and look each of its ``quoted`` passages up on it."""
    try:
        page = fetcher.fetch(document.url)
    except NotFetched as error:
        unchecked = tuple(PassageCheck(p.iri, p.position, "unchecked", p.quotation) for p in quoted)
        return SourceCheck(document.slug, document.iri, document.url, str(error), unchecked)
    text = PageText.of(page.text, page.media_type)
    checked = []
    for passage in quoted:
        found = find(passage.quotation, text)
        checked.append(
            PassageCheck(
                passage.iri,
                passage.position,
                found.verdict,
                passage.quotation,
                found.page_text,
                found.similarity,
            )
        )
    return SourceCheck(document.slug, document.iri, document.url, None, tuple(checked))


def _passages(store: Store, documents: Sequence[SourceDocument]) -> dict[str, list[_Passage]]:
    """The passages of ``documents``, by document, in their order on the page."""
    if not documents:
        return {}
    sources = [ox.NamedNode(document.iri) for document in documents]
    found: dict[str, list[_Passage]] = defaultdict(list)
    for row in store.select(PASSAGES, {"source": sources}):
        found[row["source"].value].append(
            _Passage(row["passage"].value, _position(row.get("position")), row["quotation"].value)
        )
    return found


def _position(term: Term | None) -> int | None:
    return int(term.value) if term is not None and term.value.isdigit() else None
