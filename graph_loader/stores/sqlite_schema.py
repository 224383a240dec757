"""The embedded store's schema: the contacts table's columns, the query texts, the schema check.

The contacts table's columns are the contract's (:data:`journey.contract.CONTACT_COLUMNS`),
laid out here once: the journey-order key first (the clustered order on disk),
then the others. The queries in ``queries/sqlite.sql`` that need the column list
name a slot such as ``{contacts_columns}``; :func:`statement` fills the slots
from this layout, so the DDL, the upsert and the reads cannot drift apart.
Slots hold column names only, never values: values are always bound as named
parameters.
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache
from pathlib import Path

from journey.contract import CONTACT_COLUMNS
from journey.errors import SchemaVersionError, StoreError
from queries import query

__all__ = [
    "SCHEMA_VERSION",
    "MIGRATIONS",
    "CONTACTS_KEY",
    "CONTACTS_TABLE_COLUMNS",
    "NULLABLE_CONTACT_COLUMNS",
    "statement",
    "configure",
    "ensure_schema",
]

SCHEMA_VERSION = 2
#: Schema versions this release upgrades in place when it opens their file
#: (see CHANGELOG.md#store-schema-versions).
MIGRATIONS = frozenset({1})

#: The contacts table's primary key, journey order: each family's journey is
#: one contiguous range of the clustered index.
CONTACTS_KEY = ("family_id", "occurred_at", "contact_id", "person_id")
#: The contacts table's columns in their on-disk order: the key, then the contract's others.
CONTACTS_TABLE_COLUMNS = (*CONTACTS_KEY, *(c for c in CONTACT_COLUMNS if c not in CONTACTS_KEY))
#: The contact columns that may be NULL; the others are NOT NULL.
NULLABLE_CONTACT_COLUMNS = frozenset({"referred_by", "service", "source_system"})
# The id of a contact row (its unique index): an upsert never changes it.
_CONTACT_ROW_ID = ("contact_id", "person_id")

_SLOT = re.compile(r"\{([a-z_]+)\}")


def _slots() -> dict[str, str]:
    """The text of every slot the query file may name, built from the contacts layout."""
    width = max(map(len, CONTACTS_TABLE_COLUMNS))
    definitions = [
        f"    {column:<{width}} TEXT{'' if column in NULLABLE_CONTACT_COLUMNS else ' NOT NULL'}"
        for column in CONTACTS_TABLE_COLUMNS
    ]
    updated = [c for c in CONTACTS_TABLE_COLUMNS if c not in _CONTACT_ROW_ID]
    return {
        "contacts_definitions": ",\n".join(definitions),
        "contacts_key": ", ".join(CONTACTS_KEY),
        "contacts_columns": ", ".join(CONTACT_COLUMNS),
        "contacts_parameters": ", ".join(f":{c}" for c in CONTACT_COLUMNS),
        "contacts_updates": ",\n    ".join(f"{c} = excluded.{c}" for c in updated),
        "contacts_changed": "\n   OR ".join(f"contacts.{c} IS NOT excluded.{c}" for c in updated),
        "contacts_joined": ",\n       ".join(
            f"group_concat(coalesce({c}, char(30)), char(31)) AS {c}" for c in CONTACT_COLUMNS
        ),
    }


@cache
def statement(name: str) -> str:
    """The SQL text of the embedded store's query ``name``, its slots filled in.

    Raises :class:`queries.UnknownQueryError` for a name ``queries/sqlite.sql``
    does not define, and KeyError for a slot this module does not know.

    Examples
    --------
    >>> print(statement("select_contacts_of_family"))  # doctest: +ELLIPSIS
    SELECT contact_id, person_id, family_id, agency, sector, contact_type, occurred_at, ...
    FROM contacts
    WHERE family_id = :family_id
    ORDER BY family_id, occurred_at, contact_id, person_id;
    >>> statement("begin")
    'BEGIN;'
    """
    slots = _slots()
    return _SLOT.sub(lambda slot: slots[slot.group(1)], query("sqlite", name))


def configure(connection: sqlite3.Connection) -> None:
    """Set a new connection's journal mode, durability, cache and temporary storage."""
    connection.executescript(statement("configure_connection_script"))


def _statements(script: str) -> list[str]:
    r"""The statements of one of our scripts (so that each runs inside one transaction).

    ``executescript`` would commit a pending transaction first.

    Examples
    --------
    >>> _statements("-- a comment\nCREATE TABLE a (b);\nDROP TABLE a;\n")
    ['-- a comment\nCREATE TABLE a (b);', 'DROP TABLE a;']
    """
    found, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    return found


def _upgrade_statements(found: int) -> list[str]:
    """The statements that upgrade a store of schema version ``found`` to :data:`SCHEMA_VERSION`."""
    assert found == 1, found  # the one upgrade there is (MIGRATIONS)
    return [
        *_statements(statement("migrate_1_to_2_before_script")),
        *_statements(statement("schema_script")),  # the new tables' definitions
        *_statements(statement("migrate_1_to_2_after_script")),
    ]


def _migrate(connection: sqlite3.Connection, found: int) -> None:
    """Upgrade a store file of schema version ``found`` in one transaction (a no-op if done)."""
    connection.execute(statement("begin_immediate"))
    try:
        # Another process may have upgraded the file while this one waited for the lock.
        row = connection.execute(statement("get_meta"), {"key": "schema_version"}).fetchone()
        if row is not None and int(row[0]) == found:
            for text in _upgrade_statements(found):
                connection.execute(text)
            connection.execute(
                statement("set_meta"), {"key": "schema_version", "value": str(SCHEMA_VERSION)}
            )
        connection.execute(statement("commit"))
    except BaseException:
        if connection.in_transaction:
            connection.execute(statement("rollback"))
        raise


def _add_lead_period_columns(connection: sqlite3.Connection) -> None:
    """Add lead_worker and lead_team to a store made before them (in one transaction)."""

    def missing() -> bool:
        found = {row[0] for row in connection.execute(statement("lead_period_columns"))}
        return "lead_worker" not in found

    if not missing():
        return
    connection.execute(statement("begin_immediate"))
    try:
        if missing():  # another process may have added them while this one waited
            for text in _statements(statement("add_lead_names_script")):
                connection.execute(text)
        connection.execute(statement("commit"))
    except BaseException:
        if connection.in_transaction:
            connection.execute(statement("rollback"))
        raise


def ensure_schema(connection: sqlite3.Connection, path: Path) -> None:
    """Check the file is a journey store of this schema version, then add any missing table.

    An empty file becomes a store of :data:`SCHEMA_VERSION`; a store of a
    version in :data:`MIGRATIONS` is upgraded to it in place.

    Raises
    ------
    StoreError
        A SQLite file that is not a journey store.
    SchemaVersionError
        A journey store of another schema version, not upgradable.
    """
    tables = {row[0] for row in connection.execute(statement("table_names"))}
    if tables and "meta" not in tables:
        raise StoreError(f"{path}: is a SQLite file but not a journey store")
    if "meta" in tables:
        row = connection.execute(statement("get_meta"), {"key": "schema_version"}).fetchone()
        found = int(row[0]) if row else None
        if found in MIGRATIONS:
            _migrate(connection, found)
        elif found != SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{path}: store schema version {found}, this version of journey needs "
                f"{SCHEMA_VERSION}; load your data into a new store file"
            )
    # Every statement is IF NOT EXISTS: this also adds tables new within the version.
    connection.executescript(statement("schema_script"))
    _add_lead_period_columns(connection)
    if "meta" not in tables:
        connection.execute(
            statement("set_meta"), {"key": "schema_version", "value": str(SCHEMA_VERSION)}
        )
