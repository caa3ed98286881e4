"""Builders for the standard Android widgets the simulated apps are made of (toolbars, buttons, text fields,
lists, dialogs), producing the class names and android:id resource ids real apps expose."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from autoplay_gym.envs.android.sim.ui.view import Action, Bounds, Style, View, Window, intersect

PRIMARY = "#0b57d0"
ON_SURFACE = "#1f1f1f"
SECONDARY_TEXT = "#444746"
HINT_TEXT = "#747775"
SURFACE_VARIANT = "#e9eef6"
DIVIDER = "#e0e0e0"


@dataclass
class Frame:
    """Screen geometry for layout; everything is expressed in dp and converted with the current density."""

    width: int
    height: int
    density: int

    def dp(self, value: float) -> int:
        return round(value * self.density / 160)

    @property
    def status_bar(self) -> int:
        return self.dp(24)

    @property
    def nav_bar(self) -> int:
        return self.dp(24)

    @property
    def content_bottom(self) -> int:
        return self.height - self.nav_bar


@dataclass
class TextField:
    """An editable field's model: `input text` appends, DEL deletes, Ctrl+A selects all (then typing replaces)."""

    hint: str
    value: str = ""
    select_all: bool = False
    numeric: bool = False

    def insert(self, text: str) -> None:
        if self.select_all:
            self.value, self.select_all = "", False
        self.value += text

    def backspace(self) -> None:
        if self.select_all:
            self.value, self.select_all = "", False
        else:
            self.value = self.value[:-1]


@dataclass
class ScrollState:
    offset: int = 0


def decor(frame: Frame, *content: View, background: str = "#ffffff") -> View:
    """Root FrameLayout > LinearLayout > android:id/content, as every activity window dumps."""
    full = (0, 0, frame.width, frame.height)
    holder = View("android.widget.FrameLayout", full, resource_id="android:id/content", children=list(content))
    return View("android.widget.FrameLayout", full, style=Style(background=background),
                children=[View("android.widget.LinearLayout", full, children=[holder])])


def text_view(bounds: Bounds, text: str, *, rid: str = "", size: int = 42, bold: bool = False,
              color: str = ON_SURFACE, align: str = "left", desc: str = "", on_click: Action | None = None,
              wrap: bool = False, background: str | None = None, padding: int = 0) -> View:
    return View("android.widget.TextView", bounds, text=text, resource_id=rid, content_desc=desc,
                clickable=on_click is not None, focusable=on_click is not None, on_click=on_click,
                style=Style(size=size, bold=bold, color=color, align=align, valign="top" if wrap else "center",
                            background=background, padding=padding))


def button(bounds: Bounds, text: str, on_click: Action, *, rid: str = "", filled: bool = False,
           enabled: bool = True, desc: str = "") -> View:
    style = Style(background=PRIMARY if filled else None, color="#ffffff" if filled else PRIMARY, size=40,
                  bold=True, align="center", radius=(bounds[3] - bounds[1]) // 2)
    if not enabled:
        style.color = HINT_TEXT
        style.background = DIVIDER if filled else None
    return View("android.widget.Button", bounds, text=text, resource_id=rid, content_desc=desc, clickable=True,
                focusable=True, enabled=enabled, on_click=on_click, style=style)


def image_button(bounds: Bounds, desc: str, glyph: str, on_click: Action, *, rid: str = "",
                 color: str = ON_SURFACE, cls: str = "android.widget.ImageButton", background: str | None = None,
                 radius: int = 0, checked: bool | None = None) -> View:
    return View(cls, bounds, content_desc=desc, resource_id=rid, clickable=True, focusable=True,
                long_clickable=cls == "android.widget.ImageButton", on_click=on_click,
                checkable=checked is not None, checked=bool(checked),
                style=Style(icon=glyph, icon_color=color, background=background, radius=radius))


def edit_text(bounds: Bounds, field: TextField, *, focused: bool, on_focus: Action, rid: str = "",
              desc: str = "", size: int = 44) -> View:
    """An EditText: when empty it reports its hint as text, as TextView's accessibility node does."""
    shown = field.value or field.hint
    color = ON_SURFACE if field.value else HINT_TEXT
    border = PRIMARY if focused else "#747775"
    return View("android.widget.EditText", bounds, text=shown, resource_id=rid, content_desc=desc,
                clickable=True, focusable=True, focused=focused, long_clickable=True, on_click=on_focus,
                style=Style(size=size, color=color, border=border, radius=12, padding=36))


def toolbar(frame: Frame, package: str, title: str, *, top: int, navigate_up: Action | None = None,
            up_desc: str = "Navigate up", up_glyph: str = "←",
            actions: list[View] | None = None, height_dp: int = 64) -> View:
    """A Material toolbar (androidx ViewGroup) with an optional up button, a title and action views."""
    height = frame.dp(height_dp)
    bar = View("android.view.ViewGroup", (0, top, frame.width, top + height), resource_id=f"{package}:id/toolbar")
    x = frame.dp(4)
    if navigate_up is not None:
        size = frame.dp(48)
        y = top + (height - size) // 2
        bar.add(image_button((x, y, x + size, y + size), up_desc, up_glyph, navigate_up))
        x += size + frame.dp(12)
    else:
        x = frame.dp(16)
    right = frame.width - frame.dp(4)
    for action in reversed(actions or []):
        w = action.bounds[2] - action.bounds[0]
        h = action.bounds[3] - action.bounds[1]
        action.bounds = (right - w, top + (height - h) // 2, right, top + (height - h) // 2 + h)
        right -= w
    if title:
        bar.add(text_view((x, top, right, top + height), title, size=frame.dp(22) * 42 // 56 + 16))
    bar.add(*(actions or []))
    return bar


def fab(frame: Frame, desc: str, on_click: Action, *, rid: str, glyph: str = "+", text: str = "") -> View:
    size = frame.dp(56)
    right = frame.width - frame.dp(16)
    bottom = frame.content_bottom - frame.dp(16)
    width = size if not text else frame.dp(150)
    node = image_button((right - width, bottom - size, right, bottom), desc, glyph if not text else "", on_click,
                        rid=rid, background="#d3e3fd", radius=frame.dp(16), color="#041e49")
    if text:
        node.cls = "android.widget.Button"
        node.text = text
        node.style.color, node.style.size, node.style.bold, node.style.align = "#041e49", 40, True, "center"
    return node


def scroll_list(frame: Frame, bounds: Bounds, rows: list[tuple[int, Callable[[Bounds], View]]],
                state: ScrollState, *, rid: str = "", cls: str = "androidx.recyclerview.widget.RecyclerView",
                on_scroll: Callable[[int], None] | None = None) -> View:
    """A scrolling list that attaches only the rows intersecting its viewport, clipped to it."""
    left, top, right, bottom = bounds
    content_height = sum(height for height, _ in rows)
    limit = max(0, content_height - (bottom - top))
    state.offset = max(0, min(state.offset, limit))

    def scroll(delta: int) -> None:
        state.offset = max(0, min(state.offset + delta, limit))
        if on_scroll is not None:
            on_scroll(delta)

    container = View(cls, bounds, resource_id=rid, scrollable=limit > 0, focusable=True,
                     on_scroll=scroll if limit > 0 else None, clips_children=True)
    y = top - state.offset
    for height, build in rows:
        row_bounds = (left, y, right, y + height)
        if intersect(row_bounds, bounds) is not None:
            container.add(_clip_tree(build(row_bounds), bounds))
        y += height
    return container


def _clip_tree(node: View, viewport: Bounds) -> View:
    """Accessibility bounds are the visible part; the renderer keeps the full geometry and cuts the pixels."""
    node.draw_bounds = node.bounds
    clipped = intersect(node.bounds, viewport)
    node.bounds = clipped if clipped is not None else (node.bounds[0], viewport[1], node.bounds[2], viewport[1])
    node.children = [_clip_tree(child, viewport) for child in node.children
                     if intersect(child.bounds, viewport) is not None]
    return node


def alert_dialog(frame: Frame, package: str, *, title: str, message: str,
                 buttons: list[tuple[str, Action]], on_cancel: Action | None = None,
                 items: list[tuple[str, bool, Action]] | None = None) -> Window:
    """An AlertDialog window with the framework's ids (parentPanel, alertTitle, message, button1/button2).

    `buttons` runs positive first (button1), then negative (button2); like ButtonBarLayout the negative one
    sits to the left and comes first in the dump.
    """
    inset = frame.dp(16)
    left, right = frame.dp(28) + inset, frame.width - frame.dp(28) - inset
    inner_left, inner_right = left + frame.dp(24), right - frame.dp(24)
    title_h = frame.dp(64) if title else 0
    lines = max(1, sum(len(part) // 40 + 1 for part in message.split("\n"))) if message else 0
    message_h = frame.dp(24) * lines + frame.dp(16) if message else 0
    buttons_h = frame.dp(64)
    item_h = frame.dp(48)
    items_h = item_h * len(items or [])
    height = frame.dp(8) + title_h + message_h + items_h + buttons_h
    top = (frame.height - height) // 2
    bottom = top + height
    panel = View("android.widget.LinearLayout", (left, top, right, bottom), resource_id="android:id/parentPanel")
    y = top + frame.dp(8)
    if title:
        title_box = (left, top, right, y + title_h)
        panel.add(View("android.widget.LinearLayout", title_box, resource_id="android:id/topPanel", children=[
            View("android.widget.LinearLayout", title_box, resource_id="android:id/title_template", children=[
                text_view((inner_left, y + frame.dp(16), inner_right, y + title_h), title,
                          rid="android:id/alertTitle", size=frame.dp(22))])]))
        y += title_h
    if message:
        box = (left, y, right, y + message_h)
        panel.add(View("android.widget.FrameLayout", box, resource_id="android:id/contentPanel", children=[
            View("android.widget.ScrollView", box, resource_id="android:id/scrollView", children=[
                View("android.widget.LinearLayout", box, children=[
                    text_view((inner_left, y, inner_right, y + message_h), message, rid="android:id/message",
                              color=SECONDARY_TEXT, wrap=True, size=frame.dp(15))])])]))
        y += message_h
    if items:
        listing = View("android.widget.ListView", (left, y, right, y + items_h),
                       resource_id="android:id/select_dialog_listview")
        for offset, (label, checked, action) in enumerate(items):
            top_y = y + offset * item_h
            listing.add(View("android.widget.CheckedTextView", (left, top_y, right, top_y + item_h), text=label,
                             resource_id="android:id/text1", checkable=True, checked=checked, clickable=True,
                             focusable=True, on_click=action,
                             style=Style(size=frame.dp(16), padding=frame.dp(24),
                                         background=SURFACE_VARIANT if checked else None)))
        panel.add(View("android.widget.FrameLayout", (left, y, right, y + items_h),
                       resource_id="android:id/customPanel", children=[listing]))
        y += items_h
    bar_box = (left, y, right, bottom)
    bar = View("android.widget.LinearLayout", bar_box)
    x = inner_right
    placed = []
    for index, (label, action) in enumerate(buttons[:3]):
        width = max(frame.dp(64), len(label) * frame.dp(9) + frame.dp(24))
        rid = ("android:id/button1", "android:id/button2", "android:id/button3")[index]
        placed.append(button((x - width, y + frame.dp(8), x, y + frame.dp(56)), label, action, rid=rid))
        x -= width + frame.dp(8)
    bar.children = list(reversed(placed))
    panel.add(View("android.widget.ScrollView", bar_box, resource_id="android:id/buttonPanel", children=[bar]))
    content = View("android.widget.FrameLayout", (left, top, right, bottom), resource_id="android:id/content",
                   children=[panel])
    card = View("android.widget.FrameLayout", (left, top, right, bottom),
                style=Style(background="#f0f4f9", radius=frame.dp(28)), children=[content])
    root = View("android.widget.FrameLayout", (left - inset, top - inset, right + inset, bottom + inset),
                children=[card])
    return Window(package, root, title="dialog", is_dialog=True, on_outside_tap=on_cancel)
