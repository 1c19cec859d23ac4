"""Measure the dashboard in headless Chromium with 1k, 10k and 100k events.

    cd /work/main && python benchmarks/dashboard.py
    python benchmarks/dashboard.py --sizes 1000,10000,100000 --repeat 3 --screenshot page.png

What it does, for each size:

1. Events: real events are extracted once from ``examples/article.txt`` and the first
   ``--documents`` articles of ``--corpus`` (default ``../shared/corpora/te3-silver`` from the
   repository root, when present), then replicated up to the size: copy ``n`` gets the doc_id
   suffix ``-c{n}`` and its dates moved ``n`` whole years back (``start``/``end``, the TIMEX
   value, the publication date; ISO weeks and month ends are recomputed so ``start``/``end``
   stay consistent with ``date``).
2. The server side, in Python: the parts of the callbacks called directly (``Corpus.view``,
   ``build_figure``, the JSON Dash sends, the table's first block, the page layout).
3. The browser: the real app (``dashboard.create_app``) served by werkzeug on a free loopback
   port in a thread, Chromium through Playwright. Each repeat opens a fresh browser context
   (cold browser cache) and the server's view cache is emptied, so nothing is served from a
   cache. Measured: the first render (``page.goto`` until the figure has drawn data, the table
   has rows and the counts show the total); then, on the page at rest, a text search
   (``--search`` typed into the search box, then Enter) and ticking one granularity
   (``--granularity``), each until the counts changed and the figure's data was replaced and
   drawn again. The search box is debounced (0.15 s; Enter does not cut it short): the table
   also shows the time from the filter's callback request to the redraw ("after debounce").
   Each figure is split into its parts (debounce, the callback's round trip, drawing) from the
   browser's request timings.
   A run that times out is reported with what the page showed, and left out of the medians.

The medians of ``--repeat`` runs are printed, with the goals of the issue at the largest size
(first render < 3 s, a filter < 0.5 s at 100k events), the machine and its load average (other
work on the machine slows the browser). ``--screenshot PATH`` saves the whole page at the
smallest size.

``--db`` compares the two ways of serving instead: the events of each size are written to a
Parquet file and to a store (``timeline.store``, with the articles' texts), and each is served by
``timeline serve`` in a process of its own (``serve events.parquet``: the events in memory;
``serve --db events.db``: read as the page asks), started afresh for each run (cold caches).
Measured: the start (until the page's layout answers), the same browser runs as above, and the
server process's resident memory (``VmRSS``) after the start and after the runs, and its peak
(``VmHWM``), from ``/proc``.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import hashlib
import itertools
import json
import logging
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as ``python benchmarks/dashboard.py``, this file's folder comes first on the path and
# its name would hide the ``dashboard`` package: put the repository root there instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(ROOT))

from dash._utils import to_json  # noqa: E402  (what Dash serializes responses with)
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from dashboard import create_app, ids  # noqa: E402
from dashboard.callbacks import undated_list, view_token  # noqa: E402
from dashboard.data import Filters, counts, grid_query, grid_rows  # noqa: E402
from dashboard.figure import MAX_POINTS, build_figure  # noqa: E402
from timeline.events import extract_documents  # noqa: E402
from timeline.export import write_events  # noqa: E402
from timeline.readers import read_documents  # noqa: E402
from timeline.records import Document, Event  # noqa: E402
from timeline.store import extraction_settings, open_store  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
EXAMPLE = ROOT / "examples" / "article.txt"
CORPUS = ROOT.parent / "shared" / "corpora" / "te3-silver"
GOAL_FIRST = 3.0
GOAL_FILTER = 0.5
MAX_SHIFT = 100  # copies beyond this many years start over (only without a corpus)
TIMEOUT_MS = 120_000

# In the page: the Plotly div of the figure, and what is drawn in it.
JS_HELPERS = f"""
window.__bench = window.__bench || {{}};
window.__bench.gd = function () {{
  return document.querySelector('#{ids.FIGURE} .js-plotly-plot');
}};
window.__bench.points = function () {{
  var gd = window.__bench.gd();
  if (!gd || !gd._fullLayout || !gd.data || !gd.data.length) {{ return 0; }}
  var n = 0;
  (gd._fullData || []).forEach(function (t) {{ n += t._length || 0; }});
  if (!n) {{ gd.data.forEach(function (t) {{ n += (t.x && t.x.length) || 0; }}); }}
  return n;
}};
window.__bench.rows = function () {{
  var cells = document.querySelectorAll(
    '#{ids.GRID} .ag-center-cols-container .ag-row .ag-cell[col-id="event"]');
  for (var i = 0; i < cells.length; i++) {{
    if (cells[i].textContent.trim()) {{ return true; }}
  }}
  return false;
}};
window.__bench.counts = function () {{
  var el = document.getElementById('{ids.COUNTS}');
  return el ? el.textContent : '';
}};
"""

JS_FIRST_RENDER = """
(total) => {
  if (!window.__bench || !window.__bench.gd) { return false; }
  var b = window.__bench, now = performance.now(), seen = b.seen = b.seen || {};
  if (!seen.figure && b.points() > 0) { seen.figure = now; }
  if (!seen.rows && b.rows()) { seen.rows = now; }
  if (!seen.counts && b.counts().indexOf(total + ' event') === 0) { seen.counts = now; }
  return seen.figure && seen.rows && seen.counts ? seen : false;
}
"""

# What this browser's WebGL is, and how long a context takes to make (Plotly's scattergl
# makes its own).
JS_WEBGL = """
() => {
  var started = performance.now();
  var gl = document.createElement('canvas').getContext('webgl');
  var took = performance.now() - started;
  if (!gl) { return ['no WebGL', took]; }
  var info = gl.getExtension('WEBGL_debug_renderer_info');
  return [info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER),
          took];
}
"""

JS_WATCH = """
() => {
  var b = window.__bench, gd = b.gd();
  if (!b.watching) {
    b.watching = true;
    b.plots = 0;
    gd.on('plotly_afterplot', function () { b.plots += 1; b.lastPlot = performance.now(); });
  }
  b.before = {data: gd.data, counts: b.counts(), plots: b.plots};
  performance.clearResourceTimings();
  performance.setResourceTimingBufferSize(100000);
  return performance.now();
}
"""

# Wait until the page has nothing left to do (at most 5 s), so that a filter is timed from a
# page at rest, not one still finishing its first render.
JS_SETTLE = """
() => new Promise(function (resolve) {
  requestAnimationFrame(function () {
    requestIdleCallback(function () { resolve(true); }, {timeout: 5000});
  });
})
"""

JS_CHANGED = """
() => {
  var b = window.__bench, gd = b.gd();
  if (gd.data !== b.before.data && b.counts() !== b.before.counts && b.plots > b.before.plots
      && gd._fullLayout) {
    return performance.now();
  }
  return false;
}
"""



# Events -------------------------------------------------------------------------------------


def extract_events(corpus: Path | None, documents: int) -> tuple[list[Event], dict, str]:
    """The real events of the example article and of the corpus' first ``documents`` articles,
    their texts, and a sentence saying where they came from."""
    problems = []
    started = time.perf_counter()
    found = list(read_documents([str(EXAMPLE)], error=problems.append, warn=lambda _: None))
    from_corpus = 0
    if corpus is not None and corpus.is_dir():
        more = read_documents([str(corpus)], error=problems.append, warn=lambda _: None)
        found += itertools.islice(more, documents)
        from_corpus = len(found) - 1
    events, texts = [], {}
    for document, extracted in extract_documents(found):
        texts[document.doc_id] = document.text
        events.extend(extracted)
    seconds = time.perf_counter() - started
    where = f"{EXAMPLE.relative_to(ROOT)}"
    if from_corpus:
        where += f" + the first {from_corpus} articles of {corpus}"
    elif corpus is not None:
        where += f" (no corpus at {corpus}: the example only)"
    source = (f"{len(events):,} real events extracted from {len(found)} documents ({where}) "
              f"in {seconds:.1f} s")
    if problems:
        source += f"; {len(problems)} read problems, first: {problems[0]}"
    return events, texts, source


def replicate(events: list[Event], texts: dict, size: int) -> tuple[list[Event], dict, int]:
    """``size`` events: copies of ``events``, copy n with doc_id suffix ``-c{n}`` and dates
    moved n years back; the texts of the documents used; how many copies were needed."""
    out: list[Event] = []
    out_texts: dict[str, str] = {}
    copy = 0
    while len(out) < size and events:
        for event in events[: size - len(out)]:
            moved = shifted(event, copy)
            out.append(moved)
            if moved.doc_id not in out_texts and event.doc_id in texts:
                out_texts[moved.doc_id] = texts[event.doc_id]
        copy += 1
    return out, out_texts, copy


def shifted(event: Event, copy: int) -> Event:
    """Copy ``copy`` of ``event``: its own doc_id and event_id, its dates ``copy`` years back
    (copies beyond ``MAX_SHIFT`` start over)."""
    if copy == 0:
        return event
    suffix = f"-c{copy}"
    years = -(copy % MAX_SHIFT)
    date, start, end = shift_when(event.date, event.start, event.end, event.granularity, years)
    published = event.published
    if published:
        published = add_years(dt.date.fromisoformat(published[:10]), years).isoformat()
    event_id = event.event_id
    if event_id.startswith(event.doc_id):
        event_id = event.doc_id + suffix + event_id[len(event.doc_id):]
    return replace(
        event, doc_id=event.doc_id + suffix, event_id=event_id, date=date, start=start,
        end=end, published=published,
        timex_value=date if event.timex_value == event.date else event.timex_value,
    )


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # February 29 in a year without one
        return day.replace(year=day.year + years, day=28)


def shift_when(value: str, start: str | None, end: str | None, granularity: str | None,
               years: int) -> tuple[str, str | None, str | None]:
    """(date, start, end) moved ``years`` years, ``start``/``end`` consistent with ``date``."""
    if not years or not start or not end:
        return value, start, end
    lo, hi = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    week = re.fullmatch(r"(\d{4})-W(\d{2})(-WE)?", value)
    if week:
        year = int(week[1]) + years
        number = min(int(week[2]), dt.date(year, 12, 28).isocalendar().week)
        monday = dt.date.fromisocalendar(year, number, 1)
        first, last = (5, 6) if week[3] else (0, 6)
        return (f"{year:04d}-W{number:02d}{week[3] or ''}",
                (monday + dt.timedelta(days=first)).isoformat(),
                (monday + dt.timedelta(days=last)).isoformat())
    if re.fullmatch(r"\d{2,3}", value):  # a decade ("199") or a century ("19")
        step = 10 ** (4 - len(value))
        years = int(years / step) * step  # whole decades (centuries), towards zero
        return (str(int(value) + years // step).zfill(len(value)),
                add_years(lo, years).isoformat(), add_years(hi, years).isoformat())
    new_lo, new_hi = add_years(lo, years), add_years(hi, years)
    if granularity not in ("day", "time") and hi.day == calendar.monthrange(hi.year,
                                                                           hi.month)[1]:
        new_hi = new_hi.replace(day=calendar.monthrange(new_hi.year, new_hi.month)[1])
    if re.match(r"\d{4}-\d{2}-\d{2}", value):
        value = add_years(dt.date.fromisoformat(value[:10]), years).isoformat() + value[10:]
    elif re.match(r"\d{4}", value):
        value = f"{int(value[:4]) + years:04d}{value[4:]}"
    # else a duration ("P5Y"): the value stays, its anchored period moves
    return value, new_lo.isoformat(), new_hi.isoformat()


# Server side --------------------------------------------------------------------------------


def forget_views(app) -> None:
    """Empty the server's cache of filtered views, so a filter is computed afresh."""
    views = getattr(getattr(app, "corpus", None), "_views", None)
    if views is not None:
        views.clear()


def code_version() -> str:
    """A fingerprint of the dashboard's code measured (it has no commit of its own yet)."""
    digest = hashlib.sha256()
    files = sorted((ROOT / "dashboard").rglob("*.py")) + sorted(
        (ROOT / "dashboard" / "assets").glob("*"))
    for path in files:
        digest.update(path.read_bytes())
    newest = max(path.stat().st_mtime for path in files)
    return (f"sha256 {digest.hexdigest()[:12]} of dashboard/*.py and assets, last changed "
            f"{dt.datetime.fromtimestamp(newest).astimezone():%Y-%m-%d %H:%M}")


def python_side(app, filters: dict[str, Filters], repeat: int) -> dict:
    """Median seconds of what the callbacks do, called directly, and the bytes sent."""
    corpus = app.corpus
    total = len(corpus.base)
    samples: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    modes: dict[str, str] = {}

    def timed(name, function):
        started = time.perf_counter()
        result = function()
        samples.setdefault(name, []).append(time.perf_counter() - started)
        return result

    for _ in range(repeat):
        page = timed("layout", app.layout)
        sizes["layout"] = len(timed("layout json", lambda page=page: to_json(page)))
        for case, chosen in filters.items():
            forget_views(app)  # a cold view cache, as for a new filter
            view = timed(f"{case} view", lambda chosen=chosen: corpus.view(None, chosen))
            timed(f"{case} counts", lambda view=view: (counts(view, total).sentence(),
                                                       undated_list(view)))
            token = view_token(None, chosen)
            figure = timed(f"{case} figure", lambda view=view, token=token: build_figure(
                view, lanes="document", uirevision=json.dumps([token, "document"])))
            payload = timed(f"{case} json", lambda figure=figure: to_json(figure))
            sizes[f"{case} figure"] = len(payload.encode("utf-8"))
            modes[case] = figure.layout.meta["mode"]
            timed(f"{case} table", lambda view=view: grid_rows(grid_query(
                view, {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}})[0]))
            sizes[f"{case} shown"] = len(view)
    forget_views(app)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    return {"seconds": medians, "bytes": sizes, "modes": modes}


# Browser ------------------------------------------------------------------------------------


class Server:
    """The app's WSGI server on a free loopback port, in a background thread."""

    def __init__(self, app):
        self.httpd = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.httpd.shutdown()
        self.thread.join(timeout=10)
        self.httpd.server_close()


class Calls:
    """The page's requests to the Dash server, to time the callbacks from the browser."""

    def __init__(self, page):
        self.requests: list = []
        page.on("request", self._seen)

    def _seen(self, request) -> None:
        if "/_dash-" in request.url:
            self.requests.append(request)

    def last(self, output: str, since: int = 0):
        """The last callback request since request ``since`` with ``output`` among its
        outputs (``"timeline-figure.figure"``) that was not only the figure reporting a
        relayout (which is answered "no update" unless it zooms), or None."""
        relayout = [f"{ids.FIGURE}.relayoutData"]
        found = [r for r in self.requests[since:] if output in (r.post_data or "")
                 and Calls.changed(r) != relayout]
        return found[-1] if found else None

    def first(self, output: str = "", since: int = 0):
        """The first callback request since request ``since`` with ``output`` among its
        outputs (any callback for ``""``), or None."""
        found = [r for r in self.requests[since:] if "_dash-update-component" in r.url
                 and output in (r.post_data or "")]
        return found[0] if found else None

    @staticmethod
    def changed(request) -> list[str]:
        try:
            return json.loads(request.post_data or "{}").get("changedPropIds") or []
        except (ValueError, AttributeError):
            return []

    @staticmethod
    def span(request, origin: float) -> tuple[float, float] | None:
        """When ``request`` was sent and its response had arrived, in page milliseconds."""
        if request is None:
            return None
        timing = request.timing
        if timing.get("responseEnd", -1) < 0:
            return None
        return timing["startTime"] - origin, timing["startTime"] + timing["responseEnd"] - origin

    @staticmethod
    def size(request) -> int:
        """The bytes of the response's body (0 for none, a 204 or an unfinished one)."""
        if request is None or request.timing.get("responseEnd", -1) < 0:
            return 0
        return int(request.sizes().get("responseBodySize") or 0)


VIEW_OUT = f"{ids.VIEW}.data"
FIGURE_OUT = f"{ids.FIGURE}.figure"


def browser_run(browser, app, url: str, size: int, search: str, granularity: str,
                screenshot: Path | None) -> dict:
    """One fresh page: first render, a search, clearing it, a granularity; seconds each."""
    forget_views(app)
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.add_init_script(JS_HELPERS)
    page = context.new_page()
    calls = Calls(page)
    result: dict = {}
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        seen = page.wait_for_function(JS_FIRST_RENDER, arg=f"{size:,}",
                                      timeout=TIMEOUT_MS).json_value()
        result["first"] = time.perf_counter() - started
        result["mode"] = page.evaluate("() => (window.__bench.gd().layout.meta || {}).mode")
        result["points"] = page.evaluate("() => window.__bench.points()")
        layout = next((r for r in calls.requests if "_dash-layout" in r.url), None)
        figure = calls.last(FIGURE_OUT)
        result["figure bytes"] = Calls.size(figure)
        result["layout bytes"] = Calls.size(layout)
        # Where the first render's time went, in page time (ms from the navigation start).
        origin = page.evaluate("() => performance.timeOrigin")
        loaded = Calls.span(layout, origin)
        view = Calls.span(calls.first(VIEW_OUT), origin)
        drawn = Calls.span(figure, origin)
        result["phases"] = {
            "scripts": loaded[0] if loaded else None,
            "view sent": view[0] if view else None,
            "figure arrived": drawn[1] if drawn else None,
            "figure drawn": seen["figure"], "rows": seen["rows"], "counts": seen["counts"],
        }
        if screenshot is not None:
            page.wait_for_timeout(300)
            page.screenshot(path=str(screenshot), full_page=True)

        search_box = page.locator(f"#{ids.SEARCH}")
        result["search"] = change(page, calls, origin, lambda: (
            search_box.fill(search), search_box.press("Enter")))
        change(page, calls, origin, lambda: (search_box.fill(""), search_box.press("Enter")))
        box = page.locator(f'#{ids.GRANULARITY} input[value="{granularity}"]')
        result["granularity"] = change(page, calls, origin, box.check)
    except PlaywrightTimeout as problem:
        result["error"] = f"{str(problem).splitlines()[0]}; the page then: {state(page)}"
    finally:
        context.close()
    return result


def state(page) -> str:
    """What the page shows, to say what a run that timed out was waiting for."""
    try:
        return json.dumps(page.evaluate("""() => {
          var b = window.__bench || {};
          return {points: b.points && b.points(), tableRows: b.rows && b.rows(),
                  counts: b.counts && b.counts(),
                  rowElements: document.querySelectorAll('.ag-row').length,
                  loading: document.querySelectorAll('.ag-loading').length};
        }"""))
    except Exception as problem:  # only a diagnostic: never fail the run for it
        return f"unknown ({problem})"


def webgl(browser) -> tuple[str, float]:
    """This browser's WebGL renderer and the milliseconds one context takes to make."""
    page = browser.new_page()
    try:
        return tuple(page.evaluate(JS_WEBGL))
    finally:
        page.close()


def change(page, calls: Calls, origin: float, act) -> dict:
    """Seconds from ``act()`` until the counts changed and the figure was redrawn with new
    data, and the parts: until the filter's callback was sent (the debounce), its round trip
    (the counts and the figure come in one answer), the drawing; the counts shown."""
    page.evaluate(JS_SETTLE)
    since = len(calls.requests)
    before = page.evaluate(JS_WATCH)
    act()
    done = page.wait_for_function(JS_CHANGED, timeout=TIMEOUT_MS).json_value()
    # The filter's own request: the figure may report a relayout in between, answered apart.
    view = Calls.span(calls.first(VIEW_OUT, since), origin)
    figure = Calls.span(calls.last(FIGURE_OUT, since), origin)
    out = {"total": (done - before) / 1000,
           "counts": page.evaluate("() => window.__bench.counts()")}
    if view and figure:
        out.update({
            "sent": (done - view[0]) / 1000, "debounce": (view[0] - before) / 1000,
            "view call": (view[1] - view[0]) / 1000, "draw": (done - figure[1]) / 1000,
        })
    return out


# Report -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="numbers of events, comma separated (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the median is "
                        "reported (default: %(default)s)")
    parser.add_argument("--corpus", type=Path, default=CORPUS,
                        help="a folder of articles to extract events from (default: "
                             "../shared/corpora/te3-silver from the repository root)")
    parser.add_argument("--documents", type=int, default=300,
                        help="how many of the corpus' articles to read (default: %(default)s)")
    parser.add_argument("--search", default="police",
                        help="the word typed in the search box (default: %(default)s)")
    parser.add_argument("--granularity", default="day",
                        help="the granularity ticked (default: %(default)s)")
    parser.add_argument("--screenshot", type=Path, default=None,
                        help="save a full-page PNG of the page at the smallest size")
    parser.add_argument("--db", action="store_true",
                        help="compare timeline serve over a Parquet file and over a store "
                             "(--db), each in its own process: start, browser, memory")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    repeat = max(1, args.repeat)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    print(f"date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}; {load()}")
    print(f"dashboard code: {code_version()}")
    events, texts, source = extract_events(args.corpus, args.documents)
    if not events:
        print("no events could be extracted", file=sys.stderr)
        return 1
    print(f"events: {source}; replicated to each size: copy n has doc_id suffix -c{{n}} and "
          f"its dates moved n years back")
    if args.db:
        return compare_serving(args, events, texts, sizes, repeat)
    filters = {"search": Filters(text=args.search),
               "granularity": Filters(granularities=(args.granularity,)),
               "all": Filters()}

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        print(f"browser: Chromium {browser.version} (headless), dashboard MAX_POINTS "
              f"{MAX_POINTS:,}; medians of {repeat} runs")
        renderer, took = webgl(browser)
        print(f"WebGL: {renderer} (a context takes {took:.0f} ms to make)")
        for number, size in enumerate(sizes):
            made, made_texts, copies = replicate(events, texts, size)
            started = time.perf_counter()
            app = create_app(made, made_texts)
            startup = time.perf_counter() - started
            documents = app.corpus.base["doc_id"].nunique()
            years = app.corpus.base["lo"].dropna()
            print(f"\n{size:,} events: {copies} copies, {documents:,} documents, dates "
                  f"{years.min().date()} to {years.max().date()}; create_app "
                  f"{startup:.2f} s")
            server = python_side(app, filters, repeat)
            runs = []
            with Server(app) as served:
                for run in range(repeat):
                    shot = args.screenshot if number == 0 and run == 0 else None
                    runs.append(browser_run(browser, app, served.url, size, args.search,
                                            args.granularity, shot))
            row = summarize(size, runs, server)
            rows.append(row)
            detail(row, runs, server)
            if args.screenshot and number == 0:
                print(f"screenshot of the {size:,}-event page: {args.screenshot}")
        browser.close()

    table(rows)
    goals(rows)
    print(f"\nat the end: {load()} (other work on the machine slows the browser: compare runs "
          "made under a similar load)")
    return 0


# Served by ``timeline serve``, from a file and from a store (--db) ----------------------------


def compare_serving(args, events: list[Event], texts: dict, sizes: list[int], repeat: int) -> int:
    """``--db``: each size served from a Parquet file and from a store, each run by a fresh
    ``timeline serve`` process; the browser's timings and the server's memory."""
    rows = []
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(
            prefix="timeline-bench-") as folder:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        print(f"browser: Chromium {browser.version} (headless); medians of {repeat} runs, "
              "each by a server started afresh")
        for size in sizes:
            made, made_texts, copies = replicate(events, texts, size)
            started = time.perf_counter()
            parquet, db = write_inputs(made, made_texts, Path(folder) / str(size))
            print(f"\n{size:,} events ({copies} copies): {parquet.stat().st_size / 1e6:.1f} MB "
                  f"of Parquet, a store of {db.stat().st_size / 1e6:.0f} MB with the texts, "
                  f"written in {time.perf_counter() - started:.1f} s")
            del made, made_texts
            for backend, arguments in (("file", [str(parquet)]), ("store", ["--db", str(db)])):
                runs = []
                for _ in range(repeat):
                    with Served(arguments, Path(folder) / "server.log") as server:
                        run = browser_run(browser, None, server.url, size, args.search,
                                          args.granularity, None)
                        run.update(startup=server.startup, started=server.started_rss,
                                   **server.memory())
                    runs.append(run)
                    if "error" in run:
                        print(f"  {backend} run failed: {run['error']}")
                rows.append({"size": size, "backend": backend, **{
                    name: med(r.get(name) for r in runs)
                    for name in ("startup", "started", "rss", "peak", "first")},
                    "search": med(r.get("search", {}).get("total") for r in runs),
                    "granularity": med(r.get("granularity", {}).get("total") for r in runs)})
                print("  " + served_row(rows[-1]))
                print("  " + served_parts(runs))
        browser.close()
    print("\nevents | served from | start s | RSS after start MB | RSS after runs MB | "
          "peak RSS MB | first render s | search s | granularity s")
    for row in rows:
        print(served_row(row))
    print(f"\nat the end: {load()}")
    return 0


def served_row(row: dict) -> str:
    def cell(value, form):
        return "n/a" if value is None else format(value, form)

    return " | ".join([f"{row['size']:,}", row["backend"], cell(row["startup"], ".1f"),
                       cell(row["started"], ".0f"), cell(row["rss"], ".0f"),
                       cell(row["peak"], ".0f"), cell(row["first"], ".2f"),
                       cell(row["search"], ".2f"), cell(row["granularity"], ".2f")])


def served_parts(runs: list[dict]) -> str:
    """The filters' medians in parts: until the callback was sent (the debounce), its round
    trip (the server's answer: counts, undated list and figure), the drawing after it."""
    out = []
    for kind in ("search", "granularity"):
        parts = [r[kind] for r in runs if "sent" in r.get(kind, {})]
        values = [med(p.get(name) for p in parts) for name in ("debounce", "view call", "draw")]
        out.append(f"{kind}: " + " + ".join(
            "n/a" if v is None else f"{v:.2f}" for v in values))
    return "filters, median s (debounce + round trip + drawing): " + "; ".join(out)


def write_inputs(events: list[Event], texts: dict, folder: Path) -> tuple[Path, Path]:
    """``events`` as a Parquet file, and as a store (documents in order, with their texts)."""
    folder.mkdir(parents=True)
    parquet, db = folder / "events.parquet", folder / "events.db"
    write_events(events, parquet, "parquet")
    with open_store(db) as store:
        for doc_id, group in itertools.groupby(events, key=lambda e: e.doc_id):
            group = list(group)
            published = group[0].published
            document = Document(doc_id, texts.get(doc_id, ""), dt.date.fromisoformat(
                published[:10]) if published else None, title=group[0].title)
            store.put(document, group, extraction_settings("auto", None))
    return parquet, db


class Served:
    """``timeline serve ARGUMENTS`` in a process of its own, on a free loopback port."""

    def __init__(self, arguments: list[str], log: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.arguments = arguments
        self.log = log

    def __enter__(self) -> Served:
        started = time.perf_counter()
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "timeline", "serve", *self.arguments, "--port",
                 str(self.port), "-q"], cwd=ROOT, stdout=log, stderr=log)
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}_dash-layout", timeout=60):
                    break
            except OSError:
                if self.process.poll() is not None or time.perf_counter() - started > 600:
                    self.__exit__()
                    raise RuntimeError(f"timeline serve did not start: "
                                       f"{self.log.read_text()[-2000:]}") from None
                time.sleep(0.1)
        self.startup = time.perf_counter() - started
        self.started_rss = self.memory()["rss"]
        return self

    def memory(self) -> dict[str, float]:
        """The process's resident memory now (``rss``) and at its peak (``peak``), in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M))
        return {"rss": int(found["VmRSS"]) / 1024, "peak": int(found["VmHWM"]) / 1024}

    def __exit__(self, *_) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def load() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def med(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(size, runs, server) -> dict:
    first = next((r for r in runs if "mode" in r), {})
    return {
        "size": size, "first": med(r.get("first") for r in runs),
        "search": med(r.get("search", {}).get("total") for r in runs),
        "search sent": med(r.get("search", {}).get("sent") for r in runs),
        "granularity": med(r.get("granularity", {}).get("total") for r in runs),
        "mode": first.get("mode", server["modes"]["all"]),
        "payload": first.get("figure bytes") or server["bytes"]["all figure"],
    }


def samples(values) -> str:
    values = sorted(v for v in values if v is not None)
    if not values:
        return "n/a"
    return f"{statistics.median(values):.2f} s [{', '.join(f'{v:.2f}' for v in values)}]"


def detail(row, runs, server) -> None:
    s, b = server["seconds"], server["bytes"]
    for number, run in enumerate(runs, 1):
        if "error" in run:
            print(f"  run {number} failed: {run['error']}")
    print(f"  browser, median [runs]: first render {samples(r.get('first') for r in runs)}; "
          f"search {samples(r.get('search', {}).get('total') for r in runs)}; granularity "
          f"{samples(r.get('granularity', {}).get('total') for r in runs)}")

    def at(name):
        value = med(r["phases"][name] for r in runs if "phases" in r)
        return "n/a" if value is None else f"{value / 1000:.2f}"

    print(f"  first render, seconds from navigation (median): scripts loaded {at('scripts')}, "
          f"filter callback sent {at('view sent')}, figure response in "
          f"{at('figure arrived')}, figure drawn {at('figure drawn')}, table rows "
          f"{at('rows')}, counts {at('counts')}")
    for kind in ("search", "granularity"):
        parts = [r[kind] for r in runs if "sent" in r.get(kind, {})]

        def part(name, parts=parts):
            value = med(p.get(name) for p in parts)
            return "n/a" if value is None else f"{value:.2f}"

        if parts:
            print(f"  {kind}, median s: until the callback is sent {part('debounce')}; "
                  f"its round trip (counts and figure) {part('view call')}; drawing after "
                  f"it arrived {part('draw')}; total {part('total')} -> "
                  f"{parts[0]['counts']!r}")
    first = next((r for r in runs if "mode" in r), None)
    if first:
        print(f"  sent: figure response {first['figure bytes'] / 1000:,.0f} KB "
              f"({first['points']:,} points drawn), page layout "
              f"{first['layout bytes'] / 1000:,.0f} KB")
    print("  server side, Python, median s: view | counts+undated | build_figure | to_json | "
          "table block (100 rows) ; figure JSON ; mode")
    for case in ("all", "search", "granularity"):
        print(f"    {case:<12} {s[f'{case} view']:.3f} | {s[f'{case} counts']:.3f} | "
              f"{s[f'{case} figure']:.3f} | {s[f'{case} json']:.3f} | "
              f"{s[f'{case} table']:.3f} ; {b[f'{case} figure'] / 1000:,.0f} KB ; "
              f"{server['modes'][case]} ({b[f'{case} shown']:,} events)")
    print(f"    layout       {s['layout']:.3f} s to build, {s['layout json']:.3f} s to "
          f"serialize, {b['layout'] / 1000:,.0f} KB")


def table(rows) -> None:
    print()
    head = ("events", "first render s", "filter (search) s", "(after debounce) s",
            "filter (granularity) s", "figure mode", "payload KB")
    print(" | ".join(head))
    print(" | ".join("-" * len(h) for h in head))

    def seconds(value):
        return "n/a" if value is None else f"{value:.2f}"

    for r in rows:
        cells = (f"{r['size']:,}", seconds(r["first"]), seconds(r["search"]),
                 seconds(r["search sent"]), seconds(r["granularity"]), str(r["mode"]),
                 f"{r['payload'] / 1000:,.0f}")
        print(" | ".join(c.rjust(len(h)) for c, h in zip(cells, head, strict=True)))


def goals(rows) -> None:
    for r in [r for r in rows if r["size"] >= 100_000] or rows[-1:]:
        print(f"\ngoals at {r['size']:,} events:")
        for key, name, goal in (
                ("first", "first render", GOAL_FIRST),
                ("search", "filter (search, with the 0.15 s debounce)", GOAL_FILTER),
                ("search sent", "filter (search, after the debounce)", GOAL_FILTER),
                ("granularity", "filter (granularity)", GOAL_FILTER)):
            if r[key] is None:
                print(f"  {name} < {goal:g} s: not measured")
                continue
            verdict = "met" if r[key] < goal else "NOT met"
            print(f"  {name} < {goal:g} s: {r[key]:.2f} s, {verdict}")


if __name__ == "__main__":
    sys.exit(main())
