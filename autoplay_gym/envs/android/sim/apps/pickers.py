"""The platform's date and time picker dialogs (DatePickerDialog in calendar mode, TimePickerDialog in its
keyboard-input mode), with the android:id names the framework uses."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable

from autoplay_gym.envs.android.sim.ui.view import Style, View, Window
from autoplay_gym.envs.android.sim.ui.widgets import (
    PRIMARY,
    Frame,
    TextField,
    button,
    edit_text,
    image_button,
    text_view,
)

Close = Callable[[], None]


def _dialog_shell(frame: Frame, package: str, height: int, on_cancel: Close) -> tuple[View, View, tuple[int, ...]]:
    inset = frame.dp(16)
    left, right = frame.dp(24) + inset, frame.width - frame.dp(24) - inset
    top = (frame.height - height) // 2
    box = (left, top, right, top + height)
    content = View("android.widget.FrameLayout", box, resource_id="android:id/content")
    root = View("android.widget.FrameLayout", (left - inset, top - inset, right + inset, top + height + inset),
                children=[View("android.widget.FrameLayout", box, style=Style(background="#f0f4f9",
                                                                               radius=frame.dp(28)),
                               children=[content])])
    return root, content, box


def date_picker(frame: Frame, package: str, state: dict[str, dt.date], on_ok: Callable[[dt.date], None],
                on_cancel: Close) -> Window:
    """`state["shown"]` is the month on display and `state["picked"]` the selected day; both survive redraws."""
    picked, shown = state["picked"], state["shown"]
    weeks = calendar.Calendar(firstweekday=6).monthdayscalendar(shown.year, shown.month)
    cell = frame.dp(44)
    height = frame.dp(96) + frame.dp(56) + cell * (len(weeks) + 1) + frame.dp(64)
    root, content, (left, top, right, bottom) = _dialog_shell(frame, package, height, on_cancel)
    header = View("android.widget.LinearLayout", (left, top, right, top + frame.dp(96)),
                  resource_id="android:id/date_picker_header")
    header.add(text_view((left + frame.dp(24), top + frame.dp(12), right, top + frame.dp(40)), str(picked.year),
                         rid="android:id/date_picker_header_year", size=frame.dp(15)),
               text_view((left + frame.dp(24), top + frame.dp(40), right, top + frame.dp(88)),
                         picked.strftime("%a, %b ") + str(picked.day), rid="android:id/date_picker_header_date",
                         size=frame.dp(30)))
    y = top + frame.dp(96)

    def move(months: int) -> Callable[[], None]:
        def go() -> None:
            index = shown.year * 12 + shown.month - 1 + months
            state["shown"] = dt.date(index // 12, index % 12 + 1, 1)
        return go

    nav = View("android.view.ViewGroup", (left, y, right, y + frame.dp(56)),
               resource_id="android:id/day_picker_view_pager")
    nav.add(image_button((left + frame.dp(8), y + frame.dp(4), left + frame.dp(56), y + frame.dp(52)),
                         "Previous month", "‹", move(-1), rid="android:id/prev"),
            text_view((left + frame.dp(64), y, right - frame.dp(64), y + frame.dp(56)),
                      shown.strftime("%B %Y"), rid="android:id/month_name", align="center", size=frame.dp(15)),
            image_button((right - frame.dp(56), y + frame.dp(4), right - frame.dp(8), y + frame.dp(52)),
                         "Next month", "›", move(1), rid="android:id/next"))
    y += frame.dp(56)
    grid_left = left + (right - left - 7 * cell) // 2
    month_view = View("android.view.View", (grid_left, y, grid_left + 7 * cell, y + cell * (len(weeks) + 1)),
                      resource_id="android:id/month_view")
    for column, name in enumerate("SMTWTFS"):
        x = grid_left + column * cell
        month_view.add(View("android.view.View", (x, y, x + cell, y + cell), text=name, in_dump=False,
                            style=Style(size=frame.dp(12), align="center", color="#444746")))
    for row, week in enumerate(weeks, start=1):
        for column, day in enumerate(week):
            if not day:
                continue
            date = dt.date(shown.year, shown.month, day)
            x, cell_top = grid_left + column * cell, y + row * cell

            def choose(d: dt.date = date) -> None:
                state["picked"] = d
            selected = date == picked
            month_view.add(View("android.view.View", (x, cell_top, x + cell, cell_top + cell), text=str(day),
                                content_desc=f"{day} {date.strftime('%B %Y')}", clickable=True, checkable=True,
                                checked=selected, selected=selected, on_click=choose,
                                style=Style(size=frame.dp(14), align="center", radius=cell // 2,
                                            background=PRIMARY if selected else None,
                                            color="#ffffff" if selected else "#1f1f1f")))
    y += cell * (len(weeks) + 1)
    content.add(header, nav, month_view, _buttons(frame, left, right, y, lambda: on_ok(state["picked"]), on_cancel))
    return Window(package, root, title="date picker", is_dialog=True, on_outside_tap=on_cancel)


def time_picker(frame: Frame, package: str, hour: TextField, minute: TextField, focus: TextField | None,
                focus_on: Callable[[TextField], Callable[[], None]], on_ok: Close, on_cancel: Close) -> Window:
    height = frame.dp(64) + frame.dp(96) + frame.dp(64)
    root, content, (left, top, right, bottom) = _dialog_shell(frame, package, height, on_cancel)
    content.add(text_view((left + frame.dp(24), top + frame.dp(16), right, top + frame.dp(56)), "Type in time",
                          rid="android:id/top_label", size=frame.dp(14)))
    y = top + frame.dp(64)
    field_w = frame.dp(96)
    x = left + frame.dp(24)
    content.add(edit_text((x, y, x + field_w, y + frame.dp(72)), hour, focused=focus is hour,
                          on_focus=focus_on(hour), rid="android:id/input_hour", size=frame.dp(28)),
                text_view((x + field_w, y, x + field_w + frame.dp(24), y + frame.dp(72)), ":",
                          rid="android:id/input_separator", align="center", size=frame.dp(28)),
                edit_text((x + field_w + frame.dp(24), y, x + 2 * field_w + frame.dp(24), y + frame.dp(72)), minute,
                          focused=focus is minute, on_focus=focus_on(minute), rid="android:id/input_minute",
                          size=frame.dp(28)))
    y += frame.dp(96)
    content.add(_buttons(frame, left, right, y, on_ok, on_cancel))
    return Window(package, root, title="time picker", is_dialog=True, on_outside_tap=on_cancel)


def _buttons(frame: Frame, left: int, right: int, y: int, on_ok: Close, on_cancel: Close) -> View:
    bar = View("android.widget.LinearLayout", (left, y, right, y + frame.dp(64)))
    ok_box = (right - frame.dp(88), y + frame.dp(8), right - frame.dp(16), y + frame.dp(56))
    cancel_box = (ok_box[0] - frame.dp(104), ok_box[1], ok_box[0] - frame.dp(8), ok_box[3])
    bar.add(button(cancel_box, "Cancel", on_cancel, rid="android:id/button2"),
            button(ok_box, "OK", on_ok, rid="android:id/button1"))
    return bar
