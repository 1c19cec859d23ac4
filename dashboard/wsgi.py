"""The WSGI entry point, for a production server instead of ``timeline serve``:

    TIMELINE_INPUTS=events.parquet gunicorn --threads 8 'dashboard.wsgi:server'
    TIMELINE_DB=events.sqlite gunicorn --threads 8 'dashboard.wsgi:server'

``TIMELINE_INPUTS`` lists event files or articles (separated by ``os.pathsep``, ``:`` on
POSIX); ``TIMELINE_DB`` names a store written by ``timeline extract --db`` instead, read as the
page needs it; ``TIMELINE_TITLE`` names the page. Problems with inputs are logged, one line
each.
"""

from __future__ import annotations

import logging
import os

from dashboard.app import create_app
from dashboard.corpus import load_inputs

log = logging.getLogger("timeline.dashboard")


def build(environ: dict[str, str] | os._Environ = os.environ):
    """The app over the store or the inputs ``environ`` names."""
    title = environ.get("TIMELINE_TITLE", "timeline")
    if environ.get("TIMELINE_DB"):
        return create_app(db=environ["TIMELINE_DB"], title=title)
    paths = [p for p in environ.get("TIMELINE_INPUTS", "").split(os.pathsep) if p]
    loaded = load_inputs(paths, error=log.error, warn=log.warning)
    return create_app(loaded.events, loaded.texts, title=title)


app = build()
server = app.server
