"""A run directory: its layout, an exclusive lock, run.json, and crash-safe JSONL records.

Layout of DIR:
  run.json              config, versions, per-stage timings and counts, token use (rewritten atomically)
  trajectories/<id>/    exploration trajectories (see autoplay_gym.tasks for the folder format)
  graphs/<env>.json     the exploration graph of each env (model-free generation reads it)
  tasks.jsonl           generated tasks, one JSON object per line
  executions/<task>/    one trajectory per executed task
  verdicts.jsonl        one verdict per executed task
  demos.jsonl           verified successes: task + trajectory folder + actions, ready for fine-tuning
  report.html           the self-contained report
  progress/*.jsonl      which units of work are done, so a rerun of the same command resumes

Records are appended with flush + fsync; files that are rewritten go through a temporary file and an atomic
rename. A line cut short by a kill (no trailing newline) is dropped on the next open; any other unreadable line
is an error that names the file and line, because silently skipping data would lose it.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path
from typing import Any, Iterator

from autoplay_gym.tasks import append_jsonl


class RunDirError(Exception):
    """The run directory cannot be used (locked by another run, unwritable, corrupt)."""


class RunDir:
    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._lock_fd: int | None = None

    # --- layout -----------------------------------------------------------------------------------------------

    @property
    def trajectories(self) -> Path:
        return self.path / "trajectories"

    @property
    def executions(self) -> Path:
        return self.path / "executions"

    @property
    def graphs(self) -> Path:
        return self.path / "graphs"

    @property
    def tasks_file(self) -> Path:
        return self.path / "tasks.jsonl"

    @property
    def verdicts_file(self) -> Path:
        return self.path / "verdicts.jsonl"

    @property
    def demos_file(self) -> Path:
        return self.path / "demos.jsonl"

    @property
    def report_file(self) -> Path:
        return self.path / "report.html"

    def progress_file(self, stage: str) -> Path:
        return self.path / "progress" / f"{stage}.jsonl"

    # --- opening and locking ----------------------------------------------------------------------------------

    def open(self, *, create: bool = True) -> "RunDir":
        """Create the layout and take the exclusive lock; a second run on the same DIR fails at once."""
        try:
            if create:
                for sub in (self.path, self.trajectories, self.executions, self.graphs, self.path / "progress"):
                    sub.mkdir(parents=True, exist_ok=True)
            elif not self.path.is_dir():
                raise RunDirError(f"{self.path} is not a run directory (it does not exist)")
            probe = self.path / ".write-test"
            probe.write_text("ok")
            probe.unlink()
            fd = os.open(self.path / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        except PermissionError as exc:
            raise RunDirError(f"{self.path} is not writable: {exc.strerror}") from None
        except OSError as exc:
            raise RunDirError(f"cannot use {self.path}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            owner = (self.path / ".lock").read_text().strip() or "another process"
            raise RunDirError(f"{self.path} is in use by another run ({owner}); wait for it or use another DIR") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}".encode())
        self._lock_fd = fd
        return self

    def close(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> "RunDir":
        return self if self._lock_fd is not None else self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- run.json ---------------------------------------------------------------------------------------------

    def read_meta(self) -> dict[str, Any]:
        path = self.path / "run.json"
        if not path.exists():
            return {}
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise RunDirError(f"{path} is corrupt: {exc}") from None

    def update_meta(self, **changes: Any) -> dict[str, Any]:
        """Merge top-level keys into run.json (dicts are merged one level deep) and write it atomically."""
        meta = self.read_meta()
        for key, value in changes.items():
            if isinstance(value, dict) and isinstance(meta.get(key), dict):
                meta[key] = {**meta[key], **value}
            else:
                meta[key] = value
        meta["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        write_atomic(self.path / "run.json", json.dumps(meta, indent=1, ensure_ascii=False, default=str))
        return meta

    # --- records ----------------------------------------------------------------------------------------------

    def done_units(self, stage: str) -> set[str]:
        return {record["unit"] for record in read_jsonl(self.progress_file(stage))}

    def mark_done(self, stage: str, unit: str, **details: Any) -> None:
        append_jsonl(self.progress_file(stage), {"unit": unit, **details})


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_jsonl(path: str | os.PathLike) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file. A torn last line (a writer killed mid-line) is cut off the file; any other bad
    line raises RunDirError naming the file and line number."""
    path = Path(path)
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        with open(path, "r+b") as fh:  # drop the torn tail so appends continue on a clean line
            fh.truncate(cut)
        data = data[:cut]
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RunDirError(f"{path}:{number}: corrupt line ({exc.msg}); fix or remove that line and rerun") from None
        if not isinstance(record, dict):
            raise RunDirError(f"{path}:{number}: expected a JSON object, got {type(record).__name__}")
        yield record
