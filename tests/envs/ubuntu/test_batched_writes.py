"""Batched writes on a real dbus-daemon (a private desktop's session bus): the calls of one loop pass go out in
one write per BATCH messages after the first, every call is answered in order, a message that cannot be
marshalled fails in its caller, and calls still waiting to be written when the connection closes fail, with no
error left unretrieved."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Iterator

import pytest
from dbus_fast import Message
from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, method

from autoplay_gym.envs.ubuntu import batched_writes
from autoplay_gym.envs.ubuntu.batched_writes import BatchingBus
from autoplay_gym.envs.ubuntu.session import Desktop
from autoplay_gym.envs.ubuntu.transport import WINDOW, Transport, replies_of

PATH, INTERFACE = "/test", "org.autoplay.Echo"


class _Echo(ServiceInterface):
    def __init__(self) -> None:
        super().__init__(INTERFACE)

    @method(name="Echo")
    def echo(self, text: "s") -> "s":  # noqa: UP037, F821 - dbus-fast reads the D-Bus signature from the annotation
        return text


@pytest.fixture(scope="module")
def bus_address() -> Iterator[str]:
    desktop = Desktop().start()
    try:
        yield desktop.bus_address
    finally:
        desktop.close()


def _run(bus_address: str, test) -> None:
    """Run `test(service_name, client)` on a fresh loop, with an echo service and a batching client."""

    async def main() -> None:
        service = await MessageBus(bus_address=bus_address).connect()
        service.export(PATH, _Echo())
        client = await BatchingBus(bus_address=bus_address).connect()
        try:
            await asyncio.wait_for(test(service.unique_name, client), 10)
        finally:
            client.disconnect()
            service.disconnect()

    asyncio.run(main())


def _echo(destination: str, text: object) -> Message:
    return Message(destination=destination, path=PATH, interface=INTERFACE, member="Echo", signature="s", body=[text])


def _count_writes(client: BatchingBus) -> list[int]:
    """How many messages each write to the socket held, as dbus-fast's writer is handed them."""
    writes: list[int] = []
    writer = client._writer
    real = writer.schedule_write

    def schedule_write(msg=None, future=None):
        if msg is not None:
            writes.append(msg._marshall(False).count(INTERFACE.encode()))
        return real(msg, future)

    writer.schedule_write = schedule_write
    return writes


@pytest.mark.parametrize("batch", [16, 5, 1])
def test_the_calls_of_one_pass_go_out_together_and_are_all_answered_in_order(bus_address, monkeypatch, batch):
    monkeypatch.setattr(batched_writes, "BATCH", batch)

    async def test(service: str, client: BatchingBus) -> None:
        writes = _count_writes(client)
        transport = Transport(client, timeout=5)
        count = WINDOW - 4  # all in flight at once: the transport holds back none
        calls = [transport.call(service, PATH, INTERFACE, "Echo", "s", [f"call {i}"]) for i in range(count)]
        replies = await replies_of(calls)
        assert [r.body[0] for r in replies] == [f"call {i}" for i in range(count)]
        # the pass's first call goes alone, at once; the rest in writes of `batch`
        rest = count - 1
        tail = [rest % batch] if rest % batch else []
        expected = [1] * count if batch == 1 else [1] + [batch] * (rest // batch) + tail
        assert writes == expected

    _run(bus_address, test)


def test_without_the_expected_writer_every_message_is_sent_alone(bus_address, monkeypatch):
    monkeypatch.setattr(batched_writes, "SUPPORTED", False)

    async def test(service: str, client: BatchingBus) -> None:
        writes = _count_writes(client)
        replies = await asyncio.gather(*(client.call(_echo(service, f"m{i}")) for i in range(20)))
        assert [r.body[0] for r in replies] == [f"m{i}" for i in range(20)]
        assert writes == [1] * 20

    _run(bus_address, test)


def test_a_message_that_cannot_be_marshalled_fails_in_its_caller(bus_address):
    async def test(service: str, client: BatchingBus) -> None:
        answers: list = []
        client._call(_echo(service, "fine"), lambda reply, error: answers.append(reply.body[0]))  # goes alone
        bad = _echo(service, 12345)
        with pytest.raises(Exception) as plain:  # whatever dbus-fast's marshaller raises for it
            bad._marshall(False)
        with pytest.raises(plain.type):
            client._call(bad, lambda reply, error: None)  # batched: marshalled right away, as dbus-fast does
        client._call(_echo(service, "after"), lambda reply, error: answers.append(reply.body[0]))
        deadline = time.monotonic() + 5
        while len(answers) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        assert answers == ["fine", "after"]

    _run(bus_address, test)


def test_calls_waiting_to_be_written_when_the_connection_closes_fail(bus_address):
    leftovers: list[dict] = []

    async def test(service: str, client: BatchingBus) -> None:
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: leftovers.append(context))
        outcomes: list[tuple[object, object]] = []
        for i in range(6):  # one goes at once, five wait for the end of this pass
            client._call(_echo(service, f"x{i}"), lambda reply, error: outcomes.append((reply, error)))
        assert len(client._batch) == 5
        client.disconnect()
        deadline = time.monotonic() + 5
        while len(outcomes) < 6 and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        assert len(outcomes) == 6
        assert all(reply is None and error is not None for reply, error in outcomes[1:])
        # A pass in which the connection broke (its reader saw the end before the pass's writes): what was
        # batched fails at the write, instead of dbus-fast's writer raising in a loop callback.
        assert client._disconnected
        client._flush_handle = asyncio.get_running_loop().call_soon(client.flush)
        late, unread = client.send(_echo(service, "late")), client.send(_echo(service, "unread"))
        deadline = time.monotonic() + 5
        while not unread.done() and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        assert isinstance(late.exception(), ConnectionError)
        del late, unread  # nobody reads `unread`'s failure: it must not be reported as never retrieved
        gc.collect()
        await asyncio.sleep(0)

    _run(bus_address, test)
    gc.collect()
    assert not [c for c in leftovers if "never retrieved" in str(c.get("message", ""))]
