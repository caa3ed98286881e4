"""`sqlite3 DB "SQL"` as on userdebug images: stdlib sqlite3 on the device file, list mode (`a|b`) output."""

from __future__ import annotations

import sqlite3

from autoplay_gym.envs.android.sim.fs import FsError
from autoplay_gym.envs.android.sim.shell.interp import CommandIO, Shell


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def cmd_sqlite3(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("-")]
    header = "-header" in argv
    if not args:
        io.stderr.write("sqlite3: an interactive shell is not available here; pass DB and SQL\n")
        return 1
    path = sh.resolve(args[0])
    sql = " ".join(args[1:]) if len(args) > 1 else io.stdin.read().decode("utf-8", errors="replace")
    try:
        sh.fs.check(path, root=sh.root, write=True)
        host = sh.fs.host_path(path)
        if not host.parent.is_dir():
            raise FsError(2, path)
    except FsError:
        io.stderr.write(f'Error: unable to open database "{args[0]}": unable to open database file\n')
        return 1
    db = sqlite3.connect(host, timeout=10, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=DELETE")
        for statement in _statements(sql):
            cursor = db.execute(statement)
            rows = cursor.fetchall()
            if header and cursor.description and rows:
                io.stdout.write("|".join(d[0] for d in cursor.description) + "\n")
            io.stdout.write("".join("|".join(_cell(v) for v in row) + "\n" for row in rows))
    except sqlite3.Error as error:
        io.stderr.write(f"Error: {error}\n")
        return 1
    finally:
        db.close()
    return 0


def _statements(sql: str) -> list[str]:
    """Split a script into complete statements (sqlite3.complete_statement respects quotes)."""
    statements, current = [], ""
    for piece in sql.split(";"):
        current += piece + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \n\t;"):
                statements.append(current.strip())
            current = ""
    if current.strip(" \n\t;"):
        statements.append(current.strip().rstrip(";"))
    return statements
