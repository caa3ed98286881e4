"""One Android device over adbutils: screen, UI dump, input, app control and state queries for verifiers.

Every call has a timeout and every failure (refused connection, dropped socket, error text from the device)
becomes a `DeviceError`, so the env can report it instead of hanging or crashing. Each method is one shell
round trip where the device shell allows (e.g. the UI dump is written and read back by one command).
"""

from __future__ import annotations

import io
import re
import shlex
import sqlite3
import tempfile
import threading
import time
from collections import Counter
from contextlib import closing
from pathlib import Path, PurePosixPath
from typing import Any, Sequence

import numpy as np
from adbutils import AdbDevice
from PIL import Image

from autoplay_gym.envs.android.adb import ADB_ERRORS, BoundedClient, CommandRejected, DeviceError, describe
from autoplay_gym.envs.android.content import parse_rows, query_command

DUMP_PATH = "/data/local/tmp/autoplay_gym_window_dump.xml"
# Written and read back in one round trip; removed first so a failed dump cannot return the previous file.
DUMP_COMMAND = f"rm -f {DUMP_PATH}; uiautomator dump {DUMP_PATH} >/dev/null && cat {DUMP_PATH}"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_FOCUS = re.compile(r"mCurrentFocus=Window\{\S+ \S+ ([^}]*)\}")
_SIZE = {kind: re.compile(kind + r" size: (\d+)x(\d+)") for kind in ("Override", "Physical")}
_RETRYABLE_DUMP = ("could not get idle state", "null root node", "No such file")


class AndroidDevice:
    """A connected device. `calls` counts shell round trips by command, for benchmarks and tests."""

    def __init__(
        self,
        client: BoundedClient,
        device: AdbDevice,
        *,
        call_timeout: float = 10.0,
        dump_timeout: float = 20.0,
        dump_retries: int = 3,
    ) -> None:
        self.client = client
        self.adb = device
        self.call_timeout = call_timeout
        self.dump_timeout = dump_timeout
        self.dump_retries = dump_retries
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    @property
    def serial(self) -> str:
        return str(self.adb.serial)

    def __repr__(self) -> str:
        return f"AndroidDevice({self.serial!r} via {self.client.host}:{self.client.port})"

    # --- raw shell --------------------------------------------------------------------------------------------

    def shell_bytes(self, command: str, *, timeout: float | None = None, kind: str = "") -> bytes:
        """Run `command` in the device shell and return its merged stdout and stderr; `kind` names it in `calls`."""
        with self._lock:
            self.calls[kind or (command.split(None, 1)[0] if command else "")] += 1
        try:
            return self.adb.shell(command, timeout=timeout or self.call_timeout, encoding=None, rstrip=False)
        except ADB_ERRORS as exc:
            raise DeviceError(f"{self.serial}: `{_short(command)}` failed: {describe(exc)}") from None

    def shell(self, command: str, *, timeout: float | None = None, kind: str = "") -> str:
        return self.shell_bytes(command, timeout=timeout, kind=kind).decode("utf-8", errors="replace")

    def alive(self) -> bool:
        """True if the adb server answers and lists this device as ready."""
        try:
            return any(i.serial == self.serial and i.state == "device" for i in self.client.list())
        except ADB_ERRORS:
            return False

    # --- screen -----------------------------------------------------------------------------------------------

    def screen_size(self) -> tuple[int, int]:
        """(width, height) from `wm size`, the override size when one is set (that is what apps and input use)."""
        out = self.shell("wm size")
        for pattern in _SIZE.values():
            match = pattern.search(out)
            if match:
                return int(match.group(1)), int(match.group(2))
        raise DeviceError(f"{self.serial}: unexpected `wm size` output: {out.strip()[:200]!r}")

    def screencap_png(self) -> bytes:
        data = self.shell_bytes("screencap -p")
        if not data.startswith(PNG_MAGIC):
            raise DeviceError(f"{self.serial}: screencap did not return a PNG: {data[:200]!r}")
        return data

    def screenshot(self, size: tuple[int, int] | None = None) -> np.ndarray:
        """The screen as an H x W x 3 uint8 array; resized to `size` (w, h) if the screen is rotated or resized."""
        return decode_png(self.screencap_png(), size, self.serial)

    def dump_xml(self) -> str:
        """The `uiautomator dump` XML, retried while the device reports no idle state or gives a partial file."""
        problem = ""
        for _ in range(max(self.dump_retries, 1)):
            out = self.shell(DUMP_COMMAND, timeout=self.dump_timeout, kind="uiautomator")
            text = out.strip()
            if text.startswith("<?xml") and text.endswith("</hierarchy>"):
                return text
            if text.startswith("<?xml") or text.startswith("<hierarchy"):
                problem = f"the dump was cut off after {len(text)} characters"
                continue
            problem = text.splitlines()[0][:200] if text else "the dump was empty"
            if text and not any(marker in text for marker in _RETRYABLE_DUMP):
                break
        raise DeviceError(f"{self.serial}: uiautomator dump failed after retries: {problem}")

    def focused_window(self) -> str | None:
        """The title of the focused window (`pkg/activity`, or e.g. `StatusBar`), None if nothing has focus."""
        match = _FOCUS.search(self.shell("dumpsys window"))
        return match.group(1).strip() if match else None

    # --- input ------------------------------------------------------------------------------------------------

    def run_input(self, commands: Sequence[str]) -> None:
        """Run `input` commands in one round trip; `input` prints nothing on success, so any output is an error."""
        if not commands:
            return
        out = self.shell(" && ".join(commands)).strip()
        if out:
            raise CommandRejected(f"{self.serial}: the device rejected `{_short(commands[0])}`: {out.splitlines()[0][:200]}")

    # --- apps -------------------------------------------------------------------------------------------------

    def is_installed(self, package: str) -> bool:
        return "package:" in self.shell(f"pm path {shlex.quote(package)}")

    def force_stop(self, package: str, *, clear: bool = False) -> None:
        command = f"am force-stop {shlex.quote(package)}"
        if clear:
            command += f"; pm clear {shlex.quote(package)}"
        out = self.shell(command)
        if clear and "Success" not in out:
            raise DeviceError(f"{self.serial}: pm clear {package} failed: {out.strip()[:200]!r}")

    def start_activity(self, component: str) -> None:
        out = self.shell(f"am start -n {shlex.quote(component)}")
        if "Error" in out or "Exception" in out:
            raise CommandRejected(f"{self.serial}: am start -n {component} failed: {_first_error(out)}")

    def launch_package(self, package: str) -> None:
        """Start a package's launcher activity, the way tapping its icon does (for packages not in the catalog)."""
        out = self.shell(f"monkey -p {shlex.quote(package)} -c android.intent.category.LAUNCHER 1")
        if "No activities found" in out or "monkey aborted" in out or "Events injected: 1" not in out:
            raise CommandRejected(f"{self.serial}: cannot launch {package}: {_first_error(out)}")

    # --- state queries for verifiers --------------------------------------------------------------------------

    def content_query(
        self,
        uri: str,
        projection: Sequence[str] | None = None,
        where: str | None = None,
        sort: str | None = None,
    ) -> list[dict[str, str | None]]:
        """Rows of `content query --uri uri [--projection a:b] [--where ...]` as dicts (NULL -> None)."""
        return parse_rows(self.shell(query_command(uri, projection, where, sort)), projection)

    def settings_get(self, namespace: str, key: str) -> str | None:
        if namespace not in ("system", "secure", "global"):
            raise ValueError(f"namespace must be system, secure or global, got {namespace!r}")
        value = self.shell(f"settings get {namespace} {shlex.quote(key)}").strip()
        return None if value == "null" else value

    def sqlite_query(self, db_path: str, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run `sql` on a copy of the database at `db_path` (with its -wal/-journal), pulled into a temp dir."""
        path = PurePosixPath(db_path)
        if not path.is_absolute() or ".." in path.parts:
            raise ValueError(f"db_path must be an absolute path on the device, got {db_path!r}")
        with tempfile.TemporaryDirectory(prefix="autoplay-sqlite-") as tmp:
            local = Path(tmp) / path.name
            if not self._pull_if_present(db_path, local):
                raise DeviceError(f"{self.serial}: no database at {db_path} (has the app created it yet?)")
            for suffix in ("-wal", "-journal"):
                self._pull_if_present(db_path + suffix, Path(tmp) / (path.name + suffix))
            try:
                with closing(sqlite3.connect(local, timeout=5.0)) as conn:
                    conn.row_factory = sqlite3.Row
                    rows = [dict(row) for row in conn.execute(sql, tuple(params))]
            except sqlite3.Error as exc:
                raise DeviceError(f"query on {db_path} failed: {exc} (sql: {sql[:200]})") from None
            return rows

    def _pull_if_present(self, remote: str, local: Path) -> bool:
        """Copy `remote` to `local`: over sync when adbd can read it (root adbd, readable files), else as root
        through `su 0 cat` on a shell-v2 stream (separate stderr and an exit code tell "missing" from content).
        False when the file does not exist."""
        with self._lock:
            self.calls["pull"] += 1
        try:
            info = self.adb.sync.stat(remote)
            if info.mode & 0o170000 == 0o100000:  # a regular file adbd can see
                self.adb.sync.pull_file(remote, local)
                return True
            result = self.adb.shell2(f"su 0 cat {shlex.quote(remote)}", timeout=self.call_timeout, encoding=None,
                                     v2=True)
        except ADB_ERRORS as exc:
            raise DeviceError(f"{self.serial}: pulling {remote} failed: {describe(exc)}") from None
        if result.returncode == 0:
            local.write_bytes(result.stdout)
            return True
        message = result.stderr.decode("utf-8", errors="replace").strip()
        if "No such file" in message:
            return False
        raise DeviceError(
            f"{self.serial}: cannot read {remote} ({message[:200] or 'exit ' + str(result.returncode)}); app data "
            "needs `adb root` or `su` (google_apis emulator images have both)"
        )


def decode_png(data: bytes, size: tuple[int, int] | None, serial: str = "") -> np.ndarray:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image = image.convert("RGB")
            if size is not None and image.size != tuple(size):
                image = image.resize(tuple(size), Image.Resampling.BILINEAR)
            return np.asarray(image)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DeviceError(f"{serial}: the screenshot PNG does not decode: {exc}") from None


def wait_until(condition, timeout: float, interval: float = 0.05) -> bool:
    """Poll `condition()` until it is truthy or `timeout` seconds pass; returns whether it held."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def _short(command: str) -> str:
    return command if len(command) <= 80 else command[:77] + "..."


def _first_error(output: str) -> str:
    """The most telling line: `Error: Activity class {...} does not exist.` rather than `Error type 3`."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for markers in (("Error:", "Exception:", "No activities"), ("Error", "Exception")):
        for line in lines:
            if any(marker in line for marker in markers):
                return line[:200]
    return lines[-1][:200] if lines else "no output"
