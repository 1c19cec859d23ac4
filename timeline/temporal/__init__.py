"""The date-resolution engine: find temporal expressions and anchor them."""

from timeline.temporal.model import Timex
from timeline.temporal.tagger import tag

__all__ = ["Timex", "tag"]
