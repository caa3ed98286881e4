"""Exploration throughput of the pipeline with 1 and with 2 workers, in one run.

Both runs explore the same envs with the model-free GraphExplorer for the same turns and steps, through the real
pipeline (worker processes, each with its own private desktop). Throughput is exploration steps per second of
wall time for the whole explore stage, worker start-up and app launches included; `--repeat` runs each setting
several times and reports the median. Last line: {"steps_per_s_1": ..., "steps_per_s_2": ..., "scaling": ...}.
Usage: python benchmarks/pipeline_scaling.py [--turns 2] [--steps 25] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from autoplay_gym.pipeline import Pipeline, RunConfig
from autoplay_gym.rundir import read_jsonl

ENVS = ["AutoPlay-Ubuntu-Calculator", "AutoPlay-Ubuntu-TextEditor"]


def throughput(workers: int, turns: int, steps: int, envs: list[str]) -> float:
    with tempfile.TemporaryDirectory(prefix="autoplay-scaling-") as out:
        config = RunConfig(env_ids=envs, out=out, turns=turns, steps=steps, workers=workers)
        started = time.monotonic()
        Pipeline(config, log=lambda line: None).run_all(("explore",))
        seconds = time.monotonic() - started
        taken = sum(r.get("steps", 0) for r in read_jsonl(Path(out) / "progress" / "explore.jsonl"))
    rate = taken / seconds
    print(f"workers={workers}: {taken} steps in {seconds:.1f} s = {rate:.2f} steps/s", flush=True)
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=2)
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    one = statistics.median(throughput(1, args.turns, args.steps, ENVS) for _ in range(args.repeat))
    two = statistics.median(throughput(2, args.turns, args.steps, ENVS) for _ in range(args.repeat))
    print(json.dumps({"steps_per_s_1": round(one, 2), "steps_per_s_2": round(two, 2), "scaling": round(two / one, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
