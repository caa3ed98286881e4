"""Every example in examples/ runs as documented (with small budgets) and prints what it promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(name: str, *args: str) -> str:
    result = subprocess.run([sys.executable, str(EXAMPLES / name), *args], capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_every_example_is_tested():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == ["custom_explorer.py", "rl_loop.py"]


def test_custom_explorer(tmp_path):
    out = run("custom_explorer.py", "--turns", "2", "--steps", "6", "--out", str(tmp_path))
    match = re.search(r"2 turns, (\d+) steps, (\d+) distinct screens, (\d+) distinct elements clicked", out)
    assert match, out
    assert int(match.group(1)) == 12 and int(match.group(3)) >= 5
    assert len(list(tmp_path.glob("*/steps.jsonl"))) == 2


def test_rl_loop_rewards_follow_the_policy():
    greedy = run("rl_loop.py", "--episodes", "3", "--epsilon", "0")
    rewards = [float(r) for r in re.findall(r"-> reward ([\d.]+)", greedy)]
    assert len(rewards) == 3 and rewards == [1.0, 1.0, 1.0]  # following the witness solves every task
    assert "mean return over 3 episodes: 1.00" in greedy
