"""Checks on Android app state beyond the screen: content providers and SQLite databases.

They run through `env.unwrapped.device`, duck-typed so any device wrapper works: the project's `AndroidDevice`
(its `content_query` and `sqlite_query`), or anything with `shell(command, timeout=...) -> str` (adbutils'
`AdbDevice`) and, for `sqlite`, `pull(remote, local)` or adbutils' `sync.pull`. Every device call runs under a
deadline.

- `{"type": "content_query", "uri": "content://sms/sent", "projection": ["address", "body"], "where": "...",
   "expect": {...}}` runs `content query` and parses its `Row: <i> col=value, ...` lines.
- `{"type": "sqlite", "db": "/data/data/<pkg>/databases/<name>.db", "query": "SELECT ...", "expect": {...}}`
  pulls the database and runs the query read-only on this machine.
`expect` holds any of: `min_rows`, `max_rows`, `row_contains` ({column: value}, all in one row), `rows`
(the exact rows, as lists of strings, in order), and `casefold`.
"""

from __future__ import annotations

import concurrent.futures
import re
import shlex
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from autoplay_gym.agents.checks import CheckContext, CheckError, CheckResult, normalise_text, register_check

DEVICE_TIMEOUT = 20.0
SQLITE_TIMEOUT = 10.0
_ROW = re.compile(r"^Row:\s*(\d+),?\s?(.*)$")
_FIELD_SPLIT = re.compile(r", (?=[A-Za-z_][A-Za-z0-9_]*=)")


def parse_content_rows(output: str) -> list[dict[str, str]]:
    """Rows of `content query` output; `No result found.` gives []. Values keep inner commas."""
    rows: list[dict[str, str]] = []
    for line in output.replace("\r", "").splitlines():
        match = _ROW.match(line)
        if match is None:
            if rows and line and not line.startswith("Row:"):
                last_key = list(rows[-1])[-1] if rows[-1] else None
                if last_key is not None:  # a value with a newline continues on the next line
                    rows[-1][last_key] += "\n" + line
            continue
        row: dict[str, str] = {}
        for part in _FIELD_SPLIT.split(match.group(2)) if match.group(2) else []:
            name, _, value = part.partition("=")
            row[name] = value
        rows.append(row)
    return rows


def expect_rows(rows: list[dict[str, Any]] | list[list[Any]], expect: Any, columns: list[str] | None = None) -> CheckResult:
    """Judge rows (dicts, or lists with `columns`) against an `expect` spec."""
    if not isinstance(expect, dict) or not expect:
        raise CheckError("'expect' must be a non-empty object, e.g. {\"min_rows\": 1}")
    unknown = set(expect) - {"min_rows", "max_rows", "row_contains", "rows", "casefold"}
    if unknown:
        raise CheckError(f"unknown expect keys {sorted(unknown)}")
    fold = bool(expect.get("casefold", False))
    dicts = [r if isinstance(r, dict) else dict(zip(columns or [], r)) for r in rows]
    n = len(dicts)
    if "min_rows" in expect and n < int(expect["min_rows"]):
        return CheckResult(False, f"{n} row(s), expected at least {expect['min_rows']}")
    if "max_rows" in expect and n > int(expect["max_rows"]):
        return CheckResult(False, f"{n} row(s), expected at most {expect['max_rows']}")
    if "row_contains" in expect:
        wanted = {k: normalise_text(v, fold) for k, v in dict(expect["row_contains"]).items()}
        if not any(all(normalise_text(r.get(k, ""), fold) == v for k, v in wanted.items()) for r in dicts):
            return CheckResult(False, f"no row has {wanted} among {n} row(s)")
    if "rows" in expect:
        actual = [[normalise_text("NULL" if v is None else v, fold) for v in (r.values())] for r in dicts]
        wanted_rows = [[normalise_text(v, fold) for v in row] for row in expect["rows"]]
        if actual != wanted_rows:
            return CheckResult(False, f"rows are {actual[:5]}, expected {wanted_rows[:5]}")
    return CheckResult(True, f"{n} row(s) meet {expect}")


def run_sqlite(path: str | Path, query: str, timeout: float = SQLITE_TIMEOUT) -> tuple[list[str], list[list[Any]]]:
    """Run a query on a local database file, read-only, aborting after `timeout` seconds."""
    if not isinstance(query, str) or not query.strip():
        raise CheckError("sqlite needs a 'query' string")
    deadline = time.monotonic() + timeout
    connection = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True, timeout=timeout)
    try:
        connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        cursor = connection.execute(query)
        columns = [d[0] for d in cursor.description or []]
        return columns, [list(row) for row in cursor.fetchall()]
    finally:
        connection.close()


def _device(ctx: CheckContext) -> Any:
    env = ctx.env
    device = getattr(getattr(env, "unwrapped", env), "device", None) if env is not None else None
    if device is None:
        raise CheckError("this check reads device state: give the verifier the env (StateVerifier(env=...)) of an "
                         "Android env whose unwrapped env has a .device")
    return device


def _with_deadline(fn: Callable[[], Any], timeout: float, what: str) -> Any:
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(fn).result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        raise TimeoutError(f"{what} took longer than {timeout:.0f} s") from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _content_query(check: dict[str, Any], ctx: CheckContext) -> CheckResult:
    uri = check.get("uri")
    if not isinstance(uri, str) or not uri.startswith("content://"):
        raise CheckError("content_query needs a 'uri' starting with content://")
    command = ["content", "query", "--uri", uri]
    if check.get("projection"):
        command += ["--projection", ":".join(check["projection"])]
    if check.get("where"):
        command += ["--where", str(check["where"])]
    device = _device(ctx)
    line = " ".join(shlex.quote(part) for part in command)
    query = getattr(device, "content_query", None)
    try:
        if callable(query):  # the project's AndroidDevice parses rows itself
            rows = _with_deadline(lambda: query(uri, check.get("projection"), check.get("where")),
                                  DEVICE_TIMEOUT + 5, line)
            rows = [{k: "NULL" if v is None else v for k, v in r.items()} for r in rows]
        else:
            output = str(_with_deadline(lambda: device.shell(line, timeout=DEVICE_TIMEOUT), DEVICE_TIMEOUT + 5, line))
            if "Error while accessing provider" in output:
                return CheckResult(False, f"`{line}`: {output.strip()[:200]}")
            rows = parse_content_rows(output)
    except Exception as exc:  # a device failure is a failed check with its reason, not a crash of the reward loop
        return CheckResult(False, f"`{line}` failed: {type(exc).__name__}: {exc}")
    return expect_rows(rows, check.get("expect"))


def _sqlite(check: dict[str, Any], ctx: CheckContext) -> CheckResult:
    remote = check.get("db")
    if not isinstance(remote, str) or not remote.startswith("/"):
        raise CheckError("sqlite needs 'db', the absolute path of the database on the device")
    device = _device(ctx)
    query = getattr(device, "sqlite_query", None)
    if callable(query):  # the project's AndroidDevice pulls the file (with its WAL) and queries it itself
        try:
            rows = _with_deadline(lambda: query(remote, check.get("query", "")), DEVICE_TIMEOUT + SQLITE_TIMEOUT, "sqlite")
        except Exception as exc:
            return CheckResult(False, f"reading {remote} failed: {type(exc).__name__}: {exc}")
        return expect_rows(rows, check.get("expect"))
    pull = getattr(device, "pull", None) or getattr(getattr(device, "sync", None), "pull", None)
    if pull is None:
        raise CheckError("the device has neither pull() nor sync.pull(); cannot read its databases")
    with tempfile.TemporaryDirectory(prefix="autoplay-sqlite-") as tmp:
        local = Path(tmp) / Path(remote).name
        try:
            for suffix in ("", "-wal", "-shm"):  # a database in WAL mode keeps recent writes beside the file
                try:
                    _with_deadline(lambda: pull(remote + suffix, str(local) + suffix), DEVICE_TIMEOUT, "pull")
                except Exception:
                    if not suffix:
                        raise
            columns, rows = run_sqlite(local, check.get("query", ""))
        except CheckError:
            raise
        except Exception as exc:
            return CheckResult(False, f"reading {remote} failed: {exc}")
    return expect_rows(rows, check.get("expect"), columns)


register_check("content_query", _content_query)
register_check("sqlite", _sqlite)
