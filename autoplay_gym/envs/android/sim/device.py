"""One simulated API 33 device: clock, properties, settings, display, file system, packages, activities and
input, plus the shell that runs client commands against all of it.

A single re-entrant lock serialises everything that touches device state, so concurrent adb connections see
each command as atomic, like commands on a real device appear to the UI thread.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autoplay_gym.envs.android.sim.activity_manager import ActivityManager
from autoplay_gym.envs.android.sim.apps.base import Intent
from autoplay_gym.envs.android.sim.apps.contacts_provider import DB_DEVICE_PATH, ContactsProvider
from autoplay_gym.envs.android.sim.fs import DeviceFS
from autoplay_gym.envs.android.sim.input_manager import InputManager
from autoplay_gym.envs.android.sim.packages import PackageRegistry
from autoplay_gym.envs.android.sim.shell.interp import CommandFn, CommandIO, Shell
from autoplay_gym.envs.android.sim.shell.streams import STDERR, STDOUT, OrderedOutput, Source
from autoplay_gym.envs.android.sim.ui.widgets import Frame

PHYSICAL_WIDTH, PHYSICAL_HEIGHT, PHYSICAL_DENSITY = 1080, 2400, 420
TOAST_SECONDS = 3.5  # Toast.LENGTH_LONG; toasts are drawn on screenshots but are not part of an app's dump

PROPERTIES = {
    "ro.build.version.sdk": "33", "ro.build.version.release": "13", "ro.build.version.codename": "REL",
    "ro.build.version.security_patch": "2022-08-05", "ro.build.id": "TE1A.220922.012",
    "ro.build.type": "userdebug", "ro.build.tags": "dev-keys", "ro.debuggable": "1", "ro.secure": "1",
    "ro.build.fingerprint": "google/sdk_gphone64_x86_64/emu64xa:13/TE1A.220922.012/9302419:userdebug/dev-keys",
    "ro.product.model": "sdk_gphone64_x86_64", "ro.product.name": "sdk_gphone64_x86_64",
    "ro.product.device": "emu64xa", "ro.product.manufacturer": "Google", "ro.product.brand": "google",
    "ro.product.cpu.abi": "x86_64", "ro.product.cpu.abilist": "x86_64,arm64-v8a",
    "ro.product.locale": "en-US", "ro.serialno": "EMULATOR33X1X24X0", "ro.kernel.qemu": "1",
    "ro.hardware": "ranchu", "ro.soc.model": "ranchu", "ro.boot.qemu": "1", "ro.sf.lcd_density": "420",
    "ro.config.low_ram": "false", "sys.boot_completed": "1", "dev.bootcomplete": "1",
    "init.svc.bootanim": "stopped", "persist.sys.timezone": "UTC", "persist.sys.locale": "en-US",
    "service.adb.root": "0", "ro.adb.secure": "0",
}
SETTINGS_DEFAULTS = {
    "global": {"airplane_mode_on": "0", "wifi_on": "1", "bluetooth_on": "0", "auto_time": "1",
               "auto_time_zone": "1", "adb_enabled": "1", "device_provisioned": "1",
               "window_animation_scale": "1.0", "transition_animation_scale": "1.0",
               "animator_duration_scale": "1.0", "heads_up_notifications_enabled": "1",
               "stay_on_while_plugged_in": "0", "mobile_data": "1"},
    "system": {"screen_brightness": "102", "screen_brightness_mode": "0", "accelerometer_rotation": "0",
               "user_rotation": "0", "pointer_location": "0", "screen_off_timeout": "60000",
               "font_scale": "1.0"},
    "secure": {"default_input_method": "com.google.android.inputmethod.latin/com.android.inputmethod.latin.LatinIME",
               "enabled_input_methods": "com.google.android.inputmethod.latin/com.android.inputmethod.latin.LatinIME",
               "android_id": "6f1c2a9b3d4e5f60", "user_setup_complete": "1", "location_mode": "3"},
}


@dataclass
class Display:
    density: int = PHYSICAL_DENSITY
    override_size: tuple[int, int] | None = None
    override_density: int | None = None

    @property
    def size(self) -> tuple[int, int]:
        return self.override_size or (PHYSICAL_WIDTH, PHYSICAL_HEIGHT)

    @property
    def dpi(self) -> int:
        return self.override_density or self.density


class Device:
    """The whole simulated device behind one serial."""

    def __init__(self, data_dir: Path, serial: str, command_table: Callable[[], dict[str, CommandFn]]) -> None:
        self.lock = threading.RLock()
        self.serial = serial
        self.root = False
        self.storage_dir = data_dir
        self.clock_offset = 0.0
        self.properties = dict(PROPERTIES)
        self.settings = {namespace: dict(values) for namespace, values in SETTINGS_DEFAULTS.items()}
        self.display = Display()
        self.packages = PackageRegistry(lambda: self)
        self.fs = DeviceFS(data_dir / "fs", self.packages.uids())
        for name in self.packages.packages:
            (self.fs.host_path(f"/data/data/{name}")).mkdir(parents=True, exist_ok=True)
        self.contacts = ContactsProvider(lambda: self.fs.host_path(DB_DEVICE_PATH), self.now_ms)
        self.commands = command_table()
        self.pending_touch: tuple[int, int] | None = None
        self._toast: tuple[str, float] | None = None
        self.input = InputManager(self)
        self.am = ActivityManager(self)

    # -- AppContext ------------------------------------------------------------------------------------------
    def frame(self) -> Frame:
        width, height = self.display.size
        return Frame(width, height, self.display.dpi)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=self.clock_offset)

    def now_ms(self) -> int:
        return int(self.now().timestamp() * 1000)

    def set_time(self, moment: dt.datetime) -> None:
        self.clock_offset = (moment - dt.datetime.now(dt.timezone.utc)).total_seconds()

    def data_dir(self, package: str) -> Path:
        """The host directory behind /data/data/<package>."""
        return self.fs.host_path(f"/data/data/{package}")

    def toast(self, text: str) -> None:
        self._toast = (text, time.monotonic() + TOAST_SECONDS)

    def current_toast(self) -> str | None:
        if self._toast is None or time.monotonic() > self._toast[1]:
            return None
        return self._toast[0]

    def start_activity(self, intent: Intent) -> None:
        self.am.start(intent)

    def go_home(self) -> None:
        self.am.home()

    # -- package data ----------------------------------------------------------------------------------------
    def clear_package(self, package: str) -> None:
        """`pm clear`: stop the app and wipe its private data; the provider recreates its db on next use."""
        self.am.force_stop(package)
        self.fs.wipe_dir_contents(f"/data/data/{package}")
        media = f"/storage/emulated/0/Android/data/{package}"
        if self.fs.exists(media):
            self.fs.wipe_dir_contents(media)

    # -- the shell -------------------------------------------------------------------------------------------
    def run_shell(self, command: str, stdin: Callable[[], bytes] | None = None,
                  root: bool | None = None) -> tuple[OrderedOutput, int]:
        """Run `sh -c command` and return what it printed (in order) and its exit status."""
        output = OrderedOutput()
        shell = Shell(self, root=self.root if root is None else root)
        io = CommandIO(Source(stdin), output.sink(STDOUT), output.sink(STDERR))
        status = shell.run(command, io)
        return output, status
