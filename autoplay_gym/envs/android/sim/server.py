"""The ADB host server the clients talk to (what `adb start-server` would run on port 5037), serving one
simulated device. Each client connection gets its own thread; `stop()` closes every socket at once."""

from __future__ import annotations

import logging
import shutil
import signal
import socket
import struct
import tempfile
import threading
from pathlib import Path

from autoplay_gym.envs.android.sim.commands.table import build_command_table
from autoplay_gym.envs.android.sim.device import Device
from autoplay_gym.envs.android.sim.transport import serve_device_service
from autoplay_gym.envs.android.sim.wire import (
    PeerClosed,
    ProtocolError,
    close_gracefully,
    read_request,
    send_fail,
    send_okay,
)

log = logging.getLogger(__name__)

SERVER_VERSION = 41
# adbd's Android 13 list minus sendrecv_v2* (so clients use SEND/RECV v1, which needs no compression codecs)
# and minus openscreen_mdns/delayed_ack (transport-level features with no meaning on a TCP smart socket).
FEATURES = ("shell_v2,cmd,stat_v2,ls_v2,fixed_push_mkdir,apex,abb,fixed_push_symlink_timestamp,abb_exec,"
            "remount_shell,track_app")
IDLE_TIMEOUT_SECONDS = 120.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TRANSPORT_ID = 1
_SCOPED_COMMANDS = ("features", "get-state", "get-serialno", "get-devpath", "list-forward", "killforward",
                    "forward", "reverse", "wait-for-")


class SimServer:
    """A simulated Android device behind an ADB host-protocol server on loopback."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, serial: str = "emulator-5554",
                 data_dir: str | Path | None = None) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"the simulator only listens on loopback, not on {host!r}")
        if not serial or any(c in serial for c in "\t\n:"):
            raise ValueError(f"invalid serial {serial!r}")
        self.host = host
        self._requested_port = port
        self.serial = serial
        self._own_dir = data_dir is None
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.device: Device | None = None
        self._listener: socket.socket | None = None
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._stopped = threading.Event()
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> SimServer:
        """Create the device and listen; returns once connections are accepted."""
        if self._listener is not None:
            return self
        if self.data_dir is None:
            self.data_dir = Path(tempfile.mkdtemp(prefix=f"android-sim-{self.serial}-"))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.device = Device(self.data_dir, self.serial, build_command_table)
        family = socket.AF_INET6 if self.host == "::1" else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self.host, self._requested_port))
            listener.listen(64)
        except OSError:
            listener.close()
            raise
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._stopped.clear()
        thread = threading.Thread(target=self._accept_loop, name=f"adb-sim-accept-{self.port}", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Close the listener and every client connection (abruptly, like a device vanishing); idempotent."""
        self._stopped.set()
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        with self._lock:
            connections = list(self._connections)
            self._connections.clear()
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=5)
        self._threads = [t for t in self._threads if t.is_alive()]
        if self._own_dir and self.data_dir is not None and not self._threads:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- connections -----------------------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        listener = self._listener
        while listener is not None and not self._stopped.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.settimeout(IDLE_TIMEOUT_SECONDS)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # replies are small writes; no Nagle stalls
            with self._lock:
                if self._stopped.is_set():
                    conn.close()
                    return
                self._connections.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), name="adb-sim-conn", daemon=True)
            thread.start()
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]

    def _serve(self, conn: socket.socket) -> None:
        try:
            while True:
                request = read_request(conn)
                log.debug("request %r", request)
                if self._host_request(conn, request):
                    break
        except ProtocolError as error:
            send_fail(conn, str(error))
        except (PeerClosed, TimeoutError, OSError):
            pass
        except Exception as error:  # a bug must not hang the client: tell it, then drop the connection
            log.exception("simulator error")
            send_fail(conn, f"simulator error: {type(error).__name__}: {error}")
        finally:
            with self._lock:
                tracked = conn in self._connections
                self._connections.discard(conn)
            if tracked:
                close_gracefully(conn)

    def _host_request(self, conn: socket.socket, request: str) -> bool:
        """Answer a host request; True when the connection is finished with."""
        assert self.device is not None
        if request == "host:version":
            send_okay(conn, f"{SERVER_VERSION:04x}")
            return True
        if request in ("host:devices", "host:devices-l"):
            send_okay(conn, self._device_list(request.endswith("-l")))
            return True
        if request in ("host:track-devices", "host:track-devices-l"):
            send_okay(conn, self._device_list(request.endswith("-l")))
            self._wait_for_close(conn)
            return True
        if request in ("host:features", "host:host-features"):
            send_okay(conn, FEATURES)
            return True
        if request == "host:kill":
            send_okay(conn)  # acknowledged; the simulator keeps serving (nothing would restart it)
            return True
        if request.startswith(("host:connect:", "host:disconnect:")):
            send_okay(conn, f"the simulator serves only {self.serial}; {request.split(':', 1)[1]} ignored")
            return True
        if request == "host:list-forward":
            send_okay(conn, "")
            return True
        target, command = self._split_scoped(request)
        if target is None:
            send_fail(conn, f"unknown host service '{request}'")
            return True
        if not self._matches(target):
            send_fail(conn, f"device '{target.split(':', 1)[-1]}' not found")
            return True
        if command is None:  # transport switch; the next request is a device service
            if request.startswith("host:tport:"):
                conn.sendall(b"OKAY" + struct.pack("<Q", TRANSPORT_ID))
            else:
                send_okay(conn)
            service = read_request(conn)
            log.debug("device service %r", service)
            serve_device_service(conn, self.device, service)
            return True
        return self._device_host_command(conn, command)

    def _split_scoped(self, request: str) -> tuple[str | None, str | None]:
        """('serial:X' | 'id:N' | 'any', command or None for a transport switch)."""
        for prefix, kind in (("host:transport:", "serial"), ("host:transport-id:", "id"),
                             ("host:tport:serial:", "serial"), ("host:tport:id:", "id")):
            if request.startswith(prefix):
                return f"{kind}:{request[len(prefix):]}", None
        if request in ("host:transport-any", "host:transport-local", "host:transport-usb", "host:tport:any",
                       "host:tport:local", "host:tport:usb"):
            return "any", None
        if request.startswith("host-serial:"):
            rest = request[len("host-serial:"):]
            for keyword in _SCOPED_COMMANDS:  # serials may contain ':' (host:port), commands too (forward)
                index = rest.find(":" + keyword)
                if index >= 0:
                    return f"serial:{rest[:index]}", rest[index + 1:]
            serial, _, command = rest.rpartition(":")
            return f"serial:{serial}", command
        if request.startswith("host-transport-id:"):
            number, _, command = request[len("host-transport-id:"):].partition(":")
            return f"id:{number}", command
        for prefix in ("host-usb:", "host-local:", "host:"):
            if request.startswith(prefix):
                command = request[len(prefix):]
                if command.startswith(("get-", "wait-for-", "features", "forward", "killforward")):
                    return "any", command
        return None, None

    def _matches(self, target: str) -> bool:
        kind, _, value = target.partition(":")
        return kind == "any" or (kind == "serial" and value == self.serial) or (kind == "id" and value == "1")

    def _device_host_command(self, conn: socket.socket, command: str) -> bool:
        if command == "features":
            send_okay(conn, FEATURES)
        elif command == "get-state":
            send_okay(conn, "device")
        elif command == "get-serialno":
            send_okay(conn, self.serial)
        elif command == "get-devpath":
            send_okay(conn, "unknown")
        elif command.startswith("wait-for-"):
            send_okay(conn)
            send_okay(conn)
        elif command == "list-forward":
            send_okay(conn, "")
        elif command.startswith(("forward", "killforward", "reverse")):
            send_fail(conn, "port forwarding is not supported by the simulated device")
        else:
            send_fail(conn, f"unknown host service '{command}'")
        return True

    def _device_list(self, long: bool) -> str:
        assert self.device is not None
        if not long:
            return f"{self.serial}\tdevice\n"
        props = self.device.properties
        return (f"{self.serial:<22} device product:{props['ro.product.name']} model:{props['ro.product.model']} "
                f"device:{props['ro.product.device']} transport_id:{TRANSPORT_ID}\n")

    def _wait_for_close(self, conn: socket.socket) -> None:
        conn.settimeout(0.5)
        while not self._stopped.is_set():
            try:
                if not conn.recv(1024):
                    return
            except TimeoutError:
                continue
            except OSError:
                return


def serve_forever(host: str = "127.0.0.1", port: int = 5037, serial: str = "emulator-5554") -> int:
    """Run a simulator in the foreground until SIGINT or SIGTERM; the exit status for the CLI."""
    server = SimServer(host=host, port=port, serial=serial)
    try:
        server.start()
    except OSError as error:
        print(f"android-sim: cannot listen on {host}:{port}: {error.strerror or error}")
        return 1
    print(f"android-sim: {serial} serving the ADB protocol on {host}:{server.port} "
          f"(use: adb -P {server.port} devices)", flush=True)
    done = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: done.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not done.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stop()
    return 0
