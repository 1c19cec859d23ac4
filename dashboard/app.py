"""The Dash app: ``create_app(...)`` builds it; ``app.server`` is the WSGI application.

    from dashboard import create_app
    app = create_app(events, texts)      # events: Event records; texts: doc_id -> article text
    app = create_app(db="events.db")     # or the events of a store (timeline extract --db)
    app.run(port=8050)

The page: filters and "add an article" on the left; the timeline; below it the events table
and the source panel; events not on a calendar listed at the bottom.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import dash_ag_grid as dag
import flask
from dash import Dash, dcc, html
from plotly.utils import PlotlyJSONEncoder

from dashboard import ids
from dashboard.callbacks import opening, register_callbacks, status, view_token
from dashboard.corpus import Corpus
from dashboard.data import Filters
from timeline.records import Event

UPLOAD_LIMIT = 5_000_000
ASSETS = Path(__file__).with_name("assets")


def create_app(
    events: Iterable[Event] = (),
    texts: dict[str, str] | None = None,
    *,
    db: str | os.PathLike | None = None,
    title: str = "timeline",
    mode: str = "auto",
    upload_limit: int = UPLOAD_LIMIT,
    nlp=None,
    model: str | None = None,
) -> Dash:
    """A new dashboard over ``events`` (``texts`` gives the articles' text for the source
    panel), or over the store ``db`` (written by ``timeline extract --db``; read as the page
    asks, never whole; ``timeline.store.StoreError`` when it is not one). Articles added in
    the browser are extracted with ``nlp`` (spaCy; default: the blank English pipeline, or
    the one named ``model``) in ``mode``: into the page's own session, or, with ``db``, into
    the store, for every reader. Uploads above ``upload_limit`` bytes are refused."""
    if db is not None:
        from dashboard.store import StoreCorpus

        if events or texts:
            raise ValueError("create_app: give events or db, not both")
        corpus = StoreCorpus(db, mode=mode, nlp=nlp, model=model)
    else:
        corpus = Corpus(events, texts, mode=mode, nlp=nlp)
    app = Dash(
        __name__, title=title, assets_folder=str(ASSETS), update_title=None,
        suppress_callback_exceptions=False,
    )
    # Refuse request bodies far above the upload limit before reading them (base64 adds 1/3).
    app.server.config["MAX_CONTENT_LENGTH"] = upload_limit * 2 + 1_000_000
    app.server.register_error_handler(413, too_large(upload_limit))
    front = front_page(corpus)
    app.layout = lambda: layout(corpus, title, upload_limit, *front())
    register_callbacks(app, corpus, upload_limit=upload_limit, title=title)
    app.corpus = corpus  # for tests and the command line
    return app


def too_large(upload_limit: int) -> Callable:
    """What answers a request body above ``MAX_CONTENT_LENGTH``: for a callback, that is an
    upload far above the limit (no other callback sends as much), so the page's message, as
    the add callback gives it, instead of a bare 413 the page would not show."""
    def answer(error):
        if not flask.request.path.endswith("/_dash-update-component"):
            return error
        size = (flask.request.content_length or 0) * 3 // 4  # base64 in JSON
        message = status(f"the file is too large ({size / 1_000_000:.1f} MB); the limit is "
                         f"{upload_limit / 1_000_000:g} MB", error=True)
        response = {ids.ADD_STATUS: {"children": message}, ids.UPLOAD: {"contents": None}}
        return flask.Response(json.dumps({"multi": True, "response": response},
                                         cls=PlotlyJSONEncoder), mimetype="application/json")

    return answer


def front_page(corpus: Corpus) -> Callable[[], tuple[tuple, dict]]:
    """The filter choices and the opening view, made once and again only when the served
    events change (a store written to), not per page load."""
    lock = threading.Lock()
    made: dict = {}

    def get() -> tuple[tuple, dict]:
        version = corpus.version()
        with lock:  # one page load makes it; the others wait for it
            if made.get("version") != version:
                made.update(version=version, value=(corpus.choices(None), opening(corpus)))
            return made["value"]

    get()
    return get


def layout(corpus: Corpus, title: str, upload_limit: int, choices: tuple,
           first: dict) -> html.Div:
    """The page, complete with the opening view (``first``); called on every page load, so
    each page gets its own session id."""
    session = {"id": corpus.new_session_id(), "version": 0}
    return html.Div(className="tl-page", children=[
        dcc.Store(id=ids.SESSION, data=session),
        dcc.Store(id=ids.VIEW, data=view_token(session, Filters())),
        dcc.Store(id=ids.SELECTED),
        dcc.Store(id=ids.SHOWN_LANES, data=first["lanes"]),
        dcc.Store(id=ids.GRID_TARGET),
        dcc.Store(id=ids.CLIENT_DONE),
        dcc.Download(id=ids.DOWNLOAD),
        html.Header(className="tl-header", children=[
            html.H1(title),
            html.Div(first["summary"], id=ids.COUNTS, className="tl-counts", role="status"),
        ]),
        html.Div(className="tl-body", children=[
            html.Aside(className="tl-side", children=[
                _filters(*choices),
                _add_article(upload_limit),
                _export(),
            ]),
            html.Main(className="tl-main", children=[
                html.Div(
                    id=ids.EMPTY, className="tl-empty",
                    style=first["empty"],
                    children=[
                        html.H2("No events yet"),
                        html.P("Add an article on the left: paste its text or upload a file "
                               "(.txt, .html or .jsonl). Its dated events appear here."),
                    ],
                ),
                dcc.Graph(
                    id=ids.FIGURE, className="tl-figure",
                    figure=first["figure"],
                    config={"displaylogo": False, "scrollZoom": True,
                            "modeBarButtonsToRemove": ["select2d", "lasso2d"]},
                ),
                html.Div(className="tl-lower", children=[
                    html.Section(className="tl-table", children=[
                        html.H2("Events"),
                        _grid(),
                    ]),
                    html.Section(className="tl-source", children=[
                        html.H2("Source"),
                        html.Div(id=ids.SOURCE, className="tl-source-body", children=html.P(
                            "Click an event in the timeline or the table to read it in its "
                            "article.", className="tl-hint")),
                    ]),
                ]),
                html.Section(className="tl-undated", children=[
                    html.H2("Not on the calendar"),
                    html.Div(first["undated"], id=ids.UNDATED),
                ]),
            ]),
        ]),
    ])


def _filters(documents: list, actors: list, granularities: list) -> html.Section:
    return html.Section(className="tl-filters", children=[
        html.H2("Filter"),
        html.Label("Search", htmlFor=ids.SEARCH),
        dcc.Input(id=ids.SEARCH, type="search", debounce=0.15, placeholder="words in events",
                  className="tl-input"),
        html.Label("Dates"),
        dcc.DatePickerRange(id=ids.DATES, clearable=True, display_format="YYYY-MM-DD",
                            start_date_placeholder_text="from",
                            end_date_placeholder_text="to"),
        html.Label("Documents", htmlFor=ids.DOCUMENTS),
        dcc.Dropdown(id=ids.DOCUMENTS, multi=True, placeholder="all documents",
                     options=documents),
        html.Label("Actors", htmlFor=ids.ACTORS),
        dcc.Dropdown(id=ids.ACTORS, multi=True, placeholder="all actors",
                     options=actors),
        html.Label("Granularity"),
        dcc.Checklist(id=ids.GRANULARITY, className="tl-checks", inline=True,
                      options=granularities),
        html.Label("Lanes"),
        dcc.RadioItems(id=ids.LANES, value="document", inline=True, className="tl-checks",
                       options=[{"label": "by document", "value": "document"},
                                {"label": "by actor", "value": "actor"}]),
        html.Button("Clear filters", id=ids.RESET, className="tl-button tl-quiet"),
    ])


def _add_article(upload_limit: int) -> html.Section:
    megabytes = f"{upload_limit / 1_000_000:g} MB"
    return html.Section(className="tl-add", children=[
        html.H2("Add an article"),
        dcc.Upload(
            # no ``accept``: the browser would drop another kind of file silently, and the
            # server says why it cannot read it
            id=ids.UPLOAD, className="tl-upload", multiple=False,
            children=html.Div(["Drop a file here or ", html.A("choose one"),
                               html.Br(), html.Small(f".txt, .html, .jsonl; up to {megabytes}")]),
        ),
        html.Label("or paste its text", htmlFor=ids.PASTE),
        dcc.Textarea(id=ids.PASTE, className="tl-textarea", placeholder="article text"),
        html.Label("Title (optional)", htmlFor=ids.PASTE_TITLE),
        dcc.Input(id=ids.PASTE_TITLE, type="text", className="tl-input"),
        html.Label("Published (optional)", htmlFor=ids.PUBLISHED),
        dcc.Input(id=ids.PUBLISHED, type="text", placeholder="YYYY-MM-DD",
                  className="tl-input"),
        html.Button("Add pasted text", id=ids.ADD, className="tl-button"),
        html.Div(id=ids.ADD_STATUS, className="tl-status", role="status"),
    ])


def _export() -> html.Section:
    return html.Section(className="tl-export", children=[
        html.H2("Export what is shown"),
        html.Button("Events (CSV)", id=ids.DOWNLOAD_CSV, className="tl-button tl-quiet"),
        html.Button("Figure (HTML)", id=ids.DOWNLOAD_HTML, className="tl-button tl-quiet"),
    ])


def _grid() -> dag.AgGrid:
    columns = [
        {"field": "date", "headerName": "Date", "width": 120},
        {"field": "granularity", "headerName": "Unit", "width": 90},
        {"field": "event", "headerName": "Event", "flex": 3, "minWidth": 260,
         "tooltipField": "event"},
        {"field": "trigger", "headerName": "Trigger", "width": 110},
        {"field": "actors_text", "headerName": "Actors", "flex": 1, "minWidth": 140,
         "tooltipField": "actors_text"},
        {"field": "timex_text", "headerName": "As written", "width": 140},
        {"field": "doc", "headerName": "Document", "flex": 1, "minWidth": 140,
         "tooltipField": "doc"},
    ]
    return dag.AgGrid(
        id=ids.GRID,
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True,
                       "filter": "agTextColumnFilter",
                       "filterParams": {"buttons": ["reset"], "maxNumConditions": 1}},
        rowModelType="infinite",
        getRowId="params.data.key",
        dashGridOptions={
            "rowSelection": {"mode": "singleRow", "checkboxes": False,
                             "enableClickSelection": True},
            "cacheBlockSize": 100, "maxBlocksInCache": 20, "infiniteInitialRowCount": 1,
            "tooltipShowDelay": 400,
        },
        className="ag-theme-quartz tl-grid",
        style={"height": "420px", "width": "100%"},
    )
