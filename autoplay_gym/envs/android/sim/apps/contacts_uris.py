"""The URIs of the Contacts Provider as `content query|insert|delete` sees them.

Each URI is a SQL view over contacts2.db whose column names follow ContactsContract (and the legacy
Contacts.People/Phones API for content://contacts/...), so `--projection` and `--where` work on those names.
"""

from __future__ import annotations

import re
import sqlite3

from autoplay_gym.envs.android.sim.apps.contacts_provider import (
    EMAIL,
    NAME,
    PHONE,
    ContactsProvider,
    ProviderError,
    normalize_number,
)

_DATA_BASE = """SELECT d._id AS _id, d.raw_contact_id AS raw_contact_id, r.contact_id AS contact_id,
  m.mimetype AS mimetype, d.is_primary AS is_primary, d.is_super_primary AS is_super_primary,
  d.data1 AS data1, d.data2 AS data2, d.data3 AS data3, d.data4 AS data4, r.display_name AS display_name,
  c.starred AS starred, a.account_name AS account_name, a.account_type AS account_type
  FROM data d JOIN mimetypes m ON m._id = d.mimetype_id JOIN raw_contacts r ON r._id = d.raw_contact_id
  JOIN contacts c ON c._id = r.contact_id LEFT JOIN accounts a ON a._id = r.account_id WHERE r.deleted = 0"""

_VIEWS: dict[str, tuple[str, list[str]]] = {
    "contacts": ("""SELECT c._id AS _id, r.display_name AS display_name, r.display_name_alt AS display_name_alt,
        c.starred AS starred, c.has_phone_number AS has_phone_number, c.lookup AS lookup,
        c.contact_last_updated_timestamp AS contact_last_updated_timestamp, c.times_contacted AS times_contacted,
        c.last_time_contacted AS last_time_contacted, c.photo_id AS photo_id, c.pinned AS pinned,
        1 AS in_visible_group, r.display_name_source AS display_name_source
        FROM contacts c JOIN raw_contacts r ON r._id = c.name_raw_contact_id""",
                 ["_id", "display_name", "display_name_alt", "starred", "has_phone_number", "lookup",
                  "contact_last_updated_timestamp", "times_contacted", "last_time_contacted", "photo_id",
                  "pinned", "in_visible_group", "display_name_source"]),
    "raw_contacts": ("""SELECT r._id AS _id, r.contact_id AS contact_id, a.account_name AS account_name,
        a.account_type AS account_type, r.deleted AS deleted, r.display_name AS display_name,
        r.display_name_alt AS display_name_alt, r.display_name_source AS display_name_source,
        r.starred AS starred, r.version AS version, r.dirty AS dirty, r.sourceid AS sourceid
        FROM raw_contacts r LEFT JOIN accounts a ON a._id = r.account_id""",
                     ["_id", "contact_id", "account_name", "account_type", "deleted", "display_name",
                      "display_name_alt", "display_name_source", "starred", "version", "dirty", "sourceid"]),
    "data": (_DATA_BASE, ["_id", "raw_contact_id", "contact_id", "mimetype", "is_primary", "is_super_primary",
                          "data1", "data2", "data3", "data4", "display_name", "starred", "account_name",
                          "account_type"]),
    "phones": (f"""SELECT _id, contact_id, raw_contact_id, display_name, data1 AS number,
        data4 AS normalized_number, data2 AS type, data3 AS label, is_primary, mimetype, data1, data2, data3,
        data4, starred FROM ({_DATA_BASE}) WHERE mimetype = '{PHONE}'""",
               ["_id", "contact_id", "raw_contact_id", "display_name", "number", "normalized_number", "type",
                "label", "is_primary", "mimetype", "data1", "data2", "data3", "data4", "starred"]),
    "emails": (f"""SELECT _id, contact_id, raw_contact_id, display_name, data1 AS address, data2 AS type,
        data3 AS label, is_primary, mimetype, data1, data2, data3, starred FROM ({_DATA_BASE})
        WHERE mimetype = '{EMAIL}'""",
               ["_id", "contact_id", "raw_contact_id", "display_name", "address", "type", "label", "is_primary",
                "mimetype", "data1", "data2", "data3", "starred"]),
    "legacy_people": ("""SELECT c._id AS _id, r.display_name AS name, r.display_name AS display_name,
        (SELECT d.data1 FROM data d JOIN mimetypes m ON m._id = d.mimetype_id WHERE d.raw_contact_id = r._id
         AND m.mimetype = 'vnd.android.cursor.item/phone_v2' ORDER BY d._id LIMIT 1) AS number,
        c.starred AS starred, c.times_contacted AS times_contacted, c.last_time_contacted AS last_time_contacted
        FROM contacts c JOIN raw_contacts r ON r._id = c.name_raw_contact_id""",
                      ["_id", "name", "display_name", "number", "starred", "times_contacted",
                       "last_time_contacted"]),
    "legacy_phones": (f"""SELECT _id, raw_contact_id AS person, is_primary AS isprimary, data2 AS type,
        data1 AS number, data4 AS number_key, data3 AS label, display_name AS name, display_name
        FROM ({_DATA_BASE}) WHERE mimetype = '{PHONE}'""",
                      ["_id", "person", "isprimary", "type", "number", "number_key", "label", "name",
                       "display_name"]),
}

# (authority, first path segment, optional second) -> view name and the key column an /ID suffix filters on
_ROUTES = {
    ("com.android.contacts", "contacts"): "contacts", ("com.android.contacts", "raw_contacts"): "raw_contacts",
    ("com.android.contacts", "data"): "data", ("com.android.contacts", "data/phones"): "phones",
    ("com.android.contacts", "data/emails"): "emails", ("contacts", "people"): "legacy_people",
    ("contacts", "phones"): "legacy_phones",
}
AUTHORITIES = ("com.android.contacts", "contacts")


def route(authority: str, path: str) -> tuple[str, int | None]:
    """Map a URI path to a view; a trailing numeric segment selects one row by _id."""
    segments = [s for s in path.split("/") if s]
    row_id = None
    if segments and segments[-1].isdigit():
        row_id = int(segments.pop())
    key = (authority, "/".join(segments))
    if key not in _ROUTES:
        raise ProviderError("java.lang.IllegalArgumentException",
                            f"Unknown URL content://{authority}/{path.lstrip('/')}")
    return _ROUTES[key], row_id


def query(provider: ContactsProvider, authority: str, path: str, projection: list[str] | None,
          where: str | None, sort: str | None) -> tuple[list[str], list[tuple]]:
    view, row_id = route(authority, path)
    sql, columns = _VIEWS[view]
    chosen = projection or columns
    for column in chosen:
        if column not in columns:
            raise ProviderError("java.lang.IllegalArgumentException", f"Invalid column {column}")
    clauses = [f"({where})"] if where else []
    if row_id is not None:
        clauses.append(f"_id = {row_id}")
    statement = f"SELECT {', '.join(chosen)} FROM ({sql})"
    if clauses:
        statement += " WHERE " + " AND ".join(clauses)
    statement += f" ORDER BY {sort}" if sort else " ORDER BY _id"
    try:
        with provider.session(read_only=True) as db:
            return list(chosen), db.execute(statement).fetchall()
    except sqlite3.Error as error:
        raise ProviderError("android.database.sqlite.SQLiteException",
                            f"{error} (code 1 SQLITE_ERROR): , while compiling: {statement}") from None


def insert(provider: ContactsProvider, authority: str, path: str, values: dict[str, object]) -> str:
    """Insert a raw contact or a data row; returns the new row's URI."""
    view, row_id = route(authority, path)
    with provider.session() as db:
        if view == "raw_contacts" and row_id is None:
            raw_id = provider._new_raw_contact(db, values)
            return f"content://{authority}/raw_contacts/{raw_id}"
        if view in ("data", "phones", "emails") and row_id is None:
            raw_id = values.pop("raw_contact_id", None)
            mimetype = values.pop("mimetype", {"phones": PHONE, "emails": EMAIL}.get(view))
            if raw_id is None or mimetype is None:
                raise ProviderError("java.lang.IllegalArgumentException", "raw_contact_id and mimetype are required")
            if db.execute("SELECT 1 FROM raw_contacts WHERE _id = ?", (raw_id,)).fetchone() is None:
                raise ProviderError("java.lang.IllegalArgumentException", f"Raw contact {raw_id} does not exist")
            allowed = {k: v for k, v in values.items() if re.fullmatch(r"data([1-9]|1[0-5])|is_primary|"
                                                                      r"is_super_primary", k)}
            if mimetype == NAME and "data1" not in allowed:
                allowed["data1"] = " ".join(str(allowed[k]) for k in ("data2", "data3") if allowed.get(k))
            if mimetype == PHONE and "data1" in allowed and "data4" not in allowed:
                allowed["data4"] = normalize_number(str(allowed["data1"]))
            data_id = provider._insert_data(db, int(raw_id), str(mimetype), allowed)
            provider._refresh(db, int(raw_id))
            return f"content://{authority}/data/{data_id}"
    raise ProviderError("java.lang.UnsupportedOperationException", f"Unknown uri: content://{authority}/{path}")


def delete(provider: ContactsProvider, authority: str, path: str, where: str | None) -> int:
    """Delete contacts, raw contacts or data rows matching the URI and the --where clause."""
    columns, rows = query(provider, authority, path, ["_id"], where, None)
    ids = [row[0] for row in rows]
    view, _ = route(authority, path)
    with provider.session() as db:
        if view in ("contacts", "legacy_people"):
            return provider._delete_contacts(db, ids)
        if view == "raw_contacts":
            contact_ids = [r[0] for i in ids for r in db.execute("SELECT contact_id FROM raw_contacts WHERE _id = ?",
                                                                 (i,))]
            return provider._delete_contacts(db, contact_ids)
        touched = set()
        for data_id in ids:
            found = db.execute("SELECT raw_contact_id FROM data WHERE _id = ?", (data_id,)).fetchone()
            if found:
                touched.add(found[0])
                db.execute("DELETE FROM data WHERE _id = ?", (data_id,))
        for raw_id in touched:
            provider._refresh(db, raw_id)
        return len(ids)
