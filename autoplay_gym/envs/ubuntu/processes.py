"""Spawning and reaping the processes of one private desktop.

Every process of a desktop (Xvfb, the session bus, what the bus activates, the app and its children) inherits
one environment variable, `AUTOPLAY_GYM_DESKTOP=<token>`. That tag survives double forks and D-Bus activation,
where process groups and parent-death signals do not, so tearing a desktop down is "end every process that
carries its tag". A guardian process (see `guardian.py`) does the same if the Python process that owns the
desktop dies without calling close().
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Iterable, Mapping, Sequence

MARKER_VAR = "AUTOPLAY_GYM_DESKTOP"


def spawn(
    argv: Sequence[str],
    env: Mapping[str, str],
    *,
    cwd: str | None = None,
    stdout: int | None = subprocess.DEVNULL,
    stderr: int | None = subprocess.DEVNULL,
    pass_fds: Iterable[int] = (),
) -> subprocess.Popen:
    """Start a tagged child in its own session, so a signal to the owner's terminal does not reach it."""
    return subprocess.Popen(
        list(argv),
        env=dict(env),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        pass_fds=tuple(pass_fds),
        start_new_session=True,
    )


def tagged_pids(token: str, *, var: str = MARKER_VAR) -> list[int]:
    """Pids of live processes whose environment carries `var=token` (by default, a desktop's tag)."""
    needle = f"{var}={token}".encode()
    pids = []
    me = os.getpid()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        if pid == me:
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as fh:
                environ = fh.read()
        except OSError:
            continue
        if needle in environ.split(b"\0"):
            pids.append(pid)
    return pids


def session_pids(session_id: int) -> list[int]:
    """Live processes in a session: an app started with its own session plus whatever it forked (a launcher
    script's real program included), but not the services the session bus started on its behalf."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] not in ("Z", "X") and int(fields[3]) == session_id:
            pids.append(int(entry.name))
    return pids


def is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def kill_tagged(
    token: str, children: Iterable[subprocess.Popen] = (), *, grace: float = 1.0, var: str = MARKER_VAR
) -> list[int]:
    """SIGTERM every tagged process, SIGKILL what is left after `grace` seconds; returns the pids signalled.

    `children` are the Popen objects this process owns among them; they are waited for so none stays a zombie.
    Only those are reaped: waiting on pid -1 would steal exit statuses from the user's own subprocesses.
    """
    children = list(children)
    pids = tagged_pids(token, var=var)
    _signal_all(pids, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while pids and time.monotonic() < deadline:
        for child in children:
            child.poll()
        pids = [p for p in pids if not is_zombie(p)]
        if pids:
            time.sleep(0.01)
    leftover = tagged_pids(token, var=var)
    _signal_all(leftover, signal.SIGKILL)
    for child in children:
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    return sorted(set(pids + leftover))


def _signal_all(pids: Iterable[int], sig: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
        except PermissionError:
            pass


def stop_process(proc: subprocess.Popen | None, *, grace: float = 1.0) -> None:
    """Terminate one child and wait for it, escalating to SIGKILL; safe to call on a dead or None process."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        proc.wait(timeout=5)
