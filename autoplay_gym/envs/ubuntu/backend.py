"""The Ubuntu backend: one private desktop running one app, observed over AT-SPI and mss, driven by XTEST."""

from __future__ import annotations

import concurrent.futures
import shutil
import subprocess
import time
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from autoplay_gym.core.actions import Action
from autoplay_gym.core.env import AppEnv, Snapshot
from autoplay_gym.core.errors import ActionError, AppNotRunning, BackendError
from autoplay_gym.core.ui import UIElement, UITree
from autoplay_gym.envs.ubuntu import processes, profiles
from autoplay_gym.envs.ubuntu.apps import UbuntuApp, app_for
from autoplay_gym.envs.ubuntu.atspi import AtspiTree
from autoplay_gym.envs.ubuntu.damage import DamageWatch, Rect, with_covered_parts
from autoplay_gym.envs.ubuntu.loop import LoopThread
from autoplay_gym.envs.ubuntu.screen import ChangedTiles, Screen, changed_tiles
from autoplay_gym.envs.ubuntu.session import REQUIRED_PROGRAMS, Desktop, which_or_raise
from autoplay_gym.envs.ubuntu.xinput import XInput

APP_MARKER_VAR = "AUTOPLAY_GYM_APP"


class UbuntuBackend:
    """Implements `core.env.Backend` for one X11 app on its own Xvfb, session bus and accessibility bus.

    Settling: after an action the backend waits until neither the screen nor the accessibility event stream
    has changed for `settle_quiet` seconds (capped by `settle_cap`), so fast reactions cost tens of
    milliseconds and slow ones are still waited for, with no fixed sleeps.
    """

    def __init__(
        self,
        app: UbuntuApp,
        screen_size: tuple[int, int] = (1280, 800),
        *,
        settle_quiet: float = 0.06,
        settle_cap: float = 3.0,
        launch_timeout: float = 30.0,
        call_timeout: float = 5.0,
        max_nodes: int = 2000,
        desktop: Desktop | None = None,
    ) -> None:
        width, height = (int(v) for v in screen_size)
        if not (64 <= width <= 8192 and 64 <= height <= 8192):
            raise ValueError(f"screen_size must be between 64 and 8192 pixels per side, got {screen_size!r}")
        for program, (package, purpose) in REQUIRED_PROGRAMS.items():
            which_or_raise(program, package, purpose)
        which_or_raise(app.command[0], app.package, f"the {app.name} app")
        self.app = app
        self.screen_size = (width, height)
        self.settle_quiet = settle_quiet
        self.settle_cap = settle_cap
        self.launch_timeout = launch_timeout
        self.call_timeout = call_timeout
        self.max_nodes = max_nodes
        # A desktop passed in is shared (several apps on one screen, e.g. for benchmarks) and not closed here.
        self.desktop: Desktop | None = desktop
        self._owns_desktop = desktop is None
        self._loop: LoopThread | None = None
        self._atspi: AtspiTree | None = None
        self._input: XInput | None = None
        self._screen: Screen | None = None
        self._damage: DamageWatch | None = None
        # The last observation, the AT-SPI change count it was read at (reused while nothing is drawn and no
        # node changes: a still screen costs a round trip instead of a re-read), and its pixel base (the frame
        # its read started from and what was drawn while it ran) for apps that compare pixels.
        self._last: tuple[Snapshot, int, tuple[np.ndarray, list[Rect]] | None] | None = None
        self._proc: subprocess.Popen | None = None
        self._app_token = ""
        self._launches = 0
        # Set by a launch until its first settled snapshot: that one is read afresh (see `_settled_snapshot`).
        self._just_launched = False
        self.home: Path | None = None

    # --- lifecycle --------------------------------------------------------------------------------------------

    def _ensure_desktop(self) -> None:
        if self.desktop is not None and self.desktop.alive() and self._screen is not None:
            return
        if self._owns_desktop or self.desktop is None or not self.desktop.alive():
            self._teardown()
            self._owns_desktop = True
            self.desktop = Desktop(self.screen_size).start()
        try:
            self._loop = LoopThread()
            self._atspi = AtspiTree(
                self._loop, self.desktop.bus_address, call_timeout=self.call_timeout,
                screen=(self.desktop.width, self.desktop.height),
            )
            self._atspi.start()
            self._input = XInput(self.desktop.display)
            self._screen = Screen(self.desktop.display)
            self._damage = DamageWatch(self.desktop.display)
        except BaseException:
            self._teardown()
            raise

    def reset(self, *, seed: int | None, options: dict[str, Any] | None) -> Snapshot:
        options = dict(options or {})
        self._ensure_desktop()
        self._stop_app()
        assert self.desktop is not None
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)  # the last episode's app data must not leak
        self.home = self.desktop.new_profile()
        if self.app.prepare_profile is not None:
            self.app.prepare_profile(self.home)
        profiles.carry_in(self.home, self.app.name, self.app.carried)
        argv = list(self.app.command)
        for rel, content in dict(options.pop("files", None) or {}).items():
            target = self._home_path(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                target.write_text(content, encoding="utf-8")
            else:
                target.write_bytes(bytes(content))
        if options.get("open"):
            argv.extend(self.app.open_argv(self._home_path(str(options.pop("open")))))
        self._launch(argv)
        snapshot = self._settled_snapshot(time.monotonic(), quiet=self._launch_quiet, cap=self.launch_timeout)
        profiles.carry_out(self.home, self.app.name, self.app.carried)  # no action yet: only the app wrote them
        return snapshot

    def _home_path(self, rel: str) -> Path:
        assert self.home is not None
        path = PurePosixPath(rel)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise ValueError(f"seeded file paths must be relative and stay inside HOME, got {rel!r}")
        return self.home / path

    def _launch(self, argv: list[str]) -> None:
        assert self.desktop is not None and self.home is not None and self._atspi is not None
        self._launches += 1
        self._just_launched = True
        self._app_token = f"{self.desktop.token}-{self._launches}"
        env = dict(self.app.env)
        env[APP_MARKER_VAR] = self._app_token
        app_env = self.desktop.app_env(self.home, env)
        self.desktop.share_with_bus(app_env)  # services the app has the bus start belong to this episode too
        log = open(self.home / "cache" / "app.log", "wb")
        try:
            self._proc = processes.spawn(argv, app_env, cwd=str(self.home), stderr=log)
        finally:
            log.close()
        self.desktop._children.append(self._proc)
        deadline = time.monotonic() + self.launch_timeout
        while True:
            status = self.app_status()
            if status is not None:
                raise BackendError(f"{self.app.name} did not start: {status}{self._log_tail()}")
            if self._atspi.applications() and any(e.bounds for e in self._snapshot_tree()):
                break
            if time.monotonic() > deadline:
                raise BackendError(
                    f"{self.app.name} showed no accessible window within {self.launch_timeout:.0f} s{self._log_tail()}"
                )
            time.sleep(0.02)

    @property
    def _launch_quiet(self) -> float:
        """A freshly launched app loads fonts, icons and lazy widgets in bursts: wait for a longer calm."""
        return max(self.settle_quiet * 4, 0.25)

    def _log_tail(self) -> str:
        try:
            assert self.home is not None
            lines = (self.home / "cache" / "app.log").read_text(errors="replace").strip().splitlines()[-5:]
        except (OSError, AssertionError):
            return ""
        return ("; its last output: " + " | ".join(lines)) if lines else ""

    def _stop_app(self) -> None:
        self._last = None
        if self._proc is None:
            return
        assert self.desktop is not None and self._atspi is not None
        before = set(self._atspi.applications())
        self.desktop.kill_app(self._proc)
        processes.kill_tagged(self._app_token, grace=1.0, var=APP_MARKER_VAR)
        self._proc = None
        deadline = time.monotonic() + 5.0
        while before & set(self._atspi.applications()) and time.monotonic() < deadline:
            time.sleep(0.01)  # the registry drops a dead app's bus name a moment after it exits

    def app_status(self) -> str | None:
        if self._proc is None:
            return "the app has not been launched; call reset()"
        code = self._proc.poll()
        if code is None:
            return None
        if processes.session_pids(self._proc.pid):
            return None  # a launcher that forked the real app and exited
        return f"{self.app.name} exited with code {code}"

    def close(self) -> None:
        self._teardown()

    def _teardown(self) -> None:
        self._last = None
        for part in (self._atspi, self._input, self._screen, self._damage):
            if part is not None:
                part.close()
        if self._loop is not None:
            self._loop.close()
        if self.desktop is not None:
            if self._owns_desktop:
                self.desktop.close()
            elif self._proc is not None:
                self.desktop.kill_app(self._proc)
                processes.kill_tagged(self._app_token, grace=1.0, var=APP_MARKER_VAR)
        self._atspi = self._input = self._screen = self._loop = self._damage = None
        self.desktop = None
        self._proc = None

    # --- observing --------------------------------------------------------------------------------------------

    def _snapshot_tree(self) -> UITree:
        assert self._atspi is not None and self._input is not None
        return self._atspi.snapshot(self._input.top_windows(), max_nodes=self.max_nodes)

    def observe(self, *, fresh: bool = False) -> Snapshot:
        """The screen and every visible element. Parts still valid are reused: the whole last observation while
        nothing is drawn and no AT-SPI event arrives, else the nodes, extents and text that no event named and
        no drawing touched. `fresh` reads everything again (for checks and benchmarks).
        The screenshot is read-only: it is the base of the next observation, which copies only what changed
        (a 1280x800 copy costs ~1 ms, most of it page faults). AppEnv hands its users a copy."""
        if fresh:
            self._last = None
            if self._atspi is not None:
                self._atspi.forget()
        if self._screen is None or self.desktop is None:
            raise BackendError("the desktop is not running; call reset()")
        if not self.desktop.alive():
            raise BackendError(f"the desktop {self.desktop.display} died (Xvfb or its session bus exited)")
        assert self._atspi is not None and self._input is not None and self._damage is not None
        try:
            changes = self._atspi.change_count
            damaged = self._damage.damaged_since_last()
            if self._last is not None and damaged == [] and self._last[1] == changes == self._atspi.change_count:
                return self._last[0]
            windows = self._input.top_windows() if damaged else None  # listed once: it costs a round trip to X
            if windows is not None:
                damaged = with_covered_parts(damaged, [(w.x, w.y, w.width, w.height) for w in windows])
            # D-Bus work runs on its own thread
            compare = bool(damaged) and self._atspi.compares_pixels
            changed: concurrent.futures.Future | None = concurrent.futures.Future() if compare else None
            pending = self._atspi.begin_snapshot(max_nodes=self.max_nodes, damaged=damaged, changed=changed)
            # ... while this thread reads the screen (only what was drawn on, when that is known) and the windows
            frame, tiles = None, None
            try:
                if changed is not None:  # one grab serves the comparison and the screenshot
                    frame = self._screen.grab_frame()
                    tiles = self._pixels_changed(frame, damaged)
                    changed.set_result(tiles)
                if damaged is not None and self._last is not None:
                    # the last screenshot is the last read's starting frame: only the squares that changed differ
                    areas = tiles.areas() if tiles is not None else damaged
                    screenshot = self._screen.grab_update(self._last[0].screenshot, areas, frame)
                else:
                    screenshot = self._screen.grab(frame)
            finally:
                if changed is not None and not changed.done():
                    changed.set_result(None)  # the reader waits for it: "unknown" falls back to the damage
            windows = windows if windows is not None else self._input.top_windows()
            screenshot.flags.writeable = False  # kept as the next read's base: callers copy (AppEnv does)
            snapshot = Snapshot(screenshot, self._atspi.finish_snapshot(pending, windows))
            # The frame this read started from, and what was drawn while it ran: the next read's pixel base.
            during = self._damage.drawn_so_far() if frame is not None else None
            base = (frame, during) if frame is not None and during is not None else None
            self._last = (snapshot, changes, base)
            return snapshot
        except BackendError:
            raise
        except Exception as exc:  # Xlib and dbus-fast raise their own types when the display or bus dies
            raise BackendError(f"observing the desktop {self.desktop.display} failed: {exc!r}") from exc

    def _pixels_changed(self, frame: np.ndarray, damaged: list[Rect]) -> ChangedTiles | None:
        """Where the screen's pixels differ from when the last read started, plus where something was drawn
        while it ran (its extents and text may predate that drawing); None when there is no such last read."""
        base = self._last[2] if self._last is not None else None
        if base is None:
            return None
        tiles = changed_tiles(base[0], frame, damaged)
        return tiles.including(base[1]) if tiles is not None else None

    def _settle(self, start: float, *, quiet: float | None = None, cap: float | None = None) -> bytes:
        """Wait until screen and accessibility events have been quiet for `quiet` s (or `cap` ran out).

        Returns the last frame seen, so the caller can tell whether anything moved after it.
        """
        assert self._screen is not None and self._atspi is not None
        quiet = self.settle_quiet if quiet is None else quiet
        deadline = start + (self.settle_cap if cap is None else cap)
        last_change = start
        frame = self._screen.grab_raw()
        events = self._atspi.event_count
        while True:
            now = time.monotonic()
            if now - last_change >= quiet or now >= deadline:
                return frame
            time.sleep(0.004)
            # Grab only when the X server says something was drawn: a full grab and compare costs 2-7 ms of a
            # core that the app needs to finish drawing. Pixels decide, as a redraw may change none.
            drawn = self._damage.poll() if self._damage is not None else None
            shot = frame if drawn is False else self._screen.grab_raw()
            if shot != frame or self._atspi.event_count != events:
                last_change = time.monotonic()
                frame, events = shot, self._atspi.event_count

    def _settled_snapshot(self, start: float, *, quiet: float | None = None, cap: float | None = None) -> Snapshot:
        """Settle, then observe; observe again if anything changed while the tree was being read.

        The screenshot is taken after the tree, and both must match the quiet state: a frame or event that
        arrives in between means the app was not done, so settling resumes (within the same cap).
        After a launch every read is a full one: a starting app does not announce every change it makes
        (evince's page taking the focus went unannounced in 2 of 12 launches), so a read patched from the
        launch's first one can miss it, and two resets could return different trees.
        """
        assert self._screen is not None and self._atspi is not None
        deadline = start + (self.settle_cap if cap is None else cap)
        fresh, self._just_launched = self._just_launched, False
        while True:
            frame = self._settle(start, quiet=quiet, cap=max(deadline - start, 0.0))
            events = self._atspi.event_count
            snapshot = self.observe(fresh=fresh)
            if time.monotonic() >= deadline:
                return snapshot
            if self._atspi.event_count == events and self._screen.grab_raw() == frame:
                return snapshot
            start = time.monotonic()

    # --- acting -----------------------------------------------------------------------------------------------

    def perform(self, action: Action, tree: UITree) -> Snapshot:
        if self._input is None:
            raise BackendError("the desktop is not running; call reset()")
        status = self.app_status()
        if status is not None and action.type != "open_app":
            raise AppNotRunning(f"{status}; reset() relaunches it")
        handler = getattr(self, f"_do_{action.type}")
        try:
            handler(action, tree)
        except ActionError:
            raise
        except Exception as exc:  # Xlib raises its own error types when the display dies
            raise BackendError(f"{action.type} failed: {exc}") from exc
        # Quiet counts from the end of the input: typing into an element settles after its click first, and a
        # long press holds for 0.8 s; counted from the start, that time passed for quiet and the app's reaction
        # to the last keys was not waited for (a GTK4 editor read back empty after typing, under load).
        return self._settled_snapshot(time.monotonic())

    def _point(self, action: Action, tree: UITree) -> tuple[int, int]:
        if action.element is None:
            return action.x, action.y  # type: ignore[return-value]
        return self._center(tree[action.element])

    def _center(self, element: UIElement) -> tuple[int, int]:
        width, height = self.screen_size
        if element.bounds is None:
            raise ActionError(f"element {element.id} ({element.role} {element.text!r}) has no position on screen")
        visible = element.bounds.clip(width, height)
        if visible.empty:
            raise ActionError(f"element {element.id} ({element.role} {element.text!r}) is off screen")
        return visible.center

    def _do_click(self, action: Action, tree: UITree) -> None:
        self._input.click(*self._point(action, tree))  # type: ignore[union-attr]

    def _do_double_click(self, action: Action, tree: UITree) -> None:
        self._input.click(*self._point(action, tree), count=2)  # type: ignore[union-attr]

    def _do_long_press(self, action: Action, tree: UITree) -> None:
        self._input.long_press(*self._point(action, tree))  # type: ignore[union-attr]

    def _do_type(self, action: Action, tree: UITree) -> None:
        xin = self._input
        assert xin is not None
        if action.element is not None:
            target = tree[action.element]
            xin.click(*self._center(target))
            self._settle(time.monotonic())
        xin.focus_top_window()
        if action.clear:
            xin.press_keys(("ctrl", "a"))
            xin.press_keys(("BackSpace",))
        xin.type_text(action.text or "")

    def _do_scroll(self, action: Action, tree: UITree) -> None:
        if action.element is not None:
            x, y = self._center(tree[action.element])
        else:
            x, y = self._top_window_center()
        self._input.scroll(x, y, action.direction or "down")  # type: ignore[union-attr]

    def _top_window_center(self) -> tuple[int, int]:
        windows = self._input.top_windows() if self._input else []
        if not windows:
            return self.screen_size[0] // 2, self.screen_size[1] // 2
        top = windows[-1]
        width, height = self.screen_size
        return min(max(top.x + top.width // 2, 0), width - 1), min(max(top.y + top.height // 2, 0), height - 1)

    def _do_swipe(self, action: Action, tree: UITree) -> None:
        self._input.drag(action.x1, action.y1, action.x2, action.y2)  # type: ignore[arg-type, union-attr]

    def _do_key(self, action: Action, tree: UITree) -> None:
        self._input.focus_top_window()  # type: ignore[union-attr]
        self._input.press_keys((action.key,))  # type: ignore[union-attr, arg-type]

    def _do_hotkey(self, action: Action, tree: UITree) -> None:
        self._input.focus_top_window()  # type: ignore[union-attr]
        self._input.press_keys(action.keys or ())  # type: ignore[union-attr]

    def _do_back(self, action: Action, tree: UITree) -> None:
        """A desktop has no back button; Escape is what dismisses a dialog, menu or popover."""
        self._input.press_keys(("Escape",))  # type: ignore[union-attr]

    def _do_home(self, action: Action, tree: UITree) -> None:
        raise ActionError("'home' has no meaning on an Ubuntu desktop: there is no launcher screen")

    def _do_open_app(self, action: Action, tree: UITree) -> None:
        wanted = (action.app or "").casefold()
        names = {self.app.name.casefold(), self.app.command[0].rsplit("/", 1)[-1].casefold()}
        if wanted not in names:
            raise ActionError(f"this env runs only {self.app.name}; open_app accepts {sorted(names)}")
        if self.app_status() is not None:
            self._launch(list(self.app.command))

    def _do_wait(self, action: Action, tree: UITree) -> None:
        time.sleep(action.seconds or 0.0)  # the agent asked for this pause


def make_ubuntu_env(
    app: str | None = None,
    *,
    command: list[str] | None = None,
    screen_size: tuple[int, int] = (1280, 800),
    render_mode: str | None = "rgb_array",
    **backend_kwargs: Any,
) -> AppEnv:
    """Entry point behind every `AutoPlay-Ubuntu-*` id."""
    if app is None and not command:
        raise ValueError("AutoPlay-Ubuntu-App needs command=[...], e.g. gym.make('AutoPlay-Ubuntu-App', command=['galculator'])")
    backend = UbuntuBackend(app_for(app, command), screen_size, **backend_kwargs)
    return AppEnv(backend, render_mode=render_mode)
