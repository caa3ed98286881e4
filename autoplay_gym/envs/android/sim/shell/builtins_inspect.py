"""Inspecting the file tree: find (with -type/-name/-o/-mindepth/-maxdepth/-delete), stat and md5sum."""

from __future__ import annotations

import fnmatch
import hashlib
import posixpath
import stat as st
from collections.abc import Iterator

from autoplay_gym.envs.android.sim.fs import FsError
from autoplay_gym.envs.android.sim.shell.builtins_files import _split_options
from autoplay_gym.envs.android.sim.shell.interp import CommandIO, Shell


def cmd_find(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    args = argv[1:]
    roots = []
    while args and not args[0].startswith("-") and args[0] not in ("(", "!"):
        roots.append(args.pop(0))
    min_depth, max_depth, delete = 0, 1 << 30, False
    groups: list[list[tuple[str, str]]] = [[]]
    while args:
        token = args.pop(0)
        if token in ("-mindepth", "-maxdepth") and args:
            value = int(args.pop(0))
            min_depth, max_depth = (value, max_depth) if token == "-mindepth" else (min_depth, value)
        elif token in ("-type", "-name", "-iname") and args:
            groups[-1].append((token, args.pop(0)))
        elif token in ("-o", "-or"):
            groups.append([])
        elif token == "-delete":
            delete = True
        elif token in ("-print", "-a", "-and"):
            continue
        else:
            io.stderr.write(f"find: Unknown option '{token}'\n")
            return 1
    status = 0
    for root in roots or ["."]:
        path = sh.resolve(root)
        try:
            sh.fs.check(path, root=sh.root, listing=True)
            if not sh.fs.exists(path):
                raise FsError(2, root)
        except FsError as error:
            io.stderr.write(f"find: '{root}': {error.strerror}\n")
            status = 1
            continue
        for shown, device_path, depth in _walk(sh, root, path, 0):
            if not (min_depth <= depth <= max_depth) or not _matches(sh, device_path, groups):
                continue
            io.stdout.write(shown + "\n")
            if delete:
                _delete_quietly(sh, device_path)
    return status


def _delete_quietly(sh: Shell, path: str) -> None:
    """`-delete` removes files and empty directories; a non-empty directory stays, as with toybox."""
    try:
        sh.fs.check(path, root=sh.root, write=True)
        if sh.fs.is_dir(path):
            sh.fs.rmdir(path)
        else:
            sh.fs.remove(path)
    except FsError:
        pass


def _walk(sh: Shell, shown: str, path: str, depth: int) -> Iterator[tuple[str, str, int]]:
    yield shown, path, depth
    if sh.fs.is_dir(path):
        for name in sh.fs.listdir(path):
            yield from _walk(sh, shown.rstrip("/") + "/" + name if shown != "/" else "/" + name,
                             posixpath.join(path, name), depth + 1)


def _matches(sh: Shell, path: str, groups: list[list[tuple[str, str]]]) -> bool:
    def test(term: tuple[str, str]) -> bool:
        kind, value = term
        if kind == "-type":
            return (sh.fs.is_dir(path)) == (value == "d")
        name = posixpath.basename(path)
        return fnmatch.fnmatchcase(name.lower() if kind == "-iname" else name,
                                   value.lower() if kind == "-iname" else value)
    return any(all(test(term) for term in group) for group in groups)


def cmd_stat(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    """`stat [-c FORMAT] FILE...` with the common format letters (%s %n %Y %a %F)."""
    args, fmt = argv[1:], None
    if len(args) >= 2 and args[0] == "-c":
        fmt, args = args[1], args[2:]
    status = 0
    for operand in args:
        path = sh.resolve(operand)
        try:
            sh.fs.check(path, root=sh.root)
            info = sh.fs.lstat(path)
        except FsError as error:
            io.stderr.write(f"stat: '{operand}': {error.strerror}\n")
            status = 1
            continue
        kind = "directory" if st.S_ISDIR(info.st_mode) else "regular file"
        values = {"s": str(info.st_size), "n": operand, "Y": str(int(info.st_mtime + sh.host.clock_offset)),
                  "a": format(info.st_mode & 0o7777, "o"), "F": kind, "%": "%"}
        if fmt is None:
            io.stdout.write(f"  File: {operand}\n  Size: {info.st_size}\t {kind}\n")
            continue
        out, i = [], 0
        while i < len(fmt):
            if fmt[i] == "%" and i + 1 < len(fmt):
                out.append(values.get(fmt[i + 1], "?"))
                i += 2
            else:
                out.append(fmt[i])
                i += 1
        io.stdout.write("".join(out) + "\n")
    return status


def cmd_md5sum(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    status = 0
    for operand in _split_options(argv)[1]:
        path = sh.resolve(operand)
        try:
            sh.fs.check(path, root=sh.root)
            digest = hashlib.md5(sh.fs.read_bytes(path)).hexdigest()
        except FsError as error:
            io.stderr.write(f"md5sum: {operand}: {error.strerror}\n")
            status = 1
            continue
        io.stdout.write(f"{digest}  {operand}\n")
    return status


COMMANDS = {"find": cmd_find, "stat": cmd_stat, "md5sum": cmd_md5sum}
