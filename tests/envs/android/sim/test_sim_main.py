"""`python -m autoplay_gym.envs.android.sim`: a foreground server that a client can use and SIGTERM stops."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import adbutils

from autoplay_gym.envs.android.sim import SimServer

DEADLINE = 60


def start_module(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "autoplay_gym.envs.android.sim", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serves_until_sigterm() -> None:
    process = start_module("--port", "0")
    try:
        line = process.stdout.readline()  # printed once the socket listens
        match = re.search(r"on 127\.0\.0\.1:(\d+)", line)
        assert match, line
        client = adbutils.AdbClient(host="127.0.0.1", port=int(match.group(1)), socket_timeout=30)
        assert client.device("emulator-5554").shell("getprop ro.product.model") == "sdk_gphone64_x86_64"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=DEADLINE) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=DEADLINE)
        process.stdout.close()
        process.stderr.close()


def test_busy_port_is_a_clear_error(sim: SimServer) -> None:
    process = start_module("--port", str(sim.port))
    try:
        out, _ = process.communicate(timeout=DEADLINE)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=DEADLINE)
    assert process.returncode == 1
    assert f"cannot listen on 127.0.0.1:{sim.port}" in out


def test_non_loopback_host_is_refused() -> None:
    process = start_module("--host", "0.0.0.0", "--port", "0")
    _, err = process.communicate(timeout=DEADLINE)
    assert process.returncode == 2
    assert "loopback" in err
