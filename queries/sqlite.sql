-- Queries of the embedded SQLite store. One statement per named block unless
-- the name ends in _script (run with executescript: schema and connection
-- settings only, no values). Values are always named parameters (:family_id),
-- bound from a dict. A slot in braces ({contacts_columns}) stands for a list of
-- the contacts table's columns, filled in from the table's one layout in
-- graph_loader/stores/sqlite_schema.py: column names, never values.

-- name: configure_connection_script
-- Write-ahead log: readers (the web app's threads) never wait for a load.
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
PRAGMA cache_size=-200000;
PRAGMA temp_store=MEMORY;

-- name: begin
BEGIN;

-- name: begin_immediate
-- Takes the write lock at once: what the transaction reads stays true until it commits.
BEGIN IMMEDIATE;

-- name: commit
COMMIT;

-- name: rollback
ROLLBACK;

-- name: schema_script
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS families (
    family_id TEXT PRIMARY KEY,
    area      TEXT
);
CREATE TABLE IF NOT EXISTS people (
    person_id   TEXT PRIMARY KEY,
    family_id   TEXT NOT NULL,
    role        TEXT,
    birth_month TEXT,
    sex         TEXT
);
CREATE INDEX IF NOT EXISTS people_family ON people (family_id);
-- lead_worker and lead_team are written as ALTER TABLE ADD COLUMN writes them into an
-- older store (add_lead_names_script), so that a new and an upgraded file hold one DDL.
CREATE TABLE IF NOT EXISTS lead_periods (
    family_id TEXT NOT NULL,
    lead_from TEXT NOT NULL,
    lead_to   TEXT, lead_worker TEXT, lead_team TEXT,
    PRIMARY KEY (family_id, lead_from)
);
CREATE TABLE IF NOT EXISTS agencies (
    agency TEXT PRIMARY KEY,
    sector TEXT NOT NULL
);
-- Clustered in journey order so that reading every family's journey is one scan.
CREATE TABLE IF NOT EXISTS contacts (
{contacts_definitions},
    PRIMARY KEY ({contacts_key})
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS contacts_id ON contacts (contact_id, person_id);
CREATE INDEX IF NOT EXISTS contacts_person ON contacts (person_id, occurred_at);
-- One line per input file of each load run; finished_at stays NULL until the
-- run has written everything, so a killed load shows as unfinished.
CREATE TABLE IF NOT EXISTS loads (
    load_id      INTEGER PRIMARY KEY,
    run_id       INTEGER NOT NULL,
    source       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    mapping      TEXT,
    checksum     TEXT,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    rows_in      INTEGER NOT NULL,
    loaded       INTEGER NOT NULL,
    rejected     INTEGER NOT NULL,
    duplicates   INTEGER NOT NULL DEFAULT 0,
    rejects_path TEXT,
    CHECK (rows_in = loaded + rejected + duplicates)
);
CREATE INDEX IF NOT EXISTS loads_run ON loads (run_id);
-- How many of a load-log line's loaded rows replaced a stored row with different
-- content (an incremental load's updates); no line here means none.
CREATE TABLE IF NOT EXISTS load_updates (
    load_id INTEGER PRIMARY KEY REFERENCES loads (load_id),
    updated INTEGER NOT NULL
);
-- Families whose contacts a load added or changed since the last `journey analyse`.
CREATE TABLE IF NOT EXISTS touched_families (
    family_id TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS results (
    name    TEXT PRIMARY KEY,
    payload TEXT NOT NULL
);
-- A columnar copy of every contact (see graph_loader/stores/snapshot.py),
-- built from the table in the transaction that stores it; version is the
-- contacts version (meta 'contacts_version', raised by every write that
-- changes a contact) it was built from. Any write to contacts deletes it too.
CREATE TABLE IF NOT EXISTS contacts_snapshot (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    payload BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS results_meta (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    payload TEXT NOT NULL
);

-- name: table_names
SELECT name FROM sqlite_master WHERE type = 'table';

-- name: lead_period_columns
SELECT name FROM pragma_table_info('lead_periods');

-- name: add_lead_names_script
-- Added within schema version 2, to a store made before lead periods named their
-- worker and team (run statement by statement inside one transaction).
ALTER TABLE lead_periods ADD COLUMN lead_worker TEXT;
ALTER TABLE lead_periods ADD COLUMN lead_team TEXT;

-- name: migrate_1_to_2_before_script
-- Schema version 1 to 2, step one (then schema_script makes the new tables):
-- the load log gains runs, duplicates, checksums and unfinished runs; the
-- snapshot gains its contacts version. A version 1 snapshot cannot be trusted
-- to match its table, so it is dropped; the next load rebuilds it.
ALTER TABLE loads RENAME TO loads_v1;
DROP TABLE contacts_snapshot;

-- name: migrate_1_to_2_after_script
-- The files of one version 1 load shared its started_at: they become one run.
INSERT INTO loads (load_id, run_id, source, kind, started_at, finished_at, rows_in, loaded,
                   rejected, duplicates, rejects_path)
SELECT load_id,
       (SELECT min(o.load_id) FROM loads_v1 AS o WHERE o.started_at = v.started_at),
       source, kind, started_at, finished_at, rows_in, loaded, rejected, 0, rejects_path
FROM loads_v1 AS v;
DROP TABLE loads_v1;

-- name: get_meta
SELECT value FROM meta WHERE key = :key;

-- name: set_meta
INSERT INTO meta (key, value) VALUES (:key, :value)
ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: contacts_first_load
-- Whether a load is the contacts table's first (no row yet), and whether the id
-- index is in place: a first load writes without it and builds it once at the end.
SELECT NOT EXISTS (SELECT 1 FROM contacts) AS empty,
       EXISTS (SELECT 1 FROM sqlite_master
               WHERE type = 'index' AND name = 'contacts_id') AS indexed;

-- name: drop_contacts_id_index
-- A first load's rows are unique by (contact_id, person_id) once validated; the
-- index is built in one sorted pass afterwards instead of row by row.
DROP INDEX IF EXISTS contacts_id;

-- name: create_contacts_id_index
-- As in the schema; also run when a store opens, so a killed first load gets it back.
CREATE UNIQUE INDEX IF NOT EXISTS contacts_id ON contacts (contact_id, person_id);

-- name: insert_contact
-- A first load's rows (no stored row to update; see contacts_first_load).
INSERT INTO contacts ({contacts_columns})
VALUES ({contacts_parameters});

-- name: upsert_contact
INSERT INTO contacts ({contacts_columns})
VALUES ({contacts_parameters})
ON CONFLICT (contact_id, person_id) DO UPDATE SET
    {contacts_updates}
-- Rewriting an unchanged row would move it in the clustered index for nothing.
WHERE {contacts_changed};

-- name: upsert_person
INSERT INTO people (person_id, family_id, role, birth_month, sex)
VALUES (:person_id, :family_id, :role, :birth_month, :sex)
ON CONFLICT (person_id) DO UPDATE SET
    family_id = excluded.family_id,
    role = excluded.role,
    birth_month = excluded.birth_month,
    sex = excluded.sex;

-- name: upsert_family
INSERT INTO families (family_id, area) VALUES (:family_id, :area)
ON CONFLICT (family_id) DO UPDATE SET area = coalesce(excluded.area, families.area);

-- name: upsert_lead_period
-- An empty worker or team keeps the stored one (a file without those columns erases nothing).
INSERT INTO lead_periods (family_id, lead_from, lead_to, lead_worker, lead_team)
VALUES (:family_id, :lead_from, :lead_to, :lead_worker, :lead_team)
ON CONFLICT (family_id, lead_from) DO UPDATE SET
    lead_to = excluded.lead_to,
    lead_worker = coalesce(excluded.lead_worker, lead_periods.lead_worker),
    lead_team = coalesce(excluded.lead_team, lead_periods.lead_team);

-- name: add_families_from_contacts
INSERT OR IGNORE INTO families (family_id, area)
SELECT DISTINCT family_id, NULL FROM contacts;

-- name: rebuild_agencies
INSERT INTO agencies (agency, sector)
SELECT agency, min(sector) FROM contacts GROUP BY agency
ON CONFLICT (agency) DO UPDATE SET sector = excluded.sector;

-- name: next_run_id
SELECT coalesce(max(run_id), 0) + 1 FROM loads;

-- name: insert_load
INSERT INTO loads (run_id, source, kind, mapping, checksum, started_at, finished_at, rows_in,
                   loaded, rejected, duplicates, rejects_path)
VALUES (:run_id, :source, :kind, :mapping, :checksum, :started_at, :finished_at, :rows_in,
        :loaded, :rejected, :duplicates, :rejects_path);

-- name: insert_load_update
INSERT INTO load_updates (load_id, updated)
SELECT load_id, :updated FROM loads
WHERE run_id = :run_id AND source = :source AND kind = :kind;

-- name: mark_touched
INSERT OR IGNORE INTO touched_families (family_id) VALUES (:family_id);

-- name: select_touched
SELECT family_id FROM touched_families ORDER BY family_id;

-- name: clear_touched
DELETE FROM touched_families WHERE family_id = :family_id;

-- name: finish_run
UPDATE loads SET finished_at = :finished_at WHERE run_id = :run_id;

-- name: bump_contacts_version
-- Run in the transaction of every write that changes a contact row.
INSERT INTO meta (key, value) VALUES ('contacts_version', '1')
ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT);

-- name: select_contacts
-- Every filter is optional: a NULL parameter switches it off.
SELECT {contacts_columns}
FROM contacts AS c
WHERE (:family_id IS NULL OR c.family_id = :family_id)
  AND (:person_id IS NULL OR c.person_id = :person_id)
  AND (:start IS NULL OR c.occurred_at >= :start)
  AND (:end IS NULL OR c.occurred_at < :end)
  AND (:agency IS NULL OR c.agency = :agency)
  AND (:area IS NULL OR c.family_id IN (SELECT f.family_id FROM families AS f WHERE f.area = :area))
ORDER BY {contacts_key};

-- name: select_contacts_of_family
SELECT {contacts_columns}
FROM contacts
WHERE family_id = :family_id
ORDER BY {contacts_key};

-- name: select_contacts_of_person
SELECT {contacts_columns}
FROM contacts INDEXED BY contacts_person
WHERE person_id = :person_id
ORDER BY {contacts_key};

-- name: select_all_contacts
SELECT {contacts_columns}
FROM contacts
ORDER BY {contacts_key};

-- name: select_contact_columns
-- Every column of every contact in journey order, each as one string: values
-- joined by char(31), NULL written as char(30). The contract refuses control
-- characters in text, so splitting is exact; reading a million rows this way
-- is about twice as fast as fetching row tuples.
SELECT {contacts_joined}
FROM (SELECT {contacts_columns} FROM contacts ORDER BY {contacts_key});

-- name: get_snapshot
-- The snapshot only when it was built from the contacts as they are now.
SELECT payload FROM contacts_snapshot
WHERE id = 1
  AND version = coalesce((SELECT CAST(value AS INTEGER) FROM meta
                          WHERE key = 'contacts_version'), 0);

-- name: get_snapshot_id
SELECT id FROM contacts_snapshot
WHERE id = 1
  AND version = coalesce((SELECT CAST(value AS INTEGER) FROM meta
                          WHERE key = 'contacts_version'), 0);

-- name: set_snapshot
-- Stamped with the contacts version it was built from (run in that transaction).
INSERT INTO contacts_snapshot (id, version, payload)
VALUES (1, coalesce((SELECT CAST(value AS INTEGER) FROM meta
                     WHERE key = 'contacts_version'), 0), :payload)
ON CONFLICT (id) DO UPDATE SET version = excluded.version, payload = excluded.payload;

-- name: delete_snapshot
DELETE FROM contacts_snapshot;

-- name: select_people
SELECT person_id, family_id, role, birth_month, sex FROM people
ORDER BY family_id, person_id;

-- name: select_people_of_family
SELECT person_id, family_id, role, birth_month, sex FROM people
WHERE family_id = :family_id
ORDER BY person_id;

-- name: select_families
SELECT family_id, area FROM families ORDER BY family_id;

-- name: select_lead_periods
SELECT family_id, lead_from, lead_to, lead_worker, lead_team FROM lead_periods
ORDER BY family_id, lead_from;

-- name: select_lead_periods_of_family
SELECT family_id, lead_from, lead_to, lead_worker, lead_team FROM lead_periods
WHERE family_id = :family_id
ORDER BY lead_from;

-- name: select_agencies
SELECT a.agency, a.sector, count(c.contact_id) AS contacts
FROM agencies AS a LEFT JOIN contacts AS c ON c.agency = a.agency
GROUP BY a.agency, a.sector
ORDER BY contacts DESC, a.agency;

-- name: count_people
SELECT count(*) FROM people;

-- name: count_families
SELECT count(*) FROM families;

-- name: count_contacts
SELECT count(*) FROM (SELECT DISTINCT contact_id FROM contacts);

-- name: count_contact_rows
SELECT count(*) FROM contacts;

-- name: count_agencies
SELECT count(*) FROM agencies;

-- name: count_loads
SELECT count(*) FROM loads;

-- name: date_range
SELECT (SELECT min(occurred_at) FROM contacts), (SELECT max(occurred_at) FROM contacts);

-- name: select_loads
SELECT l.load_id, l.run_id, l.source, l.kind, l.mapping, l.checksum, l.started_at,
       l.finished_at, l.rows_in, l.loaded, l.rejected, l.duplicates, l.rejects_path,
       coalesce(u.updated, 0) AS updated
FROM loads AS l LEFT JOIN load_updates AS u ON u.load_id = l.load_id
ORDER BY l.load_id DESC;

-- name: select_load_version
-- The load log's size and newest line: what every new or finished load changes.
SELECT (SELECT count(*) FROM loads) AS lines, l.load_id, l.run_id, l.started_at,
       l.finished_at, l.rows_in, l.loaded, l.rejected, l.duplicates,
       coalesce(u.updated, 0) AS updated
FROM loads AS l LEFT JOIN load_updates AS u ON u.load_id = l.load_id
ORDER BY l.load_id DESC
LIMIT 1;

-- name: delete_results
DELETE FROM results;

-- name: insert_result
INSERT INTO results (name, payload) VALUES (:name, :payload);

-- name: select_result
SELECT payload FROM results WHERE name = :name;

-- name: set_results_meta
INSERT INTO results_meta (id, payload) VALUES (1, :payload)
ON CONFLICT (id) DO UPDATE SET payload = excluded.payload;

-- name: select_results_meta
SELECT payload FROM results_meta WHERE id = 1;
