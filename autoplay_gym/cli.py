"""The `autoplay` command. Each subcommand lives in its own function and imports only what it needs."""

from __future__ import annotations

import argparse
import sys
from typing import Callable, Sequence

Command = Callable[[argparse.Namespace], int]


def _cmd_apps(args: argparse.Namespace) -> int:
    import gymnasium as gym

    import autoplay_gym  # noqa: F401  (registers the ids)

    for env_id in sorted(k for k in gym.registry if k.startswith("AutoPlay-")):
        print(env_id)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from autoplay_gym.demo import run_calculator_demo

    return run_calculator_demo(args.out)


def _cmd_android_sim(args: argparse.Namespace) -> int:
    from autoplay_gym.envs.android.sim import serve_forever

    return serve_forever(host=args.host, port=args.port)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autoplay", description="AutoPlay task generation on real apps.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("apps", help="list every registered env id")
    p.set_defaults(func=_cmd_apps)

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
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
