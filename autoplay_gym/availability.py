"""`autoplay apps`: every env id and whether its app (Ubuntu) or device (Android) can run on this machine."""

from __future__ import annotations

import shutil
import socket
from typing import Iterator

from autoplay_gym.envs.android.apps import ANDROID_APPS
from autoplay_gym.envs.registration import ANDROID_PREFIX, UBUNTU_PREFIX, android_env_ids, ubuntu_env_ids
from autoplay_gym.envs.ubuntu.apps import GENERIC_APP_ID, UBUNTU_APPS


def _installed_packages(host: str, port: int) -> tuple[str, set[str]] | None:
    """(serial, packages) of the single connected adb device, or None when there is none to ask."""
    try:
        socket.create_connection((host, port), timeout=2).close()  # no adb start-server as a side effect
        from autoplay_gym.envs.android.adb import connect
        from autoplay_gym.envs.android.device import AndroidDevice

        client, handle = connect(host=host, port=port, timeout=5)
        device = AndroidDevice(client, handle)
        packages = {line.split(":", 1)[1].strip() for line in device.shell("pm list packages").splitlines()
                    if line.startswith("package:")}
        return handle.serial, packages
    except Exception:  # no server, no device, several devices: report "no device" below
        return None


def availability(adb_host: str = "127.0.0.1", adb_port: int = 5037) -> Iterator[tuple[str, str]]:
    for env_id in ubuntu_env_ids():
        name = env_id[len(UBUNTU_PREFIX):]
        if name == GENERIC_APP_ID:
            yield env_id, "available (any X11 program: command=[...])"
            continue
        app = UBUNTU_APPS[name]
        path = shutil.which(app.command[0])
        yield env_id, f"available ({path})" if path else f"missing: apt-get install -y --no-install-recommends {app.package}"
    from autoplay_gym.envs.android.simulator import modelled_apps

    modelled = set(modelled_apps())
    device = _installed_packages(adb_host, adb_port)
    for env_id in android_env_ids():
        app = ANDROID_APPS[env_id[len(ANDROID_PREFIX):]]
        where = []
        if device is not None and app.package in device[1]:
            where.append(f"installed on {device[0]}")
        if app.package in modelled:
            where.append("simulator (device='sim')")
        if not where:
            where.append("needs a device with the app installed" if device is None else
                         f"not installed on {device[0]}; not modelled by the simulator")
        yield env_id, "; ".join(where)
