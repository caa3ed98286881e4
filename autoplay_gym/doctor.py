"""`autoplay doctor` and `autoplay apps`: what works on this machine, and the fix for what does not."""

from __future__ import annotations

import os
import shutil
import socket
from dataclasses import dataclass
from typing import Callable

from autoplay_gym.envs.ubuntu.apps import UBUNTU_APPS
from autoplay_gym.envs.ubuntu.session import AT_SPI_LAUNCHER_PATHS, REQUIRED_PROGRAMS


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = "ok  " if self.ok else "FAIL"
        text = f"[{mark}] {self.name}: {self.detail}"
        return text + (f"\n       fix: {self.fix}" if not self.ok and self.fix else "")


def check_programs() -> list[Check]:
    checks = []
    for program, (package, purpose) in REQUIRED_PROGRAMS.items():
        found = shutil.which(program)
        checks.append(Check(f"{program} ({purpose})", bool(found), found or "not found",
                            f"apt-get install -y --no-install-recommends {package}"))
    launcher = next((p for p in AT_SPI_LAUNCHER_PATHS if os.path.exists(p)), None)
    checks.append(Check("at-spi-bus-launcher (accessibility bus)", bool(launcher), launcher or "not found",
                        "apt-get install -y --no-install-recommends at-spi2-core libatk-adaptor"))
    return checks


def check_accessibility_bus(timeout: float = 20.0) -> Check:
    """Bring up a private desktop and read the accessibility registry over D-Bus."""
    from autoplay_gym.envs.ubuntu.atspi import AtspiTree
    from autoplay_gym.envs.ubuntu.loop import LoopThread
    from autoplay_gym.envs.ubuntu.session import Desktop

    desktop = loop = tree = None
    try:
        desktop = Desktop(start_timeout=timeout).start()
        loop = LoopThread()
        tree = AtspiTree(loop, desktop.bus_address)
        tree.start()
        tree.applications()
        return Check("accessibility bus", True, f"private desktop {desktop.display} answered over AT-SPI")
    except Exception as exc:
        return Check("accessibility bus", False, f"{type(exc).__name__}: {exc}",
                     "apt-get install -y --no-install-recommends xvfb dbus at-spi2-core; then rerun autoplay doctor")
    finally:
        if tree is not None:
            tree.close()
        if loop is not None:
            loop.close()
        if desktop is not None:
            desktop.close()


def check_adb(host: str = "127.0.0.1", port: int = 5037) -> Check:
    try:  # probe the socket first: adbutils would otherwise spawn `adb start-server` and leave it running
        socket.create_connection((host, port), timeout=3).close()
        import adbutils

        devices = adbutils.AdbClient(host=host, port=port, socket_timeout=5).device_list()
    except Exception as exc:
        return Check("adb devices", False, f"no adb server at {host}:{port} ({type(exc).__name__})",
                     "start an emulator or plug in a device (adb start-server), or use device='sim' "
                     "(the built-in simulator)")
    serials = [d.serial for d in devices]
    if not serials:
        return Check("adb devices", False, f"adb server at {host}:{port} lists no device",
                     "start the AVD (see README: A real Android emulator) or use device='sim'")
    return Check("adb devices", True, ", ".join(serials))


def check_llm(base_url: str | None, timeout: float = 10.0) -> Check:
    base_url = base_url or os.environ.get("OPENAI_BASE_URL")
    if not base_url:
        return Check("LLM endpoint", True, "none configured (model-free agents will be used)")
    try:
        import openai

        client = openai.OpenAI(base_url=base_url, api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",
                               timeout=timeout, max_retries=0)
        models = [m.id for m in client.models.list()]
    except Exception as exc:
        return Check("LLM endpoint", False, f"{base_url} did not answer /models ({type(exc).__name__}: {exc})",
                     "start the server (e.g. vllm serve MODEL, or autoplay run --llm local) and check --llm URL")
    return Check("LLM endpoint", True, f"{base_url} serves {', '.join(models[:5]) or 'no models'}")


def check_ubuntu_apps() -> list[Check]:
    return [
        Check(f"app {name}", bool(shutil.which(app.command[0])), shutil.which(app.command[0]) or "not installed",
              f"apt-get install -y --no-install-recommends {app.package}")
        for name, app in UBUNTU_APPS.items()
    ]


def run_doctor(llm: str | None = None, adb_host: str = "127.0.0.1", adb_port: int = 5037,
               out: Callable[[str], None] = print) -> int:
    checks = [*check_programs(), check_accessibility_bus(), *check_ubuntu_apps(), check_adb(adb_host, adb_port),
              check_llm(llm)]
    for check in checks:
        out(check.line())
    failed = [c for c in checks if not c.ok]
    out(f"{len(checks) - len(failed)} of {len(checks)} checks passed")
    essential = {"accessibility bus"} | {c.name for c in check_programs()}
    return 1 if any(c.name in essential for c in failed) else 0
