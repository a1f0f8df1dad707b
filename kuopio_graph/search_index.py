"""Find resources by label: a full-text index (SQLite FTS5) built once from the store.

Matching ignores case and accents (``kansainvalinen`` finds ``kansainvälinen``) and takes
every word of the query as a prefix. Results are ranked: a label equal to the query first, then
labels that begin with it, then labels with the query's words as whole words, earlier and
shorter first. The same file lists each class's members in label order. It is written once and
then only read, so every process and thread opens it for itself and the operating system keeps
one copy in memory.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path

from .errors import StoreError
from .formats import RESULT_FORMATS, find
from .naming import best_label, best_language
from .store import Store

LABELS = """
SELECT ?resource ?label
WHERE { ?resource rdfs:label|skos:prefLabel|skos:altLabel ?label . FILTER(isIRI(?resource)) }
"""
"""Every label of every resource named by an IRI."""

SCHEMA = """
CREATE VIRTUAL TABLE labels USING fts5(
    label, resource UNINDEXED, language UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
CREATE TABLE whole (
    folded TEXT NOT NULL, resource TEXT NOT NULL, label TEXT NOT NULL, language TEXT NOT NULL
);
CREATE TABLE members (
    class TEXT NOT NULL, resource TEXT NOT NULL,
    label_fi TEXT NOT NULL, label_en TEXT NOT NULL, sort_fi TEXT NOT NULL, sort_en TEXT NOT NULL
);
CREATE TABLE terms (kind TEXT NOT NULL, iri TEXT NOT NULL, PRIMARY KEY (kind, iri)) WITHOUT ROWID;
"""
"""``labels`` finds words anywhere in a label; ``whole`` (indexed by the folded label) finds the
labels that are, or begin with, the whole query (it repeats each label beside its folded form,
so that an index alone answers); ``members`` lists each class's members with
their labels, indexed for listing in label order in either language and for finding resources
by the beginning of their IRIs; ``terms`` holds the classes and properties the graph uses."""

TERMS = """
SELECT DISTINCT ?kind ?term
WHERE {
  { ?subject a ?term . FILTER(isIRI(?term)) VALUES ?kind { "class" } }
  UNION
  { ?subject ?term ?object . VALUES ?kind { "property" } }
}
"""
"""Every class and every property the graph uses. (The kind by ``VALUES``: with ``BIND`` beside
the ``FILTER``, Virtuoso 7's compiler fails with an internal error.)"""

TYPES = """
SELECT ?resource ?class WHERE { ?resource a ?class . FILTER(isIRI(?resource) && isIRI(?class)) }
"""

MEMBERS = """
SELECT resource, label_fi, label_en FROM members WHERE class = :class
ORDER BY {column} {direction}, resource {direction} LIMIT :limit OFFSET :offset
"""
"""One page of a class's members in label order; ``{column}`` and ``{direction}`` are chosen
from fixed words, never from a request."""

BEGINNING = """
SELECT resource, label, language
FROM whole
WHERE folded >= :query AND folded < :after
ORDER BY folded
LIMIT :limit
"""
"""Labels that equal the query or begin with it, in index order: an equal label first, then the
others alphabetically."""

WORDS = """
SELECT resource, label, language FROM labels WHERE labels MATCH :match LIMIT :limit
"""
"""Labels with every word of the query, as a word or the beginning of one. Unordered (ranking
every match of a common word would take longer than the search may); ranked afterwards."""

WORD = re.compile(r"\w+")
CANDIDATES = 200
"""Labels read from the index per search, before they are grouped by resource."""


@dataclass(frozen=True)
class Hit:
    """A resource found by one of its labels."""

    iri: str
    label: str
    language: str
    labels: dict[str, str]
    """The resource's labels that matched, by language."""


def fold(text: str) -> str:
    """``text`` without case or accents, as the index compares it."""
    if text.isascii():
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass(frozen=True)
class Member:
    """A member of a class, with its Finnish and English labels (empty where it has none)."""

    iri: str
    label_fi: str
    label_en: str

    def label(self, language: str) -> str:
        """The label in ``language``, else the other one, else the IRI."""
        return best_label({"fi": self.label_fi, "en": self.label_en}, language) or self.iri


class SearchIndex:
    """An FTS5 index of the store's labels, in a file of its own."""

    def __init__(self, path: Path) -> None:
        """Open the index at ``path`` (written by :meth:`build`)."""
        self.path = path
        self._local = threading.local()

    @classmethod
    def build(cls, store: Store, path: Path) -> SearchIndex:
        """Index every label in ``store`` into the file ``path``, which appears whole or not at
        all (it is written under another name, then renamed)."""
        result = store.query(LABELS)
        rows = json.loads(result.serialize(find(RESULT_FORMATS, "json")))["results"]["bindings"]
        labels = [
            (row["label"]["value"], row["resource"]["value"], row["label"].get("xml:lang", ""))
            for row in rows
        ]
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        connection = sqlite3.connect(partial)
        try:
            connection.executescript(SCHEMA)
            connection.executemany(
                "INSERT INTO labels (rowid, label, resource, language) VALUES (?, ?, ?, ?)",
                ((number, *label) for number, label in enumerate(labels, start=1)),
            )
            connection.executemany(
                "INSERT INTO whole VALUES (?, ?, ?, ?)",
                ((fold(label), resource, label, language) for label, resource, language in labels),
            )
            # Covering: a search by the beginning of a label reads this index and nothing else.
            connection.execute(
                "CREATE INDEX whole_folded ON whole (folded, resource, label, language)"
            )
            connection.executemany(
                "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?)", _members(store, labels)
            )
            for language in ("fi", "en"):
                connection.execute(
                    f"CREATE INDEX members_{language} ON members (class, sort_{language}, resource)"
                )
            connection.execute("CREATE INDEX members_resource ON members (resource)")
            connection.executemany(
                "INSERT INTO terms VALUES (?, ?)",
                ((row["kind"].value, row["term"].value) for row in store.select(TERMS)),
            )
            connection.commit()
        finally:
            connection.close()
        os.replace(partial, path)
        return cls(path)

    def members(
        self, class_iri: str, language: str, offset: int, limit: int, descending: bool = False
    ) -> tuple[int, list[Member]]:
        """How many members ``class_iri`` has, and ``limit`` of them from ``offset`` in order
        of their labels in ``language`` (``fi`` or ``en``; the other one where it has none)."""
        connection = self._connection()
        total = self.member_count(class_iri)
        query = MEMBERS.format(
            column="sort_fi" if language == "fi" else "sort_en",
            direction="DESC" if descending else "ASC",
        )
        rows = connection.execute(
            query, {"class": class_iri, "limit": limit, "offset": offset}
        ).fetchall()
        return total, [Member(resource, fi, en) for resource, fi, en in rows]

    def member_count(self, class_iri: str) -> int:
        """How many resources are of class ``class_iri``."""
        (total,) = (
            self._connection()
            .execute("SELECT count(*) FROM members WHERE class = ?", (class_iri,))
            .fetchone()
        )
        return int(total)

    def terms(self, kind: str) -> list[str]:
        """The IRIs of the classes (``kind`` ``class``) or properties (``property``) the graph
        uses, sorted."""
        rows = self._connection().execute(
            "SELECT iri FROM terms WHERE kind = ? ORDER BY iri", (kind,)
        )
        return [iri for (iri,) in rows]

    def resources_starting(self, beginning: str, limit: int = 50) -> list[str]:
        """Up to ``limit`` typed resources whose IRIs begin with ``beginning``, sorted."""
        rows = self._connection().execute(
            "SELECT DISTINCT resource FROM members WHERE resource >= ? AND resource < ?"
            " ORDER BY resource LIMIT ?",
            (beginning, beginning + "\U0010ffff", limit),
        )
        return [iri for (iri,) in rows]

    def search(self, text: str, language: str, limit: int = 20) -> list[Hit]:
        """Resources whose labels match every word of ``text`` (as prefixes), best first.

        Each resource appears once, under its label in ``language`` if one matched.
        """
        words = WORD.findall(fold(text))
        if not words:
            return []
        query = " ".join(words)
        match = " ".join(f'"{word}"*' for word in words)
        parameters = {
            "query": query,
            "after": query + "\U0010ffff",
            "match": match,
            "limit": CANDIDATES,
        }
        connection = self._connection()
        rows = connection.execute(BEGINNING, parameters).fetchall()
        # Labels that begin with the text come first; when they name more resources than are
        # asked for, the rest could not change the answer, and finding them costs the most.
        if len({resource for resource, _, _ in rows}) <= limit:
            rows += sorted(
                connection.execute(WORDS, parameters).fetchall(),
                key=lambda row: _rank(fold(row[1]), words),
            )
        found: dict[str, dict[str, str]] = {}
        for resource, label, label_language in rows:
            found.setdefault(resource, {}).setdefault(label_language, label)
            if len(found) > limit:
                break
        return [
            Hit(iri, labels[chosen], chosen, labels)
            for iri, labels in list(found.items())[:limit]
            for chosen in [best_language(labels, language) or next(iter(labels))]
        ]

    def _connection(self) -> sqlite3.Connection:
        """This thread's read-only connection (a connection must not cross threads or forks)."""
        key = os.getpid()
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None or getattr(self._local, "pid", None) != key:
            uri = f"{self.path.as_uri()}?mode=ro&immutable=1"
            connection = sqlite3.connect(uri, uri=True, check_same_thread=True)
            self._local.connection, self._local.pid = connection, key
        return connection


def _members(
    store: Store, labels: list[tuple[str, str, str]]
) -> Iterator[tuple[str, str, str, str, str, str]]:
    """Rows of the ``members`` table: each typed resource with its first fi and en labels."""
    named: dict[str, dict[str, str]] = {}
    for label, resource, language in labels:
        named.setdefault(resource, {}).setdefault(language, label)
    for row in store.select(TYPES):
        resource, class_iri = row["resource"].value, row["class"].value
        by_language = named.get(resource, {})
        fi, en = by_language.get("fi", ""), by_language.get("en", "")
        fallback = by_language.get("", "") or resource
        yield (
            class_iri,
            resource,
            fi,
            en,
            fold(fi or en or fallback),
            fold(en or fi or fallback),
        )


def _rank(folded: str, words: list[str]) -> tuple[int, int, int]:
    """Sort key of a label matching ``words``: the query's words as whole words first, then
    where in the label the first one begins, then shorter labels."""
    in_label = folded.split()
    whole_words = sum(word in in_label for word in words)
    return (-whole_words, folded.find(words[0]), len(folded))


SEARCH_INDEX_RETRY = 5.0
"""Seconds before the first new try to build the index from a remote store that failed."""
SEARCH_INDEX_TIMEOUT = 600.0
"""Seconds the queries that build the index may take in a remote store (they read every label
at once)."""


def build_in_background(store: Store, path: Path) -> BaseProcess:
    """Start building the index into ``path`` in a process forked from this one (a process,
    not a thread: a web server's workers fork from this one too, and must not inherit a
    half-held SQLite lock)."""
    builder = multiprocessing.get_context("fork").Process(
        target=_build_with_retries,
        args=(store, path),
        name="kuopio-graph search index",
        daemon=True,
    )
    builder.start()
    return builder


def _build_with_retries(store: Store, path: Path) -> None:
    """Build the index, trying again while a remote store is out of reach or failing (every
    5 s, then less often, up to a minute), so that search comes back by itself when the store
    does."""
    store = store.with_timeout(SEARCH_INDEX_TIMEOUT)
    wait = SEARCH_INDEX_RETRY
    while True:
        try:
            SearchIndex.build(store, path)
            return
        except StoreError:
            time.sleep(wait)
            wait = min(wait * 2, 60.0)
