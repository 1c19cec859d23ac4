"""Finding the publication date in an article's header."""

from __future__ import annotations

import datetime as dt

import pytest

from timeline.published import find_published, parse_date

SEP_13 = dt.date(2023, 9, 13)


@pytest.mark.parametrize(
    "text",
    [
        "Published: Sep 13, 2023 09:43 PM\nThe body.",
        "Big headline\nBy Jane Doe | Published: 13 September 2023\nBody",
        "Posted on September 13th, 2023 by admin\n",
        "Headline\n\nSeptember 13, 2023\n\nBody text.",
        "Headline\nWednesday, 13 September 2023 at 10:15 BST\nBody",
        "Headline\nBy Jane Doe, September 13, 2023\n",
        "Date: 2023-09-13T21:43:00Z",
        "Published 13/09/23 21:43",
        "Updated: Sep 14, 2023\nPublished: Sep 13, 2023 09:43 PM",
        "Sep 13, 2023\nUpdated: Sep 14, 2023",
        "LONDON, Sept 13, 2023 (Reuters) - Shares fell.",
        "https://example.com/news/2023/09/13/story\nLONDON, Sept 13 (Reuters) - Shares fell.",
        "LONDON, September 13 (Reuters) - Shares fell.\n\n© 2023 Reuters. All rights reserved.",
        "Headline\nSept. 13, 2023\nBody",
        "Headline\n13/09/2023\nBody",
        "Headline\n2023-09-13T21:43:00Z\nBody",
        "Headline\n2023/09/13\nBody",
        "Headline\nWed 13 Sep 2023\nBody",
        "Published 3:45 PM EDT, Wed September 13, 2023\nBody",
        "Updated: Sep 14, 2023 | Published: Sep 13, 2023",
        "Updated: Sep 14, 2023 / Published: Sep 13, 2023",
        "Headline\nBy Jane Doe | Sep 13, 2023 | Reuters\nBody",
        "Headline\nJane Doe · Reuters · Sep 13, 2023 · 3 min read\nBody",
        "Headline\nSep 13, 2023 / 9:43 PM EDT / Updated 2 hours ago\nBody",
        "Headline\nBy Jane Doe, Reuters | Updated 2 hours ago\nPosted: 9/13/2023\nBody",
    ],
)
def test_finds_the_publication_date(text: str) -> None:
    assert find_published(text) == SEP_13


def test_updated_is_used_when_nothing_better() -> None:
    assert find_published("Headline\nLast updated: 14 Sep 2023") == dt.date(2023, 9, 14)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Nothing dated here.\nAt all.",
        # A dated headline is not a date line.
        "Sept. 11, 2001: twenty years on\nBody",
        # Body text that mentions publishing is not a label.
        "The study, published in Nature on March 3, 2021, found that",
        # Relative phrases would need today's date: never used.
        "Published 2 days ago\nPosted yesterday",
        "Headline\nBy Jane Doe, Reuters | Updated 2 hours ago\nBody",
        # A dateline without a year, and no trustworthy year elsewhere.
        "Rates highest since 2008\nLONDON, March 22 (Reuters) - Shares fell in 2021.",
        # Dates beyond the header are not looked at.
        "\n".join(f"line {n}" for n in range(12)) + "\nPublished: Sep 13, 2023",
    ],
)
def test_returns_none_without_a_header_date(text: str) -> None:
    assert find_published(text) is None


def test_parse_date_requires_day_month_and_year() -> None:
    assert parse_date("Sep 13, 2023 09:43 PM") == SEP_13
    assert parse_date("September 2023") is None
    assert parse_date("not a date") is None
