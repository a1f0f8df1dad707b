"""What checking the sources found, passage by passage and source by source, as text for people
and JSON for tools, and the exit code it comes to."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Literal

from ..namespaces import compact

State = Literal["there", "changed", "gone", "unchecked"]
STATES: tuple[State, ...] = ("there", "changed", "gone", "unchecked")

EXIT_DIFFERS = 1
"""Some passage is ``changed`` or ``gone``."""
EXIT_NOT_FETCHED = 2
"""Some page could not be fetched (whatever the others say)."""


@dataclass(frozen=True)
class PassageCheck:
    """One passage: its state and, if ``changed``, what the page says now and how like the
    quotation that is (:data:`kuopio_graph.source_check.matching.SIMILAR`)."""

    iri: str
    position: int | None
    state: State
    quotation: str
    page_text: str | None = None
    similarity: float | None = None


@dataclass(frozen=True)
class SourceCheck:
    """One source document: its page, why it could not be fetched (if so), its passages."""

    slug: str
    iri: str
    url: str
    error: str | None
    passages: tuple[PassageCheck, ...]

    @property
    def fetched(self) -> bool:
        """Whether the page was fetched (else its passages are ``unchecked``)."""
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        """The source as in :meth:`SourcesReport.to_json`."""
        return {
            "slug": self.slug,
            "iri": self.iri,
            "url": self.url,
            "fetched": self.fetched,
            "error": self.error,
            "passages": [asdict(passage) for passage in self.passages],
        }


@dataclass(frozen=True)
class SourcesReport:
    """The sources checked, in order."""

    sources: tuple[SourceCheck, ...]

    @property
    def counts(self) -> dict[str, int]:
        """Sources, those not fetched, passages, and passages in each state."""
        states = Counter(p.state for source in self.sources for p in source.passages)
        return {
            "sources": len(self.sources),
            "not_fetched": sum(not source.fetched for source in self.sources),
            "passages": sum(states.values()),
            **{state: states[state] for state in STATES},
        }

    @property
    def exit_code(self) -> int:
        """0 if every passage is still there, :data:`EXIT_DIFFERS` if some changed or are gone,
        :data:`EXIT_NOT_FETCHED` if some page could not be fetched."""
        counts = self.counts
        if counts["not_fetched"]:
            return EXIT_NOT_FETCHED
        return EXIT_DIFFERS if counts["changed"] or counts["gone"] else 0

    def to_json(self) -> dict[str, Any]:
        """``{"sources": [{"slug", "iri", "url", "fetched", "error", "passages": [{"iri",
        "position", "state", "quotation", "page_text", "similarity"}]}], "summary": {…}}``;
        ``page_text`` and ``similarity`` are null but for a ``changed`` passage, ``error`` but
        for a page not fetched; ``summary`` is :attr:`counts`."""
        return {
            "sources": [source.to_json() for source in self.sources],
            "summary": self.counts,
        }

    def to_text(self, table: dict[str, str]) -> str:
        """A report for people, source by source, IRIs shortened with the prefixes in
        ``table``; what a ``changed`` passage's page says now, and what a ``gone`` one quoted (on
        one line)."""
        lines = []
        for source in self.sources:
            lines.append(f"{source.slug}  {source.url}")
            if source.error is not None:
                lines.append(f"  not fetched: {source.error}")
            for passage in source.passages:
                position = "-" if passage.position is None else str(passage.position)
                alike = "" if passage.similarity is None else f"  ({passage.similarity:.2f} alike)"
                lines.append(
                    f"  {position:>3}  {passage.state:<9}  {compact(passage.iri, table)}{alike}"
                )
                if passage.state in ("changed", "gone"):
                    lines.append(f"         quoted:   {' '.join(passage.quotation.split())}")
                if passage.page_text is not None:
                    lines.append(f"         page now: {passage.page_text}")
        return "\n".join([*lines, "", _summary(self.counts)] if lines else [_summary(self.counts)])


def _summary(counts: dict[str, int]) -> str:
    sources = f"{_count(counts['sources'], 'source')}, {counts['not_fetched']} not fetched"
    states = ", ".join(f"{counts[state]} {state}" for state in STATES)
    return f"{sources}; {_count(counts['passages'], 'passage')}: {states}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
