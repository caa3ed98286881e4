"""Parse `content query` output: `Row: <i> col=value, col=value, ...` per row, or `No result found.`.

The device prints values raw: a value may contain `, `, `=`, newlines, even `Row: `. Splitting on `, ` (as many
scripts do) breaks on such values, so rows are cut only at headers whose index is the next expected one, and
columns are matched by name, in order: with a `projection` the names are known exactly; without one, a name
counts as a column only if every row has it (a `, x=` inside one value is then ignored when there are several
rows). A value that itself contains `, <next column>=` is ambiguous in the format; it is split at the first one.
`NULL` becomes None; every other value stays a string (the format does not say `007` is not a number).
"""

from __future__ import annotations

import re
import shlex
from typing import Sequence

from autoplay_gym.core.errors import BackendError

_HEADER = re.compile(r"^Row: (\d+),? ", re.MULTILINE)
_KEY = re.compile(r"(?:^|, )([A-Za-z_][A-Za-z0-9_]*)=")
_EMPTY = ("No result found.", "No reuslt found.")  # the second is the typo older images print


class ContentQueryError(BackendError):
    """The provider refused the query or the output is not in the `content query` format."""


def parse_rows(output: str, projection: Sequence[str] | None = None) -> list[dict[str, str | None]]:
    text = output.replace("\r\n", "\n")
    head = text.lstrip()
    if not head or head.startswith(_EMPTY):
        return []
    if not text.startswith("Row: "):
        first = head.splitlines()[0][:200]
        raise ContentQueryError(f"content query failed: {first}")
    bodies = _split_rows(text, projection[0] if projection else None)
    columns = list(projection) if projection else _infer_columns(bodies)
    pattern = re.compile(
        "^" + ", ".join(f"{re.escape(c)}=(.*?)" for c in columns[:-1])
        + (", " if len(columns) > 1 else "") + f"{re.escape(columns[-1])}=(.*)$",
        re.DOTALL,
    )
    rows = []
    for index, body in enumerate(bodies):
        match = pattern.match(body)
        if match is None:
            raise ContentQueryError(f"row {index} does not have the columns {columns}: {body[:200]!r}")
        rows.append({c: (None if v == "NULL" else v) for c, v in zip(columns, match.groups())})
    return rows


def _split_rows(text: str, first_column: str | None) -> list[str]:
    """Row bodies, cut only at `Row: <next index> ` line starts (followed by the first column, when known)."""
    starts: list[tuple[int, int]] = []
    for match in _HEADER.finditer(text):
        if int(match.group(1)) != len(starts):
            continue
        if first_column is not None and not text.startswith(first_column + "=", match.end()):
            continue
        starts.append((match.start(), match.end()))
    bodies = []
    for i, (_, body_start) in enumerate(starts):
        body = text[body_start : starts[i + 1][0] if i + 1 < len(starts) else len(text)]
        bodies.append(body[:-1] if body.endswith("\n") else body)  # each row ends with one println newline
    return bodies


def _infer_columns(bodies: list[str]) -> list[str]:
    def keys(body: str) -> list[str]:
        seen: list[str] = []
        for match in _KEY.finditer(body):
            if match.group(1) not in seen:
                seen.append(match.group(1))
        return seen

    per_row = [keys(b) for b in bodies]
    if not per_row or not per_row[0]:
        raise ContentQueryError(f"cannot find any column=value in {bodies[:1]!r}")
    first = per_row[0][0]
    return [k for k in per_row[0] if k == first or all(k in other for other in per_row[1:])]


def query_command(uri: str, projection: Sequence[str] | None, where: str | None, sort: str | None) -> str:
    """The `content query` command line, every argument single-quoted for the device shell."""
    if not isinstance(uri, str) or not uri.startswith("content://") or any(c.isspace() for c in uri):
        raise ValueError(f"uri must look like content://authority/path, got {uri!r}")
    parts = ["content", "query", "--uri", shlex.quote(uri)]
    if projection:
        bad = [c for c in projection if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", c)]
        if bad:
            raise ValueError(f"projection columns must be plain column names, got {bad}")
        parts += ["--projection", ":".join(projection)]
    if where:
        parts += ["--where", shlex.quote(where)]
    if sort:
        parts += ["--sort", shlex.quote(sort)]
    return " ".join(parts)
