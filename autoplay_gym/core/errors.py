"""The library's exceptions. Each says what went wrong in words a user can act on."""

from __future__ import annotations


class AutoPlayError(Exception):
    """Base of every error this library raises on purpose."""


class ActionError(AutoPlayError):
    """An action is malformed or cannot apply to the current screen; the env reports it in info["action_error"]."""


class BackendError(AutoPlayError):
    """The app, display or device failed under us (crashed, vanished, timed out)."""


class AppNotRunning(BackendError):
    """The app's process has exited; the next reset relaunches it."""


class MissingDependency(AutoPlayError):
    """A program the env needs is not installed; the message names the Debian package that provides it."""

    def __init__(self, program: str, package: str, purpose: str = "") -> None:
        self.program = program
        self.package = package
        what = f" (needed for {purpose})" if purpose else ""
        if package:
            fix = f"Install it with: apt-get install -y --no-install-recommends {package}"
        else:
            fix = f"Install the Debian package that provides it (apt-file search bin/{program} names it)"
        super().__init__(f"'{program}' is not installed{what}. {fix}")
