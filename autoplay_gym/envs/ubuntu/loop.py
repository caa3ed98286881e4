"""A private asyncio loop on a daemon thread, so the synchronous Gymnasium API can drive async dbus-fast.

A loop of our own (rather than `asyncio.run` in the caller's thread) keeps the env usable from Jupyter and from
async training code that already runs a loop in the calling thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any, Awaitable, Callable, TypeVar

from autoplay_gym.core.errors import BackendError

T = TypeVar("T")


class LoopThread:
    def __init__(self, name: str = "autoplay-gym-dbus") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def run(self, make: Callable[[], Awaitable[T]] | Awaitable[T], timeout: float, what: str = "D-Bus call") -> T:
        """Run a coroutine on the loop and wait for it, raising BackendError after `timeout` seconds."""
        coro = make() if callable(make) else make
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise BackendError(f"{what} timed out after {timeout:.1f} s") from None

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        self.loop.call_soon_threadsafe(fn, *args)

    def close(self) -> None:
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self.loop.close()
