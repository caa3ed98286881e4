"""Byte sinks and sources that commands read and write, so pipes, redirections and the two adb shell
protocols (merged v1 stream, separate v2 packets) are all the same to a command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

STDOUT, STDERR = 1, 2


class Sink(Protocol):
    def write(self, data: bytes | str) -> None: ...


def to_bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8", errors="surrogateescape") if isinstance(data, str) else data


class OrderedOutput:
    """What a whole shell invocation printed, as (fd, bytes) chunks in the order they were written.

    Keeping order lets the v1 protocol merge stdout and stderr exactly as a real shell's shared pipe would.
    """

    def __init__(self) -> None:
        self.chunks: list[tuple[int, bytes]] = []

    def sink(self, fd: int) -> FdSink:
        return FdSink(self, fd)

    def add(self, fd: int, data: bytes) -> None:
        if data:
            self.chunks.append((fd, data))

    def merged(self) -> bytes:
        return b"".join(data for _, data in self.chunks)

    def stream(self, fd: int) -> bytes:
        return b"".join(data for chunk_fd, data in self.chunks if chunk_fd == fd)


@dataclass
class FdSink:
    output: OrderedOutput
    fd: int

    def write(self, data: bytes | str) -> None:
        self.output.add(self.fd, to_bytes(data))


class BufferSink:
    """Collects bytes (a pipe between two commands, or `$(...)`)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes | str) -> None:
        self._parts.append(to_bytes(data))

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


class NullSink:
    def write(self, data: bytes | str) -> None:
        return None


class Source:
    """Standard input, read lazily: only commands that want stdin (cat, sh) make the server wait for it."""

    def __init__(self, reader: Callable[[], bytes] | None = None, data: bytes | None = None) -> None:
        self._reader = reader
        self._data = data

    def read(self) -> bytes:
        if self._data is None:
            self._data = self._reader() if self._reader is not None else b""
        return self._data


EMPTY_SOURCE = Source(data=b"")


@dataclass
class CommandIO:
    """The three standard streams a command runs with."""

    stdin: Source
    stdout: Sink
    stderr: Sink
