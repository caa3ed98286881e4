"""`python -m autoplay_gym.envs.android.sim --port PORT`: serve a simulated device until interrupted."""

from __future__ import annotations

import argparse
import sys

from autoplay_gym.envs.android.sim.server import serve_forever


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autoplay_gym.envs.android.sim",
                                     description="Serve a simulated Android 13 device over the ADB protocol.")
    parser.add_argument("--port", type=int, default=5037, help="TCP port (0 picks a free one); default 5037")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--serial", default="emulator-5554")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"port {args.port} is out of range")
    try:
        return serve_forever(host=args.host, port=args.port, serial=args.serial)
    except ValueError as error:
        parser.error(str(error))
    return 2


if __name__ == "__main__":
    sys.exit(main())
