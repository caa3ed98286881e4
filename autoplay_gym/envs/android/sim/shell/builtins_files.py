"""File commands (toybox): ls, rm, mkdir, touch, cp, mv, chmod, find, stat, with toybox's output and errors."""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import stat as st

from autoplay_gym.envs.android.sim.fs import SHARED_STORAGE, FsError
from autoplay_gym.envs.android.sim.shell.interp import CommandIO, Shell


def _split_options(argv: list[str]) -> tuple[str, list[str]]:
    """Toybox accepts options anywhere (`ls dir -ll -au`); return the flag letters and the operands."""
    flags, operands = "", []
    for arg in argv[1:]:
        if arg.startswith("-") and len(arg) > 1 and arg != "--":
            flags += arg[1:]
        else:
            operands.append(arg)
    return flags, operands


def _display_mode(sh: Shell, path: str, info: os.stat_result) -> str:
    """Mode column; shared storage is FUSE-backed on Android and shows fixed modes there."""
    if path.startswith(SHARED_STORAGE + "/") or path == SHARED_STORAGE:
        return "drwxrws---" if st.S_ISDIR(info.st_mode) else "-rw-rw----"
    return st.filemode(info.st_mode)


def _format_time(sh: Shell, seconds: float, full: bool) -> str:
    moment = dt.datetime.fromtimestamp(seconds + sh.host.clock_offset, tz=dt.timezone.utc)
    if full:
        nanos = int(round((seconds % 1) * 1e9)) % 1_000_000_000
        return moment.strftime("%Y-%m-%d %H:%M:%S") + f".{nanos:09d} +0000"
    return moment.strftime("%Y-%m-%d %H:%M")


def cmd_ls(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    flags, operands = _split_options(argv)
    long_count = flags.count("l")
    show_all = "a" in flags
    status = 0
    files: list[tuple[str, str]] = []
    dirs: list[tuple[str, str]] = []
    for operand in operands or ["."]:
        path = sh.resolve(operand)
        try:
            sh.fs.check(path, root=sh.root)
            info = sh.fs.lstat(path)
        except FsError as error:
            io.stderr.write(f"ls: {operand}: {error.strerror}\n")
            status = 1
            continue
        (dirs if st.S_ISDIR(info.st_mode) and "d" not in flags else files).append((operand, path))
    blocks: list[str] = []
    if files:
        blocks.append(_render_entries(sh, [(name, path) for name, path in files], flags, long_count, total=False))
    for name, path in dirs:
        try:
            sh.fs.check(path, root=sh.root, listing=True)
            names = sh.fs.listdir(path)
        except FsError as error:
            io.stderr.write(f"ls: {name}: {error.strerror}\n")
            status = 1
            continue
        if not show_all:
            names = [n for n in names if not n.startswith(".")]
        entries = [(n, posixpath.join(path, n)) for n in names]
        if show_all:
            entries = [(".", path), ("..", posixpath.dirname(path) or "/")] + entries
        header = f"{name}:\n" if len(operands) > 1 else ""
        blocks.append(header + _render_entries(sh, entries, flags, long_count, total=True))
    io.stdout.write("\n".join(b for b in blocks))
    return status


def _render_entries(sh: Shell, entries: list[tuple[str, str]], flags: str, long_count: int, total: bool) -> str:
    stats = []
    for name, path in entries:
        try:
            stats.append((name, path, os.stat(sh.fs.host_path(path)) if name in (".", "..")
                          else sh.fs.lstat(path)))
        except FsError:
            continue
    if "t" in flags:
        stats.sort(key=lambda item: -(item[2].st_atime if "u" in flags else item[2].st_mtime))
    if "r" in flags:
        stats.reverse()
    if not long_count:
        return "".join(f"{name}\n" for name, _, _ in stats)
    rows = []
    for name, path, info in stats:
        owner = sh.fs.owner(path)
        when = info.st_atime if "u" in flags else info.st_mtime
        rows.append((_display_mode(sh, path, info), str(info.st_nlink), owner.user, owner.group,
                     str(info.st_size), _format_time(sh, when, full=long_count > 1), name))
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(5)]
    lines = [f"{m} {n.rjust(widths[1])} {u.ljust(widths[2])} {g.ljust(widths[3])} {s.rjust(widths[4])} {t} {nm}"
             for m, n, u, g, s, t, nm in rows]
    header = f"total {sum(info.st_blocks for _, _, info in stats) // 2}\n" if total else ""
    return header + "".join(line + "\n" for line in lines)


def cmd_rm(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    flags, operands = _split_options(argv)
    recursive, force = "r" in flags or "R" in flags, "f" in flags
    status = 0
    if not operands and not force:
        io.stderr.write("rm: Needs 1 argument\n")
        return 1
    for operand in operands:
        path = sh.resolve(operand)
        try:
            sh.fs.check(path, root=sh.root, write=True)
            sh.fs.remove(path, recursive=recursive)
        except FsError as error:
            if force and error.code == 2:
                continue
            io.stderr.write(f"rm: {operand}: {error.strerror}\n")
            status = 1
    return status


def cmd_rmdir(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    status = 0
    for operand in _split_options(argv)[1]:
        path = sh.resolve(operand)
        try:
            sh.fs.check(path, root=sh.root, write=True)
            sh.fs.rmdir(path)
        except FsError as error:
            io.stderr.write(f"rmdir: {operand}: {error.strerror}\n")
            status = 1
    return status


def cmd_mkdir(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    flags, operands = _split_options(argv)
    status = 0
    for operand in operands:
        path = sh.resolve(operand)
        try:
            sh.fs.check(path, root=sh.root, write=True)
            if "p" in flags and sh.fs.is_dir(path):
                continue
            sh.fs.mkdir(path, parents="p" in flags)
        except FsError as error:
            io.stderr.write(f"mkdir: '{operand}': {error.strerror}\n")
            status = 1
    return status


def cmd_touch(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    status = 0
    for operand in _split_options(argv)[1]:
        path = sh.resolve(operand)
        try:
            sh.fs.check(path, root=sh.root, write=True)
            if sh.fs.exists(path):
                os.utime(sh.fs.host_path(path))
            else:
                sh.fs.write_bytes(path, b"")
        except FsError as error:
            io.stderr.write(f"touch: '{operand}': {error.strerror}\n")
            status = 1
    return status


def _copy_or_move(sh: Shell, io: CommandIO, argv: list[str], move: bool) -> int:
    name = argv[0]
    flags, operands = _split_options(argv)
    if len(operands) < 2:
        io.stderr.write(f"{name}: Needs 2 arguments\n")
        return 1
    *sources, target = operands
    target_path = sh.resolve(target)
    status = 0
    for source in sources:
        source_path = sh.resolve(source)
        try:
            sh.fs.check(source_path, root=sh.root)
            if not sh.fs.exists(source_path):
                raise FsError(2, source)
        except FsError as error:
            io.stderr.write(f"{name}: bad '{source}': {error.strerror}\n")
            status = 1
            continue
        destination = target_path
        if sh.fs.is_dir(target_path):
            destination = posixpath.join(target_path, posixpath.basename(source_path))
        try:
            sh.fs.check(destination, root=sh.root, write=True)
            if not move and sh.fs.is_dir(source_path) and not ("r" in flags or "R" in flags or "a" in flags):
                io.stderr.write(f"{name}: Skipped dir '{source}'\n")
                status = 1
                continue
            if move:
                sh.fs.move(source_path, destination)
            else:
                sh.fs.copy(source_path, destination)
        except (FsError, OSError) as error:
            io.stderr.write(f"{name}: '{target}': {error.strerror}\n")
            status = 1
    return status


def cmd_cp(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    return _copy_or_move(sh, io, argv, move=False)


def cmd_mv(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    return _copy_or_move(sh, io, argv, move=True)


def cmd_chmod(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    flags, operands = _split_options(argv)
    if len(operands) < 2:
        io.stderr.write(f"{argv[0]}: Needs 2 arguments\n")
        return 1
    mode_text, *targets = operands
    status = 0
    for target in targets:
        path = sh.resolve(target)
        try:
            sh.fs.check(path, root=sh.root)
            if not sh.fs.exists(path):
                raise FsError(2, target)
            if mode_text.isdigit():
                os.chmod(sh.fs.host_path(path), int(mode_text, 8) | 0o600)
        except (FsError, ValueError) as error:
            io.stderr.write(f"{argv[0]}: {target}: {getattr(error, 'strerror', error)}\n")
            status = 1
    return status


COMMANDS = {
    "ls": cmd_ls, "rm": cmd_rm, "rmdir": cmd_rmdir, "mkdir": cmd_mkdir, "touch": cmd_touch, "cp": cmd_cp,
    "mv": cmd_mv, "chmod": cmd_chmod, "chown": cmd_chmod,
}
