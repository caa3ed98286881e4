"""`autoplay run --llm local`: the packaged small model's llama.cpp server drives every stage, then is stopped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autoplay_gym.rundir import read_jsonl


def _model_servers() -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "llama_cpp.server" in cmdline:
                found.append(cmdline)
    return found


@pytest.mark.llm
def test_run_with_the_local_model(tmp_path):
    assert _model_servers() == []
    out = tmp_path / "llm-run"
    result = subprocess.run(
        [sys.executable, "-m", "autoplay_gym.cli", "run", "--env", "AutoPlay-Ubuntu-Calculator", "--out", str(out),
         "--llm", "local", "--turns", "1", "--steps", "2", "--max-tasks", "1", "--max-task-steps", "2", "--quick"],
        capture_output=True, text=True, timeout=1500,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    meta = json.loads((out / "run.json").read_text())
    assert meta["config"]["agents"]["kind"] == "llm" and meta["agents"]["model"]
    assert meta["tokens"]["prompt"] > 0 and meta["tokens"]["completion"] > 0
    steps = list(read_jsonl(out / "trajectories" / "ubuntu_calculator-t00" / "steps.jsonl"))
    assert len(steps) == 3 and all(s["action"] for s in steps[1:])  # the model chose both actions
    assert (out / "trajectories" / "ubuntu_calculator-t00" / "summary.json").is_file()  # the turn's memory
    for task in read_jsonl(out / "tasks.jsonl"):
        assert task["instruction"] and task["guideline"] and task["source_trajectory"] == "ubuntu_calculator-t00"
    assert (out / "report.html").is_file()
    assert _model_servers() == []  # the run stopped the server it started
