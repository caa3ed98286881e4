"""What every simulated app shares: intents, a stack of screens, dialogs, text focus and back handling.

An app is a state machine; its screens rebuild their view trees from that state (and from the app's SQLite
database) whenever the device needs a picture, a dump or a hit test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from autoplay_gym.envs.android.sim.ui.view import View, Window
from autoplay_gym.envs.android.sim.ui.widgets import Frame, TextField, decor

if TYPE_CHECKING:
    from autoplay_gym.envs.android.sim.apps.contacts_provider import ContactsProvider
    from autoplay_gym.envs.android.sim.fs import DeviceFS


@dataclass
class Intent:
    """The parts of android.content.Intent that `am start` and the apps use."""

    action: str | None = None
    data: str | None = None
    mime_type: str | None = None
    categories: list[str] = field(default_factory=list)
    component: str | None = None  # "pkg/.Activity" or "pkg/full.Activity"
    extras: dict[str, object] = field(default_factory=dict)
    flags: int = 0

    def describe(self) -> str:
        """Intent.toString(): `Intent { act=... cat=[...] dat=... typ=... flg=... cmp=... (has extras) }`."""
        parts = []
        if self.action:
            parts.append(f"act={self.action}")
        if self.categories:
            parts.append("cat=[" + ",".join(self.categories) + "]")
        if self.data:
            parts.append(f"dat={self.data}")
        if self.mime_type:
            parts.append(f"typ={self.mime_type}")
        if self.flags:
            parts.append(f"flg=0x{self.flags:x}")
        if self.component:
            parts.append(f"cmp={short_component(self.component)}")
        if self.extras:
            parts.append("(has extras)")
        return "Intent { " + " ".join(parts) + " }"


def full_component(component: str) -> tuple[str, str]:
    """Split "pkg/.Act" or "pkg/a.b.Act" into (package, fully qualified class)."""
    package, _, cls = component.partition("/")
    if cls.startswith("."):
        cls = package + cls
    elif "." not in cls:
        cls = package + "." + cls
    return package, cls


def short_component(component: str) -> str:
    """ComponentName.flattenToShortString(): the class loses the package prefix when it starts with it."""
    package, cls = full_component(component)
    if cls.startswith(package + "."):
        return f"{package}/{cls[len(package):]}"
    return f"{package}/{cls}"


class AppContext(Protocol):
    """Device services an app may use."""

    fs: DeviceFS

    def frame(self) -> Frame: ...
    def now(self) -> dt.datetime: ...
    def now_ms(self) -> int: ...
    def toast(self, text: str) -> None: ...
    def data_dir(self, package: str) -> Path: ...
    def start_activity(self, intent: Intent) -> None: ...
    def go_home(self) -> None: ...
    @property
    def contacts(self) -> ContactsProvider: ...


class Screen:
    """One screen (an activity or a fragment) of an app."""

    activity: str = ""

    def build(self, frame: Frame) -> list[View]:
        raise NotImplementedError

    def back(self) -> bool:
        """Handle BACK inside the screen (e.g. close a search); False lets the app pop the screen."""
        return False

    def initial_focus(self) -> TextField | None:
        """The field that has focus (and the keyboard) when the screen opens."""
        return None


class SimApp:
    """Base class: subclasses set the identity and push screens."""

    package: ClassVar[str]
    label: ClassVar[str]
    launch_activity: ClassVar[str]
    activities: ClassVar[tuple[str, ...]] = ()
    icon_color: ClassVar[str] = "#0b57d0"
    icon_glyph: ClassVar[str] = "?"

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.screens: list[Screen] = []
        self.dialog: Callable[[Frame], Window] | None = None
        self.focus: TextField | None = None

    @classmethod
    def handles(cls, intent: Intent) -> bool:
        """Whether an implicit intent (no component) resolves to this app; LAUNCHER intents by package."""
        return False

    # -- lifecycle -------------------------------------------------------------------------------------------
    def start(self, intent: Intent, cold: bool) -> None:
        """Handle a launch: a cold start shows the main screen; bringing a running app to the front (a
        LAUNCHER intent from the launcher or monkey) keeps whatever screen it was on."""
        if cold or not self.screens:
            self.reset()

    def reset(self) -> None:
        self.screens = [self.main_screen()]
        self.dialog = None
        self.focus = self.screens[0].initial_focus()

    def main_screen(self) -> Screen:
        raise NotImplementedError

    def push(self, screen: Screen) -> None:
        self.screens.append(screen)
        self.dialog = None
        self.focus = screen.initial_focus()

    def pop(self) -> None:
        """Leave the current screen; an app whose last screen closes finishes (the device drops its task)."""
        if self.screens:
            self.screens.pop()
        self.dialog = None
        self.focus = None

    @property
    def finished(self) -> bool:
        return not self.screens

    # -- what the device asks --------------------------------------------------------------------------------
    def current_activity(self) -> str:
        top = self.screens[-1] if self.screens else None
        return top.activity if top and top.activity else self.launch_activity

    def windows(self) -> list[Window]:
        frame = self.ctx.frame()
        if not self.screens:
            return []
        content = self.screens[-1].build(frame)
        title = f"{self.package}/{self.current_activity()}"
        result = [Window(self.package, decor(frame, *content), title=title)]
        if self.dialog is not None:
            result.append(self.dialog(frame))
        return result

    def back(self) -> None:
        """KEYCODE_BACK: hide the keyboard focus, close a dialog, let the screen react, else pop it."""
        if self.dialog is not None:
            self.dismiss_dialog()
            return
        if self.screens and self.screens[-1].back():
            return
        self.pop()

    def enter(self) -> None:
        """KEYCODE_ENTER on the focused field; most fields just keep focus."""

    def focus_field(self, field_: TextField) -> Callable[[], None]:
        def focus() -> None:
            self.focus = field_
        return focus

    def show_dialog(self, builder: Callable[[Frame], Window]) -> None:
        self.dialog = builder
        self.focus = None

    def dismiss_dialog(self) -> None:
        self.dialog = None
        self.focus = None
