"""Named example queries: ``.rq`` files whose header comments give a title and description.

A header looks like this, in English and Finnish::

    # title: Networks Kuopio takes part in, and who handles each
    # title@fi: Verkostot, joihin Kuopio osallistuu, ja kuka hoitaa yhteydenpidon
    # description: …
    # description@fi: …
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .files import read_source
from .namespaces import DEFAULT_BASE
from .naming import best_label

HEADER_LINE = re.compile(
    r"#\s*(?P<key>title|description)(?:@(?P<lang>[a-z]{2}))?\s*:\s*(?P<text>.*)"
)


@dataclass(frozen=True)
class NamedQuery:
    """One example query: its name (the file's stem), titles, descriptions and text."""

    name: str
    text: str
    titles: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)

    def title(self, language: str = "en") -> str:
        """The title in ``language``, or the English one, or the name."""
        return best_label(self.titles, language) or self.name

    def description(self, language: str = "en") -> str:
        """The description in ``language``, or the English one."""
        return best_label(self.descriptions, language) or ""


def parse_named_query(path: Path, base: str = DEFAULT_BASE) -> NamedQuery:
    """Read one ``.rq`` file and its header; IRIs under the default base move to ``base``."""
    text = read_source(path, base).decode("utf-8")
    titles: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = HEADER_LINE.match(line)
        if match:
            target = titles if match["key"] == "title" else descriptions
            target[match["lang"] or "en"] = match["text"].strip()
    return NamedQuery(path.stem, text, titles, descriptions)


def named_queries(folders: Iterable[Path], base: str = DEFAULT_BASE) -> dict[str, NamedQuery]:
    """Every named query in ``folders``, by name, sorted by name."""
    found = [
        parse_named_query(path, base) for folder in folders for path in sorted(folder.glob("*.rq"))
    ]
    return {query.name: query for query in sorted(found, key=lambda q: q.name)}
