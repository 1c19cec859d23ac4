"""The README's first command, run in-process on the bundled example article."""

from __future__ import annotations

import json
from pathlib import Path

from timeline.cli import main

ARTICLE = Path(__file__).parents[1] / "examples" / "article.txt"

# Every value follows from the publication date in the header, "Published: Sep 13, 2023".
EXPECTED = {
    "Tuesday": "2023-09-12",  # "Kim arrived in Khasan ... on Tuesday"
    "Friday": "2023-09-15",  # "the delegations will meet again on Friday"
    "August 24": "2023-08-24",
    "this year": "2023",
    "next week": "2023-W38",
    "May 31": "2023-05-31",
    "two weeks ago": "2023-W35",
    "last year": "2022",
}


def test_example_article_resolves_against_its_publication_date(capsys):
    status = main(["tag", str(ARTICLE), "--format", "json"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert err == "", "the publication date should be found in the header without a warning"
    found = {row["text"]: row["value"] for row in json.loads(out)}
    wrong = {text: found.get(text) for text, value in EXPECTED.items() if found.get(text) != value}
    assert wrong == {}, f"expected {EXPECTED}, found {found}"


# The event each expression dates: (timex, trigger, date, start, end).
EXPECTED_EVENTS = [
    ("Wednesday", "met", "2023-09-13", "2023-09-13", "2023-09-13"),
    ("Tuesday", "arrived", "2023-09-12", "2023-09-12", "2023-09-12"),
    ("April 2019", "met", "2019-04", "2019-04-01", "2019-04-30"),
    ("Friday", "meet", "2023-09-15", "2023-09-15", "2023-09-15"),
    ("next week", "planned", "2023-W38", "2023-09-18", "2023-09-24"),
    ("August 24", "launch", "2023-08-24", "2023-08-24", "2023-08-24"),
    ("this year", "launch", "2023", "2023-01-01", "2023-12-31"),
    ("two weeks ago", "said", "2023-W35", "2023-08-28", "2023-09-03"),
    ("July", "begun", "2023-07", "2023-07-01", "2023-07-31"),
    ("last year", "fell", "2022", "2022-01-01", "2022-12-31"),
    ("May 31", "released", "2023-05-31", "2023-05-31", "2023-05-31"),
]


def test_example_article_gives_every_event_on_its_day(capsys):
    status = main(["extract", str(ARTICLE), "--format", "json", "--quiet"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert err == "", "the publication date should be found in the header without a warning"
    events = json.loads(out)
    assert {e["published"] for e in events} == {"2023-09-13"}
    first = {}
    for e in events:  # the first event of each expression is the one it dates
        first.setdefault(e["timex_text"], (e["timex_text"], e["trigger"], e["date"], e["start"],
                                           e["end"]))
    assert list(first.values()) == EXPECTED_EVENTS
    # The header line and the dateline ("VLADIVOSTOK, Sept. 13 -") date the article, not events.
    assert "Sept. 13" not in first and "Sep 13, 2023 09:43 PM" not in first
    arrived = next(e for e in events if e["trigger"] == "arrived")
    assert arrived["event"] == "Kim arrived in Khasan, a Russian border town"
    assert arrived["actors"] == ["Kim", "Khasan", "Russian"]
