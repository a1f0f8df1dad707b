"""The interface's own words in Finnish and English, and the choice of language."""

from __future__ import annotations

import gettext
from functools import cache
from urllib.parse import urlencode

import pycountry
from flask import request

LANGUAGES = ("fi", "en")
DEFAULT_LANGUAGE = "fi"

TEXTS: dict[str, dict[str, str]] = {
    "site_title": {
        "fi": "Kuopion kansainväliset suhteet",
        "en": "Kuopio's international relationships",
    },
    "tagline": {
        "fi": "Avoin tietoverkko Kuopion kaupungin kansainvälisistä verkostoista, kumppanuuksista "
        "ja edustuksesta. Jokainen tieto on peräisin kaupungin omalta sivulta tai tarkistetusta "
        "julkisesta lähteestä, ja lähde näkyy tiedon vieressä.",
        "en": "Linked open data on the City of Kuopio's international networks, partnerships "
        "and representation. Every fact comes from the city's own page or a verified public "
        "source, and the source is shown beside it.",
    },
    "home": {"fi": "Etusivu", "en": "Home"},
    "the_city": {"fi": "Kaupunki", "en": "The city"},
    "networks": {"fi": "Kansainväliset verkostot", "en": "International networks"},
    "partnerships": {
        "fi": "Ystävyyskaupungit ja kumppanuudet",
        "en": "Twin towns and partnerships",
    },
    "actor_kinds": {"fi": "Toimijatyypit", "en": "Kinds of actors"},
    "query": {"fi": "SPARQL-kyselyt", "en": "SPARQL queries"},
    "query_intro": {
        "fi": "Kirjoita SPARQL 1.1 -kysely tai valitse esimerkki. Projektin etuliitteet "
        "(kuopio:, org:, skos:, dct:, prov:, schema:, foaf: …) on valmiiksi määritelty.",
        "en": "Write a SPARQL 1.1 query or pick an example. The project's prefixes (kuopio:, "
        "org:, skos:, dct:, prov:, schema:, foaf: …) are declared for you.",
    },
    "examples": {"fi": "Esimerkkikyselyt", "en": "Example queries"},
    "run": {"fi": "Suorita", "en": "Run"},
    "query_label": {"fi": "SPARQL-kysely", "en": "SPARQL query"},
    "editor_hint": {
        "fi": "Ctrl+Enter suorittaa kyselyn, Ctrl+välilyönti täydentää etuliitteet, luokat,"
        " ominaisuudet ja resurssit tästä tietoverkosta; sarkain siirtyy pois kentästä.",
        "en": "Ctrl+Enter runs the query; Ctrl+Space completes prefixes, classes, properties"
        " and resources from this graph; Tab leaves the field.",
    },
    "query_error": {"fi": "Kyselyssä on virhe", "en": "The query has an error"},
    "share_link": {"fi": "Linkki tähän kyselyyn", "en": "Link to this query"},
    "download": {"fi": "Lataa", "en": "Download"},
    "result_format": {"fi": "Tulosmuoto", "en": "Result format"},
    "results": {"fi": "Tulokset", "en": "Results"},
    "rows": {"fi": "riviä", "en": "rows"},
    "truncated": {
        "fi": "Tulos katkaistiin enimmäismäärään",
        "en": "The answer was cut at the maximum of",
    },
    "dataset": {"fi": "Tietoaineiston kuvaus (VoID)", "en": "Dataset description (VoID)"},
    "ontology": {"fi": "Ontologia", "en": "Ontology"},
    "shapes": {"fi": "SHACL-muodot", "en": "SHACL shapes"},
    "validation": {"fi": "Validointiraportti", "en": "Validation report"},
    "dumps": {"fi": "Koko aineisto ladattavana", "en": "Download the whole dataset"},
    "type": {"fi": "Tyyppi", "en": "Type"},
    "properties": {"fi": "Tiedot", "en": "Statements"},
    "property": {"fi": "Ominaisuus", "en": "Property"},
    "value": {"fi": "Arvo", "en": "Value"},
    "source": {"fi": "Lähde", "en": "Source"},
    "sources": {"fi": "Lähteet", "en": "Sources"},
    "links_here": {"fi": "Mihin tämä liittyy (viittaukset tähän)", "en": "What links here"},
    "provenance": {"fi": "Alkuperä", "en": "Provenance"},
    "quoted_passages": {
        "fi": "Lähdetekstin kohdat, joista tieto on poimittu",
        "en": "The passages of the source text this was drawn from",
    },
    "quotation": {"fi": "Lainaus lähteestä", "en": "Quotation from the source"},
    "quotations": {
        "fi": "{count} lainausta lähteestä",
        "en": "{count} quotations from the source",
    },
    "original_text": {"fi": "Alkuperäinen ({language})", "en": "Original ({language})"},
    "rendering": {"fi": "Käännös ({language})", "en": "Rendering ({language})"},
    "geonames_credit": {
        "fi": "Paikkojen tunnisteet ja koordinaatit:",
        "en": "Place identifiers and coordinates:",
    },
    "other_forms": {"fi": "Muut muodot", "en": "Other formats"},
    "as_sparql": {"fi": "Tämä sivu SPARQL-kyselynä", "en": "This page as SPARQL"},
    "language": {"fi": "Kieli", "en": "Language"},
    "not_found": {"fi": "Sivua ei löydy", "en": "Not found"},
    "not_found_text": {
        "fi": "Tällä osoitteella ei ole kuvattua resurssia.",
        "en": "Nothing is described at this address.",
    },
    "error": {"fi": "Virhe", "en": "Error"},
    "conforms": {
        "fi": "Tarjottava aineisto on kaikkien SHACL-muotojen mukainen.",
        "en": "The data being served conforms to every SHACL shape.",
    },
    "problems": {"fi": "Ongelmat", "en": "Problems"},
    "classes": {"fi": "Luokat", "en": "Classes"},
    "object_properties": {"fi": "Ominaisuudet", "en": "Properties"},
    "all_resources": {"fi": "Kaikki resurssit", "en": "All resources"},
    "external": {"fi": "ulkoinen linkki", "en": "external link"},
    "more": {"fi": "Lisää", "en": "More"},
    "search": {"fi": "Haku", "en": "Search"},
    "chart_caption": {
        "fi": "Luvut pylväinä (samat luvut ovat alla olevassa taulukossa).",
        "en": "The numbers as bars (the table below has the same figures).",
    },
    "members_of": {"fi": "Luokan {name} jäsenet", "en": "Members of {name}"},
    "members_shown": {
        "fi": "Jäsenet {first}–{last}, kaikkiaan {total}.",
        "en": "Members {first}–{last} of {total}.",
    },
    "members_link": {"fi": "Luokan jäsenet ({count})", "en": "Members of this class ({count})"},
    "no_members": {"fi": "Tällä luokalla ei ole jäseniä.", "en": "This class has no members."},
    "sort_a_z": {"fi": "Järjestä A–Ö", "en": "Sort A–Z"},
    "sort_z_a": {"fi": "Järjestä Ö–A", "en": "Sort Z–A"},
    "spreadsheet_csv": {"fi": "CSV Exceliin", "en": "CSV for Excel"},
    "search_label": {"fi": "Hae nimellä", "en": "Search by name"},
    "search_button": {"fi": "Hae", "en": "Search"},
    "search_results": {"fi": "Hakutulokset: {query}", "en": "Search results: {query}"},
    "no_results": {"fi": "Ei osumia.", "en": "Nothing found."},
    "search_hint": {
        "fi": "Kirjoita nimen alku suomeksi tai englanniksi;"
        " isoilla kirjaimilla ja aksenteilla ei ole väliä.",
        "en": "Type the beginning of a name in Finnish or English; case and accents do not matter.",
    },
    "links_shown": {"fi": "Viittaukset {first}–{last}.", "en": "Links {first}–{last}."},
    "values_of": {"fi": "Ominaisuuden {property} arvot", "en": "Values of {property}"},
    "values_shown": {
        "fi": "Arvot {first}–{last}, kaikkiaan {count}.",
        "en": "Values {first}–{last} of {count}.",
    },
    "all_values": {"fi": "Kaikki arvot kyselynä", "en": "All the values, as a query"},
    "previous_page": {"fi": "← Edelliset", "en": "← Previous"},
    "next_page": {"fi": "Seuraavat →", "en": "Next →"},
    "all_backlinks": {"fi": "Kaikki viittaukset kyselynä", "en": "All the links, as a query"},
    "relationships": {"fi": "Suhteet kuvana", "en": "Relationships at a glance"},
    "relationships_of": {"fi": "Kohteen {name} suhteet", "en": "Relationships of {name}"},
    "picture_caption": {
        "fi": "Kuva kulkee vasemmalta oikealle: kunkin laatikon yläpuolella lukee, miten se"
        " liittyy laatikkoon, josta se haarautuu. Jokainen laatikko on linkki.",
        "en": "The picture reads left to right: above each box is how it relates to the box it"
        " branches from. Every box is a link.",
    },
    "picture_more": {"fi": "+ {count} muuta", "en": "+ {count} more"},
    "picture_more_uncounted": {"fi": "+ muita", "en": "+ more"},
    "picture_link": {
        "fi": "Suurempi kuva suhteista",
        "en": "A larger picture of the relationships",
    },
    "rel_unit": {"fi": "yksikkö", "en": "unit"},
    "rel_part_of": {"fi": "osa organisaatiota", "en": "part of"},
    "rel_partnership": {"fi": "kumppanuus", "en": "partnership"},
    "rel_partner": {"fi": "osapuoli", "en": "partner"},
    "timeline": {"fi": "Aikajana", "en": "Timeline"},
    "founded": {"fi": "Perustettu", "en": "Founded"},
    "whole_timeline": {"fi": "Koko aikajana", "en": "The whole timeline"},
    "timeline_caption": {
        "fi": "Päivätyt suhteet ja tapahtumat, vanhimmat ensin; jatkuvat ulottuvat tähän päivään.",
        "en": "Dated relationships and events, earliest first; those still going on reach today.",
    },
    "no_relationships": {
        "fi": "Tällä kohteella ei ole organisaatiosuhteita.",
        "en": "This resource has no organisational relationships.",
    },
    "map": {"fi": "Kartta", "en": "Map"},
    "map_title": {"fi": "Kuopion suhteet kartalla", "en": "Kuopio's relationships on a map"},
    "map_caption": {
        "fi": "Viiva Kuopiosta kuhunkin kumppanin paikkaan; viivan väri ja katkoviiva kertovat"
        " suhteen lajin. Jokainen merkki on linkki paikan sivulle, ja alla oleva taulukko kertoo"
        " samat tiedot.",
        "en": "A line from Kuopio to each partner's place; its colour and dash pattern tell the"
        " kind of relationship. Every marker is a link to the place's page, and the table below"
        " gives the same facts.",
    },
    "place_map_caption": {
        "fi": "Paikan sijainti kartalla suhteessa Kuopioon. Merkit ovat linkkejä.",
        "en": "Where the place is on the map, and Kuopio. The markers are links.",
    },
    "map_world": {"fi": "Maailma", "en": "The world"},
    "map_europe": {"fi": "Eurooppa", "en": "Europe"},
    "map_legend": {"fi": "Viivojen selitykset", "en": "What the lines mean"},
    "map_twin_town": {"fi": "ystävyyskaupunki", "en": "twin town or sister city"},
    "map_network_seat": {"fi": "verkoston kotipaikka", "en": "network seat"},
    "map_representation": {"fi": "EU-edustusto", "en": "EU representation"},
    "map_partnership": {"fi": "kumppanuus", "en": "partnership"},
    "map_place": {"fi": "Paikka", "en": "Place"},
    "map_country": {"fi": "Maa", "en": "Country"},
    "map_relationship": {"fi": "Suhde", "en": "Relationship"},
    "map_since": {"fi": "Alkaen", "en": "Since"},
    "map_distance": {"fi": "Etäisyys Kuopiosta", "en": "Distance from Kuopio"},
    "map_table_caption": {
        "fi": "Kartan tiedot taulukkona. Etäisyys on isoympyräetäisyys pallolla, jonka säde on"
        " 6\u00a0371,0088\u00a0km (haversinikaava).",
        "en": "The map's facts as a table. The distance is the great-circle distance on a sphere"
        " of radius 6,371.0088\u00a0km (the haversine formula).",
    },
    "map_unlocated": {
        "fi": "Kartalla ja taulukossa eivät ole kumppanit, joiden paikalle aineisto ei anna"
        " koordinaatteja (antaa vain maan, esimerkiksi) tai joille se ei anna paikkaa lainkaan:",
        "en": "Not on the map or in the table: the partners whose place the data gives no"
        " coordinates for (only a country, say), or no place at all:",
    },
    "map_none": {
        "fi": "Aineisto ei anna Kuopiolle koordinaatteja, joten karttaa ei voi piirtää.",
        "en": "The data gives Kuopio no coordinates, so no map can be drawn.",
    },
    "map_link": {"fi": "Kartta omalla sivullaan", "en": "The map on a page of its own"},
    "results_map_caption": {
        "fi": "Tulosten pisteet kartalla (samat rivit ovat alla olevassa taulukossa). Merkit ovat"
        " linkkejä.",
        "en": "The results' points on a map (the table below has the same rows). The markers"
        " are links.",
    },
    "results_map_first": {
        "fi": "Kartalla on tulosten {count} ensimmäistä pistettä.",
        "en": "The map shows the results' first {count} points.",
    },
}


def choose_language() -> str:
    """``?lang=`` if given, else the best of ``Accept-Language``, else Finnish."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def explicit_language() -> str | None:
    """The language chosen with ``?lang=``, which links carry on to the next page."""
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else None


def link_keeping_language(path: str, arguments: dict[str, str]) -> str:
    """``path`` with ``arguments`` as its query, and ``lang`` if the reader chose one."""
    chosen = explicit_language()
    if chosen:
        arguments = {**arguments, "lang": chosen}
    return f"{path}?{urlencode(arguments)}" if arguments else path


def text(key: str, language: str) -> str:
    """The interface text ``key`` in ``language``."""
    return TEXTS[key][language]


@cache
def language_name(code: str, language: str) -> str:
    """The name of the language ``code`` (ISO 639-1, as in a language tag) in ``language``,
    from ISO 639 and its translations; the code itself where ISO 639 does not know it."""
    known = pycountry.languages.get(alpha_2=code.split("-")[0].lower())
    if known is None:
        return code
    names = gettext.translation(
        "iso639-3", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )
    return names.gettext(known.name)
