"""Tasks and activities: which app is in front, what `am start`/monkey/HOME/BACK do, and the recents list.

Each running app owns one task; the home task (the launcher) always exists. Finishing an app's last screen
returns to the task below it, as Android does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from autoplay_gym.envs.android.sim.apps.base import Intent, SimApp, full_component
from autoplay_gym.envs.android.sim.ui.view import Window

if TYPE_CHECKING:
    from autoplay_gym.envs.android.sim.device import Device

class StartError(Exception):
    """`am start` could not resolve or find the activity; `lines` are the real error lines."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass
class Task:
    id: int
    app: SimApp


@dataclass
class StartResult:
    component: str  # pkg/full.Class that ended up on top
    launch_state: str  # COLD | WARM | HOT
    brought_to_front: bool


def identity_hash(*parts: object) -> str:
    """A stable 7-hex-digit id like the identity hashes in dumpsys (Window{2785a60 ...})."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:7]


class ActivityManager:
    def __init__(self, device: Device) -> None:
        self.device = device
        self._next_task_id = 1
        self.tasks: list[Task] = []  # bottom .. top
        self.home_task = self._new_task(device.packages.create_app(device.packages.launcher))
        self.home_task.app.reset()

    def _new_task(self, app: SimApp) -> Task:
        task = Task(self._next_task_id, app)
        self._next_task_id += 1
        self.tasks.append(task)
        return task

    # -- queries ---------------------------------------------------------------------------------------------
    @property
    def top(self) -> Task:
        return self.tasks[-1]

    def task_for(self, package: str) -> Task | None:
        return next((t for t in self.tasks if t.app.package == package), None)

    def focused_component(self) -> str:
        app = self.top.app
        return f"{app.package}/{app.current_activity()}"

    def windows(self) -> list[Window]:
        return self.top.app.windows()

    # -- intents ---------------------------------------------------------------------------------------------
    def resolve(self, intent: Intent) -> tuple[str, str]:
        """(package, activity class) for an intent, or StartError with the framework's message."""
        registry = self.device.packages
        if intent.component:
            package, cls = full_component(intent.component)
            app_class = registry.app_class(package)
            if app_class is None or cls not in app_class.activities:
                raise StartError(["Error type 3", f"Error: Activity class {{{package}/{cls}}} does not exist."])
            return package, cls
        if intent.action == "android.intent.action.MAIN" and "android.intent.category.HOME" in intent.categories:
            return registry.launcher.package, registry.launcher.launch_activity
        for app_class in registry.app_classes():
            if app_class.handles(intent):
                return app_class.package, app_class.launch_activity
        raise StartError([f"Error: Activity not started, unable to resolve {intent.describe()}"])

    def start(self, intent: Intent, *, force_stop_first: bool = False) -> StartResult:
        package, cls = self.resolve(intent)
        if force_stop_first:
            self.force_stop(package)
        if package == self.home_task.app.package:
            self._move_to_top(self.home_task)
            self.home_task.app.start(intent, cold=False)
            return StartResult(f"{package}/{cls}", "HOT", False)
        task = self.task_for(package)
        was_top = task is not None and task is self.top
        if task is None:
            task = self._new_task(self.device.packages.create_app(package))
            task.app.start(_with_component(intent, package, cls), cold=True)
            state, front = "COLD", False
        else:
            self._move_to_top(task)
            task.app.start(_with_component(intent, package, cls), cold=False)
            state, front = "HOT", not was_top
        if task.app.finished:
            self._remove(task)
        return StartResult(f"{package}/{task.app.current_activity() if not task.app.finished else cls}", state,
                           front)

    # -- navigation ------------------------------------------------------------------------------------------
    def home(self) -> None:
        self._move_to_top(self.home_task)
        self.home_task.app.start(Intent(action="android.intent.action.MAIN",
                                        categories=["android.intent.category.HOME"]), cold=False)

    def back(self) -> None:
        task = self.top
        task.app.back()
        if task.app.finished and task is not self.home_task:
            self._remove(task)

    def after_input(self) -> None:
        """An input event may have finished the top app (e.g. its last screen closed itself)."""
        task = self.top
        if task.app.finished and task is not self.home_task:
            self._remove(task)

    def force_stop(self, package: str) -> bool:
        task = self.task_for(package)
        if task is None or task is self.home_task:
            if task is self.home_task:
                self.home_task.app.reset()
            return False
        self._remove(task)
        return True

    def remove_task(self, task_id: int) -> bool:
        task = next((t for t in self.tasks if t.id == task_id), None)
        if task is None or task is self.home_task:
            return False
        self._remove(task)
        return True

    def _remove(self, task: Task) -> None:
        self.tasks.remove(task)
        if not self.tasks:
            self.tasks.append(self.home_task)

    def _move_to_top(self, task: Task) -> None:
        self.tasks.remove(task)
        self.tasks.append(task)


def _with_component(intent: Intent, package: str, cls: str) -> Intent:
    if intent.component:
        return intent
    return Intent(intent.action, intent.data, intent.mime_type, list(intent.categories), f"{package}/{cls}",
                  dict(intent.extras), intent.flags)
