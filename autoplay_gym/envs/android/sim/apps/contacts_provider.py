"""The Contacts Provider (com.android.providers.contacts): a real SQLite contacts2.db and the URI views that
`content query` and the Contacts app read.

The tables keep the real names and the columns clients query (raw_contacts, contacts, data, mimetypes,
accounts); one raw contact aggregates into one contact (no cross-account merging). Local-account contacts are
deleted outright, as the real provider does for contacts without a sync account.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "com.android.providers.contacts"
DB_DEVICE_PATH = f"/data/data/{PACKAGE}/databases/contacts2.db"
NAME = "vnd.android.cursor.item/name"
PHONE = "vnd.android.cursor.item/phone_v2"
EMAIL = "vnd.android.cursor.item/email_v2"
PHONE_TYPES = {1: "Home", 2: "Mobile", 3: "Work", 7: "Other"}
SOURCE_STRUCTURED_NAME, SOURCE_PHONE, SOURCE_EMAIL = 40, 20, 10

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (_id INTEGER PRIMARY KEY AUTOINCREMENT, account_name TEXT,
  account_type TEXT, data_set TEXT);
CREATE TABLE IF NOT EXISTS contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, name_raw_contact_id INTEGER
  REFERENCES raw_contacts(_id), photo_id INTEGER, photo_file_id INTEGER, custom_ringtone TEXT,
  send_to_voicemail INTEGER NOT NULL DEFAULT 0, times_contacted INTEGER NOT NULL DEFAULT 0,
  last_time_contacted INTEGER, starred INTEGER NOT NULL DEFAULT 0, pinned INTEGER NOT NULL DEFAULT 0,
  has_phone_number INTEGER NOT NULL DEFAULT 0, lookup TEXT, status_update_id INTEGER,
  contact_last_updated_timestamp INTEGER);
CREATE TABLE IF NOT EXISTS raw_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER
  REFERENCES accounts(_id), sourceid TEXT, version INTEGER NOT NULL DEFAULT 1, dirty INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0, contact_id INTEGER REFERENCES contacts(_id), aggregation_mode INTEGER NOT
  NULL DEFAULT 0, starred INTEGER NOT NULL DEFAULT 0, pinned INTEGER NOT NULL DEFAULT 0, display_name TEXT,
  display_name_alt TEXT, display_name_source INTEGER NOT NULL DEFAULT 0, phonetic_name TEXT, sort_key TEXT,
  sort_key_alt TEXT, phonebook_label TEXT);
CREATE TABLE IF NOT EXISTS mimetypes (_id INTEGER PRIMARY KEY AUTOINCREMENT, mimetype TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS data (_id INTEGER PRIMARY KEY AUTOINCREMENT, package_id INTEGER, mimetype_id INTEGER
  NOT NULL REFERENCES mimetypes(_id), raw_contact_id INTEGER NOT NULL REFERENCES raw_contacts(_id),
  is_read_only INTEGER NOT NULL DEFAULT 0, is_primary INTEGER NOT NULL DEFAULT 0, is_super_primary INTEGER NOT
  NULL DEFAULT 0, data_version INTEGER NOT NULL DEFAULT 0, data1 TEXT, data2 TEXT, data3 TEXT, data4 TEXT,
  data5 TEXT, data6 TEXT, data7 TEXT, data8 TEXT, data9 TEXT, data10 TEXT, data11 TEXT, data12 TEXT,
  data13 TEXT, data14 TEXT, data15 TEXT);
CREATE INDEX IF NOT EXISTS data_raw_contact_id ON data (raw_contact_id);
"""


class ProviderError(Exception):
    """An exception the real provider would throw; `kind` is the Java exception class shown by `content`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class Contact:
    id: int
    raw_id: int
    given: str
    family: str
    display_name: str
    starred: bool
    phones: list[tuple[str, int]] = field(default_factory=list)  # (number, type)
    emails: list[str] = field(default_factory=list)


def normalize_number(number: str) -> str | None:
    """E.164 for the emulator's US locale where it is unambiguous, else NULL (as the provider stores)."""
    digits = re.sub(r"\D", "", number)
    if number.strip().startswith("+") and digits:
        return "+" + digits
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    return None


class ContactsProvider:
    """Owns contacts2.db; every call opens, uses and closes the file so `adb pull` always sees a whole db."""

    def __init__(self, db_path_factory: Callable[[], Path], now_ms: Callable[[], int]) -> None:
        self._db_path = db_path_factory
        self._now_ms = now_ms

    def connect(self, *, read_only: bool = False) -> sqlite3.Connection:
        path = self._db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=10)
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.executescript(_SCHEMA)
        if connection.execute("SELECT COUNT(*) FROM accounts").fetchone()[0] == 0:
            connection.execute("INSERT INTO accounts (account_name, account_type) VALUES (NULL, NULL)")
            for mimetype in (NAME, PHONE, EMAIL):
                connection.execute("INSERT INTO mimetypes (mimetype) VALUES (?)", (mimetype,))
            connection.commit()
        if read_only:
            connection.execute("PRAGMA query_only=ON")
        return connection

    @contextmanager
    def session(self, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection that commits on success and is always closed (no handle outlives a call)."""
        db = self.connect(read_only=read_only)
        try:
            yield db
            db.commit()
        finally:
            db.close()

    # -- the app's operations --------------------------------------------------------------------------------
    def list_contacts(self) -> list[Contact]:
        with self.session(read_only=True) as db:
            ids = [row[0] for row in db.execute("SELECT _id FROM contacts")]
        contacts = [self.get(contact_id) for contact_id in ids]
        return sorted((c for c in contacts if c is not None), key=lambda c: (c.display_name.lower(), c.id))

    def get(self, contact_id: int) -> Contact | None:
        with self.session(read_only=True) as db:
            row = db.execute("SELECT c._id, r._id, r.display_name, c.starred FROM contacts c JOIN raw_contacts r "
                             "ON r.contact_id = c._id WHERE c._id = ? AND r.deleted = 0", (contact_id,)).fetchone()
            if row is None:
                return None
            contact = Contact(row[0], row[1], "", "", row[2] or "", bool(row[3]))
            for mimetype, data1, data2, data3 in db.execute(
                    "SELECT m.mimetype, d.data1, d.data2, d.data3 FROM data d JOIN mimetypes m ON m._id = "
                    "d.mimetype_id WHERE d.raw_contact_id = ? ORDER BY d._id", (contact.raw_id,)):
                if mimetype == NAME:
                    contact.given, contact.family = data2 or "", data3 or ""
                elif mimetype == PHONE and data1:
                    contact.phones.append((data1, int(data2 or 2)))
                elif mimetype == EMAIL and data1:
                    contact.emails.append(data1)
            return contact

    def save(self, contact_id: int | None, given: str, family: str, phone: str, phone_type: int,
             email: str) -> int:
        """Create (contact_id None) or replace a contact's name, first phone and first email."""
        with self.session() as db:
            if contact_id is None:
                raw_id = self._new_raw_contact(db)
            else:
                found = db.execute("SELECT _id FROM raw_contacts WHERE contact_id = ?", (contact_id,)).fetchone()
                if found is None:
                    raise ProviderError("java.lang.IllegalArgumentException", f"no contact {contact_id}")
                raw_id = found[0]
                db.execute("DELETE FROM data WHERE raw_contact_id = ?", (raw_id,))
            full = " ".join(part for part in (given.strip(), family.strip()) if part)
            if full:
                self._insert_data(db, raw_id, NAME, {"data1": full, "data2": given.strip() or None,
                                                     "data3": family.strip() or None})
            if phone.strip():
                self._insert_data(db, raw_id, PHONE, {"data1": phone.strip(), "data2": str(phone_type),
                                                      "data4": normalize_number(phone), "is_primary": 1})
            if email.strip():
                self._insert_data(db, raw_id, EMAIL, {"data1": email.strip(), "data2": "1"})
            return self._refresh(db, raw_id)

    def delete(self, contact_id: int) -> None:
        with self.session() as db:
            self._delete_contacts(db, [contact_id])

    def set_starred(self, contact_id: int, starred: bool) -> None:
        with self.session() as db:
            db.execute("UPDATE contacts SET starred = ? WHERE _id = ?", (int(starred), contact_id))
            db.execute("UPDATE raw_contacts SET starred = ? WHERE contact_id = ?", (int(starred), contact_id))

    # -- helpers shared with the content-provider front end -------------------------------------------------
    def _new_raw_contact(self, db: sqlite3.Connection, values: dict[str, object] | None = None) -> int:
        cursor = db.execute("INSERT INTO raw_contacts (account_id, starred) VALUES (1, ?)",
                            (int(bool((values or {}).get("starred", 0))),))
        raw_id = int(cursor.lastrowid)
        cursor = db.execute("INSERT INTO contacts (name_raw_contact_id, starred, lookup, "
                            "contact_last_updated_timestamp) VALUES (?, ?, ?, ?)",
                            (raw_id, int(bool((values or {}).get("starred", 0))), f"0r{raw_id}-local",
                             self._now_ms()))
        db.execute("UPDATE raw_contacts SET contact_id = ? WHERE _id = ?", (cursor.lastrowid, raw_id))
        return raw_id

    def _insert_data(self, db: sqlite3.Connection, raw_id: int, mimetype: str, values: dict[str, object]) -> int:
        mime_row = db.execute("SELECT _id FROM mimetypes WHERE mimetype = ?", (mimetype,)).fetchone()
        if mime_row is None:
            mime_row = (db.execute("INSERT INTO mimetypes (mimetype) VALUES (?)", (mimetype,)).lastrowid,)
        columns = ["raw_contact_id", "mimetype_id", *values]
        cursor = db.execute(f"INSERT INTO data ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                            (raw_id, mime_row[0], *values.values()))
        return int(cursor.lastrowid)

    def _refresh(self, db: sqlite3.Connection, raw_id: int) -> int:
        """Recompute the display name and phone flag after data rows change (the aggregator's job)."""
        rows = db.execute("SELECT m.mimetype, d.data1, d.data2, d.data3 FROM data d JOIN mimetypes m ON "
                          "m._id = d.mimetype_id WHERE d.raw_contact_id = ? ORDER BY d._id", (raw_id,)).fetchall()
        name = next((r for r in rows if r[0] == NAME and r[1]), None)
        phone = next((r for r in rows if r[0] == PHONE and r[1]), None)
        email = next((r for r in rows if r[0] == EMAIL and r[1]), None)
        if name:
            display, alt, source = name[1], ", ".join(p for p in (name[3], name[2]) if p) or name[1], 40
        elif phone:
            display, alt, source = phone[1], phone[1], SOURCE_PHONE
        elif email:
            display, alt, source = email[1], email[1], SOURCE_EMAIL
        else:
            display, alt, source = None, None, 0
        db.execute("UPDATE raw_contacts SET display_name = ?, display_name_alt = ?, display_name_source = ?, "
                   "sort_key = ?, sort_key_alt = ?, phonebook_label = ?, version = version + 1 WHERE _id = ?",
                   (display, alt, source, display, alt, (display or "#")[:1].upper(), raw_id))
        contact_id = db.execute("SELECT contact_id FROM raw_contacts WHERE _id = ?", (raw_id,)).fetchone()[0]
        db.execute("UPDATE contacts SET has_phone_number = ?, contact_last_updated_timestamp = ? WHERE _id = ?",
                   (int(phone is not None), self._now_ms(), contact_id))
        return int(contact_id)

    def _delete_contacts(self, db: sqlite3.Connection, contact_ids: list[int]) -> int:
        count = 0
        for contact_id in contact_ids:
            raw_ids = [r[0] for r in db.execute("SELECT _id FROM raw_contacts WHERE contact_id = ?", (contact_id,))]
            for raw_id in raw_ids:
                db.execute("DELETE FROM data WHERE raw_contact_id = ?", (raw_id,))
                db.execute("DELETE FROM raw_contacts WHERE _id = ?", (raw_id,))
            count += db.execute("DELETE FROM contacts WHERE _id = ?", (contact_id,)).rowcount
        return count
