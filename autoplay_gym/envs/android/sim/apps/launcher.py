"""The Pixel Launcher (com.google.android.apps.nexuslauncher): a home screen with one icon per launchable app
and the all-apps drawer that a swipe up opens, with the ids of the real launcher's dump."""

from __future__ import annotations

from collections.abc import Callable

from autoplay_gym.envs.android.sim.apps.base import AppContext, Intent, Screen, SimApp
from autoplay_gym.envs.android.sim.ui.view import Style, View
from autoplay_gym.envs.android.sim.ui.widgets import Frame, ScrollState, scroll_list, text_view

PACKAGE = "com.google.android.apps.nexuslauncher"
ACTIVITY = "com.google.android.apps.nexuslauncher.NexusLauncherActivity"
WALLPAPER = "#31445e"
NEW_TASK_RESET = 0x10200000  # FLAG_ACTIVITY_NEW_TASK | FLAG_ACTIVITY_RESET_TASK_IF_NEEDED, as launchers send


def rid(name: str) -> str:
    return f"{PACKAGE}:id/{name}"


class LauncherApp(SimApp):
    package = PACKAGE
    label = "Pixel Launcher"
    launch_activity = ACTIVITY
    activities = (ACTIVITY,)

    def __init__(self, ctx: AppContext, launchables: Callable[[], list[type[SimApp]]]) -> None:
        super().__init__(ctx)
        self.launchables = launchables

    def main_screen(self) -> Screen:
        return HomeScreen(self)

    def start(self, intent: Intent, cold: bool) -> None:
        """HOME always lands on the workspace, closing the drawer."""
        self.reset()

    def back(self) -> None:
        if len(self.screens) > 1:
            self.pop()

    def launch(self, app: type[SimApp]) -> None:
        self.ctx.start_activity(Intent(action="android.intent.action.MAIN",
                                       categories=["android.intent.category.LAUNCHER"],
                                       component=f"{app.package}/{app.launch_activity}", flags=NEW_TASK_RESET))

    def icon(self, frame: Frame, app: type[SimApp], box: tuple[int, int, int, int]) -> View:
        """A BubbleTextView: one clickable TextView whose bounds hold the icon and the label."""
        left, top, right, bottom = box
        size = frame.dp(56)
        icon_left = (left + right - size) // 2
        node = View("android.widget.TextView", box, text=app.label, content_desc=app.label, clickable=True,
                    focusable=True, long_clickable=True, on_click=lambda: self.launch(app),
                    style=Style(hide_text=True))
        node.add(View("android.widget.ImageView", (icon_left, top + frame.dp(8), icon_left + size,
                                                   top + frame.dp(8) + size), in_dump=False,
                      style=Style(background=app.icon_color, radius=size // 2, icon=app.icon_glyph,
                                  icon_color="#ffffff")),
                 View("android.view.View", (left, top + frame.dp(68), right, bottom), text=app.label, in_dump=False,
                      style=Style(size=frame.dp(13), color="#ffffff", align="center")))
        return node


class HomeScreen(Screen):
    activity = ACTIVITY

    def __init__(self, app: LauncherApp) -> None:
        self.app = app

    def build(self, frame: Frame) -> list[View]:
        full = (0, 0, frame.width, frame.height)
        launcher = View("android.widget.FrameLayout", full, resource_id=rid("launcher"),
                        style=Style(background=WALLPAPER))
        drag = View("android.widget.FrameLayout", full, resource_id=rid("drag_layer"))
        workspace = View("android.widget.ScrollView", full, resource_id=rid("workspace"), scrollable=True,
                         on_scroll=self._scrolled)
        margin = frame.dp(8)
        page = View("android.view.ViewGroup", (margin, frame.status_bar, frame.width - margin,
                                               frame.content_bottom - frame.dp(180)))
        date_text = self.app.ctx.now().strftime("%a, %b ") + str(self.app.ctx.now().day)
        page.add(text_view((frame.dp(28), frame.status_bar + frame.dp(24), frame.width // 2,
                            frame.status_bar + frame.dp(64)), date_text, rid=rid("date"), desc=date_text,
                           size=frame.dp(22), color="#ffffff"))
        columns, cell_w, cell_h = 4, (frame.width - 2 * margin) // 4, frame.dp(100)
        apps = self.app.launchables()
        rows = (len(apps) + columns - 1) // columns
        grid_top = page.bounds[3] - rows * cell_h
        for index, app in enumerate(apps):
            x = margin + (index % columns) * cell_w
            y = grid_top + (index // columns) * cell_h
            page.add(self.app.icon(frame, app, (x, y, x + cell_w, y + cell_h)))
        workspace.add(page)
        hint = text_view((0, frame.content_bottom - frame.dp(64), frame.width, frame.content_bottom - frame.dp(40)),
                         "⌃ Swipe up for all apps", size=frame.dp(12), color="#c8d3e0", align="center")
        hint.in_dump = False  # drawn, but not an accessibility node
        drag.add(workspace, hint)
        launcher.add(drag)
        return [launcher]

    def _scrolled(self, delta: int) -> None:
        if delta > 0:
            self.app.push(AllAppsScreen(self.app))


class AllAppsScreen(Screen):
    activity = ACTIVITY

    def __init__(self, app: LauncherApp) -> None:
        self.app = app
        self.scroll = ScrollState()

    def build(self, frame: Frame) -> list[View]:
        full = (0, 0, frame.width, frame.height)
        launcher = View("android.widget.FrameLayout", full, resource_id=rid("launcher"),
                        style=Style(background="#1b2433"))
        apps_view = View("android.widget.FrameLayout", full, resource_id=rid("apps_view"))
        apps = sorted(self.app.launchables(), key=lambda a: a.label.lower())
        columns, row_h = 4, frame.dp(104)
        cell_w = frame.width // columns

        def row(chunk: list[type[SimApp]]):
            def build(b: tuple[int, int, int, int]) -> View:
                group = View("android.view.ViewGroup", b)
                for i, app in enumerate(chunk):
                    group.add(self.app.icon(frame, app, (i * cell_w, b[1], (i + 1) * cell_w, b[3])))
                return group
            return row_h, build

        rows = [row(apps[i:i + columns]) for i in range(0, len(apps), columns)]
        apps_list = scroll_list(frame, (0, frame.status_bar + frame.dp(96), frame.width, frame.content_bottom), rows,
                                self.scroll, rid=rid("apps_list_view"), on_scroll=self._scrolled)
        apps_list.scrollable = True
        if apps_list.on_scroll is None:
            apps_list.on_scroll = self._scrolled
        apps_view.add(apps_list)
        launcher.add(apps_view)
        return [launcher]

    def _scrolled(self, delta: int) -> None:
        if delta < 0 and self.scroll.offset == 0:
            self.app.pop()
