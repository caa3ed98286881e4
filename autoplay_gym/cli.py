"""The `autoplay` command. Each subcommand lives in its own function and imports only what it needs.

Exit codes: 0 success, 1 the work failed (e.g. no task verified, a check failed), 2 bad input (unknown env id,
unusable DIR, unreachable LLM endpoint, corrupt run files), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Callable, Sequence

Command = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """Bad input from the command line: printed without a traceback, exit code 2."""


def _known_env_ids() -> list[str]:
    import gymnasium as gym

    import autoplay_gym  # noqa: F401  (registers the ids)

    return sorted(k for k in gym.registry if k.startswith("AutoPlay-"))


def _cmd_apps(args: argparse.Namespace) -> int:
    from autoplay_gym.availability import availability

    for env_id, status in availability(adb_host=args.adb_host, adb_port=args.adb_port):
        print(f"{env_id:38s} {status}")
    return 0


def _cmd_doctor(args: argparse.Namespace) -> int:
    from autoplay_gym.doctor import run_doctor

    return run_doctor(llm=None if args.llm == "local" else args.llm, adb_host=args.adb_host, adb_port=args.adb_port)


def _cmd_demo(args: argparse.Namespace) -> int:
    from autoplay_gym.demo import run_calculator_demo

    return run_calculator_demo(args.out)


def _cmd_android_sim(args: argparse.Namespace) -> int:
    from autoplay_gym.envs.android.sim import serve_forever

    return serve_forever(host=args.host, port=args.port)


def _cmd_report(args: argparse.Namespace) -> int:
    from autoplay_gym.report import build_report
    from autoplay_gym.rundir import RunDir

    run = RunDir(args.dir)
    if not run.path.is_dir():
        raise UsageError(f"{run.path} is not a run directory")
    print(build_report(run.path))
    return 0


def _config(args: argparse.Namespace) -> Any:
    from autoplay_gym.pipeline import RunConfig

    known = set(_known_env_ids())
    unknown = [e for e in args.env if e not in known]
    if unknown:
        raise UsageError(f"unknown env id {', '.join(unknown)}; `autoplay apps` lists the {len(known)} known ids")
    if args.turns < 1 or args.steps < 1 or args.workers < 1:
        raise UsageError("--turns, --steps and --workers must be at least 1")
    env_kwargs = {e: {"device": "sim"} for e in args.env if e.startswith("AutoPlay-Android-") and args.android_sim}
    return RunConfig(env_ids=list(args.env), out=args.out, turns=args.turns, steps=args.steps, workers=args.workers,
                     seed=args.seed, env_kwargs=env_kwargs, max_task_steps=args.max_task_steps,
                     max_tasks_per_env=args.max_tasks, generator_options=_quick_options(args))


def _quick_options(args: argparse.Namespace) -> dict[str, Any]:
    if not args.quick:
        return {}
    if args.llm:
        return {"templates_per_call": 2, "tasks_per_template": 5}
    return {"computations": 3, "max_per_category": 2}


def _run(args: argparse.Namespace, stages: tuple[str, ...]) -> int:
    from autoplay_gym.llm_endpoint import EndpointError, resolve_agents
    from autoplay_gym.pipeline import Pipeline, summary_line
    from autoplay_gym.rundir import RunDirError

    config = _config(args)
    try:
        with resolve_agents(args.llm, args.model) as agents:
            config.agents = agents
            summary = Pipeline(config).run_all(stages)
    except (RunDirError, EndpointError) as exc:
        raise UsageError(str(exc)) from None
    print(summary_line(summary))
    if summary["report"]:
        print(summary["report"])
    return 0


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--env", action="append", required=True, metavar="ID", help="env id (repeat for several)")
    p.add_argument("--out", required=True, metavar="DIR", help="run directory (created; rerun to resume)")
    p.add_argument("--turns", type=int, default=3, metavar="M", help="exploration turns per env")
    p.add_argument("--steps", type=int, default=20, metavar="K", help="steps per exploration turn")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="envs in parallel, each its own desktop")
    p.add_argument("--llm", metavar="URL|local", help="OpenAI-compatible base URL, or 'local' for the packaged model")
    p.add_argument("--model", metavar="NAME", help="model name on the --llm server")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-task-steps", type=int, default=20)
    p.add_argument("--max-tasks", type=int, default=None, metavar="N", help="execute at most N tasks per env")
    p.add_argument("--quick", action="store_true",
                   help="fewer candidate tasks per env (faster generation, e.g. for smoke tests)")
    p.add_argument("--android-sim", action=argparse.BooleanOptionalAction, default=True,
                   help="run Android ids on the built-in simulator (default) or on the adb device")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autoplay", description="AutoPlay task generation on real apps.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="explore -> generate -> execute -> verify -> report")
    _add_run_options(p)
    p.set_defaults(func=lambda a: _run(a, ("explore", "generate", "execute", "verify", "report")))
    for stage in ("explore", "generate", "execute", "verify"):
        p = sub.add_parser(stage, help=f"run only the {stage} stage on DIR")
        _add_run_options(p)
        p.set_defaults(func=lambda a, s=stage: _run(a, (s,)))

    p = sub.add_parser("report", help="write DIR/report.html")
    p.add_argument("dir", metavar="DIR")
    p.set_defaults(func=_cmd_report)

    for name, fn, text in (("apps", _cmd_apps, "list every env id and whether it can run here"),
                           ("doctor", _cmd_doctor, "check system packages, buses, adb and the LLM endpoint")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--adb-host", default="127.0.0.1")
        p.add_argument("--adb-port", type=int, default=5037)
        if name == "doctor":
            p.add_argument("--llm", metavar="URL")
        p.set_defaults(func=fn)

    p = sub.add_parser("demo", help="a short real Calculator episode: 7 × 6 = through element actions")
    p.add_argument("--out", default=".cache/demo", help="folder for the final screenshot")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("android-sim", help="serve the simulated Android device over the ADB protocol")
    p.add_argument("--port", type=int, default=5037)
    p.add_argument("--host", default="127.0.0.1")
    p.set_defaults(func=_cmd_android_sim)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"autoplay: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("autoplay: interrupted; rerun the same command to continue", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
