"""timeline: turn news articles into timelines of dated events."""

from timeline.events import extract
from timeline.readers import read_documents
from timeline.records import Document, Event
from timeline.temporal import Timex, tag

__all__ = ["Document", "Event", "Timex", "extract", "read_documents", "tag"]
__version__ = "0.1.0"
