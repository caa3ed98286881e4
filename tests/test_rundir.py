"""Run directories: exclusive lock, torn lines repaired, corrupt lines reported, atomic run.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from autoplay_gym.rundir import RunDir, RunDirError, read_jsonl
from autoplay_gym.tasks import append_jsonl


def test_second_run_on_the_same_dir_is_refused(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from autoplay_gym.rundir import RunDir
            RunDir({str(tmp_path)!r}).open()
            print("locked", flush=True)
            time.sleep(60)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(RunDirError, match="in use by another run"):
            RunDir(tmp_path).open()
    finally:
        holder.kill()
        holder.wait()
    with RunDir(tmp_path).open():  # the lock dies with its holder
        pass


def test_unwritable_dir_is_a_clear_error(tmp_path):
    target = tmp_path / "file-not-dir"
    target.write_text("x")
    with pytest.raises(RunDirError, match="cannot use"):
        RunDir(target / "run").open()
    if os.geteuid() != 0:  # root ignores permission bits
        locked = tmp_path / "ro"
        locked.mkdir(mode=0o500)
        with pytest.raises(RunDirError, match="not writable"):
            RunDir(locked).open()


def test_torn_last_line_is_cut_and_appends_continue(tmp_path):
    path = tmp_path / "tasks.jsonl"
    append_jsonl(path, {"id": "a"})
    with open(path, "a") as fh:
        fh.write('{"id": "b", "instr')  # a writer killed mid-line
    assert [r["id"] for r in read_jsonl(path)] == ["a"]
    append_jsonl(path, {"id": "c"})
    assert [r["id"] for r in read_jsonl(path)] == ["a", "c"]


def test_corrupt_line_names_file_and_line(tmp_path):
    path = tmp_path / "tasks.jsonl"
    path.write_text('{"id": "a"}\nnot json at all\n{"id": "c"}\n')
    with pytest.raises(RunDirError, match=r"tasks.jsonl:2: corrupt line"):
        list(read_jsonl(path))
    assert path.read_text().count("\n") == 3  # nothing was dropped


def test_run_json_merges_and_stays_valid(tmp_path):
    with RunDir(tmp_path).open() as run:
        run.update_meta(timings={"explore": 1.5}, config={"turns": 2})
        run.update_meta(timings={"generate": 0.5})
        meta = json.loads((tmp_path / "run.json").read_text())
    assert meta["timings"] == {"explore": 1.5, "generate": 0.5} and meta["config"] == {"turns": 2}
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
