"""Real-browser test helpers: a Dash app served on a loopback port, and headless Chromium.

    from browser import browser_fixture, expect, open_page, serve

``browser_fixture`` is the module-scoped fixture ``browser`` (import it into a test module).

``serve(app)`` runs ``app.server`` with werkzeug's ``make_server`` in a background thread on a
free port of 127.0.0.1 and stops it on exit. ``open_page(browser, url)`` opens the page in a
fresh context and records the console errors and uncaught exceptions it meets.

When Playwright or Chromium is missing the browser tests are skipped, with the reason; with
``TIMELINE_BROWSER_TESTS=required`` in the environment they fail instead (for CI, where a
missing browser must not pass unnoticed).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TIMELINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
REQUIRED = "TIMELINE_BROWSER_TESTS"
TIMEOUT_MS = 15_000
# Console noise that is not the page's fault: Chromium's software WebGL reports GPU stalls.
IGNORED_CONSOLE = ("GL Driver Message",)


def browser_required() -> bool:
    return os.environ.get(REQUIRED, "").strip().lower() == "required"


def unavailable(reason: str) -> None:
    """Skip (or, when the browser tests are required, fail) for want of a browser."""
    if browser_required():
        pytest.fail(f"{reason} (and {REQUIRED}=required is set)", pytrace=False)
    pytest.skip(f"browser tests need it: {reason}")


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator:
    """Headless Chromium (``CHROMIUM``), one per test module."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as problem:
        unavailable(f"Playwright is not installed ({problem})")
    if not Path(CHROMIUM).is_file() or not os.access(CHROMIUM, os.X_OK):
        unavailable(f"no Chromium at {CHROMIUM}")
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                timeout=30_000)
        except Error as problem:
            unavailable(f"Chromium at {CHROMIUM} does not start: {problem.message.strip()}")
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


def expect(*args, **kwargs):
    """Playwright's ``expect``, waiting up to ``TIMEOUT_MS`` (imported late: a missing
    Playwright must skip the tests, not break their collection)."""
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=TIMEOUT_MS)
    return playwright_expect(*args, **kwargs)


# The server ----------------------------------------------------------------------------------


class DashServer:
    """``app.server`` served by werkzeug in a daemon thread on 127.0.0.1 (a free port)."""

    def __init__(self, app):
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log_request(self, *args, **kwargs) -> None:  # errors are still logged
                pass

        self.app = app
        self._server = make_server("127.0.0.1", 0, app.server, threaded=True,
                                   request_handler=Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}/"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name=f"dash-{self._server.server_port}", daemon=True)

    def start(self) -> DashServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()


@contextlib.contextmanager
def serve(app) -> Iterator[DashServer]:
    """Serve ``app`` for the duration of the ``with`` block."""
    server = DashServer(app).start()
    try:
        yield server
    finally:
        server.stop()


# Pages ---------------------------------------------------------------------------------------


@dataclass
class OpenPage:
    """A page in its own browser context, with what went wrong in it and the Dash callback
    requests it made (``updates``: the ``changedPropIds`` of each answered one)."""

    page: object
    context: object
    errors: list[str] = field(default_factory=list)
    updates: list[list[str]] = field(default_factory=list)
    pending: int = 0

    def problems(self) -> list[str]:
        """Console errors and uncaught exceptions, less the known noise."""
        return [e for e in self.errors if not any(n in e for n in IGNORED_CONSOLE)]

    def wait_for_update(self, prop_id: str, timeout_ms: int = TIMEOUT_MS) -> None:
        """Wait until a callback request triggered by ``prop_id`` (``"id.property"``) has
        been answered and no other is under way."""
        waited = 0
        while not (self.pending == 0 and any(prop_id in u for u in self.updates)):
            if waited > timeout_ms:
                raise AssertionError(f"no answered callback request for {prop_id} in "
                                     f"{timeout_ms} ms ({self.pending} under way)")
            self.page.wait_for_timeout(50)
            waited += 50

    def close(self) -> None:
        self.context.close()


def _dash_update(request) -> bool:
    return request.method == "POST" and "/_dash-update-component" in request.url


def open_page(browser, url: str, *, viewport=(1400, 1100)) -> OpenPage:
    """``url`` in a fresh context (downloads allowed), recording console errors, page errors
    and Dash callback requests; Playwright waits up to ``TIMEOUT_MS`` by default."""
    context = browser.new_context(accept_downloads=True,
                                  viewport={"width": viewport[0], "height": viewport[1]})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    opened = OpenPage(page=page, context=context)

    def on_console(message) -> None:
        if message.type == "error":
            opened.errors.append(f"console: {message.text}")

    def on_request(request) -> None:
        if _dash_update(request):
            opened.pending += 1

    def on_done(request) -> None:
        if _dash_update(request):
            opened.pending -= 1
            try:
                changed = json.loads(request.post_data or "{}").get("changedPropIds") or []
            except ValueError:
                changed = []
            opened.updates.append(list(changed))

    page.on("console", on_console)
    page.on("pageerror", lambda error: opened.errors.append(f"pageerror: {error}"))
    page.on("request", on_request)
    page.on("requestfinished", on_done)
    page.on("requestfailed", on_done)
    page.goto(url)
    return opened
