"""Word expansion for the simulated shell: `$?`, `$VAR`, `${VAR}`, `$(...)`, then globbing of unquoted
wildcards against the device file system (a pattern that matches nothing stays literal, as in mksh)."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from typing import TYPE_CHECKING

from autoplay_gym.envs.android.sim.fs import FsError
from autoplay_gym.envs.android.sim.shell.parser import Word
from autoplay_gym.envs.android.sim.shell.streams import EMPTY_SOURCE, BufferSink, CommandIO

if TYPE_CHECKING:
    from autoplay_gym.envs.android.sim.shell.interp import Shell

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def expand(shell: Shell, word: Word, io: CommandIO, *, glob: bool = True) -> list[str]:
    """Variable and command substitution, then globbing of unquoted wildcards."""
    text_parts: list[str] = []
    pattern_parts: list[str] = []
    has_wildcard = False
    for part in word.parts:
        if part.kind == "lit":
            text_parts.append(part.text)
            pattern_parts.append(_escape_glob(part.text))
            continue
        value = _substitute(shell, part.text, io, quoted=part.kind == "dq")
        text_parts.append(value)
        if part.kind == "bare" and any(c in value for c in "*?["):
            has_wildcard = True
            pattern_parts.append(value)
        else:
            pattern_parts.append(_escape_glob(value))
    text = "".join(text_parts)
    if glob and has_wildcard:
        matches = _glob(shell, "".join(pattern_parts))
        if matches:
            return matches
    return [text]


def _substitute(shell: Shell, text: str, io: CommandIO, *, quoted: bool) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if quoted and ch == "\\" and text.startswith("\\$", i):
            out.append("$")
            i += 2
        elif ch == "$" and text.startswith("$(", i):
            depth, j = 0, i + 1
            while j < len(text):
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            out.append(_command_output(shell, text[i + 2:j], io))
            i = j + 1
        elif ch == "$" and i + 1 < len(text):
            value, i = _variable(shell, text, i + 1)
            out.append(value)
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _variable(shell: Shell, text: str, i: int) -> tuple[str, int]:
    ch = text[i]
    if ch == "?":
        return str(shell.status), i + 1
    if ch == "$":
        return "4242", i + 1
    if ch == "#":
        return "0", i + 1
    if ch == "0":
        return shell.env.get("SHELL", "/system/bin/sh"), i + 1
    if ch == "{":
        close = text.find("}", i)
        if close > 0:
            return shell.env.get(text[i + 1:close], ""), close + 1
    match = _NAME_RE.match(text, i)
    if match:
        return shell.env.get(match.group(0), ""), match.end()
    return "$", i


def _command_output(shell: Shell, source: str, io: CommandIO) -> str:
    sink = BufferSink()
    sub = shell.child()
    status = sub.run(source, CommandIO(EMPTY_SOURCE, sink, io.stderr))
    shell.status = status
    return sink.getvalue().decode("utf-8", errors="replace").rstrip("\n")


def _glob(shell: Shell, pattern: str) -> list[str]:
    absolute = pattern.startswith("/")
    base = "/" if absolute else shell.cwd
    candidates = [("", base)]
    for component in [c for c in pattern.split("/") if c]:
        next_candidates = []
        for shown, device_dir in candidates:
            if not any(c in component for c in "*?[") or component in (".", ".."):
                literal = component
                next_candidates.append((posixpath.join(shown, literal), posixpath.join(device_dir, literal)))
                continue
            try:
                normalized = shell.fs.normalize(device_dir)
                shell.fs.check(normalized, root=shell.root, listing=True)
                names = shell.fs.listdir(normalized)
            except FsError:
                continue
            for name in names:
                if name.startswith(".") and not component.startswith("."):
                    continue
                if fnmatch.fnmatchcase(name, component):
                    next_candidates.append((posixpath.join(shown, name), posixpath.join(device_dir, name)))
        candidates = next_candidates
    found = [("/" + shown if absolute else shown) for shown, device in candidates
             if shell.fs.exists(shell.fs.normalize(device))]
    return sorted(found)


def _escape_glob(text: str) -> str:
    return "".join("[" + c + "]" if c in "*?[" else c for c in text)
