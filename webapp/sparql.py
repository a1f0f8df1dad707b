"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: queries only, under limits, never outward."""

from __future__ import annotations

import json
import time
from typing import Any

from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    NotAcceptable,
    NotFound,
    ServiceUnavailable,
    UnsupportedMediaType,
)

from kuopio_graph import (
    DESCRIPTION_PREFIXES,
    RDF_FORMATS,
    RESULT_FORMATS,
    UPDATE_REFUSED,
    InvalidIRI,
    KuopioGraphError,
    NoAcceptableFormat,
    QueryAnswer,
    QueryFailed,
    QueryJob,
    QueryNotSupported,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    best_label,
    compact,
    find,
    labels,
    serialize_graph,
    spreadsheet_csv,
)

from .chart import bars
from .i18n import choose_language, link_keeping_language
from .negotiation import (
    HTML,
    RDF_OFFERS,
    RESULT_OFFERS,
    alternate_links,
    content_type,
    negotiate,
    prefers_html,
    requested_format,
)
from .results_map import results_map
from .state import app_state, served, service_root
from .templating import template_helpers

blueprint = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
LABELLED = 2000
"""The most IRIs in one table of results whose labels the query page looks up."""
SPREADSHEET = "spreadsheet"
"""``format=spreadsheet``: CSV for Excel and the like (see :mod:`kuopio_graph.spreadsheet`)."""
TRUNCATED_HEADER = "Result-Truncated"
"""Set, with the cap as its value, when the answer was cut at the result cap."""


class UpdateRefused(BadRequest):
    """SPARQL Update sent to the query endpoint."""

    description = UPDATE_REFUSED


@blueprint.route("/sparql", methods=["GET", "POST"], strict_slashes=False)
def endpoint() -> Response:
    """Answer a query (GET, POST form, POST direct), or describe the service."""
    query = read_query()
    if query is None:
        return describe_service()
    graphs = dataset_parameters()
    publication = served()
    if request.values.get("format") == SPREADSHEET:
        return spreadsheet_download(query, graphs)
    if request.method in ("GET", "HEAD") and wants_page():
        return query_page(query)
    answer = run(
        query, graphs, _acceptable(RESULT_OFFERS, "results"), _acceptable(RDF_OFFERS, "rdf")
    )
    response = Response(answer.body, content_type=content_type(answer.media_type))
    response.vary.add("Accept")
    if answer.truncated:
        response.headers[TRUNCATED_HEADER] = str(publication.settings.max_results)
    return response


def spreadsheet_download(
    query: str, graphs: tuple[tuple[str, ...] | None, tuple[str, ...] | None]
) -> Response:
    """SELECT results as CSV that spreadsheets open safely, as a file to save."""
    answer = run(query, graphs, "text/csv", None)
    response = Response(spreadsheet_csv(answer.body), content_type=content_type("text/csv"))
    response.headers["Content-Disposition"] = 'attachment; filename="kuopio-graph-results.csv"'
    if answer.truncated:
        response.headers[TRUNCATED_HEADER] = str(served().settings.max_results)
    return response


def wants_page() -> bool:
    """Whether a GET asks for the HTML page: ``format=html``, or a browser and no format."""
    every = [*RESULT_OFFERS, *RDF_OFFERS]
    explicit = requested_format([HTML, *every], (*RESULT_FORMATS, *RDF_FORMATS))
    if explicit is not None:
        return explicit == HTML
    return prefers_html(every)


def read_query() -> str | None:
    """The query of this request, read as the protocol says, or None if it has none."""
    if request.method in ("GET", "HEAD"):
        if "update" in request.args:
            raise UpdateRefused()
        query = _single(request.args.getlist("query"))
        if query is None and "example" in request.args:
            return example_query(request.args["example"])
        if query is not None and not query.strip():
            raise BadRequest("the query is empty")
        return query
    content_type = request.mimetype
    if content_type == FORM:
        if "update" in request.form:
            raise UpdateRefused()
        query = _single(request.form.getlist("query") + request.args.getlist("query"))
    elif content_type == DIRECT:
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"a direct POST must be UTF-8, not {charset}")
        if "query" in request.args:
            raise BadRequest("give the query once: in the body or in the URL, not both")
        try:
            query = request.get_data().decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the query is not valid UTF-8") from None
    elif content_type == UPDATE:
        raise UpdateRefused()
    else:
        raise UnsupportedMediaType(
            f"POST a query as {FORM} or {DIRECT}, not {content_type or 'no media type'}"
        )
    if query is None or not query.strip():
        raise BadRequest("no query: send one as the 'query' parameter or the request body")
    return query


def example_query(name: str) -> str:
    """The text of the named example query ``name`` (``/sparql?example=twin-towns``)."""
    named = served().queries.get(name)
    if named is None:
        raise NotFound(f"there is no example query named {name!r}")
    return named.text


def dataset_parameters() -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """``default-graph-uri`` and ``named-graph-uri``, from the URL and a form body."""
    sources = [request.args, request.form] if request.mimetype == FORM else [request.args]
    default = tuple(uri for source in sources for uri in source.getlist("default-graph-uri"))
    named = tuple(uri for source in sources for uri in source.getlist("named-graph-uri"))
    return (default or None, named or None)


def run(
    query: str,
    graphs: tuple[tuple[str, ...] | None, tuple[str, ...] | None],
    solutions_type: str | None,
    graph_type: str | None,
) -> QueryAnswer:
    """Answer the query within the client's budgets, mapping failures to HTTP errors."""
    publication = served()
    client = request.remote_addr or "unknown"
    app_state().budgets.check(client)
    started = time.monotonic()
    try:
        return publication.query_runner().run(QueryJob(query, solutions_type, graph_type, *graphs))
    except StoreError:
        raise  # the store's trouble, not the client's: answered 502/503/504, not charged
    except KuopioGraphError as error:
        app_state().budgets.charge_error(client)
        raise _http_error(error) from None
    finally:
        app_state().budgets.charge_time(client, time.monotonic() - started)


def _http_error(error: KuopioGraphError) -> HTTPException:
    """The HTTP error that tells the client what went wrong with its query."""
    if isinstance(error, QuerySyntaxError):
        return BadRequest(f"SPARQL syntax error: {error}")
    if isinstance(error, QueryRefused | QueryNotSupported | InvalidIRI):
        return BadRequest(str(error))
    if isinstance(error, NoAcceptableFormat):
        offers = RESULT_OFFERS if error.kind != "graph" else RDF_OFFERS
        return NotAcceptable(f"a {error.kind} result can be had as {', '.join(offers)}")
    if isinstance(error, QueryTimeout):
        return _unavailable(f"{error}. Narrow the query, or add LIMIT.")
    if isinstance(error, QueryFailed):
        return _unavailable(f"{error}. The query may need more memory than a query may use.")
    raise error


def describe_service() -> Response:
    """The HTML query page for browsers; a SPARQL Service Description for RDF clients."""
    media_type = negotiate([HTML, *RDF_OFFERS], RDF_FORMATS)
    if media_type == HTML:
        return query_page(None)
    publication = served()
    store = publication.store
    description = publication.service_description(service_root())
    prefixes = {**store.prefixes, **DESCRIPTION_PREFIXES}
    body = serialize_graph(description, find(RDF_FORMATS, media_type), prefixes)
    response = Response(body, content_type=content_type(media_type))
    response.vary.add("Accept")
    return response


def query_page(query: str | None) -> Response:
    """The query form, with the examples and, for a query, its results as a table."""
    publication = served()
    language = choose_language()
    table: dict[str, Any] | None = None
    graph_text: str | None = None
    truncated = False
    seconds: float | None = None
    error: str | None = None
    if query is not None:
        started = time.monotonic()
        try:
            answer = run(query, dataset_parameters(), RESULT_FORMATS[0].media_type, "text/turtle")
        except BadRequest as refused:
            # The page keeps the query beside the reason, so nothing typed is lost.
            error = refused.description
        else:
            seconds = time.monotonic() - started
            truncated = answer.truncated
            if answer.kind == "graph":
                graph_text = answer.body.decode("utf-8")
            else:
                table = json.loads(answer.body)
    names = labels(publication.store, result_iris(table)) if table else {}
    html = render_template(
        "sparql/query.html",
        labels=names,
        lang=language,
        query=query or "",
        table=table,
        graph_text=graph_text,
        truncated=truncated,
        seconds=seconds,
        chart=bars(table, lambda iri: label_in(names, iri, language)) if table else [],
        results_map=results_map(
            table, lambda iri: label_in(names, iri, language), template_helpers()["href"]
        )
        if table
        else None,
        max_results=publication.settings.max_results,
        examples=publication.answerable_queries.values(),
        example_name=request.args.get("example") if query is not None else None,
        error=error,
        share_link=share_link(query),
        prefixes=publication.store.prefixes,
        result_formats=RESULT_FORMATS,
        service_forms=[(fmt.media_type, f"/sparql?format={fmt.name}") for fmt in RDF_FORMATS],
    )
    response = Response(html, status=400 if error else 200, content_type=content_type(HTML))
    response.vary.add("Accept")
    # Its counterpart for machines: the service description.
    response.headers["Link"] = alternate_links("/sparql", RDF_OFFERS)
    return response


def share_link(query: str | None) -> str:
    """The address of this page with this query: an example by name, else the query's text."""
    example = request.args.get("example")
    arguments = {"example": example} if example else {"query": query or ""}
    return link_keeping_language("/sparql", arguments)


def label_in(names: dict[str, dict[str, str]], iri: str, language: str) -> str:
    """The label of ``iri`` in ``language`` (else English, else Finnish), or its short form."""
    return best_label(names.get(iri, {}), language) or compact(iri, served().store.prefixes)


def result_iris(table: dict[str, Any]) -> list[str]:
    """The IRIs in a table of results, at most :data:`LABELLED` of them, to look up labels."""
    found: dict[str, None] = {}
    for row in table.get("results", {}).get("bindings", []):
        for cell in row.values():
            if cell.get("type") == "uri":
                found[cell["value"]] = None
                if len(found) >= LABELLED:
                    return list(found)
    return list(found)


def _single(values: list[str]) -> str | None:
    if len(values) > 1:
        raise BadRequest("give exactly one query; this request has several 'query' parameters")
    return values[0] if values else None


def _acceptable(offers: tuple[str, ...], kind: str) -> str | None:
    table = RESULT_FORMATS if kind == "results" else RDF_FORMATS
    try:
        return negotiate(offers, table, kind)
    except NotAcceptable:
        return None


def _unavailable(message: str) -> ServiceUnavailable:
    error = ServiceUnavailable(message)
    error.retry_after = 5
    return error
