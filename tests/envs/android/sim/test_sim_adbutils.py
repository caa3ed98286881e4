"""adbutils against the simulator: device list, shell exit codes, sync, screenshots, UI dumps, app helpers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import adbutils

from autoplay_gym.envs.android.sim import SimServer


def test_device_list(sim: SimServer) -> None:
    client = adbutils.AdbClient(host="127.0.0.1", port=sim.port, socket_timeout=30)
    assert client.server_version() == 41
    assert [d.serial for d in client.device_list()] == ["emulator-5554"]
    info = client.list(extended=True)[0]
    assert (info.state, info.tags["model"], info.tags["transport_id"]) == ("device", "sdk_gphone64_x86_64", "1")


def test_shell_exit_codes_v1_and_v2(device: adbutils.AdbDevice) -> None:
    assert device.shell("echo hello") == "hello"
    v1 = device.shell2("echo out; false")
    assert (v1.returncode, v1.output) == (1, "out\n")
    v2 = device.shell2("echo out; echo err >&2; exit 42", v2=True)
    assert (v2.returncode, v2.stdout, v2.stderr) == (42, "out\n", "err\n")


def test_sync_push_pull_stat_list(device: adbutils.AdbDevice, tmp_path: Path) -> None:
    payload = bytes(range(256)) * 700  # > 64 KiB, so several DATA chunks each way
    device.sync.push(payload, "/data/local/tmp/blob.bin")
    assert device.sync.read_bytes("/data/local/tmp/blob.bin") == payload
    info = device.sync.stat("/data/local/tmp/blob.bin")
    assert info.size == len(payload) and info.mode & 0o100000
    assert "blob.bin" in [entry.path for entry in device.sync.list("/data/local/tmp")]
    local = tmp_path / "blob.bin"
    device.sync.pull("/data/local/tmp/blob.bin", local)
    assert local.read_bytes() == payload
    assert not device.sync.exists("/data/local/tmp/absent")


def test_screenshot_matches_window_size(device: adbutils.AdbDevice) -> None:
    image = device.screenshot()
    assert image.size == (1080, 2400)
    assert tuple(device.window_size()) == (1080, 2400)


def test_wm_size_override_changes_screenshot_and_dump(device: adbutils.AdbDevice) -> None:
    device.shell("wm size 720x1600")
    assert device.shell("wm size") == "Physical size: 1080x2400\nOverride size: 720x1600"
    assert device.screenshot().size == (720, 1600)
    root = ET.fromstring(device.dump_hierarchy())
    assert root.find("node").get("bounds") == "[0,0][720,1600]"
    device.shell("wm size reset")
    assert device.screenshot().size == (1080, 2400)


def test_uiautomator_dump_parses(device: adbutils.AdbDevice) -> None:
    xml = device.dump_hierarchy()
    root = ET.fromstring(xml)
    assert root.tag == "hierarchy" and root.get("rotation") == "0"
    labels = {n.get("content-desc") for n in root.iter("node")}
    assert {"Contacts", "Simple Calendar Pro", "Pro Expense"} <= labels
    assert {n.get("package") for n in root.iter("node")} == {"com.google.android.apps.nexuslauncher"}


def test_app_start_current_and_stop(device: adbutils.AdbDevice) -> None:
    assert device.app_current().package == "com.google.android.apps.nexuslauncher"
    device.app_start("com.google.android.contacts")
    current = device.app_current()
    assert (current.package, current.activity) == ("com.google.android.contacts",
                                                   "com.android.contacts.activities.PeopleActivity")
    device.app_stop("com.google.android.contacts")
    assert device.app_current().package == "com.google.android.apps.nexuslauncher"
    assert "com.google.android.contacts" in device.list_packages()


def test_properties(device: adbutils.AdbDevice) -> None:
    assert device.getprop("ro.build.version.sdk") == "33"
    assert device.prop.model == "sdk_gphone64_x86_64"
    assert device.get_state() == "device"
    assert "shell_v2" in device.get_features().split(",")
