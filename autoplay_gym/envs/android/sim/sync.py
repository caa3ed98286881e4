"""The `sync:` file service: STAT/STA2/LST2, LIST/LIS2, RECV/RCV2 and SEND/SND2, as adbd implements them.

Little-endian structs from adbd's file_sync_protocol.h. Transfers run with the adbd uid (shell, or root after
`adb root`), so private app data needs root exactly as on a device.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
import struct
from typing import TYPE_CHECKING

from autoplay_gym.envs.android.sim.fs import FsError
from autoplay_gym.envs.android.sim.wire import recv_exact

if TYPE_CHECKING:
    from autoplay_gym.envs.android.sim.device import Device

SYNC_DATA_MAX = 64 * 1024
MAX_PATH = 1024
_STAT_V2 = struct.Struct("<4sIQQIIIIQqqq")  # id error dev ino mode nlink uid gid size atime mtime ctime
_DENT_V2 = struct.Struct("<4sIQQIIIIQqqqI")


class SyncSession:
    """One `sync:` connection; several requests may follow each other until QUIT."""

    def __init__(self, sock: socket.socket, device: Device) -> None:
        self.sock = sock
        self.device = device
        self.fs = device.fs

    def serve(self) -> None:
        while True:
            header = recv_exact(self.sock, 8)
            command, length = header[:4], struct.unpack("<I", header[4:])[0]
            if command == b"QUIT":
                return
            if length > MAX_PATH:
                self._fail(f"path too long: {length}")
                return
            path = recv_exact(self.sock, length).decode("utf-8", errors="replace")
            handler = {b"STAT": self._stat_v1, b"STA2": self._stat_v2, b"LST2": self._stat_v2,
                       b"LIST": self._list, b"LIS2": self._list, b"RECV": self._recv, b"RCV2": self._recv,
                       b"SEND": self._send, b"SND2": self._send}.get(command)
            if handler is None:
                self._fail(f"unknown sync request {command!r}")
                return
            if handler(command, path) is False:
                return

    # -- helpers ---------------------------------------------------------------------------------------------
    def _fail(self, message: str) -> None:
        data = message.encode("utf-8")
        self.sock.sendall(b"FAIL" + struct.pack("<I", len(data)) + data)

    def _resolve(self, path: str, *, write: bool = False, listing: bool = False) -> str:
        device_path = self.fs.normalize(path)
        self.fs.check(device_path, root=self.device.root, write=write, listing=listing)
        return device_path

    def _lstat(self, path: str) -> os.stat_result:
        return self.fs.lstat(self._resolve(path))

    def _time(self, seconds: float) -> int:
        return int(seconds + self.device.clock_offset)

    # -- requests --------------------------------------------------------------------------------------------
    def _stat_v1(self, command: bytes, path: str) -> bool:
        try:
            info = self._lstat(path)
            self.sock.sendall(b"STAT" + struct.pack("<III", info.st_mode, info.st_size & 0xFFFFFFFF,
                                                     self._time(info.st_mtime)))
        except FsError:
            self.sock.sendall(b"STAT" + struct.pack("<III", 0, 0, 0))
        return True

    def _stat_v2(self, command: bytes, path: str) -> bool:
        try:
            device_path = self._resolve(path)
            host = self.fs.host_path(device_path)
            info = os.lstat(host) if command == b"LST2" else os.stat(host)
            self.sock.sendall(_STAT_V2.pack(command, 0, info.st_dev, info.st_ino, info.st_mode, info.st_nlink,
                                            2000, 2000, info.st_size, self._time(info.st_atime),
                                            self._time(info.st_mtime), self._time(info.st_ctime)))
        except (FsError, OSError) as error:
            code = error.code if isinstance(error, FsError) else (error.errno or errno.EIO)
            self.sock.sendall(_STAT_V2.pack(command, code, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        return True

    def _list(self, command: bytes, path: str) -> bool:
        v2 = command == b"LIS2"
        try:
            device_path = self._resolve(path, listing=True)
            names = [".", ".."] + self.fs.listdir(device_path)
        except FsError:
            names, device_path = [], ""
        for name in names:
            try:
                host = self.fs.host_path(device_path) / name if name not in (".", "..") else \
                    self.fs.host_path(device_path)
                info = os.lstat(host)
            except (FsError, OSError):
                continue
            encoded = name.encode("utf-8")
            if v2:
                self.sock.sendall(_DENT_V2.pack(b"DNT2", 0, info.st_dev, info.st_ino, info.st_mode, info.st_nlink,
                                                2000, 2000, info.st_size, self._time(info.st_atime),
                                                self._time(info.st_mtime), self._time(info.st_ctime),
                                                len(encoded)) + encoded)
            else:
                self.sock.sendall(b"DENT" + struct.pack("<IIII", info.st_mode, info.st_size & 0xFFFFFFFF,
                                                        self._time(info.st_mtime), len(encoded)) + encoded)
        if v2:
            self.sock.sendall(_DENT_V2.pack(b"DONE", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        else:
            self.sock.sendall(b"DONE" + bytes(16))
        return True

    def _recv(self, command: bytes, path: str) -> bool:
        if command == b"RCV2":
            flags = struct.unpack("<4sI", recv_exact(self.sock, 8))[1]
            if flags & 0x7:
                self._fail("compressed transfers are not supported by the simulator")
                return False
        try:
            device_path = self._resolve(path)
            with self.device.lock:  # never read a database halfway through an app's write
                data = self.fs.read_bytes(device_path)
        except FsError as error:
            action = "read failed" if error.code == errno.EISDIR else "open failed"
            self._fail(f"{action}: {error.strerror}")
            return False
        for offset in range(0, len(data), SYNC_DATA_MAX):
            chunk = data[offset:offset + SYNC_DATA_MAX]
            self.sock.sendall(b"DATA" + struct.pack("<I", len(chunk)) + chunk)
        self.sock.sendall(b"DONE" + struct.pack("<I", 0))
        return True

    def _send(self, command: bytes, spec: str) -> bool:
        if command == b"SND2":
            _, mode, flags = struct.unpack("<4sII", recv_exact(self.sock, 12))
            path = spec
        else:
            path, _, mode_text = spec.rpartition(",")
            mode, flags = (int(mode_text) if mode_text.isdigit() else 0o100644), 0
            path = path or spec
        chunks: list[bytes] = []
        mtime = None
        while True:  # always drain the whole transfer, even if it will fail, so the reply lines up
            header = recv_exact(self.sock, 8)
            kind, size = header[:4], struct.unpack("<I", header[4:])[0]
            if kind == b"DATA":
                if size > SYNC_DATA_MAX:
                    self._fail(f"DATA chunk of {size} bytes is too large")
                    return False
                chunks.append(recv_exact(self.sock, size))
            elif kind == b"DONE":
                mtime = size
                break
            else:
                self._fail(f"unexpected {kind!r} during SEND")
                return False
        if flags & 0x7:
            self._fail("compressed transfers are not supported by the simulator")
            return False
        try:
            device_path = self._resolve(path, write=True)
            if stat.S_ISLNK(mode):
                raise FsError(errno.EPERM, device_path)
            host = self.fs.host_path(device_path)
            if host.is_dir():
                raise FsError(errno.EISDIR, device_path)
            host.parent.mkdir(parents=True, exist_ok=True)
            with self.device.lock:
                self.fs.write_bytes(device_path, b"".join(chunks), mode=(mode & 0o777) | 0o600)
            if mtime:
                os.utime(host, (mtime - self.device.clock_offset, mtime - self.device.clock_offset))
        except (FsError, OSError) as error:
            self._fail(f"couldn't create file: {error.strerror}")
            return False
        self.sock.sendall(b"OKAY" + struct.pack("<I", 0))
        return True
