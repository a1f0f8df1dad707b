"""Whether a page still says what a passage quotes: ``there`` (the quotation is on the page, up
to whitespace and markup), ``changed`` (it is not, but a passage of the page is clearly like
it; that passage is what the page says now) or ``gone`` (nothing on the page is like it).

Likeness is :class:`difflib.SequenceMatcher`'s ratio between the quotation's words and those of
a run of the page's consecutive sentences, words and punctuation marks counted apart (so
"Norge.Aftalen" and "Norge. Aftalen" are the same three). A run is like the quotation at a
ratio of :data:`SIMILAR` or more. Only runs whose length allows that ratio are compared, and
only after difflib's cheap upper bounds allow it, so a page of some 200 KB takes a fraction of
a second per passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from math import ceil, floor
from typing import Literal

from .page_text import PageText, normalise, squeeze

SIMILAR = 0.75
"""The least ratio at which a run of the page's sentences is the quotation, changed.

A ratio is twice the words the two have in common, in order, over the words of both: a sentence
of twenty words with one of them changed comes to 0.95, with a quarter of them changed to 0.75.
Sentences that say different things on one subject share names and small words: of the bundled
sources' 149 passages, each against all the others in its language as if they were one page
without it, none comes to more than 0.70 against one that says something else (a heading of
seven words against a sentence that begins with them; two pages' sentences on two cities'
membership of one network), and 127 stay under 0.45. At 0.75, then, a page that changed a date
or a name in a passage has it ``changed``, and one that dropped it has it ``gone``."""

WORD = re.compile(r"\w+|[^\w\s]")
"""A word, or one punctuation mark."""

Verdict = Literal["there", "changed", "gone"]


@dataclass(frozen=True)
class Finding:
    """What the page says of one quotation: its verdict and, if ``changed``, the page's text
    that is most like it, and how like (the ratio)."""

    verdict: Verdict
    page_text: str | None = None
    similarity: float | None = None


def find(quotation: str, page: PageText) -> Finding:
    """Look ``quotation`` up on ``page``."""
    text = normalise(quotation)
    if squeeze(text) in page.squeezed:
        return Finding("there")
    closest = _closest(WORD.findall(text), page)
    if closest is None:
        return Finding("gone")
    similarity, page_text = closest
    return Finding("changed", page_text, round(similarity, 3))


def _closest(words: list[str], page: PageText) -> tuple[float, str] | None:
    """The run of ``page``'s sentences most like ``words`` at a ratio of :data:`SIMILAR` or
    more, with its ratio; None if there is none."""
    if not words:
        return None
    # The fewest and most words a run can have and still reach the ratio.
    fewest = ceil(len(words) * SIMILAR / (2 - SIMILAR))
    most = floor(len(words) * (2 - SIMILAR) / SIMILAR)
    sentences = [WORD.findall(sentence) for sentence in page.sentences]
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(words)
    best: tuple[float, int, int] | None = None
    for first in range(len(sentences)):
        run: list[str] = []
        for last in range(first, len(sentences)):
            run = run + sentences[last]
            if len(run) > most:
                break
            if len(run) < fewest:
                continue
            least = best[0] if best else SIMILAR
            matcher.set_seq1(run)
            if matcher.real_quick_ratio() < least or matcher.quick_ratio() < least:
                continue
            ratio = matcher.ratio()
            if ratio >= least and (best is None or ratio > best[0]):
                best = (ratio, first, last)
    if best is None:
        return None
    ratio, first, last = best
    return ratio, " ".join(page.sentences[first : last + 1])
