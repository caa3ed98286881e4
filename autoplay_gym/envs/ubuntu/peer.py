"""Direct connections to apps, past the accessibility bus daemon.

atk-bridge (GTK2 and GTK3, Gecko, Chromium, LibreOffice) also serves each app's accessible objects on a private
socket, whose address `org.a11y.atspi.Application.GetApplicationBusAddress` gives; libatspi makes its calls
there. A call that skips the bus daemon skips two hops: in gnome-terminal a lone round trip takes ~35 µs instead
of ~170 µs, and a burst of calls ~30 µs per call instead of ~55 µs. Events still come over the bus: apps send
none on these sockets. GTK4 and Qt offer no such socket; their calls go over the bus.

dbus-fast connects only to message buses: its `connect()` always greets a bus daemon (`Hello`), which a peer
does not answer. `PeerBus` connects and authenticates as dbus-fast does, minus the greeting; this leans on
dbus-fast's internals (5.x), so any failure to connect leaves the app on the bus. transport.py makes the calls.
"""

from __future__ import annotations

import asyncio
import logging

from autoplay_gym.envs.ubuntu.batched_writes import BatchingBus
from autoplay_gym.envs.ubuntu.transport import retrieve_failure

_LOG = logging.getLogger(__name__)

APPLICATION = "org.a11y.atspi.Application"


class PeerBus(BatchingBus):
    """A dbus-fast connection to one peer (no bus daemon): authenticated, not greeted; writes batched."""

    async def connect(self) -> PeerBus:
        from dbus_fast.aio.message_bus import _MessageWriter, build_message_reader

        transport, options = self._bus_address[0]
        sock, stream, address = self._create_socket_for_transport(transport, options)
        try:
            sock.setblocking(False)
            await self._loop.sock_connect(sock, address)
            self._sock, self._stream, self._fd = sock, stream, sock.fileno()
            self._writer = _MessageWriter(self)
            await self._authenticate()
            reader = build_message_reader(self._sock, self._process_message, self._finalize, self._negotiate_unix_fd)
            self._loop.add_reader(self._fd, reader)
        except BaseException:
            stream.close()
            sock.close()
            raise
        self.unique_name = ":peer"  # nobody assigns one without a daemon; dbus-fast sends nothing until it is set
        # The app's exit ends the connection with EOFError, which nobody awaits: expected, not worth a log line
        self._disconnect_future.add_done_callback(retrieve_failure)
        return self


async def connect_peer(address: str, timeout: float) -> PeerBus | None:
    """A direct connection to the `address` an app's GetApplicationBusAddress gave, or None when it is no unix
    socket or cannot be connected (then the bus serves the app)."""
    if not address.startswith("unix:"):
        return None
    try:
        return await asyncio.wait_for(PeerBus(bus_address=address).connect(), timeout)
    except Exception as exc:  # noqa: BLE001 - any failure leaves the app on the bus, which always works
        _LOG.debug("no direct connection at %s: %r", address, exc)
        return None
