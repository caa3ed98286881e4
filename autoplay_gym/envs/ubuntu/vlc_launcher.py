"""Starts VLC's own Qt interface through libvlc, for when the env runs as root (containers, CI).

The `vlc` front-end refuses to start as root (a check in its 20-line `main`, not in libvlc). This script does
what that `main` does with the public libvlc API: create the instance with the same leading options, add the
hotkeys and default (Qt) interfaces, start the playlist built from the command line, and wait for the user to
quit or for SIGTERM. Run as a script (`python -S vlc_launcher.py [vlc options] [files]`), so it starts without
importing the package.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import sys
import threading

# What VLC's main passes ahead of the user's arguments: read vlcrc (libvlc ignores it by default).
LEADING_OPTIONS = ("--no-ignore-config", "--media-library")


def main(args: list[str]) -> int:
    name = ctypes.util.find_library("vlc") or "libvlc.so.5"
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        print(f"cannot load libvlc ({exc}); install the vlc package", file=sys.stderr)
        return 2
    lib.libvlc_new.restype = ctypes.c_void_p
    lib.libvlc_new.argtypes = (ctypes.c_int, ctypes.POINTER(ctypes.c_char_p))
    argv = [arg.encode() for arg in (*LEADING_OPTIONS, *args)]
    instance = lib.libvlc_new(len(argv), (ctypes.c_char_p * len(argv))(*argv))
    if not instance:
        print("libvlc_new failed", file=sys.stderr)
        return 1
    handle = ctypes.c_void_p(instance)
    done = threading.Event()
    on_exit = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(lambda _data: done.set())
    lib.libvlc_set_exit_handler(handle, on_exit, None)
    lib.libvlc_add_intf(handle, b"hotkeys,none")
    if lib.libvlc_add_intf(handle, None) != 0:
        print("VLC could not start its interface", file=sys.stderr)
        lib.libvlc_release(handle)
        return 1
    lib.libvlc_playlist_play(handle)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: done.set())
    while not done.wait(0.5):  # a timed wait lets the signal handlers run
        pass
    lib.libvlc_release(handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
