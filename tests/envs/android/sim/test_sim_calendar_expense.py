"""Simple Calendar Pro and Pro Expense: UI changes land in their SQLite files at the real paths, and pulled
copies of those files answer sqlite3 queries."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

CALENDAR = "com.simplemobiletools.calendar.pro"
EVENTS_DB = f"/data/data/{CALENDAR}/databases/events.db"
EXPENSE = "com.arduia.expense"
EXPENSE_DB = f"/data/data/{EXPENSE}/databases/accounting.db"


def pull_rows(device, remote: str, tmp_path: Path, sql: str) -> list[tuple]:
    device.shell("true")
    local = tmp_path / Path(remote).name
    device.sync.pull(remote, local)
    with sqlite3.connect(local) as db:
        return db.execute(sql).fetchall()


def test_add_event_through_the_ui(ui, device, tmp_path: Path) -> None:
    ui.sh("su 0 date 101515342023.00")  # AndroidWorld's frozen clock: Sun Oct 15 15:34 UTC 2023
    ui.sh(f"monkey -p {CALENDAR} 1")
    assert ui.exists(text="October 2023")
    ui.tap(content_desc="New Event")
    assert ui.focus() == f"{CALENDAR}/{CALENDAR}.activities.EventActivity"
    ui.type("Dentist visit")
    ui.tap(text="Location")
    ui.type("Main St 5")
    ui.tap(resource_id=f"{CALENDAR}:id/event_start_date")
    ui.tap(content_desc="17 October 2023")
    ui.tap(text="OK")
    ui.tap(resource_id=f"{CALENDAR}:id/event_start_time")
    ui.type("09")
    ui.tap(resource_id="android:id/input_minute")
    ui.type("30")
    ui.tap(text="OK")
    assert ui.find(resource_id=f"{CALENDAR}:id/event_end_time").get("text") == "10:30"
    ui.tap(content_desc="Save")
    assert ui.exists(text="October 2023")
    device.root()
    rows = pull_rows(device, EVENTS_DB, tmp_path, "SELECT title, location, start_ts, end_ts FROM events")
    start = int(dt.datetime(2023, 10, 17, 9, 30, tzinfo=dt.timezone.utc).timestamp())
    assert rows == [("Dentist visit", "Main St 5", start, start + 3600)]


def test_event_without_title_is_not_saved(ui, device) -> None:
    ui.sh(f"monkey -p {CALENDAR} 1")
    ui.tap(content_desc="New Event")
    ui.tap(content_desc="Save")
    assert ui.focus() == f"{CALENDAR}/{CALENDAR}.activities.EventActivity"
    assert ui.sh(f"su 0 sqlite3 {EVENTS_DB} 'SELECT COUNT(*) FROM events'") == "0\n"


def test_delete_event_with_confirmation(ui, device) -> None:
    ui.sh("su 0 date 101515342023.00")
    ui.sh(f"monkey -p {CALENDAR} 1")  # creates events.db, as the real app does on launch
    start = int(dt.datetime(2023, 10, 20, 14, 0, tzinfo=dt.timezone.utc).timestamp())
    ui.sh(f"su 0 sqlite3 {EVENTS_DB} \"INSERT INTO events (start_ts, end_ts, title, location, description, "
          "reminder_1_minutes, reminder_2_minutes, reminder_3_minutes, reminder_1_type, reminder_2_type, "
          "reminder_3_type, repeat_interval, repeat_rule, repeat_limit, repetition_exceptions, attendees, import_id, "
          "time_zone, flags, event_type, parent_id, last_updated, source, availability, color, type) VALUES "
          f"({start}, {start + 1800}, 'Standup', '', '', -1, -1, -1, 0, 0, 0, 0, 0, 0, '[]', '[]', '', 'UTC', 0, 1, "
          "0, 0, 'imported-ics', 0, 0, 0)\"")
    ui.tap(content_desc="20 October, 1 events")
    assert ui.exists(text="Standup") and ui.exists(text="14:00 - 14:30")
    ui.tap(text="Standup")
    ui.tap(content_desc="Delete")
    ui.tap(text="No")
    ui.tap(content_desc="Delete")
    ui.tap(text="Yes")
    assert ui.exists(text="No events")
    assert ui.sh(f"su 0 sqlite3 {EVENTS_DB} 'SELECT COUNT(*) FROM events'") == "0\n"


def test_add_and_delete_expense(ui, device, tmp_path: Path) -> None:
    ui.sh(f"monkey -p {EXPENSE} -c android.intent.category.LAUNCHER 1")
    assert ui.exists(text="No expenses yet")
    ui.tap(content_desc="Add expense")
    ui.type("Lunch")
    ui.tap(text="Amount")
    ui.type("12.50")
    ui.tap(text="Food")
    ui.tap(text="Note")
    ui.type("with Sam")
    ui.tap(text="Save")
    assert ui.find(resource_id=f"{EXPENSE}:id/tv_total_value").get("text") == "$12.50"
    device.root()
    assert pull_rows(device, EXPENSE_DB, tmp_path, "SELECT name, amount, category, note FROM expense") \
        == [("Lunch", 1250, 3, "with Sam")]
    ui.tap(text="Lunch")
    ui.tap(content_desc="Delete")
    assert ui.find(resource_id="android:id/message").get("text") == "Are you sure you want to delete this expense?"
    ui.tap(text="Delete", resource_id="android:id/button1")
    assert ui.exists(text="No expenses yet")
    assert ui.sh(f"sqlite3 {EXPENSE_DB} 'SELECT COUNT(*) FROM expense'") == "0\n"


def test_pushed_database_is_what_the_app_shows(ui, device, tmp_path: Path) -> None:
    # AndroidWorld's round trip: pull, edit on the host, remove the remote files, push back, force-stop
    ui.sh(f"monkey -p {EXPENSE} 1")
    device.root()
    local = tmp_path / "accounting.db"
    device.sync.pull(EXPENSE_DB, local)
    with sqlite3.connect(local) as db:
        db.execute("INSERT INTO expense (name, amount, category, note, created_date, modified_date) "
                   "VALUES ('Rent', 120000, 4, '', 1697000000000, 1697000000000)")
    ui.sh(f"rm -r /data/data/{EXPENSE}/databases/*")
    device.sync.push(local, EXPENSE_DB)
    ui.sh(f"am force-stop {EXPENSE}")
    ui.sh(f"monkey -p {EXPENSE} 1")
    assert ui.exists(text="Rent") and ui.exists(text="$1,200.00")


def test_pm_clear_wipes_app_databases(ui) -> None:
    ui.sh(f"monkey -p {EXPENSE} 1")
    ui.sh("input keyevent HOME")
    assert ui.sh(f"su 0 ls /data/data/{EXPENSE}/databases") == "accounting.db\n"
    assert ui.sh(f"pm clear {EXPENSE}") == "Success\n"
    assert ui.sh(f"su 0 ls /data/data/{EXPENSE}") == ""
