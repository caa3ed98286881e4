"""Workers that each own their envs: one worker = one private desktop or device + the agents.

`LocalPool` runs N spawned processes (spawn, not fork: a forked child would share the parent's D-Bus and X
connections). A worker keeps the envs it made, keyed by their make-arguments, for its whole life and closes them
when it exits; a worker killed hard still leaves nothing behind, because every desktop has its own guardian.
Jobs are plain picklable callables; results come back as they complete, with the job's exception (not a crash)
when one fails. The interface is small on purpose so a Ray backend can implement the same two methods.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import multiprocessing.util
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

import gymnasium as gym

_ENVS: dict[tuple, gym.Env] = {}


def worker_env(env_id: str, **kwargs: Any) -> gym.Env:
    """The calling worker's env for these arguments, made on first use and reused afterwards."""
    key = (env_id, tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
    env = _ENVS.get(key)
    if env is None:
        import autoplay_gym  # noqa: F401  (registers the ids in this process)

        env = gym.make(env_id, **kwargs)
        _ENVS[key] = env
    return env


def close_worker_envs() -> None:
    while _ENVS:
        _, env = _ENVS.popitem()
        try:
            env.close()
        except Exception:  # closing is best effort at exit; the desktop guardian ends what is left
            pass


def _init_worker() -> None:
    multiprocessing.util.Finalize(None, close_worker_envs, exitpriority=100)


@dataclass
class JobResult:
    key: str
    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _call(key: str, fn: Callable[..., Any], args: tuple, kwargs: dict) -> JobResult:
    try:
        return JobResult(key, fn(*args, **kwargs))
    except Exception as exc:
        tail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-4:])
        return JobResult(key, error=f"{type(exc).__name__}: {exc}\n{tail}")


@dataclass
class Job:
    key: str
    fn: Callable[..., Any]
    args: tuple = ()
    kwargs: dict | None = None


class LocalPool:
    """N local worker processes."""

    def __init__(self, workers: int = 1) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers
        self._executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker
        )

    def submit(self, job: Job) -> concurrent.futures.Future:
        return self._executor.submit(_call, job.key, job.fn, job.args, job.kwargs or {})

    def run(self, jobs: Iterable[Job], *, then: Callable[[JobResult], Iterable[Job]] | None = None) -> Iterator[JobResult]:
        """Run jobs, yielding results as they finish. `then(result)` may return follow-up jobs (e.g. the next
        exploration turn of the same env), which are queued at once."""
        pending = {self.submit(job) for job in jobs}
        while pending:
            done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                try:
                    result = future.result()
                except concurrent.futures.process.BrokenProcessPool as exc:
                    raise RuntimeError(f"a worker process died: {exc}") from None
                if then is not None:
                    pending |= {self.submit(job) for job in then(result)}
                yield result

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "LocalPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
