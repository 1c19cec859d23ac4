"""The dashboard in a real browser (headless Chromium driven by Playwright).

The app is built from real articles (``examples/article.txt`` and two written here), served by
werkzeug on a loopback port, and used as a reader would: the page is read, filtered, clicked,
articles are added by upload and by pasting, and the CSV is downloaded and read back. Every
page must get through without a console error or an uncaught exception.

Run: ``python -m pytest tests/test_dashboard_browser.py``; ``-m "not browser"`` leaves them
out; ``TIMELINE_BROWSER_TESTS=required`` turns a missing browser into a failure.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest
from browser import browser_fixture, expect, open_page, serve  # noqa: F401  (a fixture)

from dashboard import create_app
from dashboard.corpus import load_inputs
from dashboard.store import fill_store
from timeline.events import extract
from timeline.export import read_events
from timeline.records import FIELDS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
GRID_ROWS = "#events-grid .ag-center-cols-container .ag-row"
SELECTED_ROW = "#events-grid .ag-center-cols-container .ag-row-selected"
GRAPH = "#timeline-figure .js-plotly-plot"

FERRY = """Storm closes Baltic ferry routes for second day

By Harbour Desk
Published: Sep 14, 2023 07:10 AM

TALLINN, Sept. 14 - Ferry operators suspended all crossings to Helsinki on Thursday as gale-force
winds battered the Gulf of Finland, stranding hundreds of lorry drivers in the port.

The harbour master ordered the breakwater gates closed on Wednesday evening. Forecasters expect
the wind to ease on Saturday, and the first sailings could resume on Sunday morning.

A similar storm on March 3 cancelled crossings for three days.
"""

ORCHESTRA = """City orchestra names new conductor

Published: Sep 14, 2023

RIGA, Sept. 14 - The city orchestra appointed the violinist Marta Ozola as its principal conductor
on Monday, ending a search that started in January.

Ozola will conduct her first concert on October 6, and the orchestra will tour Poland in
November. The previous conductor retired on August 31 after eleven seasons.
"""

BRIDGE_TITLE = "Old river bridge to close for repairs"
BRIDGE = f"""{BRIDGE_TITLE}

Published: Sep 14, 2023

KAUNAS, Sept. 14 - Engineers will close the old river bridge to traffic on Monday after
inspectors found cracked girders on September 8.

The bridge, which opened in 1962, was last repaired in May.
"""

MUSEUM_TITLE = "Puppet museum reopens"
MUSEUM = f"""{MUSEUM_TITLE}

Published: Sep 14, 2023

The puppet museum reopened its doors on Tuesday after a leaking roof was fixed.
"""

LIBRARY = """The city council opened a new library branch in Kalamaja on Tuesday, the mayor said.
Volunteers will catalogue the donated books on Friday.
"""

HOSTILE_TITLE = '<img src=x onerror="window.__pwned=3">Harbour council'
HOSTILE = """Harbour council <b>meeting</b>

<script>window.__pwned=1</script>
The harbour council approved the dredging budget on Tuesday. <img src=x onerror="window.__pwned=2">
"""

# Where a plotted event is on the screen: the marker whose customdata[0] is the event's key,
# through the axes of its own trace, from the graph's top left corner.
POINT_JS = """key => {
  const gd = document.querySelector('#timeline-figure .js-plotly-plot');
  const axis = id => gd._fullLayout[id.charAt(0) + 'axis' + id.slice(1)];
  const box = gd.getBoundingClientRect();
  for (const t of gd._fullData) {
    if (!t.customdata || !String(t.mode).includes('markers')) continue;
    for (let i = 0; i < t.customdata.length; i++) {
      if (t.customdata[i] && t.customdata[i][0] === key) {
        const xa = axis(t.xaxis), ya = axis(t.yaxis);
        return {x: box.left + xa._offset + xa.d2p(t.x[i]),
                y: box.top + ya._offset + ya.d2p(t.y[i]), trace: t.type};
      }
    }
  }
  return null;
}"""

# The events the figure draws: the keys in the customdata of its marker traces.
DRAWN_KEYS_JS = """() => {
  const gd = document.querySelector('#timeline-figure .js-plotly-plot');
  if (!gd || !gd.data) return null;
  const keys = new Set();
  for (const t of gd.data) {
    for (const d of (t.customdata || [])) {
      if (Array.isArray(d) && typeof d[0] === 'string' && /^[bu][0-9]+$/.test(d[0])) keys.add(d[0]);
    }
  }
  return Array.from(keys);
}"""


# Fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def _browser_first(browser):
    """Without a browser, skip (or fail) before the apps are built."""


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("articles")
    (folder / "ferry.txt").write_text(FERRY, encoding="utf-8")
    (folder / "orchestra.txt").write_text(ORCHESTRA, encoding="utf-8")
    return [str(ROOT / "examples" / "article.txt"), str(folder / "ferry.txt"),
            str(folder / "orchestra.txt")]


@pytest.fixture(scope="module")
def loaded(articles):
    problems: list[str] = []
    loaded = load_inputs(articles, error=problems.append, warn=problems.append)
    assert not problems
    assert loaded.documents == 3 and len(loaded.events) > 10
    return loaded


@pytest.fixture(scope="module")
def server(loaded):
    with serve(create_app(loaded.events, loaded.texts)) as running:
        yield running


@pytest.fixture(scope="module")
def small_server(loaded):
    """The same events, with uploads above 1 kB refused."""
    with serve(create_app(loaded.events, loaded.texts, upload_limit=1000)) as running:
        yield running


@pytest.fixture(scope="module")
def store_server(articles, tmp_path_factory):
    """The same articles extracted into a store, served from it (``timeline serve --db``)."""
    path = tmp_path_factory.mktemp("store") / "events.db"
    fill_store(path, articles, error=pytest.fail, warn=pytest.fail)
    with serve(create_app(db=path)) as running:
        running.db = path
        yield running


@pytest.fixture(scope="module")
def empty_server():
    with serve(create_app()) as running:
        yield running


@pytest.fixture
def visit(browser):
    """Open a URL in a fresh browser context; the contexts are closed after the test."""
    opened = []

    def go(url: str):
        page = open_page(browser, url)
        opened.append(page)
        return page

    yield go
    for page in opened:
        page.close()


# Helpers ------------------------------------------------------------------------------------


def key_of(loaded, **fields) -> tuple[str, object]:
    """The row key (``b`` + its index) and the event of the one served event with ``fields``."""
    hits = [(f"b{i}", e) for i, e in enumerate(loaded.events)
            if all(getattr(e, k) == v for k, v in fields.items())]
    assert len(hits) == 1, (fields, hits)
    return hits[0]


def extracted(path: Path, text: str) -> list:
    """Write an article to ``path``; the events the project's own code finds in it."""
    path.write_text(text, encoding="utf-8")
    events = load_inputs([str(path)], error=pytest.fail, warn=pytest.fail).events
    assert events
    return events


def ready(opened) -> None:
    """The page has drawn its events (figure markers and table rows), and the figure has told
    the server its first layout (Plotly's autosize, late in a software-rendered browser), so
    what a test does next is not mixed up with the page's own start-up (the mix itself is
    ``test_figure_shows_an_article_added_while_zooming``)."""
    page = opened.page
    try:
        page.wait_for_function(
            f"() => {{ const k = ({DRAWN_KEYS_JS})(); return k && k.length > 0 }}")
        page.locator(GRID_ROWS).first.wait_for()
        opened.wait_for_update("timeline-figure.relayoutData")
    except Exception as problem:  # say what the page did, to tell a slow page from a stuck one
        meta = page.evaluate(f"() => {{ const gd = document.querySelector('{GRAPH}');"
                             " return gd && gd.layout ? gd.layout.meta : null }")
        pytest.fail(f"the page did not get ready: {problem}\ncounts: "
                    f"{page.inner_text('#counts')!r}; figure meta: {meta}; callback requests "
                    f"answered: {opened.updates}; under way: {opened.pending}; "
                    f"errors: {opened.problems()}")


def search(page, text: str) -> None:
    page.fill("#filter-text", text)
    page.press("#filter-text", "Enter")


def counts_pattern(shown: int, total: int | None = None) -> re.Pattern:
    if total is None or total == shown:
        return re.compile(rf"^{shown:,} events? from")
    return re.compile(rf"^{shown:,} of {total:,} events")


def grid_texts(page) -> list[str]:
    return page.locator(GRID_ROWS).all_inner_texts()


def column(page, col_id: str) -> list[str]:
    """The cells of a column in the rows drawn, top to bottom (the DOM order may differ); the
    table is scrolled sideways to the column first (AG Grid draws only the columns in view)."""
    page.evaluate("""async column => {
        const api = await dash_ag_grid.getApiAsync('events-grid');
        api.ensureColumnVisible(column);
        await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    }""", col_id)
    page.locator(f'{GRID_ROWS} [col-id="{col_id}"]').first.wait_for()
    return page.evaluate("""([rows, column]) => Array.from(document.querySelectorAll(rows))
        .sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')))
        .map(row => row.querySelector(`[col-id="${column}"]`))
        .map(cell => cell ? cell.innerText.trim() : null)""", [GRID_ROWS, col_id])


def upload(page, name: str, content: str | bytes, mime: str = "text/plain") -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    page.locator("#add-upload input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}])


def paste(page, text: str, *, published: str = "", title: str = "") -> None:
    page.fill("#add-text", text)
    page.fill("#add-title", title)
    page.fill("#add-published", published)
    page.click("#add-button")


def no_errors(opened) -> None:
    assert opened.problems() == [], "\n".join(opened.problems())


# Tests --------------------------------------------------------------------------------------


def test_page_shows_the_events(server, loaded, visit):
    opened = visit(server.url)
    page = opened.page
    ready(opened)
    n = len(loaded.events)
    expect(page.locator("#counts")).to_have_text(counts_pattern(n))
    expect(page.locator("#counts")).to_contain_text("3 documents")
    expect(page.locator("#empty-state")).to_be_hidden()

    # Every event on a calendar is drawn, once, as a marker.
    assert page.locator(GRAPH).count() == 1
    drawn = page.evaluate(DRAWN_KEYS_JS)
    on_calendar = {f"b{i}" for i, e in enumerate(loaded.events) if e.start is not None}
    assert on_calendar and set(drawn) == on_calendar
    points = page.evaluate(f"""() => document.querySelector('{GRAPH}').data
        .filter(t => String(t.mode).includes('markers') && t.customdata)
        .reduce((n, t) => n + t.x.length, 0)""")
    assert points == len(on_calendar)

    # The table, in date order, starts with the oldest event.
    expect(page.locator(GRID_ROWS).first).to_contain_text("The two leaders last met in Vladivostok")
    assert page.locator(GRID_ROWS).count() > 5
    years = [d[:4] for d in column(page, "date")]
    assert len(years) > 5 and years == sorted(years)
    no_errors(opened)


def test_page_draws_with_the_partial_plotly_bundle(server, loaded, visit):
    """The figure is drawn by the small plotly.js bundle in the assets (scatter and
    scattergl), never by the full one Dash would otherwise fetch; hover still answers."""
    opened = visit(server.url)
    page = opened.page
    ready(opened)
    loaded_scripts = page.evaluate(
        "() => performance.getEntriesByType('resource').map(r => r.name)")
    assert any(name.split("?")[0].endswith("/assets/plotly-gl2d.min.js")
               for name in loaded_scripts)
    assert not any("package_data/plotly.min.js" in name for name in loaded_scripts)
    modules = page.evaluate("() => Object.keys(window.Plotly.PlotSchema.get().traces)")
    assert {"scatter", "scattergl"} <= set(modules) and "bar" not in modules
    # the range slider is drawn, and a marker answers the pointer with its hover label
    assert page.locator(f"{GRAPH} .rangeslider-container").count() == 1
    key, event = key_of(loaded, trigger="retired")
    page.locator(GRAPH).scroll_into_view_if_needed()
    point = page.evaluate(POINT_JS, key)
    assert point is not None and point["trace"] == "scattergl"
    page.mouse.move(point["x"], point["y"])
    expect(page.locator(f"{GRAPH} .hoverlayer .hovertext")).to_contain_text(event.timex_text)
    no_errors(opened)


def test_filters_narrow_counts_figure_and_table(server, loaded, visit):
    opened = visit(server.url)
    page = opened.page
    ready(opened)
    n = len(loaded.events)

    search(page, "retired")
    expect(page.locator("#counts")).to_have_text(counts_pattern(1, n))
    expect(page.locator(GRID_ROWS)).to_have_count(1)
    expect(page.locator(GRID_ROWS)).to_contain_text(
        "The previous conductor retired after eleven seasons")
    page.wait_for_function(f"() => ({DRAWN_KEYS_JS})().length === 1")
    retired, _ = key_of(loaded, trigger="retired")
    assert page.evaluate(DRAWN_KEYS_JS) == [retired]

    search(page, "")
    expect(page.locator("#counts")).to_have_text(counts_pattern(n))

    months = [e for e in loaded.events if e.granularity == "month"]
    assert 1 < len(months) < n
    page.locator("#filter-granularity label", has_text=re.compile(r"^\s*month\s*$")).click()
    expect(page.locator("#counts")).to_have_text(counts_pattern(len(months), n))
    expect(page.locator(GRID_ROWS)).to_have_count(len(months))
    assert column(page, "granularity") == ["month"] * len(months)
    assert sorted(column(page, "event")) == sorted(e.event for e in months)

    page.click("#filter-reset")
    expect(page.locator("#counts")).to_have_text(counts_pattern(n))
    no_errors(opened)


def test_clicking_a_table_row_shows_its_source(server, loaded, visit):
    opened = visit(server.url)
    page = opened.page
    ready(opened)
    _, event = key_of(loaded, trigger="retired")

    row = page.locator(GRID_ROWS, has_text=event.event)
    row.locator('[col-id="event"]').click()
    panel = page.locator("#source-panel")
    expect(panel.locator("mark.tl-timex")).to_have_text(event.timex_text)
    expect(panel.locator("mark.tl-trigger")).to_have_text(event.trigger)
    expect(panel).to_contain_text("City orchestra names new conductor")
    expect(panel).to_contain_text("eleven seasons")
    expect(page.locator(SELECTED_ROW)).to_contain_text(event.event)

    # The ring around the chosen event in the figure (trace 0) sits on its day.
    page.wait_for_function(f"() => document.querySelector('{GRAPH}').data[0].x.length === 1")
    ring = page.evaluate(f"() => document.querySelector('{GRAPH}').data[0].x")
    assert ring[0].startswith(event.date)
    no_errors(opened)


def test_clicking_an_event_in_the_figure_selects_it(server, loaded, visit):
    opened = visit(server.url)
    page = opened.page
    ready(opened)
    # The orchestra's concert: late in the table's date order, so the table has to scroll.
    key, event = key_of(loaded, trigger="conduct")
    assert event.event not in "\n".join(grid_texts(page))

    page.locator(GRAPH).scroll_into_view_if_needed()
    point = page.evaluate(POINT_JS, key)
    assert point is not None and point["trace"] == "scattergl"
    plot = page.locator(f"{GRAPH} .nsewdrag").first.bounding_box()
    assert plot["x"] < point["x"] < plot["x"] + plot["width"]
    assert plot["y"] < point["y"] < plot["y"] + plot["height"]
    page.mouse.move(point["x"], point["y"])
    page.mouse.click(point["x"], point["y"])

    panel = page.locator("#source-panel")
    expect(panel.locator("mark.tl-timex")).to_have_text(event.timex_text)
    expect(panel.locator("mark.tl-trigger")).to_have_text(event.trigger)
    expect(page.locator(SELECTED_ROW)).to_have_count(1)
    expect(page.locator(SELECTED_ROW)).to_contain_text(event.event)
    page.wait_for_function(f"() => document.querySelector('{GRAPH}').data[0].x.length === 1")
    no_errors(opened)


def test_uploading_an_article_adds_its_events(server, loaded, visit, tmp_path):
    path = tmp_path / "bridge.txt"
    expected = extracted(path, BRIDGE)
    n = len(loaded.events)

    opened = visit(server.url)
    page = opened.page
    ready(opened)
    page.locator("#add-upload input[type=file]").set_input_files(str(path))
    status = page.locator("#add-status")
    expect(status).to_contain_text(re.compile(
        rf"Added {re.escape(BRIDGE_TITLE)}: {len(expected)} events?\."))
    assert status.locator(".tl-error").count() == 0
    expect(page.locator("#counts")).to_have_text(counts_pattern(n + len(expected)))
    expect(page.locator("#counts")).to_contain_text("4 documents")
    page.wait_for_function(f"() => ({DRAWN_KEYS_JS})().some(k => k.startsWith('u'))")

    search(page, "girders")
    girders = [e for e in expected if "girders" in f"{e.event}\n{e.sentence}".lower()]
    expect(page.locator(GRID_ROWS)).to_have_count(len(girders))
    assert column(page, "doc") == [BRIDGE_TITLE] * len(girders)
    no_errors(opened)


def test_too_large_upload_says_why_and_keeps_what_was_added(small_server, loaded, visit):
    n = len(loaded.events)
    opened = visit(small_server.url)
    page = opened.page
    ready(opened)
    status = page.locator("#add-status")

    upload(page, "museum.txt", MUSEUM)
    expect(status).to_contain_text(f"Added {MUSEUM_TITLE}")
    expect(page.locator("#counts")).to_contain_text("4 documents")
    added = int(re.match(r"([\d,]+) events", page.inner_text("#counts")).group(1))
    assert added > n

    upload(page, "huge.txt", BRIDGE * 10)
    expect(status.locator(".tl-error")).to_contain_text("huge.txt: too large")
    expect(status).to_contain_text("the limit is 1 kB")
    expect(status).not_to_contain_text("Added")

    expect(page.locator("#counts")).to_have_text(counts_pattern(added))
    search(page, "puppet")
    expect(page.locator(GRID_ROWS).first).to_contain_text("puppet museum reopened")
    assert set(column(page, "doc")) == {MUSEUM_TITLE}
    no_errors(opened)


def test_upload_of_another_kind_of_file_says_why(server, loaded, visit):
    opened = visit(server.url)
    page = opened.page
    ready(opened)
    upload(page, "report.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n",
           "application/pdf")
    expect(page.locator("#add-status .tl-error")).to_contain_text(
        "report.pdf: cannot read this kind of file")
    expect(page.locator("#counts")).to_have_text(counts_pattern(len(loaded.events)))
    no_errors(opened)


def test_pasting_an_article_adds_its_events(server, loaded, visit):
    expected = extract(LIBRARY, dt.date(2023, 9, 14))
    assert expected
    n = len(loaded.events)
    opened = visit(server.url)
    page = opened.page
    ready(opened)

    paste(page, LIBRARY, published="2023-09-14", title="Library branch opens")
    expect(page.locator("#add-status")).to_contain_text(
        f"Added Library branch opens: {len(expected)} events")
    expect(page.locator("#counts")).to_have_text(counts_pattern(n + len(expected)))
    expect(page.locator("#add-text")).to_have_value("")

    search(page, "library")
    library = [e for e in expected if "library" in f"{e.event}\n{e.sentence}".lower()]
    expect(page.locator(GRID_ROWS)).to_have_count(len(library))
    assert set(column(page, "doc")) == {"Library branch opens"}
    # "on Tuesday" read against the published date given (a Thursday).
    assert "2023-09-12" in column(page, "date")
    no_errors(opened)


def test_download_csv_is_what_is_shown(server, loaded, visit, tmp_path):
    opened = visit(server.url)
    page = opened.page
    ready(opened)
    search(page, "crossings")
    shown = [e for e in loaded.events if "crossings" in f"{e.event}\n{e.sentence}".lower()]
    assert 1 < len(shown) < len(loaded.events)
    expect(page.locator("#counts")).to_have_text(counts_pattern(len(shown), len(loaded.events)))
    expect(page.locator(GRID_ROWS)).to_have_count(len(shown))

    with page.expect_download() as info:
        page.click("#download-csv")
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    target = tmp_path / "events.csv"
    download.save_as(target)

    header = target.read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == list(FIELDS)
    events = list(read_events(str(target)))
    counted = int(re.match(r"([\d,]+) of", page.inner_text("#counts")).group(1))
    assert len(events) == counted
    key = lambda e: (e.doc_id, e.event_id)  # noqa: E731
    assert sorted(events, key=key) == sorted(shown, key=key)
    no_errors(opened)


def test_hostile_article_is_shown_as_text(server, visit):
    opened = visit(server.url)
    page = opened.page
    ready(opened)
    paste(page, HOSTILE, published="2023-09-14", title=HOSTILE_TITLE)
    expect(page.locator("#add-status .tl-ok")).to_contain_text("Added")
    search(page, "dredging")
    expect(page.locator(GRID_ROWS)).to_have_count(1)
    page.locator(GRID_ROWS).first.locator('[col-id="event"]').click()

    panel = page.locator("#source-panel")
    expect(panel.locator("mark.tl-trigger")).to_have_text("approved")
    expect(panel.locator("mark.tl-timex")).to_have_text("Tuesday")
    text = panel.inner_text()
    assert "<script>window.__pwned=1</script>" in text
    assert '<img src=x onerror="window.__pwned=2">' in text
    assert HOSTILE_TITLE in text
    assert panel.locator("img, script, b").count() == 0
    assert page.locator("#events-grid img").count() == 0
    assert page.locator(f"{GRAPH} img").count() == 0
    # Hover the event in the figure: its label must not run the markup either.
    page.locator(GRAPH).scroll_into_view_if_needed()
    key = page.evaluate(f"() => ({DRAWN_KEYS_JS})().find(k => k.startsWith('u'))")
    point = page.evaluate(POINT_JS, key)
    page.mouse.move(point["x"], point["y"])
    page.locator(f"{GRAPH} .hoverlayer .hovertext").first.wait_for()
    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
    no_errors(opened)


def test_figure_shows_an_article_added_while_zooming(server, loaded, visit, tmp_path):
    """The reader zooms the timeline while an upload is being read: the new events must still
    be drawn. (The first autosize of the figure does the same as this zoom when an article is
    added in the first seconds after the page loads.)"""
    expected = extracted(tmp_path / "bridge.txt", BRIDGE)
    opened = visit(server.url)
    page = opened.page
    ready(opened)
    held = []

    def hold_the_upload(route) -> None:
        if "add-status.children" in (route.request.post_data or ""):
            held.append(route)
        else:
            route.continue_()

    page.route("**/_dash-update-component*", hold_the_upload)
    upload(page, "bridge.txt", BRIDGE)
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the upload's request never came"

    page.evaluate(f"""() => {{ const gd = document.querySelector('{GRAPH}');
        window.__zoomed = new Promise(done => gd.once('plotly_relayout', done)); }}""")
    plot = page.locator(f"{GRAPH} .nsewdrag").first.bounding_box()
    middle = plot["y"] + plot["height"] / 2
    page.mouse.move(plot["x"] + plot["width"] * 0.5, middle)
    page.mouse.down()
    page.mouse.move(plot["x"] + plot["width"] * 0.95, middle, steps=8)
    page.mouse.up()
    assert "xaxis.range[0]" in page.evaluate("() => window.__zoomed")
    held[0].continue_()

    expect(page.locator("#counts")).to_have_text(
        counts_pattern(len(loaded.events) + len(expected)))
    page.wait_for_function(f"() => ({DRAWN_KEYS_JS})().some(k => k.startsWith('u'))")
    no_errors(opened)


def test_a_store_is_read_as_the_page_asks(store_server, loaded, visit):
    """``serve --db``: the page over a store shows, filters and opens its events as over
    the same events in memory."""
    with sqlite3.connect(store_server.db) as db:
        stored = dict(db.execute("SELECT trigger, 'b' || rowid FROM events "
                                 "WHERE trigger IN ('retired', 'conduct')").fetchall())
        on_calendar = {key for (key,) in db.execute(
            "SELECT 'b' || rowid FROM events WHERE start IS NOT NULL")}
    opened = visit(store_server.url)
    page = opened.page
    ready(opened)
    n = len(loaded.events)
    expect(page.locator("#counts")).to_have_text(counts_pattern(n))
    expect(page.locator("#counts")).to_contain_text("3 documents")
    assert set(page.evaluate(DRAWN_KEYS_JS)) == on_calendar
    expect(page.locator(GRID_ROWS).first).to_contain_text("The two leaders last met in Vladivostok")

    # A filter: the counts, the figure and the table follow it.
    search(page, "retired")
    expect(page.locator("#counts")).to_have_text(counts_pattern(1, n))
    expect(page.locator(GRID_ROWS)).to_have_count(1)
    page.wait_for_function(f"() => ({DRAWN_KEYS_JS})().length === 1")
    assert page.evaluate(DRAWN_KEYS_JS) == [stored["retired"]]

    # Clicking the row shows the article with the expression and the trigger marked.
    _, retired = key_of(loaded, trigger="retired")
    page.locator(GRID_ROWS).first.locator('[col-id="event"]').click()
    panel = page.locator("#source-panel")
    expect(panel.locator("mark.tl-timex")).to_have_text(retired.timex_text)
    expect(panel.locator("mark.tl-trigger")).to_have_text(retired.trigger)
    expect(panel).to_contain_text("City orchestra names new conductor")
    page.wait_for_function(f"() => document.querySelector('{GRAPH}').data[0].x.length === 1")

    # Clicking an event in the figure selects its row, wherever the table has to scroll.
    search(page, "")
    expect(page.locator("#counts")).to_have_text(counts_pattern(n))
    page.wait_for_function(f"() => ({DRAWN_KEYS_JS})().length === {len(on_calendar)}")
    _, concert = key_of(loaded, trigger="conduct")
    page.locator(GRAPH).scroll_into_view_if_needed()
    point = page.evaluate(POINT_JS, stored["conduct"])
    page.mouse.move(point["x"], point["y"])
    page.mouse.click(point["x"], point["y"])
    expect(panel.locator("mark.tl-trigger")).to_have_text(concert.trigger)
    expect(page.locator(SELECTED_ROW)).to_contain_text(concert.event)
    no_errors(opened)


def test_empty_app_invites_to_add_an_article(empty_server, visit):
    opened = visit(empty_server.url)
    page = opened.page
    empty = page.locator("#empty-state")
    expect(empty).to_be_visible()
    expect(empty).to_contain_text("No events yet")
    expect(empty).to_contain_text("Add an article")
    expect(page.locator("#counts")).to_have_text("No events yet")
    page.locator(GRAPH).wait_for()
    assert page.evaluate(DRAWN_KEYS_JS) == []
    expect(page.locator("#add-upload")).to_be_visible()
    no_errors(opened)
