"""The device layer through adbutils against the simulator (and a real device when ANDROID_SERIAL is set)."""

from __future__ import annotations

import subprocess
import time

import numpy as np
import pytest

from autoplay_gym.envs.android.adb import DeviceError, connect
from autoplay_gym.envs.android.device import AndroidDevice, wait_until
from autoplay_gym.envs.android.hierarchy import parse_hierarchy

from .conftest import DEVICES, REAL


@pytest.fixture(scope="module", params=DEVICES)
def device(request):
    if request.param == "sim":
        from autoplay_gym.envs.android.sim import SimServer

        server = SimServer(host="127.0.0.1", port=0, serial="emulator-5554")
        server.start()
        try:
            client, adb_device = connect("emulator-5554", host="127.0.0.1", port=server.port, timeout=10)
            yield AndroidDevice(client, adb_device)
        finally:
            server.stop()
    else:
        client, adb_device = connect(REAL)
        yield AndroidDevice(client, adb_device)


def test_screen_size_and_screenshot(device):
    width, height = device.screen_size()
    assert 200 <= width <= 4000 and 200 <= height <= 4000
    shot = device.screenshot()
    assert shot.shape == (height, width, 3) and shot.dtype == np.uint8
    assert shot.std() > 0  # a real picture, not a blank buffer


def test_dump_parses_into_a_tree(device):
    xml = device.dump_xml()
    assert xml.startswith("<?xml") and xml.endswith("</hierarchy>")
    tree = parse_hierarchy(xml)
    assert len(tree) > 0 and all(e.bounds is not None for e in tree)


def test_launching_an_app_moves_the_focus(device):
    device.force_stop("com.google.android.contacts")
    device.start_activity("com.google.android.contacts/com.android.contacts.activities.PeopleActivity")
    assert wait_until(lambda: (device.focused_window() or "").startswith("com.google.android.contacts/"), 30)
    tree = parse_hierarchy(device.dump_xml())
    assert any(e.app == "com.google.android.contacts" for e in tree)


def test_input_errors_from_the_device_are_device_errors(device):
    with pytest.raises(DeviceError, match="rejected"):
        device.run_input(["input tap notanumber 5"])


def test_missing_app_and_activity_are_errors(device):
    assert not device.is_installed("org.example.not.installed")
    with pytest.raises(DeviceError, match="failed"):
        device.start_activity("org.example.not.installed/.Main")
    with pytest.raises(DeviceError, match="cannot launch"):
        device.launch_package("org.example.not.installed")


def test_content_query_matches_the_debian_adb_client(device):
    """Our parse of `content query` equals what the real `adb` binary prints, parsed the same way."""
    rows = device.content_query("content://contacts/phones/", ["display_name", "number"])
    assert isinstance(rows, list)
    port = device.client.port
    out = subprocess.run(
        ["adb", "-H", "127.0.0.1", "-P", str(port), "-s", device.serial, "shell", "content", "query", "--uri",
         "content://contacts/phones/", "--projection", "display_name:number"],
        capture_output=True, timeout=60, check=True,
    ).stdout.decode()
    from autoplay_gym.envs.android.content import parse_rows

    assert parse_rows(out, ["display_name", "number"]) == rows


def test_sqlite_query_reads_a_pulled_database(device):
    """Pro Expense creates accounting.db when it first runs; the query sees its tables (via `su`, as root)."""
    from autoplay_gym.envs.android.apps import ANDROID_APPS

    app = ANDROID_APPS["ProExpense"]
    (source,) = app.state
    device.force_stop(app.package)
    device.start_activity(app.activity)
    tables: list = []

    def created() -> bool:
        try:
            tables[:] = device.sqlite_query(source.location, "SELECT name FROM sqlite_master WHERE type = 'table'")
        except DeviceError as exc:
            assert "no database at" in str(exc)
            return False
        return True

    assert wait_until(created, 30, 0.2), f"{source.location} never appeared"
    assert "expense" in {t["name"] for t in tables}
    rows = device.sqlite_query(source.location, "SELECT count(*) AS n FROM expense WHERE amount > ?", [0])
    assert isinstance(rows[0]["n"], int)
    assert device.calls["pull"] >= 3  # the database and a look for its -wal and -journal


def test_sqlite_query_errors(device):
    with pytest.raises(ValueError):
        device.sqlite_query("relative/path.db", "SELECT 1")
    with pytest.raises(DeviceError, match="no database at"):
        device.sqlite_query("/data/data/org.example.none/databases/x.db", "SELECT 1")


def test_unknown_serial_and_missing_server():
    if REAL:
        with pytest.raises(DeviceError, match="'no-such-serial' is not connected"):
            connect("no-such-serial")
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        free_port = s.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(DeviceError, match="no adb server answers"):
        connect(None, port=free_port)
    assert time.monotonic() - start < 30  # refused at once, never an `adb start-server`


def test_a_server_that_never_answers_times_out():
    """Accepts connections and says nothing: every call ends at its timeout instead of hanging."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        start = time.monotonic()
        with pytest.raises(DeviceError, match="no answer within the timeout"):
            connect(None, port=listener.getsockname()[1], timeout=1.0)
        assert time.monotonic() - start < 30
