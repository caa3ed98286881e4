"""Pro Expense: the expense list with a total, an entry form (name, amount, category, note), and a detail
view with Edit and Delete (confirmed), all on accounting.db."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from autoplay_gym.envs.android.sim.apps.base import AppContext, Intent, Screen, SimApp
from autoplay_gym.envs.android.sim.apps.expense_store import (
    CATEGORIES,
    DB_DEVICE_PATH,
    PACKAGE,
    Expense,
    ExpenseStore,
    format_amount,
    parse_amount,
)
from autoplay_gym.envs.android.sim.ui.view import Bounds, Style, View
from autoplay_gym.envs.android.sim.ui.widgets import (
    SECONDARY_TEXT,
    SURFACE_VARIANT,
    Frame,
    ScrollState,
    TextField,
    alert_dialog,
    button,
    edit_text,
    fab,
    image_button,
    scroll_list,
    text_view,
    toolbar,
)

MAIN = f"{PACKAGE}.ui.MainActivity"


def rid(name: str) -> str:
    return f"{PACKAGE}:id/{name}"


def _date(ms: int) -> str:
    moment = dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)
    return moment.strftime("%b ") + f"{moment.day}, {moment.year}"


class HomeScreen(Screen):
    activity = MAIN

    def __init__(self, app: ExpenseApp) -> None:
        self.app = app
        self.scroll = ScrollState()

    def build(self, frame: Frame) -> list[View]:
        views = [toolbar(frame, PACKAGE, "Pro Expense", top=frame.status_bar)]
        expenses = self.app.store.all()
        top = frame.status_bar + frame.dp(64)
        card = View("android.widget.FrameLayout", (frame.dp(16), top, frame.width - frame.dp(16), top + frame.dp(96)),
                    resource_id=rid("cv_total"), style=Style(background=SURFACE_VARIANT, radius=frame.dp(16)))
        total = sum(e.amount for e in expenses if e.category != 2)
        card.add(text_view((frame.dp(32), top + frame.dp(12), frame.width // 2, top + frame.dp(40)), "Total expense",
                           size=frame.dp(14), color=SECONDARY_TEXT),
                 text_view((frame.dp(32), top + frame.dp(40), frame.width - frame.dp(32), top + frame.dp(84)),
                           format_amount(total), rid=rid("tv_total_value"), size=frame.dp(28), bold=True))
        views.append(card)
        top += frame.dp(112)
        views.append(text_view((frame.dp(24), top, frame.width, top + frame.dp(32)), "Recent", size=frame.dp(16),
                               bold=True, rid=rid("tv_recent")))
        top += frame.dp(40)
        if not expenses:
            views.append(text_view((0, top + frame.dp(40), frame.width, top + frame.dp(80)), "No expenses yet",
                                   align="center", color=SECONDARY_TEXT, size=frame.dp(16), rid=rid("tv_empty")))
        else:
            views.append(scroll_list(frame, (0, top, frame.width, frame.content_bottom),
                                     [self._row(frame, e) for e in expenses], self.scroll, rid=rid("rv_recent")))
        views.append(fab(frame, "Add expense", lambda: self.app.push(EntryScreen(self.app, None)),
                         rid=rid("fb_main_add")))
        return views

    def _row(self, frame: Frame, expense: Expense) -> tuple[int, Callable[[Bounds], View]]:
        def build(b: tuple[int, int, int, int]) -> View:
            node = View("androidx.constraintlayout.widget.ConstraintLayout", b, clickable=True, focusable=True,
                        on_click=lambda: self.app.push(DetailScreen(self.app, expense.expense_id or 0)))
            node.add(text_view((b[0] + frame.dp(24), b[1] + frame.dp(8), b[2] - frame.dp(140), b[1] + frame.dp(36)),
                               expense.name, rid=rid("tv_name"), size=frame.dp(16)),
                     text_view((b[0] + frame.dp(24), b[1] + frame.dp(36), b[2] - frame.dp(140), b[1] + frame.dp(60)),
                               f"{CATEGORIES.get(expense.category, 'Others')} · {_date(expense.created_date)}",
                               rid=rid("tv_date"), size=frame.dp(13), color=SECONDARY_TEXT),
                     text_view((b[2] - frame.dp(136), b[1], b[2] - frame.dp(24), b[3]), format_amount(expense.amount),
                               rid=rid("tv_amount"), size=frame.dp(16), align="right", bold=True))
            return node
        return frame.dp(72), build


class EntryScreen(Screen):
    activity = MAIN

    def __init__(self, app: ExpenseApp, expense: Expense | None) -> None:
        self.app = app
        self.expense = expense
        self.name = TextField("Name", expense.name if expense else "")
        self.amount = TextField("Amount", f"{expense.amount / 100:.2f}" if expense else "", numeric=True)
        self.note = TextField("Note", expense.note if expense else "")
        self.category = expense.category if expense else 3

    def initial_focus(self) -> TextField | None:
        return self.name if self.expense is None else None

    def build(self, frame: Frame) -> list[View]:
        title = "Edit expense" if self.expense else "New expense"
        views = [toolbar(frame, PACKAGE, title, top=frame.status_bar, navigate_up=self.app.back)]
        top = frame.status_bar + frame.dp(72)
        left, right = frame.dp(16), frame.width - frame.dp(16)
        for field_, name in ((self.name, "edt_name"), (self.amount, "edt_amount")):
            views.append(edit_text((left, top, right, top + frame.dp(56)), field_, focused=self.app.focus is field_,
                                   on_focus=self.app.focus_field(field_), rid=rid(name), size=frame.dp(16)))
            top += frame.dp(68)
        views.append(text_view((left, top, right, top + frame.dp(28)), "Category", size=frame.dp(14),
                               color=SECONDARY_TEXT))
        top += frame.dp(32)
        chips = View("androidx.recyclerview.widget.RecyclerView", (0, top, frame.width, top + frame.dp(40) * 3),
                     resource_id=rid("rv_category"))
        chip_w = (frame.width - frame.dp(32)) // 4
        for index, (code, label) in enumerate(CATEGORIES.items()):
            x = left + (index % 4) * chip_w
            y = top + (index // 4) * frame.dp(40)
            chosen = code == self.category
            chips.add(View("android.widget.TextView", (x + 4, y + 4, x + chip_w - 4, y + frame.dp(36)), text=label,
                           resource_id=rid("tv_category"), clickable=True, focusable=True, checkable=True,
                           checked=chosen, selected=chosen, on_click=self._choose(code),
                           style=Style(size=frame.dp(12), align="center", radius=frame.dp(16),
                                       background="#c2e7ff" if chosen else None, border="#747775")))
        views.append(chips)
        top += frame.dp(40) * 3 + frame.dp(8)
        views.append(edit_text((left, top, right, top + frame.dp(96)), self.note, focused=self.app.focus is self.note,
                               on_focus=self.app.focus_field(self.note), rid=rid("edt_note"), size=frame.dp(16)))
        top += frame.dp(112)
        views.append(button((left, top, right, top + frame.dp(48)), "Save", self.save, rid=rid("btn_save"),
                            filled=True))
        return views

    def _choose(self, code: int) -> Callable[[], None]:
        def choose() -> None:
            self.category = code
        return choose

    def save(self) -> None:
        cents = parse_amount(self.amount.value)
        if not self.name.value.strip():
            self.app.ctx.toast("Name is empty")
            return
        if cents is None:
            self.app.ctx.toast("Amount is invalid")
            return
        previous = self.expense
        self.app.store.save(Expense(previous.expense_id if previous else None, self.name.value.strip(), cents,
                                    self.category, self.note.value.strip(), 0, 0))
        self.app.pop()


class DetailScreen(Screen):
    activity = MAIN

    def __init__(self, app: ExpenseApp, expense_id: int) -> None:
        self.app = app
        self.expense_id = expense_id

    def build(self, frame: Frame) -> list[View]:
        expense = self.app.store.get(self.expense_id)
        icon = frame.dp(48)
        actions = [image_button((0, 0, icon, icon), "Delete", "✖", self.confirm_delete, rid=rid("mi_delete"))]
        views = [toolbar(frame, PACKAGE, "Expense detail", top=frame.status_bar, navigate_up=self.app.back,
                         actions=actions)]
        if expense is None:
            return views
        top = frame.status_bar + frame.dp(80)
        rows = (("Name", expense.name, "tv_name"), ("Amount", format_amount(expense.amount), "tv_amount"),
                ("Category", CATEGORIES.get(expense.category, "Others"), "tv_category"),
                ("Date", _date(expense.created_date), "tv_date"), ("Note", expense.note or "-", "tv_note"))
        for label, value, name in rows:
            views.append(text_view((frame.dp(24), top, frame.dp(160), top + frame.dp(40)), label, size=frame.dp(14),
                                   color=SECONDARY_TEXT))
            views.append(text_view((frame.dp(168), top, frame.width - frame.dp(24), top + frame.dp(40)), value,
                                   rid=rid(name), size=frame.dp(16)))
            top += frame.dp(48)
        views.append(button((frame.dp(16), top + frame.dp(16), frame.width - frame.dp(16), top + frame.dp(64)), "Edit",
                            lambda: self.app.push(EntryScreen(self.app, expense)), rid=rid("btn_edit"), filled=True))
        return views

    def confirm_delete(self) -> None:
        def delete() -> None:
            self.app.store.delete(self.expense_id)
            self.app.dismiss_dialog()
            self.app.pop()

        self.app.show_dialog(lambda frame: alert_dialog(
            frame, PACKAGE, title="Delete", message="Are you sure you want to delete this expense?",
            buttons=[("Delete", delete), ("Cancel", self.app.dismiss_dialog)], on_cancel=self.app.dismiss_dialog))


class ExpenseApp(SimApp):
    package = PACKAGE
    label = "Pro Expense"
    launch_activity = MAIN
    activities = (MAIN,)
    icon_color = "#2e7d32"
    icon_glyph = "$"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.store = ExpenseStore(lambda: ctx.fs.host_path(DB_DEVICE_PATH), ctx.now_ms)

    def start(self, intent: Intent, cold: bool) -> None:
        with self.store.session():
            pass  # the app creates accounting.db on launch
        super().start(intent, cold)

    def main_screen(self) -> Screen:
        return HomeScreen(self)
