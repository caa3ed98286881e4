"""The Debian `adb` client against the simulator: devices, shell (v2 exit codes), exec-out, pull, push."""

from __future__ import annotations

import io
import sqlite3
import subprocess
from pathlib import Path

from PIL import Image

from autoplay_gym.envs.android.sim import SimServer

ADB_TIMEOUT = 60



def test_devices_lists_the_emulator(adb) -> None:
    result = adb.run("devices", serial=False)
    assert result.returncode == 0
    assert "emulator-5554\tdevice" in result.stdout.decode()


def test_devices_with_plain_port_option(sim: SimServer, adb) -> None:
    # the exact form users type (no -H); the simulator is up, so adb never tries to start a server
    result = subprocess.run([adb.binary, "-P", str(sim.port), "devices"], capture_output=True, timeout=ADB_TIMEOUT,
                            env=adb.env)
    assert "emulator-5554\tdevice" in result.stdout.decode()


def test_devices_long_format(adb) -> None:
    out = adb.run("devices", "-l", serial=False).stdout.decode()
    line = next(row for row in out.splitlines() if row.startswith("emulator-5554"))
    assert line == ("emulator-5554          device product:sdk_gphone64_x86_64 model:sdk_gphone64_x86_64 "
                    "device:emu64xa transport_id:1")


def test_shell_echo(adb) -> None:
    result = adb.run("shell", "echo", "hi")
    assert (result.returncode, result.stdout) == (0, b"hi\n")


def test_shell_exit_codes_through_shell_v2(adb) -> None:
    assert adb.run("shell", "false").returncode == 1
    assert adb.run("shell", "exit 3").returncode == 3
    assert adb.run("shell", "true").returncode == 0


def test_unknown_command_gives_127_and_the_mksh_message(adb) -> None:
    result = adb.run("shell", "frobnicate")
    assert result.returncode == 127
    assert result.stderr.decode() == "/system/bin/sh: frobnicate: inaccessible or not found\n"
    assert result.stdout == b""


def test_stdout_and_stderr_are_separate_streams(adb) -> None:
    result = adb.run("shell", "echo out; echo err >&2; exit 5")
    assert (result.returncode, result.stdout, result.stderr) == (5, b"out\n", b"err\n")


def test_exec_out_screencap_is_a_png_of_the_screen_size(adb) -> None:
    result = adb.run("exec-out", "screencap", "-p")
    assert result.returncode == 0
    assert result.stdout.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(result.stdout))
    assert image.size == (1080, 2400)
    assert adb.run("shell", "wm size").stdout == b"Physical size: 1080x2400\n"


def test_pull_database_needs_root_then_opens_with_sqlite(adb, tmp_path: Path) -> None:
    adb.run("shell", "monkey -p com.arduia.expense 1")  # the app creates its database on first launch
    remote = "/data/data/com.arduia.expense/databases/accounting.db"
    denied = adb.run("pull", remote, str(tmp_path / "denied.db"))
    assert denied.returncode != 0
    assert b"Permission denied" in denied.stdout + denied.stderr
    assert adb.run("root").stdout == b"restarting adbd as root\n"
    assert adb.run("shell", "whoami").stdout == b"root\n"
    local = tmp_path / "accounting.db"
    result = adb.run("pull", remote, str(local))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(local) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(expense)")]
    assert columns == ["expense_id", "name", "amount", "category", "note", "created_date", "modified_date"]


def test_push_then_cat(adb, tmp_path: Path) -> None:
    local = tmp_path / "note.txt"
    local.write_bytes(b"first line\nsecond line\n")
    result = adb.run("push", str(local), "/sdcard/Download/")
    assert result.returncode == 0, result.stderr
    assert adb.run("shell", "cat /sdcard/Download/note.txt").stdout == b"first line\nsecond line\n"
    assert adb.run("shell", "ls /storage/emulated/0/Download").stdout == b"note.txt\n"


def test_push_to_system_fails_clearly(adb, tmp_path: Path) -> None:
    local = tmp_path / "x.txt"
    local.write_bytes(b"x")
    result = adb.run("push", str(local), "/system/x.txt")
    assert result.returncode != 0
    assert b"Read-only file system" in result.stdout + result.stderr


def test_pull_missing_file_fails_clearly(adb, tmp_path: Path) -> None:
    result = adb.run("pull", "/sdcard/nope.txt", str(tmp_path / "nope.txt"))
    assert result.returncode != 0
    assert b"No such file or directory" in result.stdout + result.stderr


def test_exec_in_streams_stdin(adb) -> None:
    assert adb.run("exec-in", "cat > /data/local/tmp/in.txt", stdin=b"from stdin\n").returncode == 0
    assert adb.run("shell", "cat /data/local/tmp/in.txt").stdout == b"from stdin\n"


def test_state_serial_and_wait_for_device(adb) -> None:
    assert adb.run("get-state").stdout.strip() == b"device"
    assert adb.run("get-serialno").stdout.strip() == b"emulator-5554"
    assert adb.run("wait-for-device").returncode == 0
