-- Queries of the embedded SQLite store. One statement per named block unless
-- the name ends in _script (run with executescript: schema only, no values).

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
CREATE TABLE IF NOT EXISTS lead_periods (
    family_id TEXT NOT NULL,
    lead_from TEXT NOT NULL,
    lead_to   TEXT,
    PRIMARY KEY (family_id, lead_from)
);
CREATE TABLE IF NOT EXISTS agencies (
    agency TEXT PRIMARY KEY,
    sector TEXT NOT NULL
);
-- Clustered in journey order so that reading every family's journey is one scan.
CREATE TABLE IF NOT EXISTS contacts (
    family_id     TEXT NOT NULL,
    occurred_at   TEXT NOT NULL,
    contact_id    TEXT NOT NULL,
    person_id     TEXT NOT NULL,
    agency        TEXT NOT NULL,
    sector        TEXT NOT NULL,
    contact_type  TEXT NOT NULL,
    referred_by   TEXT,
    service       TEXT,
    source_system TEXT,
    PRIMARY KEY (family_id, occurred_at, contact_id, person_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS contacts_id ON contacts (contact_id, person_id);
CREATE INDEX IF NOT EXISTS contacts_person ON contacts (person_id, occurred_at);
CREATE TABLE IF NOT EXISTS loads (
    load_id      INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    rows_in      INTEGER NOT NULL,
    loaded       INTEGER NOT NULL,
    rejected     INTEGER NOT NULL,
    rejects_path TEXT,
    CHECK (rows_in = loaded + rejected)
);
CREATE TABLE IF NOT EXISTS results (
    name    TEXT PRIMARY KEY,
    payload TEXT NOT NULL
);
-- A columnar copy of every contact (see graph_loader/stores/snapshot.py);
-- deleted by any write to contacts, rebuilt after each load.
CREATE TABLE IF NOT EXISTS contacts_snapshot (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    payload BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS results_meta (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    payload TEXT NOT NULL
);

-- name: table_names
SELECT name FROM sqlite_master WHERE type = 'table';

-- name: get_meta
SELECT value FROM meta WHERE key = :key;

-- name: set_meta
INSERT INTO meta (key, value) VALUES (:key, :value)
ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: upsert_contact
INSERT INTO contacts (contact_id, person_id, family_id, agency, sector, contact_type,
                      occurred_at, referred_by, service, source_system)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (contact_id, person_id) DO UPDATE SET
    family_id = excluded.family_id,
    agency = excluded.agency,
    sector = excluded.sector,
    contact_type = excluded.contact_type,
    occurred_at = excluded.occurred_at,
    referred_by = excluded.referred_by,
    service = excluded.service,
    source_system = excluded.source_system
-- Rewriting an unchanged row would move it in the clustered index for nothing.
WHERE contacts.family_id IS NOT excluded.family_id
   OR contacts.agency IS NOT excluded.agency
   OR contacts.sector IS NOT excluded.sector
   OR contacts.contact_type IS NOT excluded.contact_type
   OR contacts.occurred_at IS NOT excluded.occurred_at
   OR contacts.referred_by IS NOT excluded.referred_by
   OR contacts.service IS NOT excluded.service
   OR contacts.source_system IS NOT excluded.source_system;

-- name: upsert_person
INSERT INTO people (person_id, family_id, role, birth_month, sex) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (person_id) DO UPDATE SET
    family_id = excluded.family_id,
    role = excluded.role,
    birth_month = excluded.birth_month,
    sex = excluded.sex;

-- name: upsert_family
INSERT INTO families (family_id, area) VALUES (?, ?)
ON CONFLICT (family_id) DO UPDATE SET area = coalesce(excluded.area, families.area);

-- name: upsert_lead_period
INSERT INTO lead_periods (family_id, lead_from, lead_to) VALUES (?, ?, ?)
ON CONFLICT (family_id, lead_from) DO UPDATE SET lead_to = excluded.lead_to;

-- name: add_families_from_contacts
INSERT OR IGNORE INTO families (family_id, area)
SELECT DISTINCT family_id, NULL FROM contacts;

-- name: rebuild_agencies
INSERT INTO agencies (agency, sector)
SELECT agency, min(sector) FROM contacts GROUP BY agency
ON CONFLICT (agency) DO UPDATE SET sector = excluded.sector;

-- name: insert_load
INSERT INTO loads (source, kind, started_at, finished_at, rows_in, loaded, rejected, rejects_path)
VALUES (:source, :kind, :started_at, :finished_at, :rows_in, :loaded, :rejected, :rejects_path);

-- name: select_contacts
-- Every filter is optional: a NULL parameter switches it off.
SELECT c.contact_id, c.person_id, c.family_id, c.agency, c.sector, c.contact_type,
       c.occurred_at, c.referred_by, c.service, c.source_system
FROM contacts AS c
WHERE (:family_id IS NULL OR c.family_id = :family_id)
  AND (:person_id IS NULL OR c.person_id = :person_id)
  AND (:start IS NULL OR c.occurred_at >= :start)
  AND (:end IS NULL OR c.occurred_at < :end)
  AND (:agency IS NULL OR c.agency = :agency)
  AND (:area IS NULL OR c.family_id IN (SELECT f.family_id FROM families AS f WHERE f.area = :area))
ORDER BY c.family_id, c.occurred_at, c.contact_id, c.person_id;

-- name: select_contacts_of_family
SELECT contact_id, person_id, family_id, agency, sector, contact_type,
       occurred_at, referred_by, service, source_system
FROM contacts
WHERE family_id = :family_id
ORDER BY family_id, occurred_at, contact_id, person_id;

-- name: select_contacts_of_person
SELECT contact_id, person_id, family_id, agency, sector, contact_type,
       occurred_at, referred_by, service, source_system
FROM contacts INDEXED BY contacts_person
WHERE person_id = :person_id
ORDER BY family_id, occurred_at, contact_id, person_id;

-- name: select_all_contacts
SELECT contact_id, person_id, family_id, agency, sector, contact_type,
       occurred_at, referred_by, service, source_system
FROM contacts
ORDER BY family_id, occurred_at, contact_id, person_id;

-- One column of every contact in journey order, as one string: values joined
-- by char(31), NULL written as char(30). The contract refuses control
-- characters in text, so splitting is exact; reading a million rows this way
-- is about twice as fast as fetching row tuples.

-- name: column_contact_id
SELECT group_concat(coalesce(contact_id, char(30)), char(31))
FROM (SELECT contact_id FROM contacts ORDER BY family_id, occurred_at, contact_id, person_id);

-- name: column_person_id
SELECT group_concat(coalesce(person_id, char(30)), char(31))
FROM (SELECT person_id FROM contacts ORDER BY family_id, occurred_at, contact_id, person_id);

-- name: column_family_id
SELECT group_concat(coalesce(family_id, char(30)), char(31))
FROM (SELECT family_id FROM contacts ORDER BY family_id, occurred_at, contact_id, person_id);

-- name: column_agency
SELECT group_concat(coalesce(agency, char(30)), char(31))
FROM (SELECT agency FROM contacts ORDER BY family_id, occurred_at, contact_id, person_id);

-- name: column_sector
SELECT group_concat(coalesce(sector, char(30)), char(31))
FROM (SELECT sector FROM contacts ORDER BY family_id, occurred_at, contact_id, person_id);

-- name: column_contact_type
SELECT group_concat(coalesce(contact_type, char(30)), char(31))
FROM (SELECT contact_type FROM contacts ORDER BY family_id, occurred_at, contact_id, person_id);

-- name: column_occurred_at
SELECT group_concat(coalesce(occurred_at, char(30)), char(31))
FROM (SELECT occurred_at FROM contacts ORDER BY family_id, occurred_at, contact_id, person_id);

-- name: column_referred_by
SELECT group_concat(coalesce(referred_by, char(30)), char(31))
FROM (SELECT referred_by FROM contacts ORDER BY family_id, occurred_at, contact_id, person_id);

-- name: column_service
SELECT group_concat(coalesce(service, char(30)), char(31))
FROM (SELECT service FROM contacts ORDER BY family_id, occurred_at, contact_id, person_id);

-- name: column_source_system
SELECT group_concat(coalesce(source_system, char(30)), char(31))
FROM (SELECT source_system FROM contacts ORDER BY family_id, occurred_at, contact_id, person_id);

-- name: get_snapshot
SELECT payload FROM contacts_snapshot WHERE id = 1;

-- name: get_snapshot_id
SELECT id FROM contacts_snapshot WHERE id = 1;

-- name: set_snapshot
INSERT INTO contacts_snapshot (id, payload) VALUES (1, :payload)
ON CONFLICT (id) DO UPDATE SET payload = excluded.payload;

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
SELECT family_id, lead_from, lead_to FROM lead_periods
ORDER BY family_id, lead_from;

-- name: select_lead_periods_of_family
SELECT family_id, lead_from, lead_to FROM lead_periods
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
SELECT load_id, source, kind, started_at, finished_at, rows_in, loaded, rejected, rejects_path
FROM loads ORDER BY load_id DESC;

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
