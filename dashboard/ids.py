"""Every component id of the page, in one place (callbacks, tests and the benchmark use them)."""

COUNTS = "counts"
EMPTY = "empty-state"
FIGURE = "timeline-figure"
LANES = "lanes"
GRID = "events-grid"
SOURCE = "source-panel"
UNDATED = "undated"

SEARCH = "filter-text"
DATES = "filter-dates"
DOCUMENTS = "filter-documents"
ACTORS = "filter-actors"
GRANULARITY = "filter-granularity"
RESET = "filter-reset"

UPLOAD = "add-upload"
PASTE = "add-text"
PASTE_TITLE = "add-title"
PUBLISHED = "add-published"
ADD = "add-button"
ADD_STATUS = "add-status"

DOWNLOAD_CSV = "download-csv"
DOWNLOAD_HTML = "download-html"
DOWNLOAD = "download"

SESSION = "session-store"     # the events and texts this browser session added
VIEW = "view-store"           # a token naming the current filtered view
SELECTED = "selected-store"   # {"key": ..., "from": "figure" | "table"}
SHOWN_LANES = "lanes-store"   # the lanes the figure drew, top to bottom
GRID_TARGET = "grid-target"   # {"key": ..., "index": n}: the row to scroll to and select
CLIENT_DONE = "client-done"   # the output of clientside callbacks that only act on the page
