"""The Neo4j store: the journey graph of docs/graph-model.md in Neo4j 5, over the official driver.

Statements run through :class:`~graph_loader.stores.neo4j_connection.Neo4jConnection`.
New contacts are created whole, changed ones merged on the keys the schema
constrains, unchanged ones (equal digests) skipped, so loading the same rows
twice leaves the same graph. After a load the journey chains of the families
and people it changed are rebuilt from the project's own event log
(:mod:`graph_loader.stores.neo4j_chains`); docs/graph-model.md#idempotent-loading.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from graph_loader.stores import neo4j_chains, neo4j_rows
from graph_loader.stores.frames import decode_frame, encode_frame
from graph_loader.stores.neo4j_connection import (
    BATCH_SIZE,
    LOOKUP_IDS,
    Neo4jConnection,
    chunks,
    connection_settings,
    cypher,
)
from journey.contract import CONTACT_COLUMNS, FAMILIES, LEAD_PERIODS, PEOPLE
from journey.errors import NotFoundError, SchemaVersionError, StoreError
from journey.store import ContactFilter, LoadRecord

__all__ = ["Neo4jStore", "SCHEMA_VERSION", "SCHEMA_STATEMENTS", "BATCH_SIZE", "connection_settings"]

SCHEMA_VERSION = 1
SCHEMA_STATEMENTS = [
    "constraint_person", "constraint_family", "constraint_contact", "constraint_agency",
    "constraint_lead_period", "constraint_load", "constraint_result", "constraint_meta",
    "index_contact_at", "index_family_area", "index_involves_family",
    "index_next_for_family", "index_next_for_person",
]  # fmt: skip
_CONTACT_PROPERTIES = [
    "contact_id", "agency", "contact_type", "occurred_at", "referred_by", "service",
    "source_system", "digest",
]  # fmt: skip
#: Families per read of their contacts: bounds the server's memory for one record of columns.
READ_FAMILIES = 4_000
_JOURNEY_COLUMNS = ["contact_id", "person_id", "family_id", "occurred_at"]


def _python_times(values: pd.Series) -> list:
    """Times as naive datetimes (Neo4j LocalDateTime); NaT becomes None."""
    times = pd.to_datetime(values)
    return [None if pd.isna(t) else t.to_pydatetime() for t in times]


def _parse_times(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format="ISO8601").astype("datetime64[ns]")


_records = neo4j_rows.records


class Neo4jStore(Neo4jConnection):
    """The graph store in a Neo4j 5 database (Community, Enterprise or Aura).

    One driver per store, closed by :meth:`close`. Opening checks the server
    (reachable, Neo4j 5 or later), then the database: an empty database gets
    the schema; one this service created must have its schema version; any
    other database is refused rather than written into.
    """

    def __init__(self, url: str, *, batch_size: int | None = None):
        super().__init__(url, batch_size=batch_size)
        self._touched_families: set[str] = set()
        self._loaded: list[pd.DataFrame] = []
        try:
            self._check_schema()
        except BaseException:
            self._driver.close()
            raise

    # -- connection and schema ----------------------------------------------
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

    def __repr__(self) -> str:
        return f"Neo4jStore({self.url!r})"

    # -- writes ---------------------------------------------------------------
    def write_contacts(self, contacts: pd.DataFrame, *, in_journey_order: bool = False) -> int:
        """Write contact rows: new contacts created whole, changed ones merged, unchanged skipped.

        Rows of one contact agree on its time, type and agency (the contract has
        it so); the first row of each contact gives the contact's properties.
        A contact whose digest (of all its rows in this call) matches the graph's
        is not written again. The order of the rows does not matter here
        (``in_journey_order`` is accepted for the store interface).
        """
        frame = neo4j_rows.contact_rows(contacts)
        self._loaded.append(frame[_JOURNEY_COLUMNS].drop_duplicates(["contact_id", "person_id"]))
        self._touched_families.update(frame["family_id"].unique().tolist())
        digest = neo4j_rows.digests(frame, "contact_id", CONTACT_COLUMNS)
        stored = self._stored("stored_contacts", "contact_ids", digest.index.tolist())
        held = pd.Series(stored["digest"], index=stored["contact_id"], dtype=np.int64)
        changed = held.index[held.to_numpy() != digest.reindex(held.index).to_numpy()]
        # A changed contact may have named other families: their journeys change too.
        moved = pd.Series(stored["family_ids"], index=stored["contact_id"], dtype=object)
        self._touched_families.update(f for ids in moved.loc[changed] for f in ids)
        fresh = frame[~frame["contact_id"].isin(held.index)]
        altered = frame[frame["contact_id"].isin(changed)]
        written = pd.concat([fresh, altered])
        agencies = frame.drop_duplicates("agency")
        self._write("merge_agencies", _records(agencies, ["agency", "sector"]))
        referrers = frame.dropna(subset=["referred_by"]).drop_duplicates("referred_by")
        self._write("merge_referrers", _records(referrers, ["referred_by"]))
        families = written.drop_duplicates("family_id")
        self._write("merge_contact_families", _records(families, ["family_id"]))
        people = written.drop_duplicates("person_id")
        self._write("merge_contact_people", _records(people, ["person_id"]))
        self._write("create_contacts", neo4j_rows.new_contact_rows(fresh, digest))
        once = altered.drop_duplicates("contact_id").assign(
            digest=lambda f: digest.reindex(f["contact_id"]).to_numpy().tolist()
        )
        self._write("merge_contacts", _records(once, _CONTACT_PROPERTIES))
        self._write("merge_involves", _records(altered, ["contact_id", "person_id", "family_id"]))
        return len(frame)

    def write_people(self, people: pd.DataFrame) -> int:
        """Merge people and their MEMBER_OF links (a person moved to another family moves)."""
        frame = people.reindex(columns=PEOPLE.columns)
        return self._write("merge_people", _records(frame, PEOPLE.columns))

    def write_families(self, families: pd.DataFrame) -> int:
        """Merge families; an empty area keeps the stored one."""
        frame = families.reindex(columns=FAMILIES.columns)
        return self._write("merge_families", _records(frame, FAMILIES.columns))

    def write_lead_periods(self, periods: pd.DataFrame) -> int:
        """Merge lead-professional periods on (family, lead_from); empty names keep stored ones."""
        periods = periods.reindex(columns=LEAD_PERIODS.columns)
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
                "rejects_path": f.rejects_path, "updated": f.updated,
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

    def mark_touched(self, family_ids: Sequence[str]) -> None:
        """Mark families whose contacts a load added or changed (kept until analysed)."""
        self._write("mark_touched", [{"family_id": f} for f in family_ids])

    def touched_families(self) -> list[str]:
        """The families marked touched since the last analyse, sorted."""
        found = self._run("select_touched")
        return found["family_id"].tolist() if "family_id" in found else []

    def clear_touched(self, family_ids: Sequence[str]) -> None:
        """Unmark families once their results are refreshed."""
        self._write("clear_touched", [{"family_id": f} for f in family_ids])

    def finish_load(self) -> None:
        """Rebuild the journey chains and steps of the families and people the load changed.

        The families are those this load wrote to and those still marked as
        touched in the store. A family whose contact rows in the graph are all rows this load wrote
        (every new family) gets its chain from those rows; any other is read
        back. Chains whose digest matches the stored one are left alone, so a
        reload of the same data writes no chain at all.
        """
        # The families marked in the store too: a load killed before this point
        # wrote rows (and marked their families) whose chains it never built.
        families = sorted(self._touched_families | set(self.touched_families()))
        loaded = pd.concat(self._loaded) if self._loaded else pd.DataFrame(columns=_JOURNEY_COLUMNS)
        self._touched_families.clear()
        self._loaded.clear()
        if not families:
            return
        loaded = loaded.drop_duplicates(["contact_id", "person_id"], keep="last")
        loaded["occurred_at"] = pd.to_datetime(loaded["occurred_at"], format="ISO8601")
        stored = pd.DataFrame(self._stored("stored_families", "family_ids", families))
        rows = self._journey_rows("select_journey_rows_of_families", loaded, stored, "family_id")
        chains = neo4j_chains.family_chains(rows)
        changed = self._changed(chains, stored, "family_id")
        self._replace_chains(
            changed, chains, "family_id", delete="delete_family_chains",
            create="create_family_chain", digests="set_family_digests", steps="set_steps",
        )  # fmt: skip
        # The people of the families whose journeys changed; no one else's chain can have.
        people = sorted(rows.loc[rows["family_id"].isin(changed.index), "person_id"].unique())
        stored = pd.DataFrame(self._stored("stored_people", "person_ids", people))
        person_rows = self._journey_rows("select_journey_rows_of_people", rows, stored, "person_id")
        links = neo4j_chains.person_chains(person_rows)
        changed = self._changed(links, stored, "person_id")
        self._replace_chains(
            changed, links, "person_id", delete="delete_person_chains",
            create="create_person_chain", digests="set_person_digests",
        )  # fmt: skip

    def _journey_rows(
        self, name: str, known: pd.DataFrame, stored: pd.DataFrame, owner: str
    ) -> pd.DataFrame:
        """Every contact row of the stored owners: ``known`` rows where they are all of them."""
        if stored.empty:
            return known.iloc[:0]
        counts = known[owner].value_counts()
        held = pd.Series(stored["rows"].to_numpy(), index=stored[owner])
        whole = held.index[held.to_numpy() == counts.reindex(held.index, fill_value=0).to_numpy()]
        partial = held.index.difference(whole).tolist()
        read = self._columns(name, owner + "s", partial, READ_FAMILIES)
        rows = [known[known[owner].isin(whole)], neo4j_rows.contacts_frame(read, _JOURNEY_COLUMNS)]
        return pd.concat(rows, ignore_index=True)

    @staticmethod
    def _changed(chains: pd.DataFrame, stored: pd.DataFrame, owner: str) -> pd.Series:
        """The new chain digest of each owner whose chain differs from the stored one (0: none)."""
        if stored.empty:
            return pd.Series([], dtype=np.int64)
        held = pd.Series(stored["chain_digest"].to_numpy(dtype=np.int64), index=stored[owner])
        fresh = neo4j_chains.chain_digests(chains, owner).reindex(held.index, fill_value=0)
        return fresh[fresh.to_numpy() != held.to_numpy()].rename("digest")

    def _replace_chains(
        self, changed: pd.Series, chains: pd.DataFrame, owner: str, *, delete: str, create: str,
        digests: str, steps: str | None = None,
    ) -> None:  # fmt: skip
        """Delete and recreate the chains of the changed owners, then store their digests."""
        if changed.empty:
            return
        ids = changed.index.tolist()
        for chunk in chunks(ids, LOOKUP_IDS):
            self._run(delete, **{owner + "s": chunk})
        rows = chains[chains[owner].isin(changed.index)]
        if steps is not None:
            self._write(steps, _records(rows, ["contact_id", "family_id", "step"]))
            rows = rows[rows["next_id"].notna()]
        self._write(create, _records(rows, list(rows.columns)))
        stored = pd.DataFrame({"id": ids, "digest": changed.to_numpy().tolist()})
        self._write(digests, _records(stored, ["id", "digest"]))

    # -- reads ------------------------------------------------------------------
    def _contacts_of(self, name: str, key: str, ids: list, wanted: list[str]) -> pd.DataFrame:
        """The rows a ``select_contacts_of_*`` statement returns for ``ids``, in journey order."""
        return neo4j_rows.contacts_frame(self._columns(name, key, ids, READ_FAMILIES), wanted)

    def _contacts_of_families(self, ids: list[str]) -> pd.DataFrame:
        return self._contacts_of(
            "select_contacts_of_families", "family_ids", sorted(ids), CONTACT_COLUMNS
        )

    def contacts(
        self, where: ContactFilter | None = None, *, columns: list[str] | None = None
    ) -> pd.DataFrame:
        """Contact rows in journey order; a family or person filter is answered by an index.

        Every contact is read a few thousand families at a time; the other
        filters (times, agency, area) narrow the rows that query returns.
        """
        wanted = list(columns) if columns is not None else list(CONTACT_COLUMNS)
        unknown = set(wanted) - set(CONTACT_COLUMNS)
        if unknown:
            raise StoreError(f"not contact columns: {', '.join(sorted(unknown))}")
        where = where or ContactFilter()
        if where.family_id is not None:
            frame = self._contacts_of_families([where.family_id])
        elif where.person_id is not None:
            frame = self._contacts_of(
                "select_contacts_of_people", "person_ids", [where.person_id], CONTACT_COLUMNS
            )
        elif where.area is not None:
            ids = self._run("select_family_ids_of_area", area=where.area)["family_id"].tolist()
            frame = self._contacts_of_families(ids)
        else:
            frame = self._contacts_of_families(self._query("select_family_ids", {})[0][0][0])
        return self._filtered(frame, where, wanted)

    def _filtered(
        self, frame: pd.DataFrame, where: ContactFilter, wanted: list[str]
    ) -> pd.DataFrame:
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
        if keep.all():
            return frame[wanted]
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
        for column in ("family_id", "lead_worker", "lead_team"):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
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

    def load_version(self) -> tuple:
        """The load log's size and newest line (see the Store protocol): one round trip either
        way, so read from :meth:`loads`."""
        log = self.loads()
        if log.empty:
            return (0,)
        newest = log.iloc[0]
        columns = ["load_id", "run_id", "started_at", "finished_at", "rows_in", "loaded",
                   "rejected", "duplicates", "updated"]  # fmt: skip
        return (len(log), *(None if pd.isna(newest[c]) else str(newest[c]) for c in columns))

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
            session.run(cypher("delete_everything")).consume()
        self._run("set_meta", key="schema_version", value=SCHEMA_VERSION)
