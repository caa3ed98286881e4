"""Simple Calendar Pro's event editor (EventActivity): text fields, date/time rows that open the platform
pickers, Save with the app's validation, and Delete behind a confirmation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from autoplay_gym.envs.android.sim.apps.base import Screen
from autoplay_gym.envs.android.sim.apps.calendar_store import PACKAGE, Event
from autoplay_gym.envs.android.sim.apps.pickers import date_picker, time_picker
from autoplay_gym.envs.android.sim.ui.view import Style, View
from autoplay_gym.envs.android.sim.ui.widgets import (
    Frame,
    TextField,
    alert_dialog,
    edit_text,
    image_button,
    text_view,
    toolbar,
)

if TYPE_CHECKING:
    from autoplay_gym.envs.android.sim.apps.calendar_app import CalendarApp

EVENT_ACTIVITY = f"{PACKAGE}.activities.EventActivity"
UTC = dt.timezone.utc


def rid(name: str) -> str:
    return f"{PACKAGE}:id/{name}"


class EventEditor(Screen):
    activity = EVENT_ACTIVITY

    def __init__(self, app: CalendarApp, event: Event) -> None:
        self.app = app
        self.event_id = event.id
        self.start = dt.datetime.fromtimestamp(event.start_ts, tz=UTC)
        self.end = dt.datetime.fromtimestamp(event.end_ts, tz=UTC)
        self.title = TextField("Title", event.title)
        self.location = TextField("Location", event.location)
        self.description = TextField("Description", event.description)

    def initial_focus(self) -> TextField | None:
        return self.title if self.event_id is None else None

    def build(self, frame: Frame) -> list[View]:
        icon = frame.dp(48)
        actions = []
        if self.event_id is not None:
            actions.append(image_button((0, 0, icon, icon), "Delete", "✖", self.confirm_delete, rid=rid("delete")))
        actions.append(image_button((0, 0, icon, icon), "Save", "✓", self.save, rid=rid("save")))
        title = "Edit Event" if self.event_id is not None else "New Event"
        views: list[View] = [toolbar(frame, PACKAGE, title, top=frame.status_bar, navigate_up=self.app.back,
                                     actions=actions)]
        top = frame.status_bar + frame.dp(72)
        left, right = frame.dp(16), frame.width - frame.dp(16)
        for field_, name in ((self.title, "event_title"), (self.location, "event_location"),
                             (self.description, "event_description")):
            views.append(edit_text((left, top, right, top + frame.dp(56)), field_, focused=self.app.focus is field_,
                                   on_focus=self.app.focus_field(field_), rid=rid(name), size=frame.dp(16)))
            top += frame.dp(68)
        for label, moment, prefix in (("Start", self.start, "event_start"), ("End", self.end, "event_end")):
            row = View("android.widget.RelativeLayout", (0, top, frame.width, top + frame.dp(56)))
            row.add(text_view((left, top, left + frame.dp(64), top + frame.dp(56)), label, size=frame.dp(14),
                              color="#444746"),
                    text_view((left + frame.dp(72), top, frame.width // 2 + frame.dp(80), top + frame.dp(56)),
                              moment.strftime("%a, %b ") + f"{moment.day}, {moment.year}", rid=rid(prefix + "_date"),
                              size=frame.dp(16), on_click=self._pick_date(prefix)),
                    text_view((frame.width // 2 + frame.dp(96), top, right, top + frame.dp(56)),
                              moment.strftime("%H:%M"), rid=rid(prefix + "_time"), size=frame.dp(16), align="right",
                              on_click=self._pick_time(prefix)))
            views.append(row)
            top += frame.dp(64)
        views.append(View("android.widget.ImageView", (0, top, frame.width, top + 2), in_dump=False,
                          style=Style(background="#e0e0e0")))
        return views

    # -- pickers ---------------------------------------------------------------------------------------------
    def _get(self, prefix: str) -> dt.datetime:
        return self.start if prefix == "event_start" else self.end

    def _set(self, prefix: str, value: dt.datetime) -> None:
        if prefix == "event_start":
            duration = self.end - self.start
            self.start, self.end = value, value + duration  # moving the start keeps the duration, as the app does
        else:
            self.end = value

    def _pick_date(self, prefix: str) -> Callable[[], None]:
        def open_picker() -> None:
            current = self._get(prefix)
            state = {"picked": current.date(), "shown": current.date().replace(day=1)}

            def done(day: dt.date) -> None:
                self._set(prefix, self._get(prefix).replace(year=day.year, month=day.month, day=day.day))
                self.app.dismiss_dialog()
            self.app.show_dialog(lambda frame: date_picker(frame, PACKAGE, state, done, self.app.dismiss_dialog))
        return open_picker

    def _pick_time(self, prefix: str) -> Callable[[], None]:
        def open_picker() -> None:
            current = self._get(prefix)
            hour = TextField("hh", f"{current.hour:02d}", select_all=True, numeric=True)
            minute = TextField("mm", f"{current.minute:02d}", select_all=True, numeric=True)

            def done() -> None:
                if not (hour.value.isdigit() and minute.value.isdigit() and int(hour.value) < 24
                        and int(minute.value) < 60):
                    return  # the dialog stays open on an invalid time
                self._set(prefix, self._get(prefix).replace(hour=int(hour.value), minute=int(minute.value)))
                self.app.dismiss_dialog()

            self.app.show_dialog(lambda frame: time_picker(frame, PACKAGE, hour, minute, self.app.focus,
                                                           self._focus_in_dialog, done, self.app.dismiss_dialog))
            self.app.focus = hour
        return open_picker

    def _focus_in_dialog(self, field_: TextField) -> Callable[[], None]:
        def focus() -> None:
            self.app.focus = field_
        return focus

    # -- actions ---------------------------------------------------------------------------------------------
    def save(self) -> None:
        if not self.title.value.strip():
            self.app.ctx.toast("Title cannot be empty")
            return
        if self.end < self.start:
            self.app.ctx.toast("The end date cannot be before the start date")
            return
        self.app.store.save(Event(self.event_id, int(self.start.timestamp()), int(self.end.timestamp()),
                                  self.title.value.strip(), self.location.value.strip(),
                                  self.description.value.strip()))
        self.app.pop()

    def confirm_delete(self) -> None:
        def delete() -> None:
            if self.event_id is not None:
                self.app.store.delete(self.event_id)
            self.app.dismiss_dialog()
            self.app.pop()

        self.app.show_dialog(lambda frame: alert_dialog(
            frame, PACKAGE, title="", message="Are you sure you want to proceed with the deletion?",
            buttons=[("Yes", delete), ("No", self.app.dismiss_dialog)], on_cancel=self.app.dismiss_dialog))
