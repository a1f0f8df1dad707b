"""What a fetched page says, as text to look quotations up in: the text of its HTML (or the
page itself, if it is plain text), block by block and sentence by sentence, in one normal form.

The form is the same for a page and a quotation (:func:`normalise`): Unicode NFKC (a no-break
space is a space), no soft hyphens or other invisible characters, and runs of whitespace as one
space. Markup may still have separated two words that the stored copy shows together, or the
other way round ("Norge.Aftalen" in a quotation, "Norge." and "Aftalen" in two blocks of the
page), so a quotation is looked for with all whitespace removed (:attr:`PageText.squeezed`).
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

SKIPPED = frozenset({"script", "style", "noscript", "template"})
"""Elements whose content is no text of the page."""

BLOCKS = frozenset(
    """address article aside blockquote body br caption dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html legend li main
    menu nav ol option p pre section summary table tbody td tfoot th thead title tr ul""".split()
)
"""Elements that begin and end a block of text: words on either side of one are apart."""

INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))
"""Soft hyphen, zero-width space, word joiner and byte order mark: dropped."""

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def normalise(text: str) -> str:
    """``text`` in NFKC, without invisible characters, its whitespace runs one space each."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(INVISIBLE).split())


def squeeze(text: str) -> str:
    """``text`` with no whitespace at all."""
    return "".join(text.split())


class PageText:
    """A page's text: its blocks, their sentences, and all of it without whitespace."""

    def __init__(self, blocks: list[str]) -> None:
        self.blocks = [block for block in map(normalise, blocks) if block]
        self.sentences = [
            sentence for block in self.blocks for sentence in SENTENCE_END.split(block)
        ]
        """Every block's sentences, in the page's order."""
        self.squeezed = squeeze("".join(self.blocks))

    @classmethod
    def of(cls, document: str, media_type: str) -> PageText:
        """The text of an HTML page, or of a plain-text one (whose lines are its blocks)."""
        if media_type == "text/plain":
            return cls(document.splitlines())
        reader = _TextReader()
        reader.feed(document)
        reader.close()
        return cls(reader.blocks)


class _TextReader(HTMLParser):
    """Collects an HTML page's text in blocks, entities and character references unescaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._block: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self._skipping += 1
        elif tag in BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._block.append(data)

    def close(self) -> None:
        super().close()
        self._break()

    def _break(self) -> None:
        if self._block:
            self.blocks.append("".join(self._block))
            self._block = []
