"""An adbutils client that never starts a server behind your back and never waits without a deadline.

Stock adbutils runs `adb start-server` whenever a connection is refused (leaving a daemon behind and taking up to
20 s), asks the server for its version before every transport (one extra connection per shell command), and
leaves sync transfers without a socket timeout. This subclass connects once per call with a bounded timeout,
caches the version, and reports a refused connection at once, so a dead device or server becomes a clear error.
"""

from __future__ import annotations

import os
from typing import Optional

from adbutils import AdbClient, AdbConnection, AdbDevice
from adbutils.errors import AdbConnectionError, AdbError, AdbTimeout

from autoplay_gym.core.errors import BackendError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5037


class DeviceError(BackendError):
    """The adb server or the device failed, vanished or answered with an error."""


class CommandRejected(DeviceError):
    """The device answered, with an error: the command cannot apply (bad argument, missing app, old Android)."""


class _Connection(AdbConnection):
    def _safe_connect(self):  # noqa: D401 - adbutils hook
        """Connect or fail: no `adb start-server` fallback."""
        return self._create_socket()


class BoundedClient(AdbClient):
    """`AdbClient` whose every socket read times out after `timeout` seconds (or less, if a call asks for less)."""

    def __init__(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, timeout: float = 10.0) -> None:
        super().__init__(host, port, socket_timeout=timeout)
        self.timeout = timeout
        self._version: int | None = None

    def make_connection(self, timeout: Optional[float] = None) -> AdbConnection:
        limit = self.timeout if timeout is None else min(timeout, self.timeout)
        conn = _Connection(self.host, self.port)  # connect itself is bounded (3 s) by adbutils
        conn.conn.settimeout(limit)
        return conn

    def server_version(self) -> int:
        if self._version is None:
            self._version = super().server_version()
        return self._version


def describe(exc: BaseException) -> str:
    """A one-line reason for a failed adb call."""
    if isinstance(exc, AdbConnectionError):
        return f"cannot reach the adb server ({exc})"
    if isinstance(exc, (AdbTimeout, TimeoutError)):
        return f"no answer within the timeout ({exc or 'timed out'})"
    if isinstance(exc, (ConnectionError, EOFError)):
        return f"the connection dropped ({type(exc).__name__}: {exc})"
    return f"{type(exc).__name__}: {exc}"


ADB_ERRORS = (AdbError, OSError, EOFError, ValueError)


def connect(
    serial: str | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float = 10.0,
) -> tuple[BoundedClient, AdbDevice]:
    """The device to drive: `serial`, else `$ANDROID_SERIAL`, else the only device the server knows.

    Raises `DeviceError` naming the connected devices when the serial is unknown, none is connected,
    several are and none was chosen, or the chosen one is not in the `device` state.
    """
    client = BoundedClient(host, port, timeout)
    where = f"the adb server at {host}:{port}"
    try:
        infos = client.list()
    except AdbConnectionError as exc:
        raise DeviceError(
            f"no adb server answers at {host}:{port} ({exc}); start one with `adb start-server` "
            "(or pass device='sim' for the simulated device)"
        ) from None
    except ADB_ERRORS as exc:
        raise DeviceError(f"listing devices on {where} failed: {describe(exc)}") from None
    states = {info.serial: info.state for info in infos}
    listing = ", ".join(f"{s} ({st})" for s, st in states.items()) or "none"
    wanted = serial or os.environ.get("ANDROID_SERIAL") or None
    if wanted is None:
        ready = [s for s, st in states.items() if st == "device"]
        if not ready:
            raise DeviceError(f"no Android device is connected to {where} (devices: {listing}); start an emulator "
                              "or pass device='sim'")
        if len(ready) > 1:
            raise DeviceError(f"several devices are connected to {where}: {listing}; pass serial=... "
                              "or set ANDROID_SERIAL")
        wanted = ready[0]
    if wanted not in states:
        raise DeviceError(f"device {wanted!r} is not connected to {where}; connected: {listing}")
    if states[wanted] != "device":
        raise DeviceError(f"device {wanted!r} is {states[wanted]!r}, not ready ('device'); connected: {listing}")
    return client, client.device(wanted)
