"""Comparing two services' answers: what must agree, leaving out what each store may decide
for itself (blank node labels, the order of ties and of GROUP_CONCAT's parts, the order in
which what links here is listed)."""

from __future__ import annotations

import json
import re

from servers import Service, fetch


def solutions(body: bytes) -> list[tuple[tuple[str, str, tuple[str, ...]], ...]]:
    """SPARQL JSON results as a sorted list of rows, each a sorted tuple of (variable, type,
    value): blank node labels left out, and the parts of a GROUP_CONCAT ("; " or ", ") sorted. (Rows
    that tie under ORDER BY, and a GROUP_CONCAT's parts, come in an order the specification
    leaves to the store.)"""
    rows = json.loads(body)["results"]["bindings"]
    return sorted(
        tuple(
            sorted(
                (
                    name,
                    term["type"],
                    () if term["type"] == "bnode" else tuple(sorted(PARTS.split(term["value"]))),
                )
                for name, term in row.items()
            )
        )
        for row in rows
    )


PARTS = re.compile("; |, ")
"""The separators of the example queries' GROUP_CONCATs."""
LINKS_HERE = re.compile(rb"<h2>What links here</h2>.*?</section>", re.DOTALL)
LINK = re.compile(rb'<li><a href="([^"]+)">')


def comparable(html: bytes, root: str) -> bytes:
    """A page without what each store decides for itself: the labels of blank nodes, and the
    order of what links here (a page lists them in the store's own order, unsorted, so that a
    resource with a hundred thousand links is as fast as any); and without ``root``, the address
    the page was fetched from, which its markup gives as the page's URL."""
    page = re.sub(rb"_:[A-Za-z0-9]+", b"_:", LINKS_HERE.sub(b"", html))
    return page.replace(f'"url": "{root}'.encode(), b'"url": "{root}')


def links_here(service: Service, path: str) -> set[bytes]:
    """Every link on every page of what links to the resource at ``path``."""
    found: set[bytes] = set()
    for number in range(1, 100):
        page = fetch(f"{service.url}{path}?lang=en&links={number}", "text/html")
        if page.status == 404:
            return found
        section = LINKS_HERE.search(page.body)
        assert section is not None
        found |= set(LINK.findall(section.group()))
    raise AssertionError("more pages of links than expected")
