"""The ``timeline`` command line, run in-process with a predictable stand-in for the tagger."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from timeline import temporal
from timeline.cli import main
from timeline.temporal import Timex
from timeline.timeml import read_timeml

DOC = (
    '<?xml version="1.0" ?>\n<TimeML>\n<DOCID>{doc_id}</DOCID>\n'
    '<DCT><TIMEX3 tid="t0" type="DATE" value="1998-04-02" functionInDocument="CREATION_TIME">'
    "x</TIMEX3></DCT>\n<TEXT>\n"
    'Shares <EVENT eid="e1">fell</EVENT> on <TIMEX3 tid="t1" type="DATE" value="1998-03-30">'
    'Monday</TIMEX3> and for <TIMEX3 tid="t2" type="DURATION" value="P3D">three days</TIMEX3> '
    "at AT&amp;T.\n</TEXT>\n</TimeML>\n"
)


def fake_tag(text: str, dct: str | dt.date | None = None, *, mode: str = "auto") -> list[Timex]:
    """Tags "Monday" (value: the DCT) and "three days" (P3D, typed DATE: a wrong type)."""
    fake_tag.calls.append((text, dct, mode))
    found = []
    for match in re.finditer(r"Monday|three days", text):
        value = "P3D" if match.group() == "three days" else str(dct)
        found.append(Timex(match.start(), match.end(), match.group(), "DATE", value))
    return found


fake_tag.calls = []


@pytest.fixture(autouse=True)
def engine(monkeypatch: pytest.MonkeyPatch) -> list:
    fake_tag.calls = []
    monkeypatch.setattr(temporal, "tag", fake_tag)
    return fake_tag.calls


@pytest.fixture
def gold_dir(tmp_path: Path) -> Path:
    root = tmp_path / "gold"
    (root / "sub").mkdir(parents=True)
    (root / "a.tml").write_text(DOC.format(doc_id="A"))
    (root / "sub" / "b.tml.TE3input").write_text(DOC.format(doc_id="B"))
    (root / "notes.txt").write_text("not TimeML")
    return root


def error_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    return [line for line in stderr.splitlines() if line.startswith("timeline: error:")]


def test_annotate_writes_files_under_the_same_relative_paths(
    gold_dir: Path, tmp_path: Path, engine: list, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["annotate", str(gold_dir), "-o", str(out), "--mode", "news"]) == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "a.tml",
        "sub/b.tml.TE3input",
    ]
    assert {(dct, mode) for _, dct, mode in engine} == {("1998-04-02", "news")}
    written = (out / "a.tml").read_text()
    assert '<TIMEX3 tid="t1" type="DATE" value="1998-04-02">Monday</TIMEX3>' in written
    assert written.endswith("AT&amp;T.\n</TEXT>\n</TimeML>\n")
    assert [t.value for t in read_timeml(out / "a.tml").timexes] == ["1998-04-02", "P3D"]
    assert capsys.readouterr().err == ""


def test_annotate_reports_bad_inputs_and_goes_on(
    gold_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (gold_dir / "broken.tml").write_text("<TimeML><TEXT>On <EVENT>Monday</TEXT></TimeML>")
    single = tmp_path / "single.xml"
    single.write_text(DOC.format(doc_id="S"))
    out = tmp_path / "out"
    status = main(
        ["annotate", str(tmp_path / "missing.tml"), str(gold_dir), str(single), "-o", str(out)]
    )
    assert status == 1
    errors = error_lines(capsys.readouterr().err)
    assert errors == [
        f"timeline: error: {tmp_path / 'missing.tml'}: no such file or directory",
        (
            f"timeline: error: {gold_dir / 'broken.tml'}: malformed XML: mismatched tag: "
            "line 1, column 32"
        ),
    ]
    assert (out / "a.tml").is_file() and (out / "sub" / "b.tml.TE3input").is_file()
    assert (out / "single.xml").is_file() and not (out / "broken.tml").exists()


def test_annotate_refuses_to_overwrite_its_input(
    gold_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (gold_dir / "a.tml").read_text()
    assert main(["annotate", str(gold_dir / "a.tml"), "-o", str(gold_dir)]) == 1
    assert "would overwrite the input" in capsys.readouterr().err
    assert (gold_dir / "a.tml").read_text() == before


def test_eval_tags_the_gold_texts(gold_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(gold_dir)]) == 0
    table = capsys.readouterr().out
    # Per document: 2 gold, 2 system, both exact; "Monday" has a wrong value, "three days" a
    # wrong type.
    assert "documents          2" in table and "gold               4" in table
    assert "strict        100.00    100.00    100.00" in table
    assert "type                               50.00" in table
    assert "value                              50.00" in table


def test_eval_json_and_errors(gold_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(gold_dir), "--json", "--errors"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["documents"], data["gold"], data["system"]) == (2, 4, 4)
    assert data["relaxed"]["f1"] == 100.0 and data["value_f1"] == 50.0
    assert sorted({e["kind"] for e in data["errors"]}) == ["wrong_type", "wrong_value"]

    assert main(["eval", str(gold_dir / "a.tml"), "--errors"]) == 0
    listing = capsys.readouterr().out
    assert "Wrong value: 1" in listing and "A " in listing and "'Monday'" in listing
    assert listing.index("Missed") < listing.index("Spurious") < listing.index("Wrong value")


def test_eval_against_a_system_folder(
    gold_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    system = tmp_path / "system"
    system.mkdir()
    # The system output for a.tml is the gold itself; b has no system file.
    (system / "a.tml").write_text(DOC.format(doc_id="A"))
    assert main(["eval", str(gold_dir), str(system), "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert (data["gold"], data["system"], data["relaxed"]["matches"]) == (4, 2, 2)
    assert data["relaxed"]["recall"] == 50.0 and data["value_f1"] == pytest.approx(66.67)
    assert captured.err.strip() == (
        f"timeline: warning: {gold_dir / 'sub' / 'b.tml.TE3input'}: no system file in {system}; "
        "counted as all missed"
    )


def test_eval_matches_te3input_gold_to_system_file_by_name(
    gold_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    system = tmp_path / "system"
    system.mkdir()
    (system / "b.tml").write_text(DOC.format(doc_id="B"))
    assert main(["eval", str(gold_dir / "sub" / "b.tml.TE3input"), str(system), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value_f1"] == 100.0


def test_eval_reports_malformed_files(
    gold_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (gold_dir / "bad.tml").write_text("<TimeML><TEXT>&nbsp;</TEXT></TimeML>")
    assert main(["eval", str(gold_dir)]) == 1
    captured = capsys.readouterr()
    assert error_lines(captured.err) == [
        (
            f"timeline: error: {gold_dir / 'bad.tml'}: malformed XML: undefined entity: "
            "line 1, column 14"
        )
    ]
    assert "documents          2" in captured.out


def test_eval_missing_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(tmp_path / "nope")]) == 1
    assert error_lines(capsys.readouterr().err) == [
        f"timeline: error: {tmp_path / 'nope'}: no such file or directory"
    ]
    assert main(["eval", str(tmp_path), str(tmp_path / "nope")]) == 1
    assert "not a folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [[], ["eval"], ["annotate", "x.tml"], ["tag", "x.txt", "--mode", "fast"], ["frobnicate"]],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_tag_finds_the_publication_date(
    tmp_path: Path, engine: list, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Headline\nPublished: Sep 13, 2023 09:43 PM\n\nShares fell on Monday.\n")
    assert main(["tag", str(article), "--mode", "news"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "file\tstart\tend\ttext\ttype\tvalue\tmod\tfirst_day\tlast_day"
    start = article.read_text().index("Monday")
    assert lines[1:] == [f"{article}\t{start}\t{start + 6}\tMonday\tDATE\t2023-09-13\t\t\t"]
    assert engine[0][1:] == (dt.date(2023, 9, 13), "news")


def test_tag_json_with_published_option_and_stdin(
    monkeypatch: pytest.MonkeyPatch, engine: list, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Published: Sep 13, 2023\nOn Monday."))
    assert main(["tag", "-", "--published", "2020-01-31", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "file": "-",
            "start": 27,
            "end": 33,
            "text": "Monday",
            "type": "DATE",
            "value": "2020-01-31",
            "mod": None,
            "first_day": None,
            "last_day": None,
        }
    ]


def test_tag_without_a_date_warns_and_does_not_anchor(
    tmp_path: Path, engine: list, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "undated.txt"
    article.write_text("Shares fell on Monday.")
    assert main(["tag", str(article)]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"timeline: warning: {article}: no publication date found")
    assert len(err.splitlines()) == 1
    assert engine[0][1] is None


def test_tag_reports_bad_files_and_goes_on(
    tmp_path: Path, engine: list, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("September 13, 2023\nOn Monday.")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9".encode("latin-1"))
    status = main(["tag", str(tmp_path / "missing.txt"), str(latin), str(good)])
    assert status == 1
    captured = capsys.readouterr()
    assert error_lines(captured.err) == [
        f"timeline: error: {tmp_path / 'missing.txt'}: cannot read: No such file or directory",
        f"timeline: error: {latin}: not UTF-8 text",
    ]
    assert f"{good}\t" in captured.out


def test_tag_bad_published_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "a.txt"
    article.write_text("On Monday.")
    assert main(["tag", str(article), "--published", "someday"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "timeline: error: --published: cannot read 'someday' as a date (use YYYY-MM-DD)\n"
    )


def test_tag_published_accepts_a_written_date(
    tmp_path: Path, engine: list, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("On Monday.")
    assert main(["tag", str(article), "--published", "13 Sep 2023"]) == 0
    assert engine[0][1] == dt.date(2023, 9, 13)


def test_output_inside_the_input_folder_is_not_read_again(
    gold_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = gold_dir / "out"
    assert main(["annotate", str(gold_dir), "-o", str(out)]) == 0
    assert main(["annotate", str(gold_dir), "-o", str(out)]) == 0
    assert not (out / "out").exists()
    assert main(["eval", str(gold_dir), str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 2
