"""timeline: turn news articles into timelines of dated events."""

from timeline.temporal import Timex, tag

__all__ = ["Timex", "tag"]
__version__ = "0.1.0"
