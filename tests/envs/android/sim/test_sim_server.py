"""The host protocol at byte level: framing, errors, transports, shell v2 packets, sync v2, concurrency and
abrupt shutdown. Raw sockets, so nothing in a client library hides a protocol mistake."""

from __future__ import annotations

import socket
import struct
import threading
import time

import adbutils
import pytest

from autoplay_gym.envs.android.sim import SimServer

DEADLINE = 30.0


def connect(sim: SimServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", sim.port), timeout=DEADLINE)
    sock.settimeout(DEADLINE)
    return sock


def recv_exact(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise EOFError(f"closed after {len(data)} of {count} bytes")
        data += chunk
    return data


def request(sock: socket.socket, text: str) -> None:
    payload = text.encode()
    sock.sendall(b"%04x" % len(payload) + payload)


def read_status(sock: socket.socket) -> tuple[bytes, str]:
    status = recv_exact(sock, 4)
    if status == b"FAIL":
        return status, recv_exact(sock, int(recv_exact(sock, 4), 16)).decode()
    return status, ""


def read_block(sock: socket.socket) -> str:
    return recv_exact(sock, int(recv_exact(sock, 4), 16)).decode()


def open_transport(sim: SimServer) -> socket.socket:
    sock = connect(sim)
    request(sock, f"host:tport:serial:{sim.serial}")
    assert read_status(sock) == (b"OKAY", "")
    assert struct.unpack("<Q", recv_exact(sock, 8))[0] == 1
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def wait_until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_version_and_devices(sim: SimServer) -> None:
    with connect(sim) as sock:
        request(sock, "host:version")
        assert read_status(sock) == (b"OKAY", "")
        assert int(read_block(sock), 16) == 41
    with connect(sim) as sock:
        request(sock, "host:devices")
        read_status(sock)
        assert read_block(sock) == "emulator-5554\tdevice\n"


@pytest.mark.parametrize("raw, message", [
    (b"zzzzhost:version", "invalid request length prefix"),
    (b"0000", "empty request"),
])
def test_malformed_requests_get_fail(sim: SimServer, raw: bytes, message: str) -> None:
    with connect(sim) as sock:
        sock.sendall(raw)
        status, text = read_status(sock)
        assert status == b"FAIL" and message in text
        assert read_until_closed(sock) == b""


def test_unknown_services_and_devices_get_fail(sim: SimServer) -> None:
    with connect(sim) as sock:
        request(sock, "host:frobnicate")
        assert read_status(sock) == (b"FAIL", "unknown host service 'host:frobnicate'")
    with connect(sim) as sock:
        request(sock, "host:transport:emulator-9999")
        assert read_status(sock) == (b"FAIL", "device 'emulator-9999' not found")
    with open_transport(sim) as sock:
        request(sock, "framebuffer:")
        status, text = read_status(sock)
        assert status == b"FAIL" and "framebuffer" in text


def test_scoped_host_commands(sim: SimServer) -> None:
    for command, expected in (("get-state", "device"), ("get-serialno", "emulator-5554")):
        with connect(sim) as sock:
            request(sock, f"host-serial:emulator-5554:{command}")
            read_status(sock)
            assert read_block(sock) == expected
    with connect(sim) as sock:
        request(sock, "host-serial:emulator-5554:wait-for-any-device")
        assert recv_exact(sock, 8) == b"OKAYOKAY"


def test_shell_v2_packets_and_stdin(sim: SimServer) -> None:
    with open_transport(sim) as sock:
        request(sock, "shell,v2,raw:cat; echo err >&2; exit 9")
        assert read_status(sock) == (b"OKAY", "")
        sock.sendall(bytes([0]) + struct.pack("<I", 6) + b"input\n" + bytes([4]) + struct.pack("<I", 0))
        packets = []
        while True:
            kind, size = struct.unpack("<BI", recv_exact(sock, 5))
            packets.append((kind, recv_exact(sock, size)))
            if kind == 3:
                break
        assert packets == [(1, b"input\n"), (2, b"err\n"), (3, b"\x09")]


def test_shell_v1_merges_streams_and_closes(sim: SimServer) -> None:
    with open_transport(sim) as sock:
        request(sock, "shell:echo a; echo b >&2; echo c")
        assert read_status(sock) == (b"OKAY", "")
        assert read_until_closed(sock) == b"a\nb\nc\n"


def sync_request(sock: socket.socket, command: bytes, path: str) -> None:
    data = path.encode()
    sock.sendall(command + struct.pack("<I", len(data)) + data)


def test_sync_v2_stat_list_send_recv(sim: SimServer) -> None:
    with open_transport(sim) as sock:
        request(sock, "sync:")
        assert read_status(sock) == (b"OKAY", "")
        sync_request(sock, b"SND2", "/data/local/tmp/v2.txt")
        sock.sendall(struct.pack("<4sII", b"SND2", 0o100644, 0))
        sock.sendall(b"DATA" + struct.pack("<I", 5) + b"hello" + b"DONE" + struct.pack("<I", 1700000000))
        assert recv_exact(sock, 8) == b"OKAY\0\0\0\0"
        sync_request(sock, b"STA2", "/data/local/tmp/v2.txt")
        fields = struct.unpack("<4sIQQIIIIQqqq", recv_exact(sock, 72))
        assert (fields[0], fields[1], fields[8]) == (b"STA2", 0, 5)
        sync_request(sock, b"LST2", "/data/local/tmp/missing")
        assert struct.unpack("<4sI", recv_exact(sock, 72)[:8]) == (b"LST2", 2)  # ENOENT
        sync_request(sock, b"LIS2", "/data/local/tmp")
        names = []
        while True:
            entry = struct.unpack("<4sIQQIIIIQqqqI", recv_exact(sock, 76))
            if entry[0] == b"DONE":
                break
            names.append(recv_exact(sock, entry[-1]).decode())
        assert names == [".", "..", "v2.txt"]
        sync_request(sock, b"RCV2", "/data/local/tmp/v2.txt")
        sock.sendall(struct.pack("<4sI", b"RCV2", 0))
        assert recv_exact(sock, 8) == b"DATA" + struct.pack("<I", 5)
        assert recv_exact(sock, 5) == b"hello"
        assert recv_exact(sock, 8) == b"DONE\0\0\0\0"
        sync_request(sock, b"RECV", "/data/data/com.arduia.expense/x")
        assert recv_exact(sock, 4) == b"FAIL"
        assert read_until_closed(sock).endswith(b"open failed: Permission denied")


def test_dropped_connections_are_cleaned_up(sim: SimServer) -> None:
    half = connect(sim)
    half.sendall(b"00")  # half a length prefix, then gone
    half.close()
    transport = open_transport(sim)
    transport.close()
    wait_until(lambda: not sim._connections, "the server to forget closed connections")
    assert adbutils.AdbClient(host="127.0.0.1", port=sim.port).device(sim.serial).shell("echo ok") == "ok"


def test_concurrent_clients(sim: SimServer) -> None:
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            device = adbutils.AdbClient(host="127.0.0.1", port=sim.port, socket_timeout=DEADLINE).device(sim.serial)
            for step in range(5):
                assert device.shell(f"echo {number}-{step}") == f"{number}-{step}"
                assert device.shell2("uiautomator dump /data/local/tmp/w$$.xml", v2=True).returncode == 0
        except BaseException as error:  # collected and re-raised in the test thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE * 4)
    assert not any(t.is_alive() for t in threads)
    assert errors == []


def test_stop_closes_live_sessions_and_is_idempotent() -> None:
    sim = SimServer(port=0).start()
    tracker = connect(sim)
    request(tracker, "host:track-devices")
    assert read_status(tracker) == (b"OKAY", "")
    assert read_block(tracker) == "emulator-5554\tdevice\n"
    sim.stop()
    try:
        assert tracker.recv(1) == b""
    except ConnectionResetError:
        pass
    sim.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", sim.port), timeout=5).close()
    tracker.close()


def test_kill_is_acknowledged_without_stopping(sim: SimServer) -> None:
    with connect(sim) as sock:
        request(sock, "host:kill")
        assert read_status(sock) == (b"OKAY", "")
    assert adbutils.AdbClient(host="127.0.0.1", port=sim.port).server_version() == 41


def test_constructor_rejects_non_loopback_and_bad_serials() -> None:
    with pytest.raises(ValueError, match="loopback"):
        SimServer(host="0.0.0.0")
    with pytest.raises(ValueError, match="serial"):
        SimServer(serial="bad\tserial")
