"""The Android backend: one app on one device (real, or the simulator served over the ADB protocol).

Settling: after an action the backend re-dumps the UI until two dumps in a row are identical (capped by
`settle_cap`), and takes the screenshot concurrently with the confirming dump, so a quiet screen costs one dump
more than the raw calls and no fixed sleep. A device that stops answering turns into a `DeviceError`
(`info["action_error"]` during a step, an exception from `reset`); the next `reset` reconnects, and restarts
the simulator when the env started it.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

from autoplay_gym.core.actions import Action
from autoplay_gym.core.env import AppEnv, Snapshot
from autoplay_gym.core.errors import ActionError, BackendError
from autoplay_gym.core.spaces import MAX_ELEMENTS
from autoplay_gym.core.ui import Bounds, UIElement, UITree
from autoplay_gym.envs.android import gestures, keys
from autoplay_gym.envs.android.adb import DEFAULT_HOST, DEFAULT_PORT, CommandRejected, DeviceError, connect
from autoplay_gym.envs.android.apps import ANDROID_APPS, AndroidApp, app_for, find_app
from autoplay_gym.envs.android.device import AndroidDevice, decode_png, wait_until
from autoplay_gym.envs.android.hierarchy import parse_hierarchy
from autoplay_gym.envs.android.simulator import OwnedSimulator

_PACKAGE = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+")
RESET_OPTIONS = ("clear_data",)


class AndroidBackend:
    """Implements `core.env.Backend` for one app of the catalog on one device."""

    def __init__(
        self,
        app: AndroidApp,
        *,
        serial: str | None = None,
        adb_host: str = DEFAULT_HOST,
        adb_port: int = DEFAULT_PORT,
        simulator: OwnedSimulator | None = None,
        clear_data: bool | None = None,
        call_timeout: float = 10.0,
        dump_timeout: float = 20.0,
        launch_timeout: float = 30.0,
        reconnect_timeout: float = 10.0,
        settle_cap: float = 3.0,
        focus_cap: float = 5.0,
        max_nodes: int = MAX_ELEMENTS,
    ) -> None:
        self.app = app
        self.simulator = simulator
        self.clear_data = (simulator is not None) if clear_data is None else bool(clear_data)
        self.call_timeout = call_timeout
        self.dump_timeout = dump_timeout
        self.launch_timeout = launch_timeout
        self.reconnect_timeout = reconnect_timeout
        self.settle_cap = settle_cap
        self.focus_cap = focus_cap
        self.max_nodes = max_nodes
        self._host, self._port = (simulator.host, simulator.port) if simulator else (adb_host, adb_port)
        self._serial = simulator.serial if simulator else serial
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autoplay-screencap")
        self._launched = False
        self._lost: str | None = None
        self.device = self._connect()
        self._serial = self.device.serial  # pin it: a reconnect must find the same device, not "the only one"
        self.screen_size = self.device.screen_size()

    # --- connection -------------------------------------------------------------------------------------------

    def _connect(self) -> AndroidDevice:
        client, adb_device = connect(self._serial, host=self._host, port=self._port, timeout=self.call_timeout)
        return AndroidDevice(client, adb_device, call_timeout=self.call_timeout, dump_timeout=self.dump_timeout)

    def _ensure_connected(self) -> None:
        """Before a reset: reuse a live device, restart an owned simulator that died, else wait for the device."""
        if self.device.alive():
            return
        if self.simulator is not None:
            self.simulator.restart()
            self._host, self._port = self.simulator.host, self.simulator.port
        elif not wait_until(self.device.alive, self.reconnect_timeout, 0.2):
            raise DeviceError(
                f"device {self._serial!r} is not connected to the adb server at {self._host}:{self._port} "
                f"(waited {self.reconnect_timeout:.0f} s); reconnect it and call reset() again"
            )
        self.device = self._connect()
        size = self.device.screen_size()
        if size != self.screen_size:
            raise DeviceError(f"the reconnected screen is {size[0]}x{size[1]}, not {self.screen_size}; make a new env")

    # --- lifecycle --------------------------------------------------------------------------------------------

    def reset(self, *, seed: int | None, options: dict[str, Any] | None) -> Snapshot:
        options = dict(options or {})
        unknown = set(options) - set(RESET_OPTIONS)
        if unknown:
            raise ValueError(f"unknown reset options {sorted(unknown)}; the Android env takes {list(RESET_OPTIONS)}")
        clear = options.get("clear_data", self.clear_data)
        if not isinstance(clear, bool):
            raise ValueError(f"reset option clear_data must be true or false, got {clear!r}")
        self._launched = False
        self._ensure_connected()
        device, package = self.device, self.app.package
        if not device.is_installed(package):
            raise BackendError(f"{self.app.name} ({package}) is not installed on {device.serial}; see docs/android.md")
        device.force_stop(package, clear=clear)
        device.start_activity(self.app.activity)
        seen: list[str | None] = [None]

        def focused() -> bool:
            seen[0] = device.focused_window()
            return bool(seen[0]) and seen[0].split("/", 1)[0] == package

        if not wait_until(focused, self.launch_timeout, 0.1):
            raise BackendError(
                f"{self.app.name} did not take focus within {self.launch_timeout:.0f} s; focused window: {seen[0]}"
            )
        snapshot = self._settled()
        self._launched, self._lost = True, None
        return snapshot

    def app_status(self) -> str | None:
        if self._lost:
            return f"the device stopped answering ({self._lost}); reset() reconnects"
        return None if self._launched else "the app has not been launched; call reset()"

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self.simulator is not None:
            self.simulator.stop()

    # --- observing --------------------------------------------------------------------------------------------

    def _screenshot_async(self) -> Future:
        device, size = self.device, self.screen_size
        return self._pool.submit(lambda: decode_png(device.screencap_png(), size, device.serial))

    def _snapshot(self, xml: str, shot: Future) -> Snapshot:
        return Snapshot(shot.result(), parse_hierarchy(xml, max_nodes=self.max_nodes))

    def observe(self) -> Snapshot:
        return self._guard(self._observe)

    def _observe(self) -> Snapshot:
        shot = self._screenshot_async()
        try:
            xml = self.device.dump_xml()
        finally:
            shot.exception()  # never leave a screencap running behind an error
        return self._snapshot(xml, shot)

    def _settled(self) -> Snapshot:
        """Re-dump until two consecutive dumps agree (or `settle_cap` passes); screenshot with the last dump."""
        deadline = time.monotonic() + self.settle_cap
        previous = self.device.dump_xml()
        while True:
            shot = self._screenshot_async()
            try:
                xml = self.device.dump_xml()
            finally:
                shot.exception()
            if xml == previous or time.monotonic() >= deadline:
                return self._snapshot(xml, shot)
            previous = xml

    def _guard(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except CommandRejected as exc:  # the device is fine; the action cannot apply
            raise ActionError(str(exc)) from None
        except DeviceError as exc:
            if not self.device.alive():
                self._lost = str(exc)
            raise

    # --- acting -----------------------------------------------------------------------------------------------

    def perform(self, action: Action, tree: UITree) -> Snapshot | None:
        if not self._launched:
            raise BackendError(self.app_status() or "call reset() first")
        handler = getattr(self, f"_do_{action.type}", None)
        if handler is None:
            raise ActionError(f"{action.type} is not an action the Android backend performs")
        return self._guard(lambda: handler(action, tree))

    def _input(self, commands: list[str]) -> Snapshot:
        self.device.run_input(commands)
        return self._settled()

    def _point(self, action: Action, tree: UITree) -> tuple[int, int]:
        if action.element is None:
            return action.x, action.y  # type: ignore[return-value]
        return self._visible(tree[action.element]).center

    def _visible(self, element: UIElement) -> Bounds:
        return gestures.visible_bounds(element, *self.screen_size)

    def _do_click(self, action: Action, tree: UITree) -> Snapshot:
        return self._input([gestures.tap(*self._point(action, tree))])

    def _do_double_click(self, action: Action, tree: UITree) -> Snapshot:
        return self._input([gestures.double_tap(*self._point(action, tree))])

    def _do_long_press(self, action: Action, tree: UITree) -> Snapshot:
        return self._input([gestures.long_press(*self._point(action, tree))])

    def _do_swipe(self, action: Action, tree: UITree) -> Snapshot:
        return self._input([gestures.swipe(action.x1, action.y1, action.x2, action.y2)])  # type: ignore[arg-type]

    def _do_scroll(self, action: Action, tree: UITree) -> Snapshot:
        if action.element is not None:
            region = self._visible(tree[action.element])
        else:
            region = gestures.scroll_region(tree, *self.screen_size)
        return self._input([gestures.scroll(region, action.direction or "down")])

    def _do_type(self, action: Action, tree: UITree) -> Snapshot:
        commands = gestures.type_text(action.text or "")  # refuses untypeable text before touching the device
        if action.clear:
            commands = ["input keycombination 113 29", "input keyevent 67"] + commands  # ctrl+a, then delete
        if action.element is not None:
            x, y = self._visible(tree[action.element]).center
            self.device.run_input([gestures.tap(x, y)])
            if not wait_until(self._editable_focused, self.focus_cap, 0.02):  # keys go to the focused field
                raise ActionError(
                    f"element {action.element} was tapped but no text field took the focus within "
                    f"{self.focus_cap:g} s, so nothing was typed"
                )
        return self._input(commands)

    def _editable_focused(self) -> bool:
        tree = parse_hierarchy(self.device.dump_xml(), max_nodes=self.max_nodes)
        return any(e.focused and e.editable for e in tree)

    def _do_key(self, action: Action, tree: UITree) -> Snapshot:
        return self._input([keys.key_command(action.key or "")])

    def _do_hotkey(self, action: Action, tree: UITree) -> Snapshot:
        return self._input([keys.hotkey_command(action.keys or ())])

    def _do_back(self, action: Action, tree: UITree) -> Snapshot:
        return self._input([keys.key_command("BACK")])

    def _do_home(self, action: Action, tree: UITree) -> Snapshot:
        return self._input([keys.key_command("HOME")])

    def _do_open_app(self, action: Action, tree: UITree) -> Snapshot:
        name = action.app or ""
        app = find_app(name)
        if app is not None:
            self.device.start_activity(app.activity)
        elif _PACKAGE.fullmatch(name):
            self.device.launch_package(name)
        else:
            raise ActionError(f"unknown app {name!r}; open_app takes a package name or one of {', '.join(ANDROID_APPS)}")
        return self._settled()

    def _do_wait(self, action: Action, tree: UITree) -> None:
        time.sleep(action.seconds or 0.0)  # the agent asked for this pause
        return None


class AndroidEnv(AppEnv):
    """`AppEnv` plus `device`, the live `AndroidDevice`, for verifiers' state queries."""

    backend: AndroidBackend

    @property
    def device(self) -> AndroidDevice:
        return self.backend.device

    @property
    def app(self) -> AndroidApp:
        return self.backend.app

    @property
    def simulator(self) -> OwnedSimulator | None:
        return self.backend.simulator


def make_android_env(
    app: str,
    *,
    serial: str | None = None,
    adb_host: str = DEFAULT_HOST,
    adb_port: int = DEFAULT_PORT,
    device: str | None = None,
    render_mode: str | None = "rgb_array",
    **backend_kwargs: Any,
) -> AndroidEnv:
    """Entry point behind every `AutoPlay-Android-*` id. `device="sim"` runs the simulated device in-process."""
    entry = app_for(app)
    if device not in (None, "sim"):
        raise ValueError(f"device must be None (a real device via adb) or 'sim', got {device!r}")
    simulator = OwnedSimulator.start_for(entry) if device == "sim" else None
    try:
        backend = AndroidBackend(
            entry, serial=serial, adb_host=adb_host, adb_port=adb_port, simulator=simulator, **backend_kwargs
        )
    except BaseException:
        if simulator is not None:
            simulator.stop()
        raise
    return AndroidEnv(backend, render_mode=render_mode)
