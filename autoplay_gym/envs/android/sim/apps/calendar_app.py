"""Simple Calendar Pro: a month grid, a day's event list, and the event editor (title, location, description,
start/end date and time through the platform pickers), saving to events.db; delete asks first."""

from __future__ import annotations

import calendar
import datetime as dt

from autoplay_gym.envs.android.sim.apps.base import AppContext, Intent, Screen, SimApp
from autoplay_gym.envs.android.sim.apps.calendar_editor import EVENT_ACTIVITY, EventEditor
from autoplay_gym.envs.android.sim.apps.calendar_store import DB_DEVICE_PATH, PACKAGE, CalendarStore, Event
from autoplay_gym.envs.android.sim.ui.view import Style, View
from autoplay_gym.envs.android.sim.ui.widgets import (
    SECONDARY_TEXT,
    Frame,
    ScrollState,
    fab,
    image_button,
    scroll_list,
    text_view,
    toolbar,
)

MAIN = f"{PACKAGE}.activities.MainActivity"
UTC = dt.timezone.utc


def rid(name: str) -> str:
    return f"{PACKAGE}:id/{name}"


def day_bounds(day: dt.date) -> tuple[int, int]:
    start = int(dt.datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    return start, start + 86400


class MonthScreen(Screen):
    activity = MAIN

    def __init__(self, app: CalendarApp) -> None:
        self.app = app
        today = app.ctx.now().date()
        self.month = dt.date(today.year, today.month, 1)

    def build(self, frame: Frame) -> list[View]:
        views = [toolbar(frame, PACKAGE, "Simple Calendar", top=frame.status_bar)]
        top = frame.status_bar + frame.dp(64)
        header = View("android.widget.RelativeLayout", (0, top, frame.width, top + frame.dp(56)),
                      resource_id=rid("month_calendar_holder"))
        header.add(image_button((frame.dp(8), top + frame.dp(4), frame.dp(56), top + frame.dp(52)), "Previous",
                                "‹", lambda: self._move(-1), rid=rid("top_left_arrow"),
                                cls="android.widget.ImageView"),
                   text_view((frame.dp(64), top, frame.width - frame.dp(64), top + frame.dp(56)),
                             self.month.strftime("%B %Y"), rid=rid("top_value"), align="center", size=frame.dp(18)),
                   image_button((frame.width - frame.dp(56), top + frame.dp(4), frame.width - frame.dp(8),
                                 top + frame.dp(52)), "Next", "›", lambda: self._move(1), rid=rid("top_right_arrow"),
                                cls="android.widget.ImageView"))
        views.append(header)
        top += frame.dp(56)
        cell_w = frame.width // 7
        for column, name in enumerate(("S", "M", "T", "W", "T", "F", "S")):
            views.append(text_view((column * cell_w, top, (column + 1) * cell_w, top + frame.dp(32)), name,
                                   align="center", size=frame.dp(13), color=SECONDARY_TEXT))
        top += frame.dp(32)
        weeks = calendar.Calendar(firstweekday=6).monthdatescalendar(self.month.year, self.month.month)
        cell_h = (frame.content_bottom - frame.dp(88) - top) // len(weeks)
        start, _ = day_bounds(weeks[0][0])
        _, end = day_bounds(weeks[-1][-1])
        events = self.app.store.events_between(start, end)
        today = self.app.ctx.now().date()
        grid = View("android.widget.LinearLayout", (0, top, frame.width, top + cell_h * len(weeks)),
                    resource_id=rid("month_days_holder"))
        for row, week in enumerate(weeks):
            for column, day in enumerate(week):
                box = (column * cell_w, top + row * cell_h, (column + 1) * cell_w, top + (row + 1) * cell_h)
                grid.add(self._cell(frame, box, day, events, today))
        views.append(grid)
        views.append(fab(frame, "New Event", lambda: self.app.new_event(today), rid=rid("calendar_fab")))
        return views

    def _cell(self, frame: Frame, box: tuple[int, int, int, int], day: dt.date, events: list[Event],
              today: dt.date) -> View:
        start, end = day_bounds(day)
        todays = [e for e in events if e.start_ts < end and e.end_ts >= start]
        in_month = day.month == self.month.month
        cell = View("android.widget.RelativeLayout", box, clickable=True, focusable=True,
                    content_desc=f"{day.day} {day.strftime('%B')}" + (f", {len(todays)} events" if todays else ""),
                    on_click=lambda: self.app.open_day(day),
                    style=Style(border="#e0e0e0" if day != today else "#0b57d0"))
        cell.add(text_view((box[0], box[1] + frame.dp(2), box[2], box[1] + frame.dp(24)), str(day.day),
                           align="center", size=frame.dp(13), color="#1f1f1f" if in_month else "#9aa0a6",
                           bold=day == today))
        for index, event in enumerate(todays[:2]):
            y = box[1] + frame.dp(26) + index * frame.dp(18)
            cell.add(text_view((box[0] + 2, y, box[2] - 2, y + frame.dp(17)), event.title, size=frame.dp(10),
                               color="#ffffff", background="#0b57d0"))
        return cell

    def _move(self, months: int) -> None:
        index = self.month.year * 12 + self.month.month - 1 + months
        self.month = dt.date(index // 12, index % 12 + 1, 1)


class DayScreen(Screen):
    activity = MAIN

    def __init__(self, app: CalendarApp, day: dt.date) -> None:
        self.app = app
        self.day = day
        self.scroll = ScrollState()

    def build(self, frame: Frame) -> list[View]:
        title = self.day.strftime("%B ") + f"{self.day.day} ({self.day.strftime('%a')})"
        views = [toolbar(frame, PACKAGE, title, top=frame.status_bar, navigate_up=self.app.back)]
        start, end = day_bounds(self.day)
        events = self.app.store.events_between(start, end)
        top = frame.status_bar + frame.dp(64)
        if not events:
            views.append(text_view((0, top + frame.dp(40), frame.width, top + frame.dp(80)), "No events",
                                   align="center", color=SECONDARY_TEXT, size=frame.dp(16)))
        else:
            def row(event: Event):
                def build(b: tuple[int, int, int, int]) -> View:
                    when = _clock(event.start_ts) + " - " + _clock(event.end_ts)
                    node = View("android.widget.RelativeLayout", b, clickable=True, focusable=True,
                                on_click=lambda: self.app.edit_event(event.id or 0),
                                style=Style(border="#e0e0e0"))
                    node.add(text_view((b[0] + frame.dp(24), b[1] + frame.dp(8), b[2] - frame.dp(16),
                                        b[1] + frame.dp(36)), event.title, rid=rid("event_item_title"),
                                       size=frame.dp(16), bold=True),
                             text_view((b[0] + frame.dp(24), b[1] + frame.dp(36), b[2] - frame.dp(16),
                                        b[1] + frame.dp(58)), when, rid=rid("event_item_time"), size=frame.dp(14),
                                       color=SECONDARY_TEXT))
                    if event.location:
                        node.add(text_view((b[0] + frame.dp(24), b[1] + frame.dp(58), b[2] - frame.dp(16),
                                            b[1] + frame.dp(80)), event.location, rid=rid("event_item_location"),
                                           size=frame.dp(14), color=SECONDARY_TEXT))
                    return node
                return frame.dp(88), build

            views.append(scroll_list(frame, (0, top, frame.width, frame.content_bottom), [row(e) for e in events],
                                     self.scroll, rid=rid("day_events")))
        views.append(fab(frame, "New Event", lambda: self.app.new_event(self.day), rid=rid("calendar_fab")))
        return views


def _clock(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, tz=UTC).strftime("%H:%M")


class CalendarApp(SimApp):
    package = PACKAGE
    label = "Simple Calendar Pro"
    launch_activity = MAIN
    activities = (MAIN, EVENT_ACTIVITY)
    icon_color = "#e7511e"
    icon_glyph = "▦"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.store = CalendarStore(lambda: ctx.fs.host_path(DB_DEVICE_PATH), ctx.now_ms)

    @classmethod
    def handles(cls, intent: Intent) -> bool:
        return (intent.data or "").startswith("content://com.android.calendar") and intent.action in (
            "android.intent.action.VIEW", "android.intent.action.INSERT", "android.intent.action.EDIT")

    def start(self, intent: Intent, cold: bool) -> None:
        with self.store.session():
            pass  # the app creates its database on launch, as AndroidWorld's setup expects
        super().start(intent, cold)
        if intent.component == f"{PACKAGE}/{EVENT_ACTIVITY}" or intent.action == "android.intent.action.INSERT":
            self.new_event(self.ctx.now().date())

    def main_screen(self) -> Screen:
        return MonthScreen(self)

    def open_day(self, day: dt.date) -> None:
        self.push(DayScreen(self, day))

    def new_event(self, day: dt.date) -> None:
        now = self.ctx.now()
        start_hour = min(now.hour + 1, 23)
        start = dt.datetime(day.year, day.month, day.day, start_hour, 0, tzinfo=UTC)
        event = Event(None, int(start.timestamp()), int(start.timestamp()) + 3600, "")
        self.push(EventEditor(self, event))

    def edit_event(self, event_id: int) -> None:
        event = self.store.get(event_id)
        if event is not None:
            self.push(EventEditor(self, event))
