"""`content query` output parsing, including values that contain the separators of the format."""

from __future__ import annotations

import shlex

import pytest

from autoplay_gym.envs.android.content import ContentQueryError, parse_rows, query_command


def test_rows_as_android_world_records_them():
    out = "Row: 0 display_name=Jane Doe, number=1 (234) 567-89\nRow: 1 display_name=Chen, number=98765\n"
    assert parse_rows(out, ["display_name", "number"]) == [
        {"display_name": "Jane Doe", "number": "1 (234) 567-89"},
        {"display_name": "Chen", "number": "98765"},
    ]
    assert parse_rows(out) == parse_rows(out, ["display_name", "number"])


def test_values_with_comma_space_equals_and_newlines():
    out = (
        "Row: 0 _id=2, address=+1111, date=1693421073675, body=Yo, see you at 5, ok=fine\n"
        "Row: 1 _id=1, address=+1111, date=1693421026207, body=line one\nRow: 7 not a row\nlast, x=y\n"
    )
    rows = parse_rows(out)
    assert rows[0]["body"] == "Yo, see you at 5, ok=fine"
    assert rows[1]["body"] == "line one\nRow: 7 not a row\nlast, x=y"
    assert [r["_id"] for r in rows] == ["2", "1"] and rows[0]["date"] == "1693421073675"


def test_a_value_that_looks_like_the_next_row_header():
    out = "Row: 0 _id=1, body=a\nRow: 1 b\nRow: 1 _id=2, body=c\n"
    assert parse_rows(out, ["_id", "body"]) == [{"_id": "1", "body": "a\nRow: 1 b"}, {"_id": "2", "body": "c"}]


def test_single_row_with_projection_is_exact():
    out = "Row: 0 name=Smith, John, note=a=b, c\n"
    assert parse_rows(out, ["name", "note"]) == [{"name": "Smith, John", "note": "a=b, c"}]


def test_null_empty_and_trailing_spaces():
    out = "Row: 0 a=NULL, b=, c= x \n"
    assert parse_rows(out, ["a", "b", "c"]) == [{"a": None, "b": "", "c": " x "}]


@pytest.mark.parametrize("out", ["No result found.\n", "No reuslt found.\n", "", "\n"])
def test_empty_results(out):
    assert parse_rows(out) == []


def test_comma_after_the_row_index_is_accepted():
    assert parse_rows("Row: 0, address=+1, body=hey\n") == [{"address": "+1", "body": "hey"}]


@pytest.mark.parametrize(
    "out",
    ["Error while accessing provider:contacts\njava.lang.IllegalArgumentException: Unknown URI\n",
     "usage: adb shell content [subcommand] [options]\n"],
)
def test_errors_raise(out):
    with pytest.raises(ContentQueryError, match="content query failed"):
        parse_rows(out)


def test_missing_projected_column_raises():
    with pytest.raises(ContentQueryError, match="does not have the columns"):
        parse_rows("Row: 0 a=1\n", ["a", "b"])


def test_query_command_quotes_for_the_device_shell():
    where = "display_name='O''Neil; x' AND number LIKE '%5$(reboot)%'"
    cmd = query_command("content://contacts/phones/", ["display_name", "number"], where, "_id DESC")
    assert shlex.split(cmd) == ["content", "query", "--uri", "content://contacts/phones/", "--projection",
                                "display_name:number", "--where", where, "--sort", "_id DESC"]
    for bad_uri in ("http://x", "content://a b", 3):
        with pytest.raises(ValueError):
            query_command(bad_uri, None, None, None)
    with pytest.raises(ValueError):
        query_command("content://x/y", ["a;rm"], None, None)
