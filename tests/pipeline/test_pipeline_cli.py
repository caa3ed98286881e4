"""`autoplay run` end to end on the real Calculator: outputs, resume after SIGKILL, bad input, the report in a
real headless Chromium."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from autoplay_gym.rundir import read_jsonl

CALC = "AutoPlay-Ubuntu-Calculator"
QUICK = ["--turns", "2", "--steps", "8", "--max-tasks", "3", "--quick"]


def autoplay(*args: str, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autoplay_gym.cli", *args], capture_output=True, text=True,
                          timeout=timeout, **kwargs)


def wait_for(condition, timeout: float = 300.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def lines(path: Path) -> list[dict]:
    return list(read_jsonl(path)) if path.exists() else []


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("run") / "calc"
    result = autoplay("run", "--env", CALC, "--out", str(out), *QUICK)
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result


def test_run_writes_every_output(finished_run):
    out, result = finished_run
    for name in ("run.json", "tasks.jsonl", "verdicts.jsonl", "demos.jsonl", "report.html"):
        assert (out / name).is_file(), name
    trajectories = sorted(p.name for p in (out / "trajectories").iterdir() if not p.name.startswith("."))
    assert trajectories == ["ubuntu_calculator-t00", "ubuntu_calculator-t01"]
    tasks, verdicts, demos = lines(out / "tasks.jsonl"), lines(out / "verdicts.jsonl"), lines(out / "demos.jsonl")
    assert len(tasks) >= 3 and len(verdicts) == 3
    assert {d["task_id"] for d in demos} == {v["task_id"] for v in verdicts if v["success"]}
    assert demos and all(d["actions"] for d in demos)
    for verdict in verdicts:
        assert (out / verdict["execution"] / "steps.jsonl").is_file()
    meta = json.loads((out / "run.json").read_text())
    assert set(meta["timings"]) == {"explore", "generate", "execute", "verify", "report"}
    assert meta["config"]["env_ids"] == [CALC] and meta["versions"]["autoplay_gym"]
    summary = result.stdout.strip().splitlines()
    assert summary[-1] == str(out / "report.html")
    assert summary[-2].startswith(f"tasks {len(tasks)}, verified ")
    assert "explore" in result.stderr and "steps" in result.stderr  # progress was shown


def test_rerun_of_a_finished_run_adds_nothing(finished_run):
    out, _ = finished_run
    before = {name: (out / name).read_bytes() for name in ("tasks.jsonl", "verdicts.jsonl", "demos.jsonl")}
    result = autoplay("run", "--env", CALC, "--out", str(out), *QUICK)
    assert result.returncode == 0, result.stderr[-2000:]
    for name, content in before.items():
        assert (out / name).read_bytes() == content, name


def test_sigkill_then_rerun_resumes_without_loss_or_duplicates(tmp_path):
    out = tmp_path / "killed"
    args = [sys.executable, "-m", "autoplay_gym.cli", "run", "--env", CALC, "--out", str(out), *QUICK]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        # kill mid-execution: the first task has been recorded as executed, others have not
        wait_for(lambda: len(lines(out / "progress" / "execute.jsonl")) >= 1, what="the first executed task")
        explored = (out / "progress" / "explore.jsonl").read_bytes()
        tasks = (out / "tasks.jsonl").read_bytes()
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    result = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (out / "progress" / "explore.jsonl").read_bytes() == explored  # explored turns were not redone
    assert (out / "tasks.jsonl").read_bytes().startswith(tasks)  # nothing written was lost
    for name, key in (("tasks.jsonl", "id"), ("verdicts.jsonl", "task_id"), ("demos.jsonl", "task_id")):
        counts = Counter(record[key] for record in lines(out / name))
        assert counts and max(counts.values()) == 1, f"duplicates in {name}: {counts}"
    executed = [r["unit"] for r in lines(out / "progress" / "execute.jsonl")]
    assert len(executed) == len(set(executed)) == 3
    assert len(lines(out / "verdicts.jsonl")) == 3


def test_unknown_env_id(tmp_path):
    result = autoplay("run", "--env", "AutoPlay-Ubuntu-Nope", "--out", str(tmp_path / "x"))
    assert result.returncode == 2 and "unknown env id AutoPlay-Ubuntu-Nope" in result.stderr
    assert not (tmp_path / "x").exists()


def test_unreachable_llm_endpoint(tmp_path):
    result = autoplay("run", "--env", CALC, "--out", str(tmp_path / "x"), "--llm", "http://127.0.0.1:9/v1")
    assert result.returncode == 2 and "unreachable" in result.stderr


def test_unwritable_dir(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = autoplay("run", "--env", CALC, "--out", str(blocker / "run"))
    assert result.returncode == 2 and "cannot use" in result.stderr
    assert blocker.read_text() == "not a directory"


def test_corrupt_tasks_file_is_reported_and_kept(finished_run, tmp_path):
    out, _ = finished_run
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(out), str(copy)], check=True)
    tasks = copy / "tasks.jsonl"
    broken = tasks.read_text().replace("\n", "\n{broken json\n", 1)
    tasks.write_text(broken)
    result = autoplay("verify", "--env", CALC, "--out", str(copy), *QUICK)
    assert result.returncode == 2 and "tasks.jsonl:2: corrupt line" in result.stderr
    assert tasks.read_text() == broken


def test_two_runs_on_one_dir(tmp_path):
    out = tmp_path / "shared"
    args = [sys.executable, "-m", "autoplay_gym.cli", "run", "--env", CALC, "--out", str(out), *QUICK]
    first = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        wait_for(lambda: (out / ".lock").exists() and (out / "run.json").exists(), what="the first run's lock")
        second = autoplay("run", "--env", CALC, "--out", str(out), *QUICK)
        assert second.returncode == 2 and "in use by another run" in second.stderr
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
