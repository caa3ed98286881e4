"""Google Contacts (com.google.android.contacts): list with favourites and letter headers, search, a contact's
details, create/edit, favourites and delete with confirmation, all reading and writing the Contacts Provider.
"""

from __future__ import annotations

from autoplay_gym.envs.android.sim.apps.base import Intent, Screen, SimApp
from autoplay_gym.envs.android.sim.apps.contacts_editor import EDITOR, EditorScreen, split_name
from autoplay_gym.envs.android.sim.apps.contacts_provider import PHONE_TYPES, Contact
from autoplay_gym.envs.android.sim.ui.view import Style, View, Window
from autoplay_gym.envs.android.sim.ui.widgets import (
    SECONDARY_TEXT,
    SURFACE_VARIANT,
    Frame,
    ScrollState,
    TextField,
    alert_dialog,
    edit_text,
    fab,
    image_button,
    scroll_list,
    text_view,
    toolbar,
)

PACKAGE = "com.google.android.contacts"
PEOPLE = "com.android.contacts.activities.PeopleActivity"
QUICK_CONTACT = "com.android.contacts.quickcontact.QuickContactActivity"
CONTACT_TYPES = ("vnd.android.cursor.dir/contact", "vnd.android.cursor.dir/raw_contact",
                 "vnd.android.cursor.dir/person", "vnd.android.cursor.item/contact")
AVATAR_COLORS = ("#c2e7ff", "#c4eed0", "#ffdad6", "#e8def8", "#fdd663", "#b3e5fc")


def rid(name: str) -> str:
    return f"{PACKAGE}:id/{name}"


def avatar(frame: Frame, bounds: tuple[int, int, int, int], name: str) -> View:
    color = AVATAR_COLORS[sum(map(ord, name)) % len(AVATAR_COLORS)]
    initial = (name[:1] or "#").upper()
    return View("android.widget.ImageView", bounds, style=Style(background=color, radius=(bounds[2] - bounds[0]) // 2,
                                                                 icon=initial, icon_color="#1f1f1f"))


def matches(contact: Contact, query: str) -> bool:
    """Search matches any part of the name, an email, or the digits of a phone number."""
    query = query.strip().lower()
    if not query:
        return True
    if query in contact.display_name.lower() or any(query in e.lower() for e in contact.emails):
        return True
    digits = "".join(c for c in query if c.isdigit())
    return bool(digits) and any(digits in "".join(c for c in n if c.isdigit()) for n, _ in contact.phones)


def contact_rows(app: ContactsApp, frame: Frame, contacts: list[Contact], *, sections: bool) -> list:
    """(height, builder) rows: a Favorites block, then contacts under letter headers."""
    rows: list = []
    row_h, header_h = frame.dp(64), frame.dp(40)

    def header(label: str):
        return header_h, lambda b: text_view((b[0] + frame.dp(24), b[1], b[2], b[3]), label, size=frame.dp(14),
                                             color=SECONDARY_TEXT, bold=True)

    def row(contact: Contact):
        def build(b: tuple[int, int, int, int]) -> View:
            size = frame.dp(40)
            top = b[1] + (b[3] - b[1] - size) // 2
            left = b[0] + frame.dp(64)
            node = View("android.view.ViewGroup", b, clickable=True, focusable=True, long_clickable=True,
                        on_click=lambda: app.open_contact(contact.id))
            node.add(avatar(frame, (left, top, left + size, top + size), contact.display_name),
                     text_view((left + size + frame.dp(16), b[1], b[2] - frame.dp(16), b[3]),
                               contact.display_name, rid=rid("cliv_name_textview"), size=frame.dp(16)))
            return node
        return row_h, build

    starred = [c for c in contacts if c.starred]
    if sections and starred:
        rows.append(header("★ Favorites"))
        rows.extend(row(c) for c in starred)
    letter = None
    for contact in contacts:
        initial = (contact.display_name[:1] or "#").upper()
        if sections and initial != letter:
            letter = initial
            rows.append(header(initial))
        rows.append(row(contact))
    return rows


class ListScreen(Screen):
    activity = PEOPLE

    def __init__(self, app: ContactsApp) -> None:
        self.app = app
        self.scroll = ScrollState()

    def build(self, frame: Frame) -> list[View]:
        top = frame.status_bar + frame.dp(8)
        bar_box = (frame.dp(16), top, frame.width - frame.dp(16), top + frame.dp(56))
        search = View("android.widget.FrameLayout", bar_box, resource_id=rid("open_search_bar"), clickable=True,
                      focusable=True, on_click=self.app.open_search,
                      style=Style(background=SURFACE_VARIANT, radius=frame.dp(28)))
        search.add(text_view((bar_box[0] + frame.dp(56), bar_box[1], bar_box[2] - frame.dp(16), bar_box[3]),
                             "Search contacts", rid=rid("open_search_bar_text_view"), size=frame.dp(16),
                             color=SECONDARY_TEXT))
        list_top = bar_box[3] + frame.dp(8)
        contacts = self.app.ctx.contacts.list_contacts()
        views = [search]
        if contacts:
            views.append(scroll_list(frame, (0, list_top, frame.width, frame.content_bottom),
                                     contact_rows(self.app, frame, contacts, sections=True), self.scroll,
                                     rid=rid("contact_list")))
        else:
            views.append(text_view((0, list_top + frame.dp(200), frame.width, list_top + frame.dp(240)),
                                   "No contacts yet", rid=rid("empty_list_title"), align="center",
                                   size=frame.dp(18), color=SECONDARY_TEXT))
        views.append(fab(frame, "Create contact", self.app.create_contact, rid=rid("floating_action_button")))
        return views


class SearchScreen(Screen):
    activity = PEOPLE

    def __init__(self, app: ContactsApp) -> None:
        self.app = app
        self.query = TextField("Search contacts")
        self.scroll = ScrollState()

    def initial_focus(self) -> TextField | None:
        return self.query

    def build(self, frame: Frame) -> list[View]:
        top = frame.status_bar
        height = frame.dp(64)
        clear = []
        if self.query.value:
            clear.append(image_button((0, 0, frame.dp(48), frame.dp(48)), "Clear search query", "✕",
                                      self._clear, rid=rid("search_close_button")))
        bar = toolbar(frame, PACKAGE, "", top=top, navigate_up=self.app.back, actions=clear)
        box = (frame.dp(64), top + frame.dp(8), frame.width - frame.dp(64), top + height - frame.dp(8))
        bar.add(edit_text(box, self.query, focused=self.app.focus is self.query,
                          on_focus=self.app.focus_field(self.query), rid=rid("search_view"), size=frame.dp(16)))
        results = [c for c in self.app.ctx.contacts.list_contacts() if matches(c, self.query.value)]
        list_top = top + height
        views = [bar]
        if results:
            views.append(scroll_list(frame, (0, list_top, frame.width, frame.content_bottom),
                                     contact_rows(self.app, frame, results, sections=False), self.scroll,
                                     rid=rid("contact_list")))
        elif self.query.value:
            views.append(text_view((0, list_top + frame.dp(40), frame.width, list_top + frame.dp(80)),
                                   "No results", align="center", color=SECONDARY_TEXT, size=frame.dp(16)))
        return views

    def _clear(self) -> None:
        self.query.value = ""
        self.app.focus = self.query


class DetailScreen(Screen):
    activity = QUICK_CONTACT

    def __init__(self, app: ContactsApp, contact_id: int) -> None:
        self.app = app
        self.contact_id = contact_id

    def build(self, frame: Frame) -> list[View]:
        contact = self.app.ctx.contacts.get(self.contact_id)
        if contact is None:
            return [text_view((0, frame.dp(200), frame.width, frame.dp(240)), "Contact not found", align="center")]
        star_desc = "Remove from favorites" if contact.starred else "Add to favorites"
        icon = frame.dp(48)
        actions = [
            image_button((0, 0, icon, icon), "Edit contact", "✎", lambda: self.app.edit_contact(contact.id),
                         rid=rid("menu_edit")),
            image_button((0, 0, icon, icon), star_desc, "★" if contact.starred else "☆",
                         lambda: self.app.ctx.contacts.set_starred(contact.id, not contact.starred),
                         rid=rid("menu_star")),
            image_button((0, 0, icon, icon), "More options", "⋮", lambda: self.app.show_overflow(contact.id)),
        ]
        views = [toolbar(frame, PACKAGE, "", top=frame.status_bar, navigate_up=self.app.back, actions=actions)]
        size = frame.dp(120)
        top = frame.status_bar + frame.dp(88)
        left = (frame.width - size) // 2
        views.append(avatar(frame, (left, top, left + size, top + size), contact.display_name))
        top += size + frame.dp(16)
        views.append(text_view((frame.dp(16), top, frame.width - frame.dp(16), top + frame.dp(40)),
                               contact.display_name, rid=rid("large_title"), size=frame.dp(28), align="center"))
        top += frame.dp(64)
        views.append(text_view((frame.dp(24), top, frame.width, top + frame.dp(32)), "Contact info",
                               size=frame.dp(16), bold=True))
        top += frame.dp(40)
        entries = [(n, PHONE_TYPES.get(t, "Other"), "☎") for n, t in contact.phones]
        entries += [(e, "Email", "✉") for e in contact.emails]
        for value, label, glyph in entries:
            row = View("android.widget.RelativeLayout", (0, top, frame.width, top + frame.dp(72)), clickable=True,
                       focusable=True, long_clickable=True, content_desc=f"{label} {value}")
            row.add(View("android.widget.ImageView", (frame.dp(24), top + frame.dp(24), frame.dp(48),
                                                      top + frame.dp(48)), style=Style(icon=glyph)),
                    text_view((frame.dp(72), top + frame.dp(10), frame.width - frame.dp(16), top + frame.dp(42)),
                              value, rid=rid("header"), size=frame.dp(16)),
                    text_view((frame.dp(72), top + frame.dp(42), frame.width - frame.dp(16), top + frame.dp(66)),
                              label, rid=rid("sub_header"), size=frame.dp(14), color=SECONDARY_TEXT))
            views.append(row)
            top += frame.dp(72)
        return views


class ContactsApp(SimApp):
    package = PACKAGE
    label = "Contacts"
    launch_activity = PEOPLE
    activities = (PEOPLE, QUICK_CONTACT, "com.android.contacts.activities.ContactEditorActivity")
    icon_color = "#0b57d0"
    icon_glyph = "☻"

    def main_screen(self) -> Screen:
        return ListScreen(self)

    @classmethod
    def handles(cls, intent: Intent) -> bool:
        data, mime = intent.data or "", intent.mime_type or ""
        ours = data.startswith(("content://contacts", "content://com.android.contacts")) or mime in CONTACT_TYPES
        return ours and intent.action in ("android.intent.action.VIEW", "android.intent.action.INSERT",
                                          "android.intent.action.EDIT")

    def start(self, intent: Intent, cold: bool) -> None:
        data = intent.data or ""
        if intent.action == "android.intent.action.INSERT" or intent.component == f"{PACKAGE}/{EDITOR}":
            if cold or not self.screens:
                self.reset()
            given, family = split_name(str(intent.extras.get("name", "")))
            self.push(EditorScreen(self, None, given=given, family=family,
                                   phone=str(intent.extras.get("phone", "")),
                                   email=str(intent.extras.get("email", ""))))
            return
        contact_id = _contact_id_from(data)
        if intent.action in ("android.intent.action.VIEW", "android.intent.action.EDIT") and contact_id:
            self.reset()
            if intent.action == "android.intent.action.EDIT":
                self.edit_contact(contact_id)
            else:
                self.open_contact(contact_id)
            return
        if cold or not self.screens or intent.action == "android.intent.action.VIEW":
            self.reset()

    def open_search(self) -> None:
        self.push(SearchScreen(self))

    def open_contact(self, contact_id: int) -> None:
        self.push(DetailScreen(self, contact_id))

    def create_contact(self) -> None:
        self.push(EditorScreen(self, None))

    def edit_contact(self, contact_id: int) -> None:
        contact = self.ctx.contacts.get(contact_id)
        if contact is not None:
            self.push(EditorScreen(self, contact))

    def saved(self, contact_id: int, created: bool) -> None:
        """After Save the editor closes; a new contact opens its details, as Google Contacts does."""
        self.pop()
        if created:
            self.open_contact(contact_id)

    def show_overflow(self, contact_id: int) -> None:
        def build(frame: Frame) -> Window:
            width, item = frame.dp(200), frame.dp(48)
            left, top = frame.width - width - frame.dp(8), frame.status_bar + frame.dp(8)
            item_view = View("android.widget.LinearLayout", (left, top, left + width, top + item), clickable=True,
                             focusable=True, on_click=lambda: self.confirm_delete(contact_id))
            item_view.add(text_view((left + frame.dp(16), top, left + width, top + item), "Delete",
                                    rid="android:id/title", size=frame.dp(16)))
            listing = View("android.widget.ListView", (left, top, left + width, top + item), children=[item_view])
            root = View("android.widget.FrameLayout", (left, top, left + width, top + item),
                        style=Style(background="#f0f4f9", radius=frame.dp(4)), children=[listing])
            return Window(PACKAGE, root, title="popup", is_dialog=True, dim_behind=False,
                          on_outside_tap=self.dismiss_dialog)
        self.show_dialog(build)

    def confirm_delete(self, contact_id: int) -> None:
        def delete() -> None:
            self.ctx.contacts.delete(contact_id)
            self.dismiss_dialog()
            self.pop()

        self.show_dialog(lambda frame: alert_dialog(frame, PACKAGE, title="", message="Delete this contact?",
                                                    buttons=[("Delete", delete), ("Cancel", self.dismiss_dialog)],
                                                    on_cancel=self.dismiss_dialog))

    def enter(self) -> None:
        screen = self.screens[-1] if self.screens else None
        if isinstance(screen, EditorScreen):
            screen.next_field()


def _contact_id_from(uri: str) -> int | None:
    for prefix in ("content://com.android.contacts/contacts/", "content://contacts/people/"):
        if uri.startswith(prefix) and uri[len(prefix):].rstrip("/").isdigit():
            return int(uri[len(prefix):].rstrip("/"))
    return None

