"""Pro Expense's Room database (accounting.db): the `expense` table, amounts in integer cents."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "com.arduia.expense"
DB_DEVICE_PATH = f"/data/data/{PACKAGE}/databases/accounting.db"
CATEGORIES = {1: "Others", 2: "Income", 3: "Food", 4: "Housing", 5: "Social", 6: "Entertainment",
              7: "Transportation", 8: "Clothes", 9: "Health Care", 10: "Education", 11: "Donation"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS expense (expense_id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, amount INTEGER NOT NULL,
  category INTEGER NOT NULL, note TEXT, created_date INTEGER NOT NULL, modified_date INTEGER NOT NULL);
"""


@dataclass
class Expense:
    expense_id: int | None
    name: str
    amount: int  # cents
    category: int
    note: str
    created_date: int  # ms
    modified_date: int


class ExpenseStore:
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
            yield db
            db.commit()
        finally:
            db.close()

    def all(self) -> list[Expense]:
        """Newest first, as the app's lists show them."""
        with self.session() as db:
            rows = db.execute("SELECT expense_id, name, amount, category, note, created_date, modified_date "
                              "FROM expense ORDER BY created_date DESC, expense_id DESC").fetchall()
            return [Expense(r[0], r[1] or "", int(r[2]), int(r[3]), r[4] or "", int(r[5]), int(r[6])) for r in rows]

    def get(self, expense_id: int) -> Expense | None:
        return next((e for e in self.all() if e.expense_id == expense_id), None)

    def save(self, expense: Expense) -> int:
        now = self._now_ms()
        with self.session() as db:
            if expense.expense_id is None:
                cursor = db.execute("INSERT INTO expense (name, amount, category, note, created_date, modified_date)"
                                    " VALUES (?, ?, ?, ?, ?, ?)", (expense.name, expense.amount, expense.category,
                                                                   expense.note, now, now))
                return int(cursor.lastrowid)
            db.execute("UPDATE expense SET name = ?, amount = ?, category = ?, note = ?, modified_date = ? "
                       "WHERE expense_id = ?", (expense.name, expense.amount, expense.category, expense.note, now,
                                                expense.expense_id))
            return expense.expense_id

    def delete(self, expense_id: int) -> None:
        with self.session() as db:
            db.execute("DELETE FROM expense WHERE expense_id = ?", (expense_id,))


def format_amount(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def parse_amount(text: str) -> int | None:
    """'12', '12.5', '12.50' -> cents; anything else is not an amount."""
    cleaned = text.strip().replace(",", "").lstrip("$")
    try:
        value = round(float(cleaned) * 100)
    except ValueError:
        return None
    return value if value > 0 else None
