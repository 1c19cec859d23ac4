"""The page's callbacks, registered on one app (never the global ``dash.callback`` list)."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pandas as pd
from dash import ClientsideFunction, Dash, Input, Output, Patch, State, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.corpus import Corpus, UploadError, decode_upload, read_upload
from dashboard.data import Filters, to_events, undated
from dashboard.figure import MAX_POINTS, figure_html
from timeline.export import write_events
from timeline.published import parse_date
from timeline.records import Event

UNDATED_SHOWN = 200
FILTER_INPUTS = (
    Input(ids.SEARCH, "value"),
    Input(ids.DATES, "start_date"),
    Input(ids.DATES, "end_date"),
    Input(ids.DOCUMENTS, "value"),
    Input(ids.ACTORS, "value"),
    Input(ids.GRANULARITY, "value"),
)


def view_token(session: dict | None, filters: Filters) -> dict:
    """What names a view: the session (id and version) and the filters, as JSON-able data."""
    return {
        "session": session,
        "filters": {
            "start": filters.start.isoformat() if filters.start else None,
            "end": filters.end.isoformat() if filters.end else None,
            "documents": list(filters.documents), "actors": list(filters.actors),
            "granularities": list(filters.granularities), "text": filters.text,
        },
    }


def token_filters(token: dict | None) -> tuple[dict | None, Filters]:
    if not token:
        return None, Filters()
    f = token.get("filters") or {}
    return token.get("session"), Filters.from_inputs(
        f.get("start"), f.get("end"), f.get("documents"), f.get("actors"),
        f.get("granularities"), f.get("text"))


def opening(corpus: Corpus) -> dict:
    """What the page shows before the reader does anything: the served events, unfiltered.

    Built once per app (per change of a store) and put in the layout, so a page is complete
    when it arrives instead of after two rounds of callbacks (at 100,000 events that is most
    of a second).
    """
    shown = corpus.counts(None, Filters())
    figure = corpus.figure(None, Filters(), uirevision="opening", empty_message="No events yet")
    return {
        "figure": figure, "lanes": figure.layout.meta["lanes"],
        "summary": shown.sentence() if shown.total else "No events yet",
        "undated": undated_items(*corpus.undated(None, Filters(), UNDATED_SHOWN)),
        "empty": {} if shown.total == 0 else {"display": "none"},
    }


def register_callbacks(app: Dash, corpus: Corpus, *, upload_limit: int, title: str) -> None:
    def figure_for(token, lanes, selected, xrange=None):
        session, filters = token_filters(token)
        figure = corpus.figure(
            session, filters, lanes=lanes or "document", xrange=xrange,
            selected=(selected or {}).get("key"), uirevision=json.dumps([token, lanes]),
            empty_message="No events match the filters" if corpus.total(session)
            else "No events yet",
        )
        return figure, figure.layout.meta["lanes"]

    # One callback, one round trip, for a new view: the counts and the figure together (as
    # two chained callbacks, the figure waited for the counts' answer before it was asked for).
    @app.callback(
        Output(ids.VIEW, "data"),
        Output(ids.COUNTS, "children"),
        Output(ids.UNDATED, "children"),
        Output(ids.EMPTY, "style"),
        Output(ids.FIGURE, "figure"),
        Output(ids.SHOWN_LANES, "data"),
        *FILTER_INPUTS,
        Input(ids.SESSION, "data"),
        Input(ids.LANES, "value"),
        State(ids.SELECTED, "data"),
        prevent_initial_call=True,  # the layout carries the opening view
    )
    def update_view(text, start, end, documents, actors, granularities, session, lanes,
                    selected):
        filters = Filters.from_inputs(start, end, documents, actors, granularities, text)
        token = view_token(session, filters)
        figure, shown_lanes = figure_for(token, lanes, selected)
        if ctx.triggered_id == ids.LANES:  # the same events on other lanes
            return no_update, no_update, no_update, no_update, figure, shown_lanes
        shown = corpus.counts(session, filters)
        empty = {} if shown.total == 0 else {"display": "none"}
        summary = shown.sentence() if shown.total else "No events yet"
        return token, summary, undated_items(*corpus.undated(session, filters,
                                                             UNDATED_SHOWN)), empty, \
            figure, shown_lanes

    # Zooming has a callback of its own. As an input of ``update_view``, a relayout Plotly
    # reported while a new figure was on its way superseded that figure (Dash keeps only the
    # latest call of a callback), and the answer to the relayout, "no update", left the old one.
    @app.callback(
        Output(ids.FIGURE, "figure", allow_duplicate=True),
        Output(ids.SHOWN_LANES, "data", allow_duplicate=True),
        Input(ids.FIGURE, "relayoutData"),
        State(ids.VIEW, "data"),
        State(ids.LANES, "value"),
        State(ids.SELECTED, "data"),
        prevent_initial_call=True,
    )
    def zoom(relayout, token, lanes, selected):
        zoom = zoomed_range(relayout)
        if zoom is None:
            return no_update, no_update
        shown = corpus.counts(*token_filters(token))
        if shown.events - shown.undated <= MAX_POINTS:
            return no_update, no_update  # everything is drawn already: Plotly zooms alone
        return figure_for(token, lanes, selected, None if zoom == "all" else zoom)

    @app.callback(
        Output(ids.GRID, "getRowsResponse"),
        Input(ids.GRID, "getRowsRequest"),
        State(ids.VIEW, "data"),
    )
    def rows(request, token):
        if not request:
            return no_update
        rows, total = corpus.grid(*token_filters(token), request)
        return {"rowData": rows, "rowCount": total}

    corpus.grid(None, Filters(), {})  # the opening table, ready for every page

    app.clientside_callback(
        ClientsideFunction("timeline", "refreshGrid"),
        Output(ids.CLIENT_DONE, "data"),
        Input(ids.VIEW, "data"),
        State(ids.GRID, "id"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.SELECTED, "data"),
        Input(ids.FIGURE, "clickData"),
        Input(ids.GRID, "cellClicked"),
        State(ids.SESSION, "data"),
        prevent_initial_call=True,
    )
    def select(click, cell, session):
        if ctx.triggered_id == ids.FIGURE:
            key = clicked_key(click)
            origin = "figure"
        else:
            key = (cell or {}).get("rowId")
            origin = "table"
        if not key or corpus.event(session, key) is None:
            return no_update
        return {"key": key, "from": origin}

    @app.callback(
        Output(ids.SOURCE, "children"),
        Output(ids.FIGURE, "figure", allow_duplicate=True),
        Output(ids.GRID_TARGET, "data"),
        Input(ids.SELECTED, "data"),
        State(ids.VIEW, "data"),
        State(ids.SHOWN_LANES, "data"),
        State(ids.LANES, "value"),
        State(ids.GRID, "getRowsRequest"),
        prevent_initial_call=True,
    )
    def show(selected, token, shown_lanes, lanes, request):
        key = (selected or {}).get("key")
        session, filters = token_filters(token)
        row = corpus.event(session, key)
        if row is None:
            return no_update, no_update, no_update
        panel = source_panel(row, corpus.text(session, row["doc_id"]))
        x, y = corpus.highlight(session, filters, key, shown_lanes or [], lanes or "document")
        ring = Patch()
        ring["data"][0]["x"] = x
        ring["data"][0]["y"] = y
        target = no_update
        if selected.get("from") == "figure":
            index = corpus.row_index(session, filters, request or {}, key)
            target = {"key": key, "index": index}
        return panel, ring, target

    app.clientside_callback(
        ClientsideFunction("timeline", "selectRow"),
        Output(ids.CLIENT_DONE, "data", allow_duplicate=True),
        Input(ids.GRID_TARGET, "data"),
        State(ids.GRID, "id"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        ClientsideFunction("timeline", "revealMark"),
        Output(ids.CLIENT_DONE, "data", allow_duplicate=True),
        Input(ids.SOURCE, "children"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.SESSION, "data"),
        Output(ids.ADD_STATUS, "children"),
        Output(ids.PASTE, "value"),
        Output(ids.UPLOAD, "contents"),
        Input(ids.UPLOAD, "contents"),
        Input(ids.ADD, "n_clicks"),
        State(ids.UPLOAD, "filename"),
        State(ids.PASTE, "value"),
        State(ids.PASTE_TITLE, "value"),
        State(ids.PUBLISHED, "value"),
        State(ids.SESSION, "data"),
        prevent_initial_call=True,
    )
    def add(contents, _clicks, filename, pasted, title_text, published_text, session):
        uploading = ctx.triggered_id == ids.UPLOAD
        if uploading and not contents:
            return no_update, no_update, no_update, no_update
        try:
            published = published_date(published_text)
            if uploading:
                data = decode_upload(contents, filename or "", upload_limit)
                name = filename
            else:
                if not (pasted or "").strip():
                    raise UploadError("nothing to add: paste an article's text first")
                data = pasted.encode("utf-8")
                if len(data) > upload_limit:
                    raise UploadError(f"the pasted text is too large; the limit is "
                                      f"{upload_limit / 1_000_000:g} MB")
                name = "pasted.txt"
            documents, problems = read_upload(data, name, published)
            if not uploading:
                documents = [_pasted(d, title_text) for d in documents]
            if not documents:
                raise UploadError("; ".join(problems) or f"{name}: no article found in it")
            ref, events, added = corpus.add(session, documents)
        except UploadError as problem:
            return no_update, status(str(problem), error=True), no_update, None
        return ref, added_status(added, events, problems), "" if not uploading else no_update, \
            None

    @app.callback(
        Output(ids.DOCUMENTS, "options"),
        Output(ids.ACTORS, "options"),
        Output(ids.GRANULARITY, "options"),
        Input(ids.SESSION, "data"),
        prevent_initial_call=True,
    )
    def options(session):
        return corpus.choices(session)

    # The dropdowns offer OPTIONS_SHOWN choices; what the reader types finds the others.
    for dropdown, kind in ((ids.DOCUMENTS, "documents"), (ids.ACTORS, "actors")):
        def find(search, chosen, session, kind=kind):
            return corpus.options(session, kind, (search or "").strip(), chosen or ())

        app.callback(
            Output(dropdown, "options", allow_duplicate=True),
            Input(dropdown, "search_value"),
            State(dropdown, "value"),
            State(ids.SESSION, "data"),
            prevent_initial_call=True,
        )(find)

    @app.callback(
        Output(ids.SEARCH, "value"),
        Output(ids.DATES, "start_date"),
        Output(ids.DATES, "end_date"),
        Output(ids.DOCUMENTS, "value"),
        Output(ids.ACTORS, "value"),
        Output(ids.GRANULARITY, "value"),
        Input(ids.RESET, "n_clicks"),
        prevent_initial_call=True,
    )
    def reset(_clicks):
        return "", None, None, [], [], []

    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Input(ids.DOWNLOAD_CSV, "n_clicks"),
        Input(ids.DOWNLOAD_HTML, "n_clicks"),
        State(ids.VIEW, "data"),
        State(ids.LANES, "value"),
        prevent_initial_call=True,
    )
    def download(_csv, _html, token, lanes):
        session, filters = token_filters(token)
        if ctx.triggered_id == ids.DOWNLOAD_HTML:
            figure = corpus.figure(session, filters, lanes=lanes or "document")
            return dcc.send_string(figure_html(figure, title), "timeline.html")
        return dcc.send_bytes(csv_bytes(corpus.export(session, filters)), "events.csv")


def zoomed_range(relayout: dict | None):
    """The x range a relayout event set, ``"all"`` for an autorange, None when it is not one."""
    if not relayout:
        return None
    if relayout.get("xaxis.autorange"):
        return "all"
    if "xaxis.range[0]" in relayout and "xaxis.range[1]" in relayout:
        return [relayout["xaxis.range[0]"], relayout["xaxis.range[1]"]]
    if isinstance(relayout.get("xaxis.range"), list) and len(relayout["xaxis.range"]) == 2:
        return list(relayout["xaxis.range"])
    return None


def clicked_key(click: dict | None) -> str | None:
    """The event key of a clicked marker (counts and bars carry none)."""
    for point in (click or {}).get("points") or ():
        data = point.get("customdata")
        if isinstance(data, list) and data and isinstance(data[0], str) and \
                data[0][:1] in ("b", "u") and data[0][1:].isdigit():
            return data[0]
    return None


def published_date(text: str | None) -> dt.date | None:
    if not text or not text.strip():
        return None
    day = parse_date(text.strip())
    if day is None:
        raise UploadError(f"published: cannot read {text.strip()!r} as a date; "
                          "write it like 2023-09-13")
    return day


def _pasted(document, title):
    title = (title or "").strip()
    doc_id = "pasted" if not title else "-".join(title.lower().split())[:40]
    return replace(document, doc_id=doc_id, title=title or document.title, source="pasted text")


def status(message: str, *, error: bool = False) -> html.Div:
    return html.Div(message, className="tl-error" if error else "tl-ok")


def added_status(added, events, problems) -> html.Div:
    names = ", ".join(d.title or d.doc_id for d in added[:3]) + (
        f" and {len(added) - 3} more" if len(added) > 3 else "")
    n = len(events)
    lines = [html.Div(f"Added {names}: {n} event{'s' if n != 1 else ''}.", className="tl-ok")]
    if not events:
        lines.append(html.Div("No dated events were found in it.", className="tl-warn"))
    for problem in problems[:5]:
        lines.append(html.Div(problem, className="tl-warn"))
    return html.Div(lines)


def undated_list(view: pd.DataFrame) -> list:
    """The events of ``view`` not on a calendar, listed (the first ``UNDATED_SHOWN``)."""
    rows = undated(view)
    return undated_items(rows.head(UNDATED_SHOWN), len(rows))


def undated_items(rows: pd.DataFrame, total: int) -> list:
    """The list of events not on a calendar: ``rows`` (the first few), of ``total``."""
    if rows.empty:
        return [html.P("None.", className="tl-hint")]
    items = [
        html.Li([html.Span(r["timex_text"] or r["date"], className="tl-chip"), " ",
                 r["event"], html.Span(f" · {r['doc']}", className="tl-hint")])
        for _, r in rows.head(UNDATED_SHOWN).iterrows()
    ]
    more = total - UNDATED_SHOWN
    tail = [html.P(f"... and {more:,} more (see the table)", className="tl-hint")] if more > 0 \
        else []
    return [html.P(f"{total:,} events whose date cannot be placed on a calendar "
                   "(no publication date, or no year):", className="tl-hint"),
            html.Ul(items, className="tl-undated-list"), *tail]


def source_panel(row: dict, text: str | None) -> list:
    """The article with the event's expression and trigger marked, rendered as text.

    With the article's text at hand, the offsets place the marks; otherwise (events read
    from a file) the sentence is shown and the words are found in it.
    """
    spans = []
    whole = text is not None and _fits(text, row)
    body = text if whole else (row.get("sentence") or row.get("event") or "")
    if whole:
        spans.append((int(row["timex_start"]), int(row["timex_end"]), "tl-timex"))
        if row.get("trigger_start") is not None and not pd.isna(row.get("trigger_start")):
            spans.append((int(row["trigger_start"]), int(row["trigger_end"]), "tl-trigger"))
    else:
        for word, kind in ((row.get("timex_text"), "tl-timex"), (row.get("trigger"),
                                                                  "tl-trigger")):
            if isinstance(word, str) and word:
                at = body.find(word)
                if at >= 0:
                    spans.append((at, at + len(word), kind))
    pieces, cursor = [], 0
    for start, end, kind in sorted(_no_overlap(spans)):
        pieces.append(body[cursor:start])
        pieces.append(html.Mark(body[start:end], className=kind))
        cursor = end
    pieces.append(body[cursor:])
    head = [
        html.H3(row.get("title") or row["doc_id"]),
        html.P([html.Strong(row["date"]), f" · {row.get('granularity') or 'not on calendar'}",
                f" · written “{row['timex_text']}”", f" · trigger “{row['trigger']}”"
                if row.get("trigger") else "",
                f" · published {row['published']}" if row.get("published") else "",
                f" · {row['source']}" if row.get("source") else ""],
               className="tl-meta"),
    ]
    if not whole:
        head.append(html.P("The article's text is not loaded; this is the sentence.",
                           className="tl-hint"))
    # the head stays in view while the panel scrolls the article to the expression
    return [html.Div(head, className="tl-source-head"), html.Div(pieces, className="tl-article")]


def _fits(text: str, row: dict) -> bool:
    try:
        start, end = int(row["timex_start"]), int(row["timex_end"])
    except (TypeError, ValueError):
        return False
    return 0 <= start < end <= len(text) and text[start:end] == row["timex_text"]


def _no_overlap(spans):
    kept = []
    for span in sorted(spans):
        if all(span[0] >= k[1] or span[1] <= k[0] for k in kept):
            kept.append(span)
    return kept


def csv_bytes(events: pd.DataFrame | Iterable[Event]) -> bytes:
    """The events (a frame of them, or ``Event`` records) as the CLI's CSV (same columns,
    same cell rules)."""
    if isinstance(events, pd.DataFrame):
        events = to_events(events)
    with tempfile.TemporaryDirectory(prefix="timeline-csv-") as folder:
        path = Path(folder) / "events.csv"
        write_events(events, path, "csv")
        return path.read_bytes()
