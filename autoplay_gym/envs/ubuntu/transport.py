"""Method calls to apps as futures: over each app's direct connection where it has one (peer.py), else the bus.

A read makes hundreds of calls at once. Awaited as coroutines, each in a task of its own (what `asyncio.gather`
makes of coroutines, and `asyncio.wait_for` of each call), they cost this process ~40-55 µs of CPU per call
against ~20 µs as plain futures resolved from dbus-fast's reply callback (a burst of 60 calls to Thunderbird),
and on a machine of two cores that CPU is taken from the app being read. So a call returns a future, which can
be awaited or gathered without making a task, and every call in flight has one deadline, kept by one timer.

Each app has at most WINDOW calls unanswered on a connection; the rest wait their turn: a peer reads its socket
only between its own work, and dbus-fast gives up on a socket whose buffer is full rather than waiting. A call
whose peer connection breaks (the app exited, or the socket failed) is sent again over the bus, whose answer says
what became of the app; the peer is not used again.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from functools import partial
from typing import Awaitable, Callable, Iterable, TypeVar

from dbus_fast import Message
from dbus_fast.aio import MessageBus

from autoplay_gym.core.errors import BackendError

WINDOW = 64  # unanswered calls per app and connection: ~64 KB of a unix socket's ~208 KB send buffer
T = TypeVar("T")


async def replies_of(calls: Iterable[Awaitable[T]]) -> list[T]:
    """The answers to calls sent together, in order, awaited one after another. `asyncio.gather` adds a done
    callback per call and a future for the lot, each run through the loop: this process's CPU per call is on
    the critical path of a read (VLC: 25 µs more per call made a read ~30% slower), and an app answers in
    order, so once the first answer is in, most others usually are too. When one fails, the failures of the
    others are retrieved, as gather does, and not reported as never retrieved (a coroutine not yet awaited,
    as a stand-in's call may be, is closed)."""
    pending = list(calls)
    out: list[T] = []
    try:
        for call in pending:
            out.append(await call)
    except BaseException:
        for call in pending[len(out) + 1 :]:
            if isinstance(call, asyncio.Future):
                call.add_done_callback(retrieve_failure)
            elif asyncio.iscoroutine(call):
                call.close()
        raise
    return out


def retrieve_failure(future: asyncio.Future) -> None:
    """A done callback for a future nobody awaits: its failure counts as seen, not as never retrieved."""
    if not future.cancelled():
        future.exception()


class _Call:
    """One method call in flight or waiting: what to send again elsewhere, and when it is overdue."""

    __slots__ = ("dest", "path", "interface", "member", "signature", "body", "future", "deadline", "channel")

    def __init__(
        self, dest: str, path: str, interface: str, member: str, signature: str, body: list,
        future: asyncio.Future, deadline: float,
    ) -> None:
        self.dest, self.path, self.interface, self.member = dest, path, interface, member
        self.signature, self.body, self.future, self.deadline = signature, body, future, deadline
        self.channel: _Channel | None = None  # the one it holds a slot of, while it does

    def message(self) -> Message:  # each connection numbers its own messages: one per sending
        return Message(destination=self.dest, path=self.path, interface=self.interface, member=self.member,
                       signature=self.signature, body=self.body)


class _Channel:
    """One dbus-fast connection, with at most WINDOW calls unanswered per app (on the bus, an app that hangs
    holds up only its own calls). `answered` takes each reply; `broken` the calls in flight or waiting when the
    connection failed."""

    def __init__(
        self, bus: MessageBus, answered: Callable[[_Call, Message], None],
        broken: Callable[[_Call, BaseException], None],
    ) -> None:
        self.bus = bus
        self.answered = answered
        self.broken = broken
        self.in_flight: collections.Counter[str] = collections.Counter()
        self.waiting: dict[str, collections.deque[_Call]] = {}
        self.failed = False

    def send(self, call: _Call) -> None:
        if self.in_flight[call.dest] >= WINDOW:
            self.waiting.setdefault(call.dest, collections.deque()).append(call)
            return
        if self.failed or not self.bus.connected:
            self.failed = True
            self.broken(call, ConnectionError("the connection closed"))
            return
        self.in_flight[call.dest] += 1
        call.channel = self
        try:
            self.bus._call(call.message(), partial(self._answered, call))
        except Exception as exc:  # noqa: BLE001 - dbus-fast raises what its socket raised
            self.release(call)
            self.failed = True
            self.broken(call, exc)

    def release(self, call: _Call) -> None:
        """Free the call's slot (answered, or given up on) and send the next call waiting for one."""
        if call.channel is not self:
            return
        call.channel = None
        self.in_flight[call.dest] -= 1
        queue = self.waiting.get(call.dest)
        while queue and self.in_flight[call.dest] < WINDOW:
            waiting = queue.popleft()
            if not waiting.future.done():
                self.send(waiting)

    def _answered(self, call: _Call, reply: Message | None, error: Exception | None) -> None:
        self.release(call)
        if reply is None:  # dbus-fast closed the connection: with its error, or None when we closed it
            self.failed = True
            self.broken(call, error or ConnectionError("the connection closed"))
        else:
            self.answered(call, reply)

    def fail_all(self, error: BaseException) -> None:
        self.failed = True
        for queue in self.waiting.values():
            while queue:
                self.broken(queue.popleft(), error)


class Transport:
    """Calls to the apps on one accessibility bus, with a deadline each (`timeout` seconds)."""

    def __init__(self, bus: MessageBus, timeout: float) -> None:
        self.timeout = timeout
        self._bus = _Channel(bus, self._answered, self._bus_broken)
        self._peers: dict[str, _Channel] = {}
        self._in_flight: set[_Call] = set()  # every call not yet answered, for the deadline timer
        self._timer: asyncio.TimerHandle | None = None
        self.counts = {"peer": 0, "bus": 0}  # calls sent each way, for tests and benchmarks

    def call(
        self, dest: str, path: str, interface: str, member: str, signature: str = "", body: list | None = None
    ) -> asyncio.Future:
        """The reply (a Message, perhaps an error reply) to one method call, as a future. It fails with
        BackendError when no reply comes within the timeout, or when the bus itself broke."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        call = _Call(dest, path, interface, member, signature, body or [], future, time.monotonic() + self.timeout)
        self._in_flight.add(call)
        if self._timer is None:
            self._timer = loop.call_later(self._period, self._expire)
        peer = self._peers.get(dest)
        if peer is not None and not peer.failed:
            self.counts["peer"] += 1
            peer.send(call)
        else:
            self.counts["bus"] += 1
            self._bus.send(call)
        return future

    def add_peer(self, bus_name: str, bus: MessageBus) -> None:
        self._peers[bus_name] = _Channel(bus, self._answered, self._peer_broken)

    def has_peer(self, bus_name: str) -> bool:
        peer = self._peers.get(bus_name)
        return peer is not None and not peer.failed

    def drop_peers(self, keep: set[str] | None = None) -> None:
        """Close the direct connections of apps not in `keep` (all by default): they exited."""
        for name in [n for n in self._peers if keep is None or n not in keep]:
            channel = self._peers.pop(name)
            channel.fail_all(ConnectionError("the app exited"))
            with contextlib.suppress(Exception):  # the app's exit may have closed it already
                channel.bus.disconnect()

    @property
    def _period(self) -> float:
        return min(0.5, self.timeout / 4)

    def _answered(self, call: _Call, reply: Message) -> None:
        self._in_flight.discard(call)
        if not call.future.done():  # done: it timed out, or its reader was cancelled
            call.future.set_result(reply)

    def _peer_broken(self, call: _Call, error: BaseException) -> None:
        if not call.future.done():
            self.counts["bus"] += 1
            self._bus.send(call)  # the bus still reaches the app, or says why not
        else:
            self._in_flight.discard(call)

    def _bus_broken(self, call: _Call, error: BaseException) -> None:
        self._in_flight.discard(call)
        if not call.future.done():
            call.future.set_exception(BackendError(f"the accessibility bus failed: {error!r}"))

    def _expire(self) -> None:
        """Fail the calls past their deadline, forget those answered elsewhere (a reader cancelled); run again
        while any call is in flight."""
        now = time.monotonic()
        for call in list(self._in_flight):
            if call.future.done():
                self._in_flight.discard(call)
            elif call.deadline <= now:
                self._in_flight.discard(call)
                if call.channel is not None:  # an app that never answers must not hold its slot for good
                    call.channel.release(call)
                call.future.set_exception(
                    BackendError(f"{call.interface}.{call.member} on {call.dest} timed out after {self.timeout} s")
                )
        self._timer = asyncio.get_running_loop().call_later(self._period, self._expire) if self._in_flight else None
