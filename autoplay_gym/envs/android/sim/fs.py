"""The device file system: device paths mapped into a host directory, with Android's aliases and permissions.

Clients see /sdcard, /storage/emulated/0, /data/local/tmp and the apps' /data/data/<pkg> trees; all of them
live under one per-device host directory so that `adb pull` serves the very SQLite files the apps write.
The uid `shell` may not read app-private data (a real device answers "Permission denied" until `adb root`).
"""

from __future__ import annotations

import errno
import os
import posixpath
import shutil
import stat as stat_module
from dataclasses import dataclass
from pathlib import Path

SHARED_STORAGE = "/storage/emulated/0"
# Several device paths name the same shared storage; the first match wins, so longer prefixes come first.
_ALIASES: tuple[tuple[str, str], ...] = (
    ("/storage/self/primary", SHARED_STORAGE),
    ("/mnt/user/0/primary", SHARED_STORAGE),
    ("/data/media/0", SHARED_STORAGE),
    ("/mnt/sdcard", SHARED_STORAGE),
    ("/sdcard", SHARED_STORAGE),
    ("/data/user/0", "/data/data"),
)
_TOP_LEVEL_DIRS = ("acct", "apex", "cache", "config", "data", "dev", "etc", "mnt", "odm", "oem", "proc", "product",
                   "sdcard", "storage", "sys", "system", "system_ext", "vendor")
_SHARED_FOLDERS = ("Alarms", "Android", "Audiobooks", "DCIM", "Documents", "Download", "Movies", "Music",
                   "Notifications", "Pictures", "Podcasts", "Recordings", "Ringtones")
_WRITABLE_SYSTEM_FREE = ("/data/local/tmp", SHARED_STORAGE)
VIRTUAL_DEVICES = ("/dev/null", "/dev/zero", "/dev/tty")


class FsError(OSError):
    """A file-system failure carrying the errno a real device would report."""

    def __init__(self, code: int, path: str) -> None:
        super().__init__(code, os.strerror(code), path)
        self.code = code
        self.path = path


@dataclass(frozen=True)
class Owner:
    user: str
    group: str


class DeviceFS:
    """Maps absolute device paths into `root` on the host and enforces the shell/root access rules."""

    def __init__(self, root: Path, package_uids: dict[str, int]) -> None:
        self.root = root
        self._package_uids = package_uids
        for name in _TOP_LEVEL_DIRS:
            if name != "sdcard":
                (root / name).mkdir(parents=True, exist_ok=True)
        for sub in ("data/local/tmp", "data/data", "data/system", "system/bin", "storage/emulated/0", "mnt/user"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        for folder in _SHARED_FOLDERS:
            (root / "storage/emulated/0" / folder).mkdir(exist_ok=True)

    # -- paths ---------------------------------------------------------------------------------------------
    @staticmethod
    def normalize(path: str, cwd: str = "/") -> str:
        """Absolute, `..`-free device path with the shared-storage aliases resolved."""
        if not path:
            raise FsError(errno.ENOENT, path)
        joined = posixpath.normpath(posixpath.join(cwd, path))
        if joined.startswith("//"):
            joined = "/" + joined.lstrip("/")
        for alias, target in _ALIASES:
            if joined == alias or joined.startswith(alias + "/"):
                return target + joined[len(alias):]
        return joined

    def host_path(self, device_path: str) -> Path:
        """The host file behind a normalized device path (never outside `root`)."""
        relative = device_path.lstrip("/")
        host = (self.root / relative) if relative else self.root
        resolved_root = self.root.resolve()
        if host.resolve() != resolved_root and resolved_root not in host.resolve().parents:
            raise FsError(errno.EACCES, device_path)
        return host

    # -- permissions ---------------------------------------------------------------------------------------
    def check(self, device_path: str, *, root: bool, write: bool = False, listing: bool = False) -> None:
        """Raise FsError when uid shell (or root) may not do this; mirrors the device's modes and mounts."""
        if device_path in VIRTUAL_DEVICES:
            return
        if write and not any(_within(device_path, base) for base in ("/data", "/storage", "/mnt/user")):
            raise FsError(errno.EROFS, device_path)
        if root:
            return
        if any(_within(device_path, base) for base in _WRITABLE_SYSTEM_FREE):
            return
        if device_path in ("/data", "/data/data", "/data/user", "/storage") and (listing or write):
            raise FsError(errno.EACCES, device_path)
        if _within(device_path, "/data") and device_path not in ("/data", "/data/local", "/data/data"):
            raise FsError(errno.EACCES, device_path)
        if write:
            raise FsError(errno.EACCES, device_path)

    def owner(self, device_path: str) -> Owner:
        """User and group shown by `ls -l` (Android's fixed names; the per-path mapping is a best guess)."""
        if _within(device_path, SHARED_STORAGE):
            return Owner("u0_a158", "media_rw")
        if _within(device_path, "/data/local/tmp"):
            return Owner("shell", "shell")
        parts = device_path.split("/")
        if len(parts) > 3 and parts[1:3] == ["data", "data"] and parts[3] in self._package_uids:
            name = f"u0_a{self._package_uids[parts[3]] - 10000}"
            return Owner(name, name)
        return Owner("root", "root")

    # -- operations (paths are normalized device paths) ----------------------------------------------------
    def lstat(self, device_path: str) -> os.stat_result:
        try:
            return os.lstat(self.host_path(device_path))
        except FileNotFoundError:
            raise FsError(errno.ENOENT, device_path) from None
        except NotADirectoryError:
            raise FsError(errno.ENOTDIR, device_path) from None

    def exists(self, device_path: str) -> bool:
        try:
            self.lstat(device_path)
            return True
        except FsError:
            return False

    def is_dir(self, device_path: str) -> bool:
        try:
            return stat_module.S_ISDIR(self.lstat(device_path).st_mode)
        except FsError:
            return False

    def listdir(self, device_path: str) -> list[str]:
        host = self.host_path(device_path)
        if not host.exists():
            raise FsError(errno.ENOENT, device_path)
        if not host.is_dir():
            raise FsError(errno.ENOTDIR, device_path)
        names = sorted(os.listdir(host))
        if device_path == "/":
            names = sorted(set(names) | {"sdcard"})
        return names

    def read_bytes(self, device_path: str) -> bytes:
        if device_path in ("/dev/null", "/dev/tty"):
            return b""
        host = self.host_path(device_path)
        if host.is_dir():
            raise FsError(errno.EISDIR, device_path)
        try:
            return host.read_bytes()
        except FileNotFoundError:
            raise FsError(errno.ENOENT, device_path) from None
        except NotADirectoryError:
            raise FsError(errno.ENOTDIR, device_path) from None

    def write_bytes(self, device_path: str, data: bytes, *, append: bool = False, mode: int | None = None) -> None:
        if device_path in VIRTUAL_DEVICES:
            return
        host = self.host_path(device_path)
        if host.is_dir():
            raise FsError(errno.EISDIR, device_path)
        if not host.parent.is_dir():
            raise FsError(errno.ENOENT, device_path)
        with open(host, "ab" if append else "wb") as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(host, mode & 0o7777)

    def mkdir(self, device_path: str, *, parents: bool = False) -> None:
        host = self.host_path(device_path)
        if host.exists() and not parents:
            raise FsError(errno.EEXIST, device_path)
        if not parents and not host.parent.is_dir():
            raise FsError(errno.ENOENT, device_path)
        try:
            host.mkdir(parents=parents, exist_ok=parents)
        except FileExistsError:
            raise FsError(errno.EEXIST, device_path) from None
        except NotADirectoryError:
            raise FsError(errno.ENOTDIR, device_path) from None

    def remove(self, device_path: str, *, recursive: bool = False) -> None:
        host = self.host_path(device_path)
        if not host.exists() and not host.is_symlink():
            raise FsError(errno.ENOENT, device_path)
        if host.is_dir() and not host.is_symlink():
            if not recursive:
                raise FsError(errno.EISDIR, device_path)
            shutil.rmtree(host)
        else:
            host.unlink()

    def rmdir(self, device_path: str) -> None:
        host = self.host_path(device_path)
        try:
            host.rmdir()
        except FileNotFoundError:
            raise FsError(errno.ENOENT, device_path) from None
        except NotADirectoryError:
            raise FsError(errno.ENOTDIR, device_path) from None
        except OSError:
            raise FsError(errno.ENOTEMPTY, device_path) from None

    def copy(self, source: str, target: str) -> None:
        src, dst = self.host_path(source), self.host_path(target)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)

    def move(self, source: str, target: str) -> None:
        os.replace(self.host_path(source), self.host_path(target))

    def wipe_dir_contents(self, device_path: str) -> None:
        """Empty a directory tree (what `pm clear` does to an app's data directory)."""
        host = self.host_path(device_path)
        if host.is_dir():
            shutil.rmtree(host)
        host.mkdir(parents=True, exist_ok=True)


def _within(path: str, base: str) -> bool:
    return path == base or path.startswith(base.rstrip("/") + "/")
