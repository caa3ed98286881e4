"""explore -> generate -> execute -> verify -> report, resumable and parallel.

Every stage splits into units (an exploration turn of one env, the generation for one env or trajectory, the
execution of one task, the verdict on one execution). A unit's results are on disk (fsynced) before the unit is
recorded as done in `progress/<stage>.jsonl`, and ids are deterministic from the seed, so rerunning the same
command after a kill, at any moment, continues where it stopped: done units are skipped, shared JSONL files are
de-duplicated by id, and a unit that was cut short is redone (its partial folder is kept under `.interrupted/`).
"""

from __future__ import annotations

import os
import platform
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from autoplay_gym import pipeline_jobs as jobs
from autoplay_gym.agents.base import Verdict
from autoplay_gym.agents.specs import MODEL_FREE, is_llm
from autoplay_gym.pool import Job, JobResult, LocalPool
from autoplay_gym.progress import Progress
from autoplay_gym.rundir import RunDir, read_jsonl
from autoplay_gym.tasks import Task, Trajectory, append_jsonl

STAGES = ("explore", "generate", "execute", "verify", "report")


@dataclass
class RunConfig:
    env_ids: list[str]
    out: str
    turns: int = 3
    steps: int = 20
    workers: int = 1
    seed: int = 0
    agents: dict[str, Any] = field(default_factory=lambda: dict(MODEL_FREE))
    env_kwargs: dict[str, dict[str, Any]] = field(default_factory=dict)
    max_task_steps: int = 20
    max_tasks_per_env: int | None = None
    # Passed to the task generator, e.g. {"computations": 4, "max_per_category": 3} for a quick run.
    generator_options: dict[str, Any] = field(default_factory=dict)

    def kwargs_for(self, env_id: str) -> dict[str, Any]:
        return dict(self.env_kwargs.get(env_id, {}))


class Pipeline:
    def __init__(self, config: RunConfig, *, log: Callable[[str], None] | None = None) -> None:
        self.config = config
        self.run = RunDir(config.out)
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self.tokens = {"prompt": 0, "completion": 0, "calls": 0}
        self._pool: LocalPool | None = None

    # --- the whole run ----------------------------------------------------------------------------------------

    def run_all(self, stages: Iterable[str] = STAGES) -> dict[str, Any]:
        with self.run.open():
            self._start_meta()
            try:
                for stage in stages:
                    started = time.monotonic()
                    getattr(self, f"stage_{stage}")()
                    self._record_time(stage, time.monotonic() - started)
            finally:
                if self._pool is not None:
                    self._pool.close()
                    self._pool = None
            return self.summary()

    def _start_meta(self) -> None:
        previous = self.run.read_meta().get("config")
        config = asdict(self.config)
        if previous and {k: previous.get(k) for k in ("env_ids", "seed", "agents")} != {
            k: config.get(k) for k in ("env_ids", "seed", "agents")
        }:
            self.log(f"note: {self.run.path} holds a run with another config; continuing it with the new one")
        import autoplay_gym

        self.tokens = dict(self.run.read_meta().get("tokens", self.tokens))
        self.run.update_meta(
            config=config,
            versions={"autoplay_gym": autoplay_gym.__version__, "python": platform.python_version(),
                      "platform": platform.platform()},
            agents={"kind": self.config.agents.get("kind"), "model": self.config.agents.get("model")},
            started=self.run.read_meta().get("started") or time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        )

    def _record_time(self, stage: str, seconds: float) -> None:
        meta = self.run.read_meta()
        timings = dict(meta.get("timings", {}))
        timings[stage] = round(timings.get(stage, 0.0) + seconds, 3)
        self.run.update_meta(timings=timings, tokens=self.tokens)

    @property
    def pool(self) -> LocalPool:
        if self._pool is None:
            self._pool = LocalPool(self.config.workers)
        return self._pool

    def _add_tokens(self, result: JobResult) -> None:
        if result.ok and isinstance(result.value, dict):
            for key, value in (result.value.get("tokens") or {}).items():
                self.tokens[key] = self.tokens.get(key, 0) + int(value)

    # --- explore ----------------------------------------------------------------------------------------------

    def stage_explore(self) -> None:
        cfg = self.config
        done = self.run.done_units("explore")
        remaining = {
            env_id: [t for t in range(cfg.turns) if f"{env_id}#t{t}" not in done] for env_id in cfg.env_ids
        }
        total_steps = sum(len(turns) for turns in remaining.values()) * cfg.steps
        progress = Progress("explore", total_steps, unit="steps")  # the most steps the turns may take

        def job(env_id: str) -> Job:
            turn = remaining[env_id].pop(0)
            return Job(f"{env_id}#t{turn}", jobs.explore_turn,
                       (cfg.agents, env_id, cfg.kwargs_for(env_id), str(self.run.trajectories), turn, cfg.steps,
                        cfg.seed))

        def then(result: JobResult) -> list[Job]:
            env_id = result.key.split("#t")[0]
            return [job(env_id)] if result.ok and remaining[env_id] else []

        first = [job(env_id) for env_id in cfg.env_ids if remaining[env_id]]
        for result in self.pool.run(first, then=then):
            self._add_tokens(result)
            if result.ok:
                self.run.mark_done("explore", result.key, **{k: v for k, v in result.value.items() if k != "tokens"})
                # a turn the explorer ended early (to relaunch the app) counts the steps it took
                progress.advance(result.value["steps"], note=f"{result.key}: {result.value['steps']} steps, "
                                                             f"{result.value.get('new_states')} new screens")
            else:
                progress.advance(cfg.steps, note=f"{result.key} failed")
                self.log(f"explore {result.key} failed: {result.error}")
        progress.close()

    # --- generate ---------------------------------------------------------------------------------------------

    def stage_generate(self) -> None:
        cfg = self.config
        done = self.run.done_units("generate")
        known = {t["id"] for t in read_jsonl(self.run.tasks_file)}
        if is_llm(cfg.agents):
            units = [
                Job(path.parent.name, jobs.generate_llm_tasks, (cfg.agents, str(path.parent), cfg.generator_options))
                for env_id in cfg.env_ids
                for path in sorted(self.run.trajectories.glob(f"{jobs.env_slug(env_id)}-t*/trajectory.json"))
                if path.parent.name not in done and jobs.completed(path.parent)
            ]
        else:
            units = [
                Job(env_id, jobs.generate_graph_tasks,
                    (env_id, cfg.kwargs_for(env_id), str(self.run.trajectories),
                     str(self.run.graphs / f"{jobs.env_slug(env_id)}.json"), cfg.generator_options))
                for env_id in cfg.env_ids if env_id not in done
            ]
        progress = Progress("generate", len(units), unit="units")
        for result in self.pool.run(units):
            self._add_tokens(result)
            if not result.ok:
                self.log(f"generate {result.key} failed: {result.error}")
                progress.advance(1, note=f"{result.key} failed")
                continue
            added = 0
            for data in result.value["tasks"]:
                if data["id"] not in known:
                    append_jsonl(self.run.tasks_file, data)
                    known.add(data["id"])
                    added += 1
            self.run.mark_done("generate", result.key, tasks=added)
            progress.advance(1, note=f"{result.key}: {added} tasks")
        progress.close()

    # --- execute ----------------------------------------------------------------------------------------------

    def selected_tasks(self) -> list[Task]:
        tasks = [Task.from_dict(t) for t in read_jsonl(self.run.tasks_file)]
        tasks = [t for t in tasks if t.env_id in self.config.env_ids]
        cap = self.config.max_tasks_per_env
        if cap is None:
            return tasks
        counts: dict[str, int] = {}
        chosen = []
        for task in tasks:
            if counts.get(task.env_id, 0) < cap:
                counts[task.env_id] = counts.get(task.env_id, 0) + 1
                chosen.append(task)
        return chosen

    def stage_execute(self) -> None:
        cfg = self.config
        done = self.run.done_units("execute")
        units = [
            Job(task.id, jobs.execute_task,
                (cfg.agents, task.to_dict(), cfg.kwargs_for(task.env_id), str(self.run.executions), cfg.max_task_steps))
            for task in self.selected_tasks() if task.id not in done
        ]
        progress = Progress("execute", len(units), unit="tasks")
        for result in self.pool.run(units):
            self._add_tokens(result)
            if result.ok:
                self.run.mark_done("execute", result.key, steps=result.value["steps"],
                                   end_reason=result.value["end_reason"])
                progress.advance(1, note=f"{result.key}: {result.value['end_reason']}")
            else:
                self.log(f"execute {result.key} failed: {result.error}")
                progress.advance(1, note=f"{result.key} failed")
        progress.close()

    # --- verify -----------------------------------------------------------------------------------------------

    def stage_verify(self) -> None:
        from autoplay_gym.agents.verifiers import verifier_for

        executed = self.run.done_units("execute")
        judged = {v["task_id"] for v in read_jsonl(self.run.verdicts_file)}
        demo_ids = {d["task_id"] for d in read_jsonl(self.run.demos_file)}
        todo = [t for t in self.selected_tasks() if t.id in executed and t.id not in judged]
        progress = Progress("verify", len(todo), unit="tasks")
        client = None
        if is_llm(self.config.agents):
            from autoplay_gym.agents.specs import llm_client

            client = llm_client(self.config.agents)
        for task in todo:
            folder = self.run.executions / task.id
            trajectory = Trajectory.load(folder)
            try:
                verifier = verifier_for(task, client)
                verdict, judge = verifier.verify(task, trajectory), type(verifier).__name__
            except Exception as exc:  # a task no judge here can decide is recorded as not verified, with why
                verdict, judge = Verdict(False, 0.0, f"not verifiable: {exc}"), "none"
            record = {"task_id": task.id, "env_id": task.env_id, "guideline": task.guideline, **verdict.to_dict(),
                      "verifier": judge, "execution": str(folder.relative_to(self.run.path))}
            append_jsonl(self.run.verdicts_file, record)
            if verdict.success and task.id not in demo_ids:
                append_jsonl(self.run.demos_file, {
                    "task_id": task.id, "env_id": task.env_id, "instruction": task.instruction,
                    "guideline": task.guideline, "answer": task.answer,
                    "trajectory": str(folder.relative_to(self.run.path)), "actions": trajectory.actions,
                })
                demo_ids.add(task.id)
            progress.advance(1, note=f"{task.id}: {'success' if verdict.success else 'failure'}")
        if client is not None:
            self.tokens["prompt"] += client.stats.prompt_tokens
            self.tokens["completion"] += client.stats.completion_tokens
            self.tokens["calls"] = self.tokens.get("calls", 0) + client.stats.calls
        progress.close()

    # --- report -----------------------------------------------------------------------------------------------

    def stage_report(self) -> None:
        from autoplay_gym.report import build_report

        path = build_report(self.run.path)
        self.log(f"report: {path}")

    # --- summary ----------------------------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        meta = self.run.read_meta()
        tasks = list(read_jsonl(self.run.tasks_file))
        verdicts = list(read_jsonl(self.run.verdicts_file))
        verified = sum(1 for v in verdicts if v.get("success"))
        return {
            "tasks": len(tasks),
            "executed": len(verdicts),
            "verified": verified,
            "success_rate": round(verified / len(verdicts), 3) if verdicts else 0.0,
            "seconds": round(sum(meta.get("timings", {}).values()), 1),
            "tokens": self.tokens,
            "report": str(self.run.report_file) if self.run.report_file.exists() else None,
        }


def summary_line(summary: dict[str, Any]) -> str:
    tokens = summary["tokens"]
    return (f"tasks {summary['tasks']}, verified {summary['verified']} of {summary['executed']} executed, "
            f"success rate {100 * summary['success_rate']:.0f}%, time {summary['seconds']:.1f} s, "
            f"tokens {tokens.get('prompt', 0)}+{tokens.get('completion', 0)}")


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
