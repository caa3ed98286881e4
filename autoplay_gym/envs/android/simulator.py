"""The simulated device when an env owns it (`device="sim"`): started with the env, restarted by a reset after it
died, stopped by `close()`.

Only the simulator's public interface (`SimServer`, `MODELLED_APPS`) is used: the client side talks to it over
the ADB protocol like any device, and shares no code with it.
"""

from __future__ import annotations

from typing import Any

from autoplay_gym.envs.android.apps import AndroidApp

SIM_HOST = "127.0.0.1"
SIM_SERIAL = "emulator-5554"


def modelled_apps() -> dict[str, str]:
    """package -> app name, for every app the simulator implements."""
    from autoplay_gym.envs.android.sim import MODELLED_APPS

    return dict(MODELLED_APPS)


class OwnedSimulator:
    """A `SimServer` on a free loopback port, whose lifetime the env manages."""

    def __init__(self) -> None:
        self.server: Any = None
        self.restarts = 0
        self._start()

    @classmethod
    def start_for(cls, app: AndroidApp) -> "OwnedSimulator":
        modelled = modelled_apps()
        if app.package not in modelled:
            names = ", ".join(sorted(modelled.values()))
            raise ValueError(
                f"the simulated device does not model {app.name} ({app.package}); it models: {names}. "
                "Use a real device or emulator for this app (serial=... or ANDROID_SERIAL)"
            )
        return cls()

    def _start(self) -> None:
        from autoplay_gym.envs.android.sim import SimServer

        server = SimServer(host=SIM_HOST, port=0, serial=SIM_SERIAL)
        server.start()
        self.server = server

    @property
    def host(self) -> str:
        return SIM_HOST

    @property
    def port(self) -> int:
        return int(self.server.port)

    @property
    def serial(self) -> str:
        return str(self.server.serial)

    def restart(self) -> None:
        """A fresh simulated device (a cold boot: its apps' data starts over) on a new port."""
        self.stop()
        self._start()
        self.restarts += 1

    def stop(self) -> None:
        """Idempotent: the server may already have been stopped by someone else."""
        server, self.server = self.server, None
        if server is not None:
            server.stop()
