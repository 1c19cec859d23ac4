"""The dashboard under load: 20 pages adding articles at once to a real ``timeline serve``.

Each server is ``python -m timeline serve`` in a process of its own on a free port of
127.0.0.1 (loopback only). Pages are threads that speak HTTP as the browser's pages do: a page
load (``/_dash-layout``, which gives each page its own session id), then Dash callbacks
(``POST /_dash-update-component``) with the payloads Dash's renderer sends (copied from a
Chromium run): add an article, by upload or by pasting, then what the page asks once its
session has changed (counts, dropdown options, figure, table rows), then click the new event
(the source panel).

Checked: every answer is 200 (or 204, no update) and no addition is refused; each page sees
its own articles at once and, without ``--db``, none of another page's (every article carries
a marker word, ``MARKER``), in its table and its source panel; with ``--db`` every page sees
every article, and the store is never "locked"; the server's log holds no traceback and no
answer 500; its memory stays bounded, and a second wave of the same load leaves it about where
the first did; uploads too large or of another type, and text without dates, get the page's
message; an article's markup comes back as text. ``benchmarks/load.py`` runs the same load
with parameters and prints its figures.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dashboard import ids

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "article.txt"
SESSIONS = 20
ROUNDS = 3
REQUEST_TIMEOUT = 60  # seconds, one request
START_TIMEOUT = 90  # seconds, until the server answers
MB = 1024 * 1024
MARKER = re.compile(r"\bmk\d+s\d+r\d+\b", re.IGNORECASE)  # marker(wave, page, round)
HOSTILE = "<script>alert(1)</script>"
HOSTILE_IMAGE = "<img src=x onerror=alert(1)>"

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").is_file(),
                                reason="reads the server's memory from /proc")


def marker(wave: int, page: int, round_: int) -> str:
    return f"mk{wave}s{page:02d}r{round_}"


def article(word: str, filler: str = "") -> str:
    """A short article with two dated events, ``word`` in its text, then ``filler``."""
    return (f"Published: 2023-09-14\n\nOfficials of {word} met in Geneva on Wednesday, and "
            f"the talks ended on Friday.\n{filler}")


# The server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python -m timeline serve ARGS --port <free>`` on 127.0.0.1; its stderr (one line per
    request) goes to ``log``, never to a pipe nobody reads (a full pipe would stop it)."""

    def __init__(self, args: list[str], log: Path):
        self.port = free_port()
        self.host = "127.0.0.1"
        self.log = log
        with open(log, "wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "timeline", "serve", *args, "--host", self.host,
                 "--port", str(self.port)], cwd=ROOT, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=err)

    def wait(self) -> None:
        """Until the page's layout answers (the articles given are extracted first)."""
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if fetch(self, "GET", "/_dash-layout")[0] == 200:
                    return
            except OSError:  # not listening yet
                pass
            if self.process.poll() is not None:
                raise AssertionError(f"the server stopped: {self.log_text()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer in {START_TIMEOUT} s: {self.log_text()}")
            time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not stopped in 30 s."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def memory(self, name: str = "VmRSS") -> int:
        """A line of ``/proc/PID/status`` in bytes: ``VmRSS`` (resident now), ``VmHWM`` (peak)."""
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(name + ":"):
                    return int(line.split()[1]) * 1024
        raise AssertionError(f"no {name} in /proc/{self.process.pid}/status")

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def failures(self) -> list[str]:
        """The lines of the log that tell of a failure: tracebacks, answers 500 and above, a
        locked store."""
        return [line for line in self.log_text().splitlines()
                if "Traceback" in line or "database is locked" in line
                or re.search(r'" 5\d\d ', line)]


@contextlib.contextmanager
def serving(args: list[str], log: Path) -> Iterator[Server]:
    """A server for the ``with`` block, always stopped (killed if need be) afterwards."""
    server = Server(args, log)
    try:
        server.wait()
        yield server
    finally:
        server.stop()


def fetch(server: Server, method: str, path: str, body: bytes | None = None,
          ) -> tuple[int, bytes]:
    """One request on a connection of its own, as a browser's fresh one would be."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=REQUEST_TIMEOUT)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# Pages --------------------------------------------------------------------------------------


@dataclass
class Timing:
    kind: str
    seconds: float
    status: int  # 0: no answer (the connection failed)


@dataclass
class Page:
    """One browser page over HTTP: its session, the callbacks it makes, and what went wrong
    (``problems``; each request's time goes to ``timings``)."""

    server: Server
    outputs: dict[str, str]  # a callback's first output ("id.property") -> its output string
    timings: list[Timing] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    session: dict | None = None
    view: dict | None = None
    counts: str = ""
    added: list[str] = field(default_factory=list)  # the markers of the articles it added

    def request(self, kind: str, method: str, path: str, body: dict | None = None,
                expect: tuple[int, ...] = (200,)) -> dict | None:
        """The JSON answer, or None (then a problem is noted) when it is not ``expect``ed."""
        started = time.perf_counter()
        try:
            status, data = fetch(self.server, method, path,
                                 None if body is None else json.dumps(body).encode())
        except OSError as error:
            status, data = 0, repr(error).encode()
        self.timings.append(Timing(kind, time.perf_counter() - started, status))
        if status not in expect:
            self.problems.append(f"{kind}: {status} {data[:300]!r}")
            return None
        return json.loads(data) if data else {}

    def call(self, kind: str, first_output: str, inputs: list, state: list = (),
             changed: tuple[str, ...] = ()) -> dict | None:
        """A callback, named by its first output, as the renderer posts it; its outputs' new
        values (``{id: {property: value}}``), ``{}`` for none (no update)."""
        output = self.outputs[first_output]
        outputs = [dict(zip(("id", "property"), o.split(".", 1), strict=True))
                   for o in output.strip(".").split("...")]
        answer = self.request(kind, "POST", "/_dash-update-component", {
            "output": output,
            "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": [_prop(*i) for i in inputs],
            "state": [_prop(*s) for s in state],
            "changedPropIds": list(changed), "parsedChangedPropsIds": list(changed),
        }, expect=(200, 204))
        return None if answer is None else answer.get("response", {})

    def open(self) -> None:
        """Load the page: its own session id, and the view it opens on."""
        layout = self.request("layout", "GET", "/_dash-layout")
        if layout is not None:
            stores = {c["props"]["id"]: c["props"].get("data") for c in _components(layout)
                      if c.get("type") == "Store"}
            self.session, self.view = stores[ids.SESSION], stores[ids.VIEW]

    def add(self, text: str, *, filename: str | None = None, title: str | None = None,
            published: str | None = None, data: bytes | None = None) -> dict:
        """Upload ``filename`` (its bytes ``data``, else ``text``), or paste ``text``, as the
        page does; the status shown (a component), ``{}`` when there was no answer."""
        contents = None
        if filename is not None:
            payload = data if data is not None else text.encode("utf-8")
            contents = "data:application/octet-stream;base64," + \
                base64.b64encode(payload).decode("ascii")
        answer = self.call(
            "add", f"{ids.SESSION}.data",
            [(ids.UPLOAD, "contents", contents), (ids.ADD, "n_clicks", None if contents else 1)],
            [(ids.UPLOAD, "filename", filename), (ids.PASTE, "value", None if contents else text),
             (ids.PASTE_TITLE, "value", title), (ids.PUBLISHED, "value", published),
             (ids.SESSION, "data", self.session)],
            changed=(f"{ids.UPLOAD}.contents" if contents else f"{ids.ADD}.n_clicks",))
        if not answer:
            return {}
        self.session = answer.get(ids.SESSION, {}).get("data", self.session)
        return answer.get(ids.ADD_STATUS, {}).get("children") or {}

    def refresh(self) -> list[dict]:
        """What the page asks once its session has changed: the counts, the new view and the
        figure (one callback), the dropdowns' options, the table's first rows; those rows."""
        answer = self.call("counts", f"{ids.VIEW}.data", [
            (ids.SEARCH, "value", None), (ids.DATES, "start_date", None),
            (ids.DATES, "end_date", None), (ids.DOCUMENTS, "value", None),
            (ids.ACTORS, "value", None), (ids.GRANULARITY, "value", None),
            (ids.SESSION, "data", self.session), (ids.LANES, "value", "document")],
            [(ids.SELECTED, "data", None)], changed=(f"{ids.SESSION}.data",))
        if answer:
            self.view = answer[ids.VIEW]["data"]
            self.counts = answer[ids.COUNTS]["children"]
        self.call("options", f"{ids.DOCUMENTS}.options", [(ids.SESSION, "data", self.session)],
                  changed=(f"{ids.SESSION}.data",))
        return self.rows()

    def rows(self, end: int = 100, kind: str = "rows", doc: str | None = None) -> list[dict]:
        """The table's rows ``0..end``, as AG Grid's infinite row model asks for them (with
        ``doc``: those whose document's name holds it, the table's column filter)."""
        request = {"startRow": 0, "endRow": end, "sortModel": [], "filterModel": {} if doc is None
                   else {"doc": {"filterType": "text", "type": "contains", "filter": doc}}}
        answer = self.call(kind, f"{ids.GRID}.getRowsResponse",
                           [(ids.GRID, "getRowsRequest", request)], [(ids.VIEW, "data", self.view)],
                           changed=(f"{ids.GRID}.getRowsRequest",))
        return (answer or {}).get(ids.GRID, {}).get("getRowsResponse", {}).get("rowData", [])

    def added_rows(self) -> list[dict]:
        """The table's rows of added articles (their documents are named after their marker),
        however many rows the served events fill."""
        return self.rows(end=1000, kind="check", doc="mk")

    def source(self, key: str) -> list:
        """Click the table's row ``key``: the source panel's children."""
        selected = self.call("select", f"{ids.SELECTED}.data", [
            (ids.FIGURE, "clickData", None),
            (ids.GRID, "cellClicked", {"colId": "event", "rowIndex": 0, "rowId": key})],
            [(ids.SESSION, "data", self.session)], changed=(f"{ids.GRID}.cellClicked",))
        if not selected:
            self.problems.append(f"select: the row {key} was not selected")
            return []
        answer = self.call("source", f"{ids.SOURCE}.children",
                           [(ids.SELECTED, "data", selected[ids.SELECTED]["data"])],
                           [(ids.VIEW, "data", self.view), (ids.SHOWN_LANES, "data", []),
                            (ids.LANES, "value", "document"), (ids.GRID, "getRowsRequest", None)],
                           changed=(f"{ids.SELECTED}.data",))
        return (answer or {}).get(ids.SOURCE, {}).get("children") or []


def _prop(component: str, prop: str, value=None) -> dict:
    """An input or state as the renderer sends it: no ``value`` when it is undefined."""
    return {"id": component, "property": prop} | ({} if value is None else {"value": value})


def callback_outputs(server: Server) -> dict[str, str]:
    """Each server-side callback's output string (with the ``@hash`` of duplicate outputs), by
    its first output without the hash."""
    status, data = fetch(server, "GET", "/_dash-dependencies")
    assert status == 200
    found = {}
    for callback in json.loads(data):
        if callback.get("clientside_function") is None:
            first = callback["output"].strip(".").split("...")[0].split("@")[0]
            found.setdefault(first, callback["output"])
    return found


def _components(tree) -> Iterator[dict]:
    """Every component in a layout or a callback's answer, depth first."""
    if isinstance(tree, list):
        for item in tree:
            yield from _components(item)
    elif isinstance(tree, dict) and "props" in tree:
        yield tree
        yield from _components(tree["props"].get("children"))


def texts(tree) -> str:
    """The text of a component tree, its strings joined."""
    if isinstance(tree, str):
        return tree
    if isinstance(tree, list):
        return "".join(texts(item) for item in tree)
    if isinstance(tree, dict) and "props" in tree:
        return texts(tree["props"].get("children"))
    return ""


def row_text(rows: list[dict]) -> str:
    return "\n".join(" ".join(str(v) for v in row.values()) for row in rows)


# The load -----------------------------------------------------------------------------------


@dataclass
class Wave:
    """One wave of the load: its pages (each with its problems and timings), how long it took."""

    pages: list[Page]
    seconds: float

    @property
    def problems(self) -> list[str]:
        return [f"page {n}: {p}" for n, page in enumerate(self.pages) for p in page.problems]

    @property
    def timings(self) -> list[Timing]:
        return [t for page in self.pages for t in page.timings]


def run_wave(server: Server, *, wave: int, sessions: int = SESSIONS, rounds: int = ROUNDS,
             shared: bool = False, filler: str = "") -> Wave:
    """``sessions`` pages load at once, then each adds ``rounds`` articles (uploads and pastes
    in turn; ``filler`` ends each one), asking after each what its page shows, then
    clicking its new article's first event. A page notes a problem when an addition is
    refused, its own articles are not all in its table (its rows of added articles are read:
    ``check``), or (unless ``shared``: a store every page reads) another page's are, or the
    source panel does not show the article clicked."""
    outputs = callback_outputs(server)
    pages = [Page(server, outputs) for _ in range(sessions)]
    start = threading.Barrier(sessions, timeout=REQUEST_TIMEOUT)

    def run(n: int) -> None:
        page = pages[n]
        page.open()
        start.wait()  # every page is loaded: now they all add at once
        for r in range(rounds):
            word = marker(wave, n, r)
            if r % 2 == 0:
                shown = page.add(article(word, filler), filename=f"{word}.txt")
            else:
                shown = page.add(article(word, filler), title=word, published="2023-09-14")
            if not texts(shown).startswith(f"Added {word}: 2 events"):
                page.problems.append(f"add {word}: {texts(shown)!r}")
            page.added.append(word)
            page.refresh()
            rows = page.added_rows()
            seen = {m.lower() for m in MARKER.findall(row_text(rows))}
            if missing := set(page.added) - seen:
                page.problems.append(f"round {r}: its own {sorted(missing)} are not shown")
            if not shared and (foreign := seen - set(page.added)):
                page.problems.append(f"round {r}: another page's {sorted(foreign)} are shown")
            mine = [row["key"] for row in rows if row["doc"] == word]
            if mine and f"Officials of {word} met" not in texts(page.source(mine[0])):
                page.problems.append(f"round {r}: the source panel does not show {word}")

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        for done in [pool.submit(run, n) for n in range(sessions)]:
            done.result()
    return Wave(pages, time.perf_counter() - began)


def seen_markers(page: Page) -> set[str]:
    """The markers of the added articles the page's table holds."""
    return {m.lower() for m in MARKER.findall(row_text(page.added_rows()))}


# Tests --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """The example article in memory; uploads up to 1 MB."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serving([str(EXAMPLE), "--upload-limit", "1"], log) as running:
        yield running


def test_twenty_pages_adding_at_once_see_their_own_articles_only(server):
    before = server.memory()
    first = run_wave(server, wave=1)
    assert first.problems == []
    after_first = server.memory()
    second = run_wave(server, wave=2)
    assert second.problems == []
    after_second = server.memory()
    assert len(first.timings) == len(second.timings) == SESSIONS * (1 + 7 * ROUNDS)

    # Once all have added, each page still sees exactly the served article and its own.
    fresh = Page(server, callback_outputs(server))
    fresh.open()
    served = len(fresh.rows())
    assert served == 12 and seen_markers(fresh) == set()
    for page in first.pages + second.pages:
        assert seen_markers(page) == set(page.added)
        assert page.counts.startswith(f"{served + 2 * ROUNDS} events from {1 + ROUNDS} ")
    assert server.failures() == []
    assert after_first < before + 150 * MB, (before, after_first)
    # A second wave (20 more sessions, kept: the store holds 256) costs little more.
    assert after_second < after_first + 20 * MB, (after_first, after_second)


def test_uploads_are_limited_in_size_and_type_with_a_message(server):
    page = Page(server, callback_outputs(server))
    page.open()
    opened = dict(page.session)
    big = article("big").encode() * (2_000_000 // len(article("big")) + 1)

    def refused(**kwargs) -> str:
        shown = page.add(kwargs.pop("text", ""), **kwargs)
        assert shown.get("props", {}).get("className") == "tl-error", shown
        return texts(shown)

    assert re.fullmatch(r"big\.txt: too large \(2\.0 MB\); the limit is 1\.0 MB",
                        refused(filename="big.txt", data=big))
    assert refused(text=big.decode()) == "the pasted text is too large; the limit is 1 MB"
    for name in ("setup.exe", "report.pdf"):
        assert refused(filename=name, data=b"MZ\x90\x00 %PDF-1.4") == (
            f"{name}: cannot read this kind of file; add a .txt, .html or .jsonl file, "
            "or paste the text")
    assert refused(filename="empty.txt", data=b" \n") == "empty.txt: the file is empty"
    assert refused(text="Talks.", published="soon") == (
        "published: cannot read 'soon' as a date; write it like 2023-09-13")
    assert page.session == opened  # nothing was added

    shown = texts(page.add("No dates at all here.", filename="plain.txt"))
    assert "Added plain: 0 events." in shown and "No dated events were found in it." in shown
    assert page.problems == [] and server.failures() == []


def test_an_upload_far_above_the_limit_gets_the_message_too(server):
    page = Page(server, callback_outputs(server))
    page.open()
    shown = page.add("", filename="huge.txt", data=b"x" * 4_000_000)
    assert page.problems == []
    assert "too large" in texts(shown) and "the limit is 1" in texts(shown)


def test_two_articles_added_at_once_in_one_page_stay_apart(server):
    page = Page(server, callback_outputs(server))
    page.open()
    words = [marker(9, 0, 0), marker(9, 0, 1)]
    filler = "They talked. " * 60_000  # 0.8 MB: long enough to extract that the two meet
    together = threading.Barrier(2, timeout=REQUEST_TIMEOUT)

    def paste(word: str) -> str:
        together.wait()
        return texts(page.add(article(word, filler), published="2023-09-14"))

    with ThreadPoolExecutor(max_workers=2) as pool:
        shown = list(pool.map(paste, words))
    assert all(s.startswith("Added pasted") for s in shown), shown
    page.refresh()
    rows = page.rows(end=1000, kind="check")
    documents = {word: {r["doc"] for r in rows if word in r["event"]} for word in words}
    assert len(documents[words[0]] | documents[words[1]]) == 2, documents
    for word in words:
        key = next(r["key"] for r in rows if word in r["event"])
        assert f"Officials of {word} met" in texts(page.source(key))
    assert page.problems == []


def test_an_articles_markup_comes_back_as_text(server):
    page = Page(server, callback_outputs(server))
    page.open()
    text = (f"Published: 2023-09-14\n\n{HOSTILE} Police said on Tuesday {HOSTILE_IMAGE} the "
            "raid ended.\n")
    shown = page.add(text, title="<b>Raid</b>", published="2023-09-14")
    assert texts(shown).startswith("Added <b>Raid</b>: ")
    row = next(r for r in page.refresh() if r["doc"] == "<b>Raid</b>")
    panel = page.source(row["key"])
    kinds = {c["type"] for c in _components(panel)}
    assert kinds <= {"H3", "P", "Strong", "Div", "Mark"}, kinds
    (title,) = [c for c in _components(panel) if c["type"] == "H3"]
    assert texts(title) == "<b>Raid</b>"
    (body,) = [c for c in _components(panel) if c["props"].get("className") == "tl-article"]
    assert all(isinstance(c, str) or c["type"] == "Mark" for c in body["props"]["children"])
    assert texts(body) == text
    assert page.problems == []


def test_with_a_store_twenty_pages_add_at_once_and_all_see_everything(tmp_path):
    store = tmp_path / "store.sqlite"
    with serving(["--db", str(store), str(EXAMPLE)], tmp_path / "serve.log") as server:
        before = server.memory()
        wave = run_wave(server, wave=1, shared=True)
        assert wave.problems == []
        everything = {marker(1, n, r) for n in range(SESSIONS) for r in range(ROUNDS)}
        for page in wave.pages:
            assert seen_markers(page) == everything
        fresh = Page(server, callback_outputs(server))
        fresh.open()
        assert seen_markers(fresh) == everything
        assert fresh.problems == []
        assert server.memory() < before + 150 * MB
        assert server.failures() == []
