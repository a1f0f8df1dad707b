"""What every template can use: the interface texts, links that keep the language, labels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import request
from markupsafe import Markup, escape

from kuopio_graph import Value, best_label, compact

from .i18n import LANGUAGES, choose_language, explicit_language, language_name, text
from .state import app_state, served


def template_helpers() -> dict[str, Any]:
    """The helpers, bound to the current request's language."""
    publication = served()
    base = publication.settings.base
    language = choose_language()
    explicit = explicit_language()

    def href(iri: str) -> str:
        """A local path for IRIs under the base (keeping ``?lang=``); other IRIs as they are."""
        if not iri.startswith(base):
            return iri
        path = "/" + iri[len(base) :]
        return f"{path}?lang={explicit}" if explicit else path

    def local(path: str) -> str:
        """A site path, keeping ``?lang=`` when the reader chose a language."""
        if not explicit:
            return path
        return f"{path}{'&' if '?' in path else '?'}lang={explicit}"

    def switch_language(target: str) -> str:
        """This page in another language."""
        arguments = {**request.args.to_dict(), "lang": target}
        return f"{request.path}?{urlencode(arguments)}"

    def term_label(iri: str, labels: dict[str, dict[str, str]] | None = None) -> str:
        """The best label of ``iri`` in the page's language, or its short form."""
        for table in (labels or {}, app_state().display_labels):
            name = best_label(table.get(iri, {}), language)
            if name:
                return name
        return compact(iri, publication.store.prefixes)

    def iri_link(iri: str, labels: dict[str, dict[str, str]] | None = None) -> Markup:
        """A link to ``iri`` named by its label: its page here, or the outside address."""
        name = escape(term_label(iri, labels))
        if iri.startswith(base):
            return Markup('<a href="%s">%s</a>') % (href(iri), name)
        return Markup('<a href="%s" rel="external">%s</a>') % (iri, name)

    def term(value: Value, labels: dict[str, dict[str, str]] | None = None) -> Markup:
        """One RDF term: a link for an IRI, a blank node's own statements, a literal's text
        (with its language)."""
        if value.is_iri:
            return iri_link(value.text, labels)
        if value.inner:
            rows = Markup("").join(
                Markup("<dt>%s</dt><dd>%s</dd>") % (term_label(prop, labels), term(inner, labels))
                for prop, inner in value.inner
            )
            return Markup('<dl class="inner">%s</dl>') % rows
        if value.language:
            return Markup('<span lang="%s">%s</span> <span class="tag">%s</span>') % (
                value.language,
                value.text,
                value.language,
            )
        return Markup("<span>%s</span>") % value.text

    helpers: dict[str, Callable[..., str] | str | bool | tuple[str, ...]] = {
        "t": lambda key: text(key, language),
        "language_name": lambda code: language_name(code, language),
        "href": href,
        "local": local,
        "switch_language": switch_language,
        "term_label": term_label,
        "iri_link": iri_link,
        "term": term,
        "short": lambda iri: compact(iri, publication.store.prefixes),
        "is_local": lambda iri: iri.startswith(base),
        "lang": language,
        "lang_explicit": explicit is not None,
        "languages": LANGUAGES,
    }
    return helpers
