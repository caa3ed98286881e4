"""Direct connections to a real app (gnome-terminal, through atk-bridge's GetApplicationBusAddress): reads use
them, a burst of calls far beyond a socket's buffer is answered, and when the connection breaks the reads go on
over the bus, as exact as before."""

from __future__ import annotations

import asyncio
import os
import signal
import socket

from dbus_fast import MessageType

from autoplay_gym.envs.ubuntu.atspi import ACCESSIBLE, AtspiTree
from tests.envs.ubuntu.apps.support import assert_patched_reads_match_full_reads, step_ok, terminal_text, wait_until

def _terminal_bus(env) -> tuple[AtspiTree, str]:
    """The accessibility tree reader and the bus name of the app that shows the terminal."""
    tree = env.backend._atspi
    app_name = next(e.app for e in env.tree if e.role == "terminal")
    names = tree.loop.run(tree._applications, 5)
    return tree, next(bus for bus in names if bus in tree._apps and tree._apps[bus].name == app_name)


def test_reads_use_the_direct_connection(terminal):
    terminal.reset(seed=0)
    tree, bus = _terminal_bus(terminal)
    assert tree._transport.has_peer(bus)
    before = tree.calls
    step_ok(terminal, {"type": "type", "text": "echo direct-$((6*7))\n"})
    wait_until(terminal, lambda t: "direct-42" in terminal_text(t), "the echo output")
    after = tree.calls
    assert after["peer"] > before["peer"]


def test_a_burst_far_beyond_the_socket_buffer_is_answered(terminal):
    """dbus-fast drops a connection whose socket buffer is full, and an app reads its socket only between its
    own work. With the app stopped, 3000 calls (~400 KB) are asked: the transport's window keeps all but 64
    waiting, so the connection survives, and every call is answered once the app goes on."""
    terminal.reset(seed=0)
    tree, bus = _terminal_bus(terminal)
    paths = [row[0] for row in tree._nodes_memo[bus]]
    pid = tree._apps[bus].pid

    async def burst():
        return asyncio.gather(*(tree._call(bus, paths[i % len(paths)], ACCESSIBLE, "GetState") for i in range(3000)))

    os.kill(pid, signal.SIGSTOP)
    try:
        pending = tree.loop.run(burst, 5)  # every call asked while the app reads nothing
        assert tree._transport.has_peer(bus)
    finally:
        os.kill(pid, signal.SIGCONT)
    replies = tree.loop.run(lambda: _wait(pending), 60)
    assert all(r.message_type == MessageType.METHOD_RETURN for r in replies)
    assert tree._transport.has_peer(bus)


async def _wait(pending: asyncio.Future) -> list:
    return await pending


def test_a_broken_direct_connection_leaves_reads_exact(terminal):
    terminal.reset(seed=0)
    tree, bus = _terminal_bus(terminal)
    peer = tree._transport._peers[bus].bus
    tree.loop.run(lambda: _shut(peer._sock), 5)
    step_ok(terminal, {"type": "type", "text": "echo after-$((6*7))\n"})
    wait_until(terminal, lambda t: "after-42" in terminal_text(t), "the echo output over the bus")
    assert not tree._transport.has_peer(bus)
    patched = assert_patched_reads_match_full_reads(terminal, [{"type": "type", "text": "ls /\n"}])
    assert patched > 0


async def _shut(sock: socket.socket) -> None:
    sock.shutdown(socket.SHUT_RDWR)
