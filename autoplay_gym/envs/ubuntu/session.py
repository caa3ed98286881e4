"""One private desktop: an Xvfb screen, a session bus with accessibility on, and fresh profiles for the app.

Bring-up is event-driven: Xvfb reports its display number through `-displayfd` once it accepts connections
(it picks a free display itself, guarded by the X server's own `/tmp/.X<n>-lock` lock files, so two envs
never race for one), and dbus-daemon prints its address once it listens. No step waits a fixed time.
"""

from __future__ import annotations

import os
import secrets
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autoplay_gym.core.errors import BackendError, MissingDependency
from autoplay_gym.envs.ubuntu import processes

REQUIRED_PROGRAMS = {
    "Xvfb": ("xvfb", "a virtual X screen"),
    "dbus-daemon": ("dbus", "a private session bus"),
}
AT_SPI_LAUNCHER_PATHS = ("/usr/libexec/at-spi-bus-launcher", "/usr/lib/at-spi2-core/at-spi-bus-launcher")

# No animations and no blinking caret: two frames of one state must be pixel-identical.
GTK_SETTINGS = "[Settings]\ngtk-enable-animations=false\ngtk-cursor-blink=false\ngtk-overlay-scrolling=false\n"

ACCESSIBILITY_ENV = {
    "GTK_A11Y": "atspi",
    "NO_AT_BRIDGE": "0",
    "ACCESSIBILITY_ENABLED": "1",
    "GNOME_ACCESSIBILITY": "1",
    "QT_ACCESSIBILITY": "1",
    "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
}
QUIET_APP_ENV = {
    "GDK_BACKEND": "x11",
    "GSK_RENDERER": "cairo",  # software rendering: fast on Xvfb and identical frame to frame
    "LIBGL_ALWAYS_SOFTWARE": "1",
    "GSETTINGS_BACKEND": "memory",  # every launch starts from default settings and writes nothing
    "GTK_USE_PORTAL": "0",
    "GDK_DEBUG": "no-portals",
    "NO_AT_BRIDGE": "0",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
}


def which_or_raise(program: str, package: str, purpose: str = "") -> str:
    path = shutil.which(program)
    if path is None:
        raise MissingDependency(program, package, purpose)
    return path


def _read_line(fd: int, deadline: float, what: str, proc: subprocess.Popen) -> str:
    """Read one newline-terminated line from a pipe, failing clearly if the writer dies or time runs out."""
    data = b""
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BackendError(f"{what} did not start within the timeout")
        ready, _, _ = select.select([fd], [], [], min(remaining, 0.1))
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                raise BackendError(f"{what} exited during start-up (exit code {proc.poll()})")
            data += chunk
        elif proc.poll() is not None:
            raise BackendError(f"{what} exited during start-up (exit code {proc.returncode})")
    return data.decode().strip()


class Desktop:
    """Xvfb + session bus + accessibility bus, all tagged for teardown, plus per-episode profile folders."""

    def __init__(self, screen_size: tuple[int, int] = (1280, 800), *, start_timeout: float = 15.0) -> None:
        self.width, self.height = screen_size
        self.start_timeout = start_timeout
        self.token = secrets.token_hex(8)
        self.root = Path(tempfile.mkdtemp(prefix="autoplay-gym-"))
        self.display = ""
        self.bus_address = ""
        self._children: list[subprocess.Popen] = []
        self._guardian: subprocess.Popen | None = None
        self._profile_count = 0
        self.closed = False

    # --- bring-up ---------------------------------------------------------------------------------------------

    def start(self) -> "Desktop":
        for program, (package, purpose) in REQUIRED_PROGRAMS.items():
            which_or_raise(program, package, purpose)
        if not any(os.path.exists(p) for p in AT_SPI_LAUNCHER_PATHS):
            raise MissingDependency("at-spi-bus-launcher", "at-spi2-core", "the accessibility bus")
        try:
            self._start_guardian()
            self._start_xvfb()
            self._start_session_bus()
        except BaseException:
            self.close()
            raise
        return self

    def _start_guardian(self) -> None:
        script = Path(__file__).with_name("guardian.py")
        env = {k: v for k, v in os.environ.items() if k != processes.MARKER_VAR}
        self._guardian = subprocess.Popen(
            [sys.executable, "-S", str(script), self.token],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )

    def base_env(self) -> dict[str, str]:
        runtime = self.root / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "XDG_RUNTIME_DIR": str(runtime),
            "HOME": str(self.root / "home0"),
            processes.MARKER_VAR: self.token,
            "LANG": "C.UTF-8",
        }
        if self.display:
            env["DISPLAY"] = self.display
        if self.bus_address:
            env["DBUS_SESSION_BUS_ADDRESS"] = self.bus_address
        return env

    def _start_xvfb(self) -> None:
        read_fd, write_fd = os.pipe()
        try:
            proc = processes.spawn(
                [
                    "Xvfb",
                    "-displayfd",
                    str(write_fd),
                    "-screen",
                    "0",
                    f"{self.width}x{self.height}x24",
                    "-nolisten",
                    "tcp",
                    "-noreset",
                    "-dpi",
                    "96",
                ],
                self.base_env(),
                pass_fds=[write_fd],
            )
            self._children.append(proc)
            os.close(write_fd)
            write_fd = -1
            number = _read_line(read_fd, time.monotonic() + self.start_timeout, "Xvfb", proc)
        finally:
            os.close(read_fd)
            if write_fd >= 0:
                os.close(write_fd)
        self.display = f":{int(number)}"

    def _start_session_bus(self) -> None:
        read_fd, write_fd = os.pipe()
        try:
            proc = processes.spawn(
                ["dbus-daemon", "--session", "--nofork", "--nopidfile", f"--print-address={write_fd}"],
                self.base_env(),
                pass_fds=[write_fd],
            )
            self._children.append(proc)
            os.close(write_fd)
            write_fd = -1
            self.bus_address = _read_line(read_fd, time.monotonic() + self.start_timeout, "dbus-daemon", proc)
        finally:
            os.close(read_fd)
            if write_fd >= 0:
                os.close(write_fd)

    # --- profiles and apps ------------------------------------------------------------------------------------

    def new_profile(self) -> Path:
        """A fresh HOME with XDG dirs and deterministic GTK settings (the caller deletes the ones it is done with)."""
        self._profile_count += 1
        home = self.root / f"home{self._profile_count}"
        for sub in ("config/gtk-3.0", "config/gtk-4.0", "data", "cache", "state", "Desktop", "Documents"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        for gtk in ("gtk-3.0", "gtk-4.0"):
            (home / "config" / gtk / "settings.ini").write_text(GTK_SETTINGS)
        return home

    def app_env(self, home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = self.base_env()
        env.update(ACCESSIBILITY_ENV)
        env.update(QUIET_APP_ENV)
        env.update(
            {
                "HOME": str(home),
                "XDG_CONFIG_HOME": str(home / "config"),
                "XDG_DATA_HOME": str(home / "data"),
                "XDG_CACHE_HOME": str(home / "cache"),
                "XDG_STATE_HOME": str(home / "state"),
            }
        )
        if extra:
            env.update(extra)
        return env

    def share_with_bus(self, env: dict[str, str], timeout: float = 10.0) -> None:
        """Make the services the session bus starts on demand (gnome-terminal-server, gvfsd) inherit `env`.

        D-Bus activation starts them with the bus daemon's environment: without this they would run with the
        desktop's first HOME, ignore the episode's settings and outlive the episode that started them.
        """
        tool = which_or_raise("dbus-update-activation-environment", "dbus-bin", "per-episode D-Bus services")
        try:
            subprocess.run(
                [tool, "--all"], env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=True
            )
        except subprocess.TimeoutExpired:
            raise BackendError(f"dbus-update-activation-environment did not finish within {timeout:.0f} s") from None
        except subprocess.CalledProcessError as exc:
            detail = exc.stderr.decode(errors="replace")
            raise BackendError(f"dbus-update-activation-environment failed: {detail}") from None

    def launch(self, argv: list[str], home: Path, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
        proc = processes.spawn(argv, self.app_env(home, extra_env), cwd=str(home))
        self._children.append(proc)
        return proc

    def alive(self) -> bool:
        return bool(self._children) and all(p.poll() is None for p in self._children[:2])

    # --- teardown ---------------------------------------------------------------------------------------------

    def kill_app(self, proc: subprocess.Popen | None) -> None:
        """End an app and everything it started (its session), leaving the desktop up."""
        processes.stop_process(proc, grace=1.0)
        if proc in self._children:
            self._children.remove(proc)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        processes.kill_tagged(self.token, self._children, grace=1.0)
        self._children.clear()
        if self._guardian is not None:
            try:
                self._guardian.stdin.close()  # type: ignore[union-attr]
                self._guardian.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._guardian.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def __del__(self) -> None:  # a forgotten env still cleans up when collected
        try:
            self.close()
        except Exception:
            pass
