"""Fixtures for the simulator tests: a SimServer on a free loopback port, an adbutils device, the Debian `adb`
client and a UI driver that reads real `uiautomator dump` output and acts only through `input`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import adbutils
import pytest

from autoplay_gym.envs.android.sim import SimServer

ADB_TIMEOUT = 60
ADB = shutil.which("adb") or "/usr/bin/adb"


class AdbCli:
    """The Debian `adb` client aimed at the simulator. `-H 127.0.0.1` makes adb refuse to spawn its own
    server if the simulator were unreachable, so a failing test never leaves a stray adb server behind."""

    def __init__(self, port: int, home: Path) -> None:
        self.port = port
        self.binary = ADB
        self.env = {**os.environ, "HOME": str(home), "ADB_MDNS": "0", "ADB_MDNS_OPENSCREEN": "0"}

    def run(self, *args: str, serial: bool = True, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        command = [ADB, "-H", "127.0.0.1", "-P", str(self.port)]
        if serial:
            command += ["-s", "emulator-5554"]
        return subprocess.run(command + list(args), input=stdin if stdin is not None else b"",
                              capture_output=True, timeout=ADB_TIMEOUT, env=self.env)


class Ui:
    """Drives the device only through `input` and reads it only through `uiautomator dump`."""

    def __init__(self, device: adbutils.AdbDevice) -> None:
        self.device = device

    def sh(self, command: str) -> str:
        result = self.device.shell2(command, v2=True)
        assert result.returncode == 0, (command, result.output)
        return result.output

    def nodes(self) -> list[ET.Element]:
        self.sh("uiautomator dump /sdcard/window_dump.xml")
        xml = self.device.sync.read_text("/sdcard/window_dump.xml")
        return list(ET.fromstring(xml).iter("node"))

    def find(self, **attrs: str) -> ET.Element:
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        for node in self.nodes():
            if all(node.get(k) == v for k, v in wanted.items()):
                return node
        raise AssertionError(f"no node with {wanted} on screen")

    def exists(self, **attrs: str) -> bool:
        try:
            self.find(**attrs)
            return True
        except AssertionError:
            return False

    def texts(self) -> list[str]:
        return [n.get("text", "") for n in self.nodes() if n.get("text")]

    @staticmethod
    def bounds(node: ET.Element) -> tuple[int, int, int, int]:
        left, top, right, bottom = map(int, re.findall(r"-?\d+", node.get("bounds", "")))
        return left, top, right, bottom

    def tap(self, **attrs: str) -> None:
        left, top, right, bottom = self.bounds(self.find(**attrs))
        self.sh(f"input tap {(left + right) // 2} {(top + bottom) // 2}")

    def type(self, text: str) -> None:
        """`input text` with the escaping AndroidWorld uses: shell specials backslashed, spaces as %s."""
        escaped = "".join("\\" + c if c in "\\;|`'\"&<>()#$" else c for c in text).replace(" ", "%s")
        self.sh(f"input text {escaped}")

    def key(self, name: str) -> None:
        self.sh(f"input keyevent {name}")

    def focus(self) -> str:
        out = self.sh("dumpsys window | grep mCurrentFocus")
        match = re.search(r"mCurrentFocus=Window\{\S+ u0 (\S+)\}", out)
        assert match, out
        return match.group(1)




@pytest.fixture
def sim() -> Iterator[SimServer]:
    server = SimServer(host="127.0.0.1", port=0, serial="emulator-5554")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def device(sim: SimServer) -> adbutils.AdbDevice:
    client = adbutils.AdbClient(host="127.0.0.1", port=sim.port, socket_timeout=30)
    return client.device(sim.serial)


@pytest.fixture
def adb(sim: SimServer, tmp_path: Path) -> AdbCli:
    if not Path(ADB).exists():
        raise RuntimeError("the Debian adb client (package 'adb') is required for these tests")
    home = tmp_path / "home"
    home.mkdir()
    return AdbCli(sim.port, home)


@pytest.fixture
def ui(device: adbutils.AdbDevice) -> Ui:
    return Ui(device)
