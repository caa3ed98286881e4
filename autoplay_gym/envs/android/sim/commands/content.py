"""`content query|insert|delete` against the simulated providers (contacts, settings), printing rows in the
real `Row: <i> col=value, col=value` format."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from autoplay_gym.envs.android.sim.apps import contacts_uris
from autoplay_gym.envs.android.sim.apps.contacts_provider import ProviderError
from autoplay_gym.envs.android.sim.commands.common import device_of
from autoplay_gym.envs.android.sim.shell.interp import CommandIO, Shell

USAGE = ("usage: adb shell content [subcommand] [options]\n\nusage: adb shell content insert --uri <URI> "
         "[--user <USER_ID>] --bind <BINDING> [--bind <BINDING>...] [--extra <BINDING>...]\n"
         "usage: adb shell content delete --uri <URI> [--user <USER_ID>] [--where <WHERE>]\n"
         "usage: adb shell content query --uri <URI> [--user <USER_ID>] [--projection <PROJECTION>] "
         "[--where <WHERE>] [--sort <SORT_ORDER>]\n")
_BIND_TYPES = {"s": str, "i": int, "l": int, "f": float, "d": float,
               "b": lambda v: v.lower() in ("true", "1"), "n": lambda v: None}


def format_value(value: object) -> str:
    """Cursor values as Content.java prints them: longs whole, floats via Float.toString, NULL, BLOB."""
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return "BLOB"
    if isinstance(value, float):
        return repr(float(f"{value:.7g}")) if value == value else "NaN"
    return str(value)


def format_rows(columns: list[str], rows: list[tuple]) -> str:
    if not rows:
        return "No result found.\n"
    lines = []
    for index, row in enumerate(rows):
        pairs = ", ".join(f"{column}={format_value(value)}" for column, value in zip(columns, row, strict=True))
        lines.append(f"Row: {index} {pairs}\n")
    return "".join(lines)


@dataclass
class ContentArgs:
    """The options of one `content` invocation."""

    uri: str | None = None
    projection: list[str] | None = None
    where: str | None = None
    sort: str | None = None
    binds: dict[str, object] = field(default_factory=dict)


def _parse(args: list[str]) -> ContentArgs:
    parsed = ContentArgs()
    index = 0
    while index < len(args):
        key = args[index]
        if index + 1 >= len(args):
            raise ValueError(f"Invalid argument: {key}")
        value = args[index + 1]
        if key in ("--bind", "--extra"):
            name, _, rest = value.partition(":")
            kind, _, literal = rest.partition(":")
            if kind not in _BIND_TYPES or not name:
                raise ValueError(f"Invalid binding: {value}")
            parsed.binds[name] = _BIND_TYPES[kind](literal)
        elif key == "--uri":
            parsed.uri = value
        elif key == "--projection":
            parsed.projection = value.split(":")
        elif key == "--where":
            parsed.where = value
        elif key == "--sort":
            parsed.sort = value
        elif key not in ("--user", "--arg", "--method"):
            raise ValueError(f"Unsupported argument: {key}")
        index += 2
    return parsed


def _split_uri(uri: str) -> tuple[str, str]:
    if not uri.startswith("content://"):
        raise ProviderError("java.lang.IllegalArgumentException", f"Unknown URL {uri}")
    authority, _, path = uri[len("content://"):].partition("/")
    return authority, path


def _settings_query(sh: Shell, path: str, projection: list[str] | None, where: str | None,
                    sort: str | None) -> tuple[list[str], list[tuple]]:
    namespace = path.split("/")[0]
    values = device_of(sh).settings.get(namespace)
    if values is None:
        raise ProviderError("java.lang.IllegalArgumentException", f"Invalid URI: content://settings/{path}")
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE TABLE settings (_id INTEGER PRIMARY KEY, name TEXT, value TEXT)")
        db.executemany("INSERT INTO settings (name, value) VALUES (?, ?)", sorted(values.items()))
        columns = projection or ["_id", "name", "value"]
        statement = f"SELECT {', '.join(columns)} FROM settings" + (f" WHERE {where}" if where else "")
        statement += f" ORDER BY {sort}" if sort else ""
        return columns, db.execute(statement).fetchall()
    except sqlite3.Error as error:
        raise ProviderError("android.database.sqlite.SQLiteException", str(error)) from None
    finally:
        db.close()


def cmd_content(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    device = device_of(sh)
    if len(argv) < 2 or argv[1] not in ("query", "insert", "delete", "update", "call", "read", "write", "gettype"):
        io.stdout.write(USAGE)
        return 0
    verb = argv[1]
    try:
        options = _parse(argv[2:])
    except ValueError as error:
        io.stdout.write(USAGE)
        io.stderr.write(f"[ERROR] {error}\n")
        return 0
    uri = options.uri
    if uri is None:
        io.stdout.write(USAGE)
        io.stderr.write("[ERROR] Content provider URI not specified. Did you specify --uri argument?\n")
        return 0
    authority = uri[len("content://"):].split("/")[0] if uri.startswith("content://") else uri
    try:
        authority, path = _split_uri(uri)
        if authority in contacts_uris.AUTHORITIES:
            provider = device.contacts
            if verb == "query":
                columns, rows = contacts_uris.query(provider, authority, path, options.projection, options.where,
                                                    options.sort)
                io.stdout.write(format_rows(columns, rows))
            elif verb == "insert":
                contacts_uris.insert(provider, authority, path, dict(options.binds))
            elif verb == "delete":
                contacts_uris.delete(provider, authority, path, options.where)
            else:
                raise ProviderError("java.lang.UnsupportedOperationException", f"{verb} is not supported by "
                                    "the simulated contacts provider")
        elif authority == "settings":
            if verb == "query":
                columns, rows = _settings_query(sh, path, options.projection, options.where, options.sort)
                io.stdout.write(format_rows(columns, rows))
            elif verb == "insert":
                binds = options.binds
                device.settings[path.split("/")[0]][str(binds["name"])] = str(binds.get("value"))
            else:
                raise ProviderError("java.lang.UnsupportedOperationException", f"{verb} on settings")
        else:
            raise ProviderError("java.lang.IllegalArgumentException", f"Unknown authority {authority}")
    except (ProviderError, KeyError) as error:
        kind = error.kind if isinstance(error, ProviderError) else "java.lang.IllegalArgumentException"
        io.stderr.write(f"Error while accessing provider:{authority}\n{kind}: {error}\n"
                        "\tat android.os.Parcel.createExceptionOrNull(Parcel.java:3011)\n"
                        "\tat com.android.commands.content.Content.main(Content.java:803)\n")
    return 0
