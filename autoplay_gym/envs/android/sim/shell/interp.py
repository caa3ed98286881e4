"""Runs parsed shell scripts: expansion, globbing, redirections, pipes and command lookup.

Commands are plain functions `(shell, io, argv) -> exit status`; the device supplies the table, so this module
knows nothing about Android commands.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import dataclass
from typing import Callable, Protocol

from autoplay_gym.envs.android.sim.fs import DeviceFS, FsError
from autoplay_gym.envs.android.sim.shell.parser import (AndOr, If, Pipeline, Redirect, Script, ShellSyntaxError,
                                                        Simple, Word, parse)
from autoplay_gym.envs.android.sim.shell.streams import (EMPTY_SOURCE, BufferSink, NullSink, Sink, Source,
                                                         to_bytes)

SHELL_PATH = "/system/bin/sh"
BIN_DIRS = {"/system/bin", "/system/xbin", "/bin", "/vendor/bin", "/product/bin", "/apex/com.android.runtime/bin"}
MAX_NESTING = 16
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)
DEFAULT_ENV = {
    "PATH": "/product/bin:/apex/com.android.runtime/bin:/apex/com.android.art/bin:/system_ext/bin:/system/bin:"
            "/system/xbin:/odm/bin:/vendor/bin:/vendor/xbin",
    "EXTERNAL_STORAGE": "/sdcard", "ANDROID_DATA": "/data", "ANDROID_ROOT": "/system", "HOSTNAME": "emu64xa",
    "TMPDIR": "/data/local/tmp", "SHELL": SHELL_PATH, "HOME": "/", "USER": "shell",
}


class ShellExit(Exception):
    """`exit N` unwinds the whole script."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code & 0xFF


@dataclass
class CommandIO:
    stdin: Source
    stdout: Sink
    stderr: Sink


CommandFn = Callable[["Shell", CommandIO, list[str]], int]


class ShellHost(Protocol):
    """What the shell needs from the device."""

    fs: DeviceFS
    commands: dict[str, CommandFn]


class RedirectError(Exception):
    """A redirection target could not be opened; mksh reports `<path>: create|open: <reason>`."""

    def __init__(self, path: str, action: str, strerror: str) -> None:
        super().__init__(path, action, strerror)
        self.path, self.action, self.strerror = path, action, strerror


class FileSink:
    """Output redirected into a device file; the file is truncated when the redirection opens, as in sh."""

    def __init__(self, fs: DeviceFS, path: str, append: bool) -> None:
        self.fs, self.path = fs, path
        if not append:
            fs.write_bytes(path, b"")
        elif not fs.exists(path) and path not in ("/dev/null", "/dev/tty"):
            fs.write_bytes(path, b"")

    def write(self, data: bytes | str) -> None:
        self.fs.write_bytes(self.path, to_bytes(data), append=True)


class Shell:
    """One `sh -c` invocation: its cwd, variables, uid and last exit status."""

    def __init__(self, host: ShellHost, *, root: bool, env: dict[str, str] | None = None, cwd: str = "/",
                 depth: int = 0) -> None:
        self.host = host
        self.fs = host.fs
        self.root = root
        self.env = dict(DEFAULT_ENV if env is None else env)
        if root:
            self.env["USER"] = "root"
        self.cwd = cwd
        self.status = 0
        self.depth = depth

    # -- entry points --------------------------------------------------------------------------------------
    def run(self, source: str, io: CommandIO) -> int:
        """Parse and run a script; syntax errors and `exit` become exit statuses."""
        try:
            script = parse(source)
        except ShellSyntaxError as error:
            io.stderr.write(f"{SHELL_PATH}: syntax error: {error}\n")
            return 1
        try:
            return self.run_script(script, io)
        except ShellExit as done:
            return done.code

    def child(self, *, root: bool | None = None) -> "Shell":
        """A nested shell (`sh -c`, `su`), sharing nothing mutable with this one."""
        if self.depth >= MAX_NESTING:
            raise ShellExit(2)
        return Shell(self.host, root=self.root if root is None else root, env=self.env, cwd=self.cwd,
                     depth=self.depth + 1)

    def resolve(self, path: str) -> str:
        return self.fs.normalize(path, self.cwd)

    # -- tree walking --------------------------------------------------------------------------------------
    def run_script(self, script: Script, io: CommandIO) -> int:
        for item in script.items:
            self.status = self._run_and_or(item, io)
        return self.status

    def _run_and_or(self, node: AndOr, io: CommandIO) -> int:
        status = self._run_pipeline(node.first, io)
        for op, pipeline in node.rest:
            if (op == "&&" and status == 0) or (op == "||" and status != 0):
                status = self._run_pipeline(pipeline, io)
        return status

    def _run_pipeline(self, node: Pipeline, io: CommandIO) -> int:
        stdin = io.stdin
        status = 0
        for index, command in enumerate(node.commands):
            last = index == len(node.commands) - 1
            sink: Sink = io.stdout if last else BufferSink()
            status = self._run_command(command, CommandIO(stdin, sink, io.stderr))
            self.status = status
            if not last:
                stdin = Source(data=sink.getvalue())  # type: ignore[union-attr]
        if node.negate:
            status = 0 if status else 1
        return status

    def _run_command(self, command: object, io: CommandIO) -> int:
        if isinstance(command, If):
            for condition, body in command.branches:
                if self.run_script(condition, io) == 0:
                    return self.run_script(body, io)
            return self.run_script(command.otherwise, io) if command.otherwise else 0
        assert isinstance(command, Simple)
        return self._run_simple(command, io)

    def _run_simple(self, command: Simple, io: CommandIO) -> int:
        argv: list[str] = []
        for word in command.words:
            argv.extend(self.expand(word, io))
        assignments: dict[str, str] = {}
        while argv and _ASSIGN_RE.match(argv[0]) and not argv[0].startswith("="):
            name, value = _ASSIGN_RE.match(argv[0]).groups()  # type: ignore[union-attr]
            assignments[name] = value
            argv.pop(0)
        try:
            io = self._apply_redirects(command.redirects, io)
        except RedirectError as error:
            io.stderr.write(f"{SHELL_PATH}: {error.path}: {error.action}: {error.strerror}\n")
            return 1
        self.env.update(assignments)
        if not argv:
            return 0
        return self.call(argv, io)

    def call(self, argv: list[str], io: CommandIO) -> int:
        """Look a command up the way PATH would and run it."""
        name = argv[0]
        if "/" in name:
            path = self.resolve(name)
            if posixpath.dirname(path) in BIN_DIRS and posixpath.basename(path) in self.host.commands:
                name = posixpath.basename(path)
            elif self.fs.exists(path):
                io.stderr.write(f"{SHELL_PATH}: {argv[0]}: can't execute: Permission denied\n")
                return 126
            else:
                io.stderr.write(f"{SHELL_PATH}: {argv[0]}: inaccessible or not found\n")
                return 127
        function = self.host.commands.get(name)
        if function is None:
            io.stderr.write(f"{SHELL_PATH}: {name}: inaccessible or not found\n")
            return 127
        return function(self, io, [name, *argv[1:]])

    # -- redirections --------------------------------------------------------------------------------------
    def _apply_redirects(self, redirects: list[Redirect], io: CommandIO) -> CommandIO:
        stdin, stdout, stderr = io.stdin, io.stdout, io.stderr
        for redirect in redirects:
            target = " ".join(self.expand(redirect.target, io, glob=False))
            if redirect.op in (">&", "<&"):
                chosen = {"1": stdout, "2": stderr}.get(target)
                if chosen is None:
                    raise RedirectError(target, "dup", "Bad file descriptor")
                if redirect.fd == 2:
                    stderr = chosen
                else:
                    stdout = chosen
                continue
            try:
                path = self.resolve(target)
                if redirect.op == "<":
                    self.fs.check(path, root=self.root)
                    stdin = Source(data=self.fs.read_bytes(path))
                    continue
            except FsError as error:
                raise RedirectError(target, "open", error.strerror) from None
            sink: Sink
            try:
                if path == "/dev/null":
                    sink = NullSink()
                else:
                    self.fs.check(path, root=self.root, write=True)
                    if self.fs.is_dir(path):
                        raise FsError(21, path)
                    sink = FileSink(self.fs, path, append=redirect.op == ">>")
            except FsError as error:
                raise RedirectError(target, "create", error.strerror) from None
            if redirect.fd == 2:
                stderr = sink
            else:
                stdout = sink
        return CommandIO(stdin, stdout, stderr)

    # -- expansion -----------------------------------------------------------------------------------------
    def expand(self, word: Word, io: CommandIO, *, glob: bool = True) -> list[str]:
        """Variable and command substitution, then globbing of unquoted wildcards."""
        text_parts: list[str] = []
        pattern_parts: list[str] = []
        has_wildcard = False
        for part in word.parts:
            if part.kind == "lit":
                text_parts.append(part.text)
                pattern_parts.append(_escape_glob(part.text))
                continue
            value = self._substitute(part.text, io, quoted=part.kind == "dq")
            text_parts.append(value)
            if part.kind == "bare" and any(c in value for c in "*?["):
                has_wildcard = True
                pattern_parts.append(value)
            else:
                pattern_parts.append(_escape_glob(value))
        text = "".join(text_parts)
        if glob and has_wildcard:
            matches = self._glob("".join(pattern_parts))
            if matches:
                return matches
        return [text]

    def _substitute(self, text: str, io: CommandIO, *, quoted: bool) -> str:
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
                out.append(self._command_output(text[i + 2:j], io))
                i = j + 1
            elif ch == "$" and i + 1 < len(text):
                value, i = self._variable(text, i + 1)
                out.append(value)
            else:
                out.append(ch)
                i += 1
        return "".join(out)

    def _variable(self, text: str, i: int) -> tuple[str, int]:
        ch = text[i]
        if ch == "?":
            return str(self.status), i + 1
        if ch == "$":
            return "4242", i + 1
        if ch == "#":
            return "0", i + 1
        if ch == "0":
            return SHELL_PATH, i + 1
        if ch == "{":
            close = text.find("}", i)
            if close > 0:
                return self.env.get(text[i + 1:close], ""), close + 1
        match = _NAME_RE.match(text, i)
        if match:
            return self.env.get(match.group(0), ""), match.end()
        return "$", i

    def _command_output(self, source: str, io: CommandIO) -> str:
        sink = BufferSink()
        sub = self.child()
        status = sub.run(source, CommandIO(EMPTY_SOURCE, sink, io.stderr))
        self.status = status
        return sink.getvalue().decode("utf-8", errors="replace").rstrip("\n")

    def _glob(self, pattern: str) -> list[str]:
        absolute = pattern.startswith("/")
        base = "/" if absolute else self.cwd
        candidates = [("", base)]
        for component in [c for c in pattern.split("/") if c]:
            next_candidates = []
            for shown, device_dir in candidates:
                if not any(c in component for c in "*?[") or component in (".", ".."):
                    literal = component
                    next_candidates.append((posixpath.join(shown, literal), posixpath.join(device_dir, literal)))
                    continue
                try:
                    normalized = self.fs.normalize(device_dir)
                    self.fs.check(normalized, root=self.root, listing=True)
                    names = self.fs.listdir(normalized)
                except FsError:
                    continue
                for name in names:
                    if name.startswith(".") and not component.startswith("."):
                        continue
                    if fnmatch.fnmatchcase(name, component):
                        next_candidates.append((posixpath.join(shown, name), posixpath.join(device_dir, name)))
            candidates = next_candidates
        found = [("/" + shown if absolute else shown) for shown, device in candidates
                 if self.fs.exists(self.fs.normalize(device))]
        return sorted(found)


def _escape_glob(text: str) -> str:
    return "".join("[" + c + "]" if c in "*?[" else c for c in text)
