"""The call transport's rules, against a stand-in for a dbus-fast connection: each app has at most WINDOW calls
unanswered per connection, a call past its deadline fails with BackendError and frees its slot, calls on a broken
peer connection go again over the bus, and a broken bus fails them. The real connections are exercised by
test_peer.py against real apps."""

from __future__ import annotations

import asyncio
import gc
import warnings

import pytest
from dbus_fast import Message, MessageType

from autoplay_gym.core.errors import BackendError
from autoplay_gym.envs.ubuntu.transport import WINDOW, Transport, replies_of


class _Connection:
    """Holds each call's reply callback until the test answers or breaks it, as dbus-fast's `_call` does."""

    def __init__(self) -> None:
        self.connected = True
        self.pending: list[tuple[Message, object]] = []
        self.sent: list[Message] = []

    def _call(self, message: Message, callback) -> None:
        self.sent.append(message)
        self.pending.append((message, callback))

    def answer(self, count: int | None = None) -> None:
        answered, self.pending = self.pending[:count], self.pending[len(self.pending) if count is None else count:]
        for message, callback in answered:
            callback(Message(message_type=MessageType.METHOD_RETURN, reply_serial=1, signature="s",
                             body=[message.path]), None)

    def die(self) -> None:  # dbus-fast's _finalize: every handler gets (None, error)
        self.connected = False
        pending, self.pending = self.pending, []
        for _, callback in pending:
            callback(None, EOFError())


def _run(test):
    return asyncio.run(asyncio.wait_for(test(), 5))


def test_each_app_has_at_most_a_window_of_calls_unanswered():
    async def test():
        bus = _Connection()
        transport = Transport(bus, timeout=5)  # type: ignore[arg-type]
        first = [transport.call(":1.5", f"/n{i}", "org.a11y.atspi.Accessible", "GetState") for i in range(WINDOW + 3)]
        other = transport.call(":1.6", "/x", "org.a11y.atspi.Accessible", "GetState")  # another app is not held up
        assert len(bus.sent) == WINDOW + 1 and bus.sent[-1].destination == ":1.6"
        bus.answer(2)  # two slots free: two waiting calls go
        assert [m.path for m in bus.sent[-2:]] == [f"/n{WINDOW}", f"/n{WINDOW + 1}"]
        bus.answer()
        bus.answer()
        replies = await asyncio.gather(*first, other)
        assert [r.body[0] for r in replies] == [f"/n{i}" for i in range(WINDOW + 3)] + ["/x"]

    _run(test)


def test_a_call_past_its_deadline_fails_and_frees_its_slot():
    async def test():
        bus = _Connection()
        transport = Transport(bus, timeout=0.2)  # type: ignore[arg-type]
        hung = [transport.call(":1.5", f"/n{i}", "org.a11y.atspi.Text", "GetText") for i in range(WINDOW)]
        await asyncio.sleep(0.1)
        queued = transport.call(":1.5", "/late", "org.a11y.atspi.Accessible", "GetState")  # its deadline is later
        assert bus.sent[-1].path != "/late"
        with pytest.raises(BackendError, match=r"org.a11y.atspi.Text.GetText on :1.5 timed out after 0.2 s"):
            await hung[0]
        assert all(isinstance(e, BackendError) for e in await asyncio.gather(*hung, return_exceptions=True))
        assert bus.sent[-1].path == "/late"  # the expired calls gave their slots up
        bus.pending = [p for p in bus.pending if p[0].path == "/late"]
        bus.answer()
        assert (await queued).body == ["/late"]

    _run(test)


def test_calls_on_a_broken_peer_go_again_over_the_bus():
    async def test():
        bus, peer = _Connection(), _Connection()
        transport = Transport(bus, timeout=5)  # type: ignore[arg-type]
        transport.add_peer(":1.5", peer)  # type: ignore[arg-type]
        calls = [transport.call(":1.5", f"/n{i}", "org.a11y.atspi.Accessible", "GetState") for i in range(WINDOW + 2)]
        assert len(peer.sent) == WINDOW and not bus.sent
        peer.die()  # in flight and waiting: all resent over the bus
        assert not transport.has_peer(":1.5") and len(bus.sent) == WINDOW
        bus.answer()
        bus.answer()
        assert [r.body[0] for r in await asyncio.gather(*calls)] == [f"/n{i}" for i in range(WINDOW + 2)]
        transport.call(":1.5", "/after", "org.a11y.atspi.Accessible", "GetState")
        assert bus.sent[-1].path == "/after" and transport.counts["peer"] == WINDOW + 2

    _run(test)


def test_a_broken_bus_fails_its_calls():
    async def test():
        bus = _Connection()
        transport = Transport(bus, timeout=5)  # type: ignore[arg-type]
        call = transport.call(":1.5", "/n", "org.a11y.atspi.Accessible", "GetState")
        bus.die()
        with pytest.raises(BackendError, match="the accessibility bus failed"):
            await call
        with pytest.raises(BackendError, match="the accessibility bus failed"):
            await transport.call(":1.5", "/m", "org.a11y.atspi.Accessible", "GetState")

    _run(test)


def test_peers_of_apps_gone_are_dropped():
    async def test():
        bus, kept, gone = _Connection(), _Connection(), _Connection()
        gone.disconnect = lambda: setattr(gone, "connected", False)  # type: ignore[attr-defined]
        transport = Transport(bus, timeout=5)  # type: ignore[arg-type]
        transport.add_peer(":1.5", kept)  # type: ignore[arg-type]
        transport.add_peer(":1.6", gone)  # type: ignore[arg-type]
        transport.drop_peers(keep={":1.5"})
        assert transport.has_peer(":1.5") and not transport.has_peer(":1.6") and not gone.connected

    _run(test)


def test_replies_of_calls_come_in_order_and_a_failure_leaves_no_unretrieved_errors():
    """`replies_of` awaits calls in turn (cheaper than gather): answers in the calls' order, whatever order they
    come in; when one fails, it raises that failure, and the failures of the others that come later are
    retrieved, as gather does, so asyncio reports none as never retrieved."""
    unretrieved: list[dict] = []

    async def test():
        asyncio.get_running_loop().set_exception_handler(lambda _loop, context: unretrieved.append(context))
        bus = _Connection()
        transport = Transport(bus, timeout=5)  # type: ignore[arg-type]
        calls = [transport.call(":1.5", f"/n{i}", "org.a11y.atspi.Accessible", "GetState") for i in range(4)]
        asyncio.get_running_loop().call_soon(lambda: bus.answer())
        assert [r.body[0] for r in await replies_of(calls)] == ["/n0", "/n1", "/n2", "/n3"]
        assert await replies_of([]) == []

        calls = [transport.call(":1.5", f"/m{i}", "org.a11y.atspi.Accessible", "GetState") for i in range(3)]
        bus.answer(1)
        asyncio.get_running_loop().call_soon(bus.die)  # the second fails first, then the third
        with pytest.raises(BackendError, match="accessibility bus failed"):
            await replies_of(calls)
        assert all(call.done() for call in calls)

        async def later() -> None:  # a stand-in's call, as a coroutine: closed, not left never awaited
            raise AssertionError("awaited after the failure")

        failed = asyncio.get_running_loop().create_future()
        failed.set_exception(BackendError("gone"))
        with pytest.raises(BackendError, match="gone"):
            await replies_of([failed, later()])
        del calls
        gc.collect()

    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        _run(test)
        gc.collect()
    assert unretrieved == [] and [str(w.message) for w in warned] == []
