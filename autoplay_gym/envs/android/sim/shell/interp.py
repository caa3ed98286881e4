"""Runs parsed shell scripts: expansion, globbing, redirections, pipes and command lookup.

Commands are plain functions `(shell, io, argv) -> exit status`; the device supplies the table, so this module
knows nothing about Android commands.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Callable
from typing import Protocol

from autoplay_gym.envs.android.sim.fs import DeviceFS, FsError
from autoplay_gym.envs.android.sim.shell.expand import expand
from autoplay_gym.envs.android.sim.shell.parser import (
    AndOr,
    If,
    Pipeline,
    Redirect,
    Script,
    ShellSyntaxError,
    Simple,
    parse,
)
from autoplay_gym.envs.android.sim.shell.streams import BufferSink, CommandIO, NullSink, Sink, Source, to_bytes

SHELL_PATH = "/system/bin/sh"
log = logging.getLogger(__name__)
BIN_DIRS = {"/system/bin", "/system/xbin", "/bin", "/vendor/bin", "/product/bin", "/apex/com.android.runtime/bin"}
MAX_NESTING = 16
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


CommandFn = Callable[["Shell", CommandIO, list[str]], int]


class ShellHost(Protocol):
    """What the shell needs from the device."""

    fs: DeviceFS
    commands: dict[str, CommandFn]
    clock_offset: float  # device time minus host time, for the times `ls` and `stat` show


class RedirectError(Exception):
    """A redirection target could not be opened; mksh reports `<path>: create|open: <reason>`."""

    def __init__(self, path: str, action: str, strerror: str) -> None:
        super().__init__(path, action, strerror)
        self.path, self.action, self.strerror = path, action, strerror


class FileSink:
    """Output redirected into a device file; the file is truncated when the redirection opens, as in sh."""

    def __init__(self, fs: DeviceFS, path: str, append: bool) -> None:
        self.fs, self.path = fs, path
        if not append or not fs.exists(path) and path not in ("/dev/null", "/dev/tty"):
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
        except RecursionError:
            io.stderr.write(f"{SHELL_PATH}: syntax error: nested too deeply\n")
            return 1
        try:
            return self.run_script(script, io)
        except ShellExit as done:
            return done.code

    def child(self, *, root: bool | None = None) -> Shell:
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
            if index == len(node.commands) - 1:
                status = self._run_command(command, CommandIO(stdin, io.stdout, io.stderr))
            else:  # commands run one after another; a pipe is the previous command's whole output
                pipe = BufferSink()
                status = self._run_command(command, CommandIO(stdin, pipe, io.stderr))
                stdin = Source(data=pipe.getvalue())
            self.status = status
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
            argv.extend(expand(self, word, io))
        assignments: dict[str, str] = {}
        while argv and (assignment := _ASSIGN_RE.match(argv[0])):
            assignments[assignment.group(1)] = assignment.group(2)
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
        try:
            return function(self, io, [name, *argv[1:]])
        except ShellExit:
            raise
        except FsError as error:  # a path a command did not check itself, reported the toybox way
            io.stderr.write(f"{name}: {error.path}: {error.strerror}\n")
            return 1
        except Exception as error:  # a simulator bug: report it as the command's failure, keep the session
            log.exception("command %r failed", argv)
            io.stderr.write(f"{name}: simulator error: {type(error).__name__}: {error}\n")
            return 255

    # -- redirections --------------------------------------------------------------------------------------
    def _apply_redirects(self, redirects: list[Redirect], io: CommandIO) -> CommandIO:
        stdin, stdout, stderr = io.stdin, io.stdout, io.stderr
        for redirect in redirects:
            target = " ".join(expand(self, redirect.target, io, glob=False))
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

