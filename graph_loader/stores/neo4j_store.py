"""The Neo4j store: the journey graph of docs/graph-model.md in Neo4j 5, over the official driver.

Every statement is a named block of ``queries/neo4j.cypher``. Writes are
``UNWIND $rows`` batches in managed write transactions (the driver retries
transient failures), merged on the keys the schema constrains, so loading the
same rows twice leaves the same graph. After a load the journey chains of the
families and people it touched are rebuilt from the project's own event log
(:mod:`graph_loader.stores.neo4j_chains`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import pandas as pd

from graph_loader.stores import neo4j_chains
from graph_loader.stores.frames import decode_frame, encode_frame
from journey.contract import CONTACT_COLUMNS, FAMILIES, LEAD_PERIODS, PEOPLE
from journey.errors import NotFoundError, SchemaVersionError, StoreError, StoreUnavailableError
from journey.store import ContactFilter, LoadRecord
from queries import query

__all__ = ["Neo4jStore", "SCHEMA_VERSION", "SCHEMA_STATEMENTS", "connection_settings"]

SCHEMA_VERSION = 1
BATCH_SIZE = 5_000
SCHEMA_STATEMENTS = [
    "constraint_person", "constraint_family", "constraint_contact", "constraint_agency",
    "constraint_lead_period", "constraint_load", "constraint_result", "constraint_meta",
    "index_contact_at", "index_family_area", "index_involves_family",
    "index_next_for_family", "index_next_for_person",
]  # fmt: skip
_NULLABLE_TEXT = ["referred_by", "service", "source_system"]
_CONTACT_PROPERTIES = [
    "contact_id", "agency", "contact_type", "occurred_at", "referred_by", "service",
    "source_system",
]  # fmt: skip


def _batch_size() -> int:
    """Rows per write transaction: ``$JOURNEY_NEO4J_BATCH`` or :data:`BATCH_SIZE`."""
    text = os.environ.get("JOURNEY_NEO4J_BATCH", "")
    if not text:
        return BATCH_SIZE
    if not text.isdigit() or int(text) < 1:
        raise StoreError(f"JOURNEY_NEO4J_BATCH must be a whole number of rows, not {text!r}")
    return int(text)


def _cypher(name: str) -> str:
    return query("neo4j", name)


def connection_settings(url: str) -> tuple[str, tuple[str, str] | None, str | None]:
    """(URL without credentials, auth or None, database or None) from a URL and the environment.

    ``NEO4J_USER``/``NEO4J_PASSWORD`` give the credentials unless the URL
    holds them; ``NEO4J_DATABASE`` the database (the server's default otherwise).

    Examples
    --------
    >>> connection_settings("bolt://ana:s%40cret@db.example:7687")[:2]
    ('bolt://db.example:7687', ('ana', 's@cret'))
    """
    parts = urlsplit(url)
    user = unquote(parts.username) if parts.username else os.environ.get("NEO4J_USER")
    password = unquote(parts.password) if parts.password else os.environ.get("NEO4J_PASSWORD")
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    auth = (user, password or "") if user else None
    return clean, auth, os.environ.get("NEO4J_DATABASE") or None


def _python_times(values: pd.Series) -> list:
    """Times as naive datetimes (Neo4j LocalDateTime); NaT becomes None."""
    times = pd.to_datetime(values)
    return [None if pd.isna(t) else t.to_pydatetime() for t in times]


def _parse_times(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format="ISO8601").astype("datetime64[ns]")


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Rows as dicts for ``UNWIND $rows``; missing values become null."""
    ready = frame[columns].astype(object).where(frame[columns].notna(), None)
    return ready.to_dict("records")


class Neo4jStore:
    """The graph store in a Neo4j 5 database (Community, Enterprise or Aura).

    One driver per store, closed by :meth:`close`. Opening checks the server
    (reachable, Neo4j 5 or later), then the database: an empty database gets
    the schema; one this service created must have its schema version; any
    other database is refused rather than written into.
    """

    def __init__(self, url: str, *, batch_size: int | None = None):
        from neo4j import GraphDatabase

        self.url = url
        self.batch_size = batch_size or _batch_size()
        address, auth, self.database = connection_settings(url)
        # Labels and properties an empty graph does not have yet are expected, not news.
        self._driver = GraphDatabase.driver(
            address, auth=auth, notifications_disabled_classifications=["UNRECOGNIZED"]
        )
        self._touched_families: set[str] = set()
        self._touched_people: set[str] = set()
        try:
            self._check_server()
            self._check_schema()
        except BaseException:
            self._driver.close()
            raise

    # -- connection and schema ----------------------------------------------
    def _run(self, name: str, /, **params: Any) -> pd.DataFrame:
        """Run a named read or small write; the records as a frame (columns kept when empty)."""
        from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

        try:
            records, summary, keys = self._driver.execute_query(
                _cypher(name), params, database_=self.database
            )
        except (ServiceUnavailable, SessionExpired) as error:
            raise StoreUnavailableError(f"{self.url}: Neo4j is not reachable ({error})") from None
        except Neo4jError as error:
            raise StoreError(f"{self.url}: Neo4j refused {name}: {error.message}") from None
        return pd.DataFrame([r.values() for r in records], columns=keys)

    def _write(self, name: str, rows: list[dict[str, Any]]) -> int:
        """``UNWIND $rows`` in batches, each a managed write transaction (retried if transient)."""
        from neo4j.exceptions import Neo4jError

        def work(tx, batch):
            tx.run(_cypher(name), rows=batch).consume()

        try:
            with self._driver.session(database=self.database) as session:
                for start in range(0, len(rows), self.batch_size):
                    session.execute_write(work, rows[start : start + self.batch_size])
        except Neo4jError as error:
            raise StoreError(f"{self.url}: Neo4j refused {name}: {error.message}") from None
        return len(rows)

    def _check_server(self) -> None:
        from neo4j.exceptions import AuthError, ServiceUnavailable

        try:
            self._driver.verify_connectivity()
        except AuthError:
            raise StoreUnavailableError(
                f"{self.url}: Neo4j refused the credentials (set NEO4J_USER and NEO4J_PASSWORD)"
            ) from None
        except (ServiceUnavailable, OSError) as error:
            raise StoreUnavailableError(
                f"{self.url}: cannot reach Neo4j ({error.__class__.__name__}); is the server "
                "running? (`make neo4j` starts a local one)"
            ) from None
        version = str(self._run("server_components")["version"].iloc[0])
        if int(version.split(".")[0]) < 5:
            raise StoreUnavailableError(f"{self.url}: Neo4j {version}; this store needs Neo4j 5")

    def _check_schema(self) -> None:
        found = self._run("get_meta", key="schema_version")["value"]
        if found.empty:
            nodes = int(self._run("count_nodes")["nodes"].iloc[0])
            if nodes:
                raise StoreError(
                    f"{self.url}: the database holds {nodes:,} nodes this service did not create; "
                    "use an empty database (NEO4J_DATABASE) for the journey graph"
                )
            for name in SCHEMA_STATEMENTS:
                self._run(name)
            self._run("set_meta", key="schema_version", value=SCHEMA_VERSION)
        elif int(found.iloc[0]) != SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{self.url}: graph schema version {found.iloc[0]}, this version of journey "
                f"needs {SCHEMA_VERSION}; load your data into a new database"
            )

    def close(self) -> None:
        """Close the driver (and its connections)."""
        self._driver.close()

    def __repr__(self) -> str:
        return f"Neo4jStore({self.url!r})"

    # -- writes ---------------------------------------------------------------
    def write_contacts(self, contacts: pd.DataFrame) -> int:
        """Merge contact rows: the agencies, families and people they name, each contact, its links.

        Rows of one contact agree on its time, type and agency (the contract has
        it so); the first row of each contact gives the contact's properties.
        """
        frame = contacts.assign(occurred_at=_python_times(contacts["occurred_at"]))
        for column in _NULLABLE_TEXT:
            if column not in frame:
                frame[column] = None
        self._touched_families.update(frame["family_id"].unique().tolist())
        self._touched_people.update(frame["person_id"].unique().tolist())
        agencies = frame.drop_duplicates("agency")
        self._write("merge_agencies", _records(agencies, ["agency", "sector"]))
        families = frame.drop_duplicates("family_id")
        self._write("merge_contact_families", _records(families, ["family_id"]))
        people = frame.drop_duplicates("person_id")
        self._write("merge_contact_people", _records(people, ["person_id"]))
        once = frame.drop_duplicates("contact_id")
        self._write("merge_contacts", _records(once, _CONTACT_PROPERTIES))
        involves = _records(frame, ["contact_id", "person_id", "family_id"])
        return self._write("merge_involves", involves)

    def write_people(self, people: pd.DataFrame) -> int:
        """Merge people and their MEMBER_OF links (a person moved to another family moves)."""
        frame = people.reindex(columns=PEOPLE.columns)
        return self._write("merge_people", _records(frame, PEOPLE.columns))

    def write_families(self, families: pd.DataFrame) -> int:
        """Merge families; an empty area keeps the stored one."""
        frame = families.reindex(columns=FAMILIES.columns)
        return self._write("merge_families", _records(frame, FAMILIES.columns))

    def write_lead_periods(self, periods: pd.DataFrame) -> int:
        """Merge lead-professional periods on (family, lead_from)."""
        frame = periods.assign(
            lead_from=_python_times(periods["lead_from"]), lead_to=_python_times(periods["lead_to"])
        )
        return self._write("merge_lead_periods", _records(frame, LEAD_PERIODS.columns))

    def loading(self, *, wait_seconds: float) -> AbstractContextManager[None]:
        """No load lock: each batch is its own transaction, and there is no snapshot to go stale.

        Two loads at once both land; this store does not serialise them.
        """
        return nullcontext()

    def start_run(self, files: Sequence[LoadRecord]) -> int:
        """Record a run as started: one :Load node per file, finished_at null; the run's id."""
        rows = [
            {
                "source": f.source, "kind": f.kind, "mapping": f.mapping, "checksum": f.checksum,
                "started_at": f.started_at, "finished_at": f.finished_at, "rows_in": f.rows_in,
                "loaded": f.loaded, "rejected": f.rejected, "duplicates": f.duplicates,
                "rejects_path": f.rejects_path,
            }
            for f in files
        ]  # fmt: skip
        return int(self._run("start_run", rows=rows)["run_id"].iloc[0])

    def finish_run(self, run_id: int, finished_at: datetime) -> None:
        """Mark every :Load node of run ``run_id`` finished."""
        self._run("finish_run", run_id=run_id, finished_at=finished_at)

    def record_load(self, record: LoadRecord) -> None:
        """Append a run of one file, started and (when ``finished_at`` is set) finished."""
        run_id = self.start_run([record])
        if record.finished_at is not None:
            self.finish_run(run_id, record.finished_at)

    def finish_load(self) -> None:
        """Rebuild the journey chains and steps of the families and people the load touched."""
        families, people = sorted(self._touched_families), sorted(self._touched_people)
        if not families and not people:
            return
        contacts = self._select("select_contacts_of_families", family_ids=families)
        steps, family_links = neo4j_chains.family_chains(contacts)
        self._write("set_steps", steps)
        self._run("delete_family_chains", family_ids=families)
        self._write("create_family_chain", family_links)
        persons = self._select("select_contacts_of_people", person_ids=people)
        self._run("delete_person_chains", person_ids=people)
        self._write("create_person_chain", neo4j_chains.person_chains(persons))
        self._touched_families.clear()
        self._touched_people.clear()

    # -- reads ------------------------------------------------------------------
    def _select(self, name: str, /, **params: Any) -> pd.DataFrame:
        """Contact rows in journey order (family, time, contact, person), contract types."""
        frame = self._run(name, **params).reindex(columns=CONTACT_COLUMNS)
        frame["occurred_at"] = _parse_times(frame["occurred_at"])
        frame = frame.astype({c: object for c in CONTACT_COLUMNS if c != "occurred_at"})
        frame = frame.sort_values(["family_id", "occurred_at", "contact_id", "person_id"])
        return frame.reset_index(drop=True)

    def contacts(
        self, where: ContactFilter | None = None, *, columns: list[str] | None = None
    ) -> pd.DataFrame:
        """Contact rows in journey order; a family or person filter is answered by an index.

        The other filters (times, agency, area) narrow the rows that query returns.
        """
        wanted = list(columns) if columns is not None else list(CONTACT_COLUMNS)
        unknown = set(wanted) - set(CONTACT_COLUMNS)
        if unknown:
            raise StoreError(f"not contact columns: {', '.join(sorted(unknown))}")
        where = where or ContactFilter()
        if where.family_id is not None:
            frame = self._select("select_contacts_of_families", family_ids=[where.family_id])
        elif where.person_id is not None:
            frame = self._select("select_contacts_of_person", person_id=where.person_id)
        elif where.area is not None:
            ids = self._run("select_family_ids_of_area", area=where.area)["family_id"].tolist()
            frame = self._select("select_contacts_of_families", family_ids=ids)
        else:
            frame = self._select("select_contacts")
        keep = pd.Series(True, index=frame.index)
        if where.person_id is not None:
            keep &= frame["person_id"] == where.person_id
        if where.start is not None:
            keep &= frame["occurred_at"] >= pd.Timestamp(where.start)
        if where.end is not None:
            keep &= frame["occurred_at"] < pd.Timestamp(where.end)
        if where.agency is not None:
            keep &= frame["agency"] == where.agency
        if where.area is not None and where.family_id is not None:
            area = self._run("select_family_ids_of_area", area=where.area)["family_id"]
            keep &= frame["family_id"].isin(area.tolist())
        return frame.loc[keep, wanted].reset_index(drop=True)

    def people(self, family_id: str | None = None) -> pd.DataFrame:
        """People, all or of one family."""
        if family_id is None:
            frame = self._run("select_people")
        else:
            frame = self._run("select_people_of_family", family_id=family_id)
        return frame.reindex(columns=PEOPLE.columns).astype(object)

    def families(self) -> pd.DataFrame:
        """Families (family_id, area), including those only named by contacts."""
        return self._run("select_families").reindex(columns=FAMILIES.columns).astype(object)

    def lead_periods(self, family_id: str | None = None) -> pd.DataFrame:
        """Lead-professional periods, all or of one family (lead_to NaT while open)."""
        if family_id is None:
            frame = self._run("select_lead_periods")
        else:
            frame = self._run("select_lead_periods_of_family", family_id=family_id)
        frame = frame.reindex(columns=LEAD_PERIODS.columns)
        frame["family_id"] = frame["family_id"].astype(object)
        for column in ("lead_from", "lead_to"):
            frame[column] = _parse_times(frame[column])
        return frame

    def agencies(self) -> pd.DataFrame:
        """Agencies seen in contacts (agency, sector, contacts = contact rows)."""
        frame = self._run("select_agencies").reindex(columns=["agency", "sector", "contacts"])
        return frame.astype({"agency": object, "sector": object, "contacts": "int64"})

    def counts(self) -> dict[str, int]:
        """people, families, contacts (distinct contact_id), contact_rows, agencies, loads."""
        row = self._run("counts").iloc[0]
        return {name: int(row[name]) for name in row.index}

    def date_range(self) -> tuple[datetime | None, datetime | None]:
        """The first and last contact time, or (None, None) when empty."""
        row = self._run("date_range").iloc[0]
        if row["first"] is None:
            return None, None
        return row["first"].to_native(), row["last"].to_native()

    def loads(self) -> pd.DataFrame:
        """The load log, one line per file of each run, newest first (finished_at null if not)."""
        return self._run("select_loads")

    # -- analysis results ---------------------------------------------------------
    def save_results(self, frames: dict[str, pd.DataFrame], meta: dict[str, Any]) -> None:
        """Replace the stored results, their meta, and the derived FLOWS_TO links."""
        rows = [{"name": name, "payload": encode_frame(frame)} for name, frame in frames.items()]
        self._run("delete_results")
        self._write("insert_results", rows)
        self._run("set_meta", key="results_meta", value=json.dumps(meta, default=str))
        self._run("delete_flows")
        if "pathways" in frames:
            self._write("create_flows", neo4j_chains.flow_rows(frames["pathways"]))

    def result(self, name: str) -> pd.DataFrame:
        """One stored result frame; NotFoundError when the analyses have not stored it."""
        found = self._run("select_result", name=name)["payload"]
        if found.empty:
            raise NotFoundError(f"no analysis result {name!r} in {self.url}; run `journey analyse`")
        return decode_frame(found.iloc[0])

    def results_meta(self) -> dict[str, Any] | None:
        """The stored results' meta, or None when nothing has been analysed yet."""
        found = self._run("get_meta", key="results_meta")["value"]
        return None if found.empty else json.loads(found.iloc[0])

    def flows(self) -> pd.DataFrame:
        """The FLOWS_TO links between agencies, as the ``pathways`` frame has them."""
        return self._run("select_flows")

    def clear(self) -> None:
        """Delete every node and relationship (the test suite's clean-up); keep the schema."""
        # CALL { } IN TRANSACTIONS runs only in an auto-commit transaction.
        with self._driver.session(database=self.database) as session:
            session.run(_cypher("delete_everything")).consume()
        self._run("set_meta", key="schema_version", value=SCHEMA_VERSION)
