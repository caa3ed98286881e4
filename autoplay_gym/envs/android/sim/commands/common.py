"""Helpers shared by the framework commands: the device behind a shell, Java-style exception reports, and
the lock that makes each framework command atomic."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, cast

from autoplay_gym.envs.android.sim.shell.interp import CommandFn, CommandIO, Shell

if TYPE_CHECKING:
    from autoplay_gym.envs.android.sim.device import Device

JAVA_EXIT = 255


class CommandFailure(Exception):
    """A framework command threw; reported like `cmd` reports uncaught exceptions (stderr, exit 255)."""

    def __init__(self, exception: str, message: str,
                 where: str = "com.android.server.am.ActivityManagerShellCommand") -> None:
        super().__init__(message)
        self.exception = exception
        self.message = message
        self.where = where


def device_of(sh: Shell) -> Device:
    return cast("Device", sh.host)


def report_exception(io: CommandIO, subcommand: str, failure: CommandFailure) -> int:
    io.stderr.write(f"\nException occurred while executing '{subcommand}':\n{failure.exception}: {failure.message}\n"
                    f"\tat {failure.where}.onCommand(ShellCommand.java)\n"
                    "\tat com.android.modules.utils.BasicShellCommandHandler.exec(BasicShellCommandHandler.java:97)\n"
                    "\tat android.os.ShellCommand.exec(ShellCommand.java:38)\n")
    return JAVA_EXIT


def locked(function: CommandFn) -> CommandFn:
    """Run a command while holding the device lock (framework commands touch shared UI and app state)."""
    @functools.wraps(function)
    def wrapper(sh: Shell, io: CommandIO, argv: list[str]) -> int:
        with device_of(sh).lock:
            return function(sh, io, argv)
    return wrapper


def int_arg(value: str, command: str) -> int:
    try:
        return int(float(value)) if "." in value else int(value)
    except ValueError:
        raise CommandFailure("java.lang.IllegalArgumentException",
                             f"Error: Invalid arguments for command: {command}") from None
