"""Text utilities (cat, grep, wc, head, tail) reading files or stdin, with toybox's messages."""

from __future__ import annotations

import re

from autoplay_gym.envs.android.sim.fs import FsError
from autoplay_gym.envs.android.sim.shell.interp import CommandIO, Shell


def _read_inputs(sh: Shell, io: CommandIO, name: str, files: list[str]) -> tuple[list[tuple[str, bytes]], int]:
    """Contents of the named files (or stdin), with toybox-style errors for missing ones."""
    if not files:
        return [("-", io.stdin.read())], 0
    results, status = [], 0
    for file in files:
        if file == "-":
            results.append(("-", io.stdin.read()))
            continue
        try:
            path = sh.resolve(file)
            sh.fs.check(path, root=sh.root)
            results.append((file, sh.fs.read_bytes(path)))
        except FsError as error:
            io.stderr.write(f"{name}: {file}: {error.strerror}\n")
            status = 1 if name != "grep" else 2
    return results, status


def cmd_grep(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    flags: set[str] = set()
    args = argv[1:]
    patterns: list[str] = []
    while args and args[0].startswith("-") and len(args[0]) > 1:
        option = args.pop(0)
        if option == "--":
            break
        if option == "-e" and args:
            patterns.append(args.pop(0))
            continue
        flags.update(option[1:])
    if not patterns:
        if not args:
            io.stderr.write("grep: no REGEX\n")
            return 2
        patterns.append(args.pop(0))
    try:
        expressions = [re.compile(re.escape(p) if "F" in flags else p, re.I if "i" in flags else 0)
                       for p in patterns]
    except re.error as error:
        io.stderr.write(f"grep: bad regex '{patterns[0]}': {error}\n")
        return 2
    inputs, status = _read_inputs(sh, io, "grep", args)
    found = 0
    for name, data in inputs:
        count = 0
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
            hit = any(e.search(line) for e in expressions) != ("v" in flags)
            if not hit:
                continue
            count += 1
            if "q" in flags or "c" in flags or "l" in flags:
                continue
            prefix = f"{name}:" if len(inputs) > 1 else ""
            prefix += f"{number}:" if "n" in flags else ""
            if "o" in flags:
                for expression in expressions:
                    for match in expression.finditer(line):
                        io.stdout.write(prefix + match.group(0) + "\n")
            else:
                io.stdout.write(prefix + line + "\n")
        if "c" in flags:
            io.stdout.write((f"{name}:" if len(inputs) > 1 else "") + f"{count}\n")
        if "l" in flags and count:
            io.stdout.write(name + "\n")
        found += count
    if status:
        return status
    return 0 if found else 1


def cmd_wc(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    options = [a for a in argv[1:] if a.startswith("-")]
    files = [a for a in argv[1:] if not a.startswith("-")]
    inputs, status = _read_inputs(sh, io, "wc", files)
    for name, data in inputs:
        counts = {"l": data.count(b"\n"), "w": len(data.split()), "c": len(data)}
        chosen = [k for k in "lwc" if any(k in o for o in options)] or ["l", "w", "c"]
        text = " ".join(str(counts[k]) for k in chosen)
        io.stdout.write(text + (f" {name}" if name != "-" else "") + "\n")
    return status


def _head_tail(sh: Shell, io: CommandIO, argv: list[str], tail: bool) -> int:
    count, files, args = 10, [], argv[1:]
    while args:
        arg = args.pop(0)
        if arg == "-n" and args:
            arg = "-" + args.pop(0)
        if re.fullmatch(r"-\d+", arg):
            count = int(arg[1:])
        else:
            files.append(arg)
    inputs, status = _read_inputs(sh, io, argv[0], files)
    for _, data in inputs:
        lines = data.splitlines(keepends=True)
        io.stdout.write(b"".join(lines[-count:] if tail and count else lines[:count]))
    return status


def cmd_head(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    return _head_tail(sh, io, argv, tail=False)


def cmd_tail(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    return _head_tail(sh, io, argv, tail=True)


def cmd_cat(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    """`cat`: files or stdin to stdout."""
    files = [a for a in argv[1:] if a != "-u"]
    inputs, status = _read_inputs(sh, io, "cat", files)
    for _, data in inputs:
        io.stdout.write(data)
    return status


COMMANDS = {"cat": cmd_cat, "grep": cmd_grep, "wc": cmd_wc, "head": cmd_head, "tail": cmd_tail}
