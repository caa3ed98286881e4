"""Simple Calendar Pro's Room database (events.db): the events table AndroidWorld reads and writes, with the
app's defaults for the columns a new event does not set."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "com.simplemobiletools.calendar.pro"
DB_DEVICE_PATH = f"/data/data/{PACKAGE}/databases/events.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, start_ts INTEGER NOT NULL,
  end_ts INTEGER NOT NULL, title TEXT NOT NULL, location TEXT NOT NULL, description TEXT NOT NULL,
  reminder_1_minutes INTEGER NOT NULL, reminder_2_minutes INTEGER NOT NULL, reminder_3_minutes INTEGER NOT NULL,
  reminder_1_type INTEGER NOT NULL, reminder_2_type INTEGER NOT NULL, reminder_3_type INTEGER NOT NULL,
  repeat_interval INTEGER NOT NULL, repeat_rule INTEGER NOT NULL, repeat_limit INTEGER NOT NULL,
  repetition_exceptions TEXT NOT NULL, attendees TEXT NOT NULL, import_id TEXT NOT NULL, time_zone TEXT NOT NULL,
  flags INTEGER NOT NULL, event_type INTEGER NOT NULL, parent_id INTEGER NOT NULL, last_updated INTEGER NOT NULL,
  source TEXT NOT NULL, availability INTEGER NOT NULL, color INTEGER NOT NULL, type INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS index_events_id ON events (id);
CREATE TABLE IF NOT EXISTS event_types (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL,
  color INTEGER NOT NULL, caldav_calendar_id INTEGER NOT NULL, caldav_display_name TEXT NOT NULL,
  caldav_email TEXT NOT NULL, type INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (id INTEGER PRIMARY KEY AUTOINCREMENT, task_id INTEGER NOT NULL,
  start_ts INTEGER NOT NULL, flags INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS widgets (id INTEGER PRIMARY KEY AUTOINCREMENT, widget_id INTEGER NOT NULL,
  period INTEGER NOT NULL);
"""


@dataclass
class Event:
    id: int | None
    start_ts: int  # Unix seconds
    end_ts: int
    title: str
    location: str = ""
    description: str = ""


class CalendarStore:
    """Reads and writes events.db; opened per call so a pulled or pushed file is always current."""

    def __init__(self, db_path: Callable[[], Path], now_ms: Callable[[], int]) -> None:
        self._db_path = db_path
        self._now_ms = now_ms

    @contextmanager
    def session(self) -> Iterator[sqlite3.Connection]:
        path = self._db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=10)
        try:
            db.execute("PRAGMA journal_mode=DELETE")
            db.executescript(_SCHEMA)
            if db.execute("SELECT COUNT(*) FROM event_types").fetchone()[0] == 0:
                db.execute("INSERT INTO event_types (id, title, color, caldav_calendar_id, caldav_display_name, "
                           "caldav_email, type) VALUES (1, 'Regular event', -13816531, 0, '', '', 0)")
            yield db
            db.commit()
        finally:
            db.close()

    def events_between(self, start_ts: int, end_ts: int) -> list[Event]:
        """Events overlapping [start_ts, end_ts), earliest first."""
        with self.session() as db:
            rows = db.execute("SELECT id, start_ts, end_ts, title, location, description FROM events "
                              "WHERE start_ts < ? AND end_ts >= ? ORDER BY start_ts, id", (end_ts, start_ts))
            return [Event(*row) for row in rows]

    def get(self, event_id: int) -> Event | None:
        with self.session() as db:
            row = db.execute("SELECT id, start_ts, end_ts, title, location, description FROM events WHERE id = ?",
                             (event_id,)).fetchone()
            return Event(*row) if row else None

    def save(self, event: Event) -> int:
        now = self._now_ms()
        with self.session() as db:
            if event.id is None:
                cursor = db.execute(
                    "INSERT INTO events (start_ts, end_ts, title, location, description, reminder_1_minutes, "
                    "reminder_2_minutes, reminder_3_minutes, reminder_1_type, reminder_2_type, reminder_3_type, "
                    "repeat_interval, repeat_rule, repeat_limit, repetition_exceptions, attendees, import_id, "
                    "time_zone, flags, event_type, parent_id, last_updated, source, availability, color, type) "
                    "VALUES (?, ?, ?, ?, ?, -1, -1, -1, 0, 0, 0, 0, 0, 0, '[]', '[]', '', 'UTC', 0, 1, 0, ?, "
                    "'simple-calendar', 0, 0, 0)",
                    (event.start_ts, event.end_ts, event.title, event.location, event.description, now))
                return int(cursor.lastrowid)
            db.execute("UPDATE events SET start_ts = ?, end_ts = ?, title = ?, location = ?, description = ?, "
                       "last_updated = ? WHERE id = ?", (event.start_ts, event.end_ts, event.title, event.location,
                                                         event.description, now, event.id))
            return event.id

    def delete(self, event_id: int) -> None:
        with self.session() as db:
            db.execute("DELETE FROM events WHERE id = ?", (event_id,))
