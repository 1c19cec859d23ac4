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
    "two weeks ago": "2023-08-30",
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
