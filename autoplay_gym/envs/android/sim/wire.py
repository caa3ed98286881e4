"""Byte-level helpers for the ADB smart-socket protocol (4-hex-digit length prefixes, OKAY/FAIL replies).

Kept apart from the services so every service speaks the framing the same way, and so a malformed request
can always be answered with a FAIL instead of a traceback.
"""

from __future__ import annotations

import socket
import time

CLOSE_DRAIN_SECONDS = 2.0


class ProtocolError(Exception):
    """The peer sent bytes that are not a valid ADB request (answered with FAIL, then the socket closes)."""


class PeerClosed(Exception):
    """The peer closed the connection before a complete message arrived."""


def recv_exact(sock: socket.socket, count: int) -> bytes:
    """Read exactly `count` bytes; the socket's own timeout bounds every wait."""
    chunks: list[bytes] = []
    remaining = count
    while remaining > 0:
        chunk = sock.recv(min(remaining, 256 * 1024))
        if not chunk:
            raise PeerClosed(f"connection closed with {remaining} of {count} bytes missing")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_request(sock: socket.socket) -> str:
    """Read one `<4 hex digits><payload>` request and return the payload as text."""
    header = recv_exact(sock, 4)
    try:
        length = int(header.decode("ascii"), 16)
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError(f"invalid request length prefix {header!r}") from None
    if length == 0:
        raise ProtocolError("empty request")
    payload = recv_exact(sock, length)
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("request is not valid UTF-8") from None


def hex_block(payload: bytes) -> bytes:
    """Prefix a payload with its length as 4 lower-case hex digits, as adb does for string replies."""
    return b"%04x" % len(payload) + payload


def send_okay(sock: socket.socket, payload: bytes | str | None = None) -> None:
    """Reply OKAY, optionally followed by a length-prefixed string block."""
    if payload is None:
        sock.sendall(b"OKAY")
        return
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    sock.sendall(b"OKAY" + hex_block(data))


def send_fail(sock: socket.socket, message: str) -> None:
    """Reply FAIL with a message; swallow errors because the peer may already be gone."""
    try:
        sock.sendall(b"FAIL" + hex_block(message.encode("utf-8")[:0xFFFF]))
    except OSError:
        pass


def close_gracefully(sock: socket.socket) -> None:
    """Half-close, drain what the peer still sends, then close.

    Closing a socket with unread input makes Linux send RST, and a client that receives RST may lose output it
    has not read yet (the exit packet of a shell, the end of a PNG). Draining first avoids that.
    """
    try:
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    deadline = time.monotonic() + CLOSE_DRAIN_SECONDS
    try:
        while time.monotonic() < deadline:
            sock.settimeout(max(0.05, deadline - time.monotonic()))
            if not sock.recv(65536):
                break
    except OSError:
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass
