"""The Contacts editor (create and edit): name, phone with its label, email; Save, and a discard prompt when
leaving with unsaved changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autoplay_gym.envs.android.sim.apps.base import Screen
from autoplay_gym.envs.android.sim.apps.contacts_provider import PHONE_TYPES, Contact
from autoplay_gym.envs.android.sim.ui.view import Style, View, Window
from autoplay_gym.envs.android.sim.ui.widgets import (
    SECONDARY_TEXT,
    Frame,
    TextField,
    alert_dialog,
    button,
    edit_text,
    toolbar,
)

if TYPE_CHECKING:
    from autoplay_gym.envs.android.sim.apps.contacts_app import ContactsApp

EDITOR = "com.android.contacts.activities.ContactEditorActivity"
LABEL_ORDER = (2, 1, 3, 7)  # Mobile, Home, Work, Other: the order of the label picker


def split_name(name: str) -> tuple[str, str]:
    """The editor's structured-name split of a display name: first word given, the rest family."""
    parts = name.strip().split(None, 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ((parts[0], "") if parts else ("", ""))


class EditorScreen(Screen):
    activity = EDITOR

    def __init__(self, app: ContactsApp, contact: Contact | None, *, given: str = "", family: str = "",
                 phone: str = "", email: str = "") -> None:
        self.app = app
        self.contact_id = contact.id if contact else None
        if contact is not None:
            given, family = contact.given, contact.family
            if not (given or family) and not contact.phones and not contact.emails:
                given, family = split_name(contact.display_name)
            phone = contact.phones[0][0] if contact.phones else ""
            email = contact.emails[0] if contact.emails else ""
        self.phone_type = contact.phones[0][1] if contact and contact.phones else 2
        self.fields = [TextField("First name", given), TextField("Last name", family),
                       TextField("Phone", phone, numeric=True), TextField("Email", email)]
        self._initial = self._values()

    def initial_focus(self) -> TextField | None:
        return self.fields[0] if self.contact_id is None else None

    def _values(self) -> tuple:
        return tuple(f.value for f in self.fields) + (self.phone_type,)

    @property
    def dirty(self) -> bool:
        return self._values() != self._initial

    def build(self, frame: Frame) -> list[View]:
        title = "Edit contact" if self.contact_id else "Create contact"
        save = button((0, 0, frame.dp(88), frame.dp(40)), "Save", self.save, rid=f"{self.app.package}:id/"
                      "editor_menu_save_button", filled=True)
        views: list[View] = [toolbar(frame, self.app.package, title, top=frame.status_bar,
                                     navigate_up=self.back_pressed, up_desc="Cancel", up_glyph="✕", actions=[save])]
        top = frame.status_bar + frame.dp(80)
        field_h, gap = frame.dp(56), frame.dp(16)
        left, right = frame.dp(56), frame.width - frame.dp(16)
        icons = ("☻", "", "☎", "✉")
        for index, field_ in enumerate(self.fields):
            if icons[index]:
                views.append(View("android.widget.ImageView", (frame.dp(16), top + frame.dp(16), frame.dp(40),
                                                               top + frame.dp(40)), style=Style(icon=icons[index])))
            field_right = right - frame.dp(136) if field_.hint == "Phone" else right
            views.append(edit_text((left, top, field_right, top + field_h), field_,
                                   focused=self.app.focus is field_, on_focus=self.app.focus_field(field_),
                                   size=frame.dp(16)))
            if field_.hint == "Phone":
                label = PHONE_TYPES[self.phone_type]
                views.append(View("android.widget.Spinner", (field_right + frame.dp(8), top, right, top + field_h),
                                  text=label, content_desc=f"{label} Phone", clickable=True, focusable=True,
                                  on_click=self.pick_label,
                                  style=Style(size=frame.dp(16), color=SECONDARY_TEXT, padding=frame.dp(8),
                                              border="#c4c7c5", radius=12)))
            top += field_h + gap
        return views

    def next_field(self) -> None:
        if self.app.focus in self.fields:
            index = self.fields.index(self.app.focus)
            self.app.focus = self.fields[index + 1] if index + 1 < len(self.fields) else None

    def pick_label(self) -> None:
        def choose(type_code: int):
            def pick() -> None:
                self.phone_type = type_code
                self.app.dismiss_dialog()
            return pick

        def build(frame: Frame) -> Window:
            return alert_dialog(frame, self.app.package, title="Phone label", message="",
                                buttons=[("Cancel", self.app.dismiss_dialog)], on_cancel=self.app.dismiss_dialog,
                                items=[(PHONE_TYPES[code], code == self.phone_type, choose(code))
                                       for code in LABEL_ORDER])

        self.app.show_dialog(build)

    def save(self) -> None:
        given, family, phone, email = (f.value for f in self.fields)
        if not any(v.strip() for v in (given, family, phone, email)):
            self.app.pop()
            return
        contact_id = self.app.ctx.contacts.save(self.contact_id, given, family, phone, self.phone_type, email)
        self.app.saved(contact_id, created=self.contact_id is None)

    def back_pressed(self) -> None:
        if not self.back():
            self.app.pop()

    def back(self) -> bool:
        """Leaving with changes asks first; without changes the editor just closes."""
        if not self.dirty:
            return False

        def discard() -> None:
            self.app.dismiss_dialog()
            self.app.pop()

        self.app.show_dialog(lambda frame: alert_dialog(
            frame, self.app.package, title="", message="Discard changes?",
            buttons=[("Discard", discard), ("Keep editing", self.app.dismiss_dialog)],
            on_cancel=self.app.dismiss_dialog))
        return True
