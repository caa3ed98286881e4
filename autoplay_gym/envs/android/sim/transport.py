"""Device services reached after `host:transport:` / `host:tport:`: shell (v1 raw, v2 packets, interactive),
exec, sync, root/unroot and abb/abb_exec."""

from __future__ import annotations

import socket
import struct
from typing import TYPE_CHECKING

from autoplay_gym.envs.android.sim.shell.interp import CommandIO, Shell
from autoplay_gym.envs.android.sim.shell.streams import STDERR, STDOUT, OrderedOutput, Source
from autoplay_gym.envs.android.sim.sync import SyncSession
from autoplay_gym.envs.android.sim.wire import PeerClosed, recv_exact, send_fail, send_okay

if TYPE_CHECKING:
    from autoplay_gym.envs.android.sim.device import Device

ID_STDIN, ID_STDOUT, ID_STDERR, ID_EXIT, ID_CLOSE_STDIN, ID_WINDOW = range(6)
PACKET_MAX = 64 * 1024
PROMPT = "emu64xa:/ $ "
ROOT_PROMPT = "emu64xa:/ # "


def packet(kind: int, data: bytes) -> bytes:
    return bytes([kind]) + struct.pack("<I", len(data)) + data


class V2Stdin:
    """Reads shell-protocol stdin packets until CLOSE_STDIN or EOF (only when a command asks for stdin)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def read_all(self) -> bytes:
        parts: list[bytes] = []
        try:
            while True:
                header = recv_exact(self.sock, 5)
                size = struct.unpack("<I", header[1:])[0]
                data = recv_exact(self.sock, size) if size else b""
                if header[0] == ID_STDIN:
                    parts.append(data)
                elif header[0] == ID_CLOSE_STDIN:
                    break
        except (PeerClosed, OSError):
            pass
        return b"".join(parts)


def raw_stdin(sock: socket.socket) -> bytes:
    """v1/exec stdin: everything the client sends until it half-closes (adb exec-in)."""
    parts: list[bytes] = []
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            parts.append(chunk)
    except OSError:
        pass
    return b"".join(parts)


def serve_device_service(sock: socket.socket, device: Device, service: str) -> None:
    """Answer one device service request on a socket already bound to the device."""
    if service.startswith("shell"):
        options, _, command = service.partition(":")
        flags = set(options.split(",")[1:])
        if "v2" in flags:
            _shell_v2(sock, device, command, pty="pty" in flags or (not command and "raw" not in flags))
        else:
            _shell_v1(sock, device, command)
    elif service.startswith("exec:"):
        _shell_v1(sock, device, service[len("exec:"):], interactive_if_empty=False)
    elif service == "sync:":
        send_okay(sock)
        SyncSession(sock, device).serve()
    elif service in ("root:", "unroot:"):
        send_okay(sock)
        wanted = service == "root:"
        if device.root == wanted:
            message = "adbd is already running as root\n" if wanted else "adbd not running as root\n"
        else:
            device.root = wanted
            device.properties["service.adb.root"] = "1" if wanted else "0"
            message = "restarting adbd as root\n" if wanted else "restarting adbd as non root\n"
        sock.sendall(message.encode())
    elif service.startswith(("abb_exec:", "abb:")):
        name, _, argument_text = service.partition(":")
        _abb(sock, device, argument_text.split("\0"), v2=name == "abb")
    else:
        send_fail(sock, f"closed (the simulated device has no service '{service.split(':')[0]}')")


def _run(device: Device, command: str, stdin: Source) -> tuple[OrderedOutput, int]:
    output = OrderedOutput()
    shell = Shell(device, root=device.root)
    status = shell.run(command, CommandIO(stdin, output.sink(STDOUT), output.sink(STDERR)))
    return output, status


def _shell_v1(sock: socket.socket, device: Device, command: str, interactive_if_empty: bool = True) -> None:
    send_okay(sock)
    if not command.strip() and interactive_if_empty:
        _interactive(sock, device, v2=False, pty=True)
        return
    output, _ = _run(device, command, Source(lambda: raw_stdin(sock)))
    sock.sendall(output.merged())


def _shell_v2(sock: socket.socket, device: Device, command: str, pty: bool) -> None:
    send_okay(sock)
    if not command.strip():
        _interactive(sock, device, v2=True, pty=pty)
        return
    stdin = V2Stdin(sock)
    output, status = _run(device, command, Source(stdin.read_all))
    for fd, data in output.chunks:
        kind = ID_STDOUT if fd == STDOUT or pty else ID_STDERR
        if pty:
            data = data.replace(b"\n", b"\r\n")
        for offset in range(0, len(data), PACKET_MAX):
            sock.sendall(packet(kind, data[offset:offset + PACKET_MAX]))
    sock.sendall(packet(ID_EXIT, bytes([status & 0xFF])))


def _abb(sock: socket.socket, device: Device, args: list[str], v2: bool) -> None:
    send_okay(sock)
    output = OrderedOutput()
    with device.lock:
        shell = Shell(device, root=device.root)
        status = shell.call(["cmd", *[a for a in args if a != ""]],
                            CommandIO(Source(data=b""), output.sink(STDOUT), output.sink(STDERR)))
    if not v2:
        sock.sendall(output.merged())
        return
    for fd, data in output.chunks:
        sock.sendall(packet(ID_STDOUT if fd == STDOUT else ID_STDERR, data))
    sock.sendall(packet(ID_EXIT, bytes([status & 0xFF])))


def _interactive(sock: socket.socket, device: Device, v2: bool, pty: bool) -> None:
    """`adb shell` with no command: a prompt loop until `exit` or EOF; with a PTY input is echoed and output
    uses CRLF, without one (stdin not a terminal) only command output is sent, like `sh` reading a pipe."""
    def send(text: bytes) -> None:
        if text:
            sock.sendall(packet(ID_STDOUT, text) if v2 else text)

    def prompt() -> bytes:
        return (ROOT_PROMPT if device.root else PROMPT).encode() if pty else b""

    send(prompt())
    line = b""
    while True:
        try:
            if v2:
                header = recv_exact(sock, 5)
                size = struct.unpack("<I", header[1:])[0]
                data = recv_exact(sock, size) if size else b""
                if header[0] == ID_CLOSE_STDIN:
                    break
                if header[0] != ID_STDIN:
                    continue
            else:
                data = sock.recv(4096)
                if not data:
                    break
        except (PeerClosed, OSError):
            break
        if pty:
            send(data.replace(b"\r", b"\r\n"))  # the PTY echoes what is typed
        line += data
        while b"\r" in line or b"\n" in line:
            cut = min(i for i in (line.find(b"\r"), line.find(b"\n")) if i >= 0)
            command, line = line[:cut].decode("utf-8", errors="replace"), line[cut + 1:]
            if command.strip() == "exit":
                if v2:
                    sock.sendall(packet(ID_EXIT, b"\0"))
                return
            if command.strip():
                output, _ = _run(device, command, Source(data=b""))
                send(output.merged().replace(b"\n", b"\r\n") if pty else output.merged())
            send(prompt())
    if v2:
        sock.sendall(packet(ID_EXIT, b"\0"))
