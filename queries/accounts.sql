-- Queries of the accounts database: users, their sessions and caseloads, and the
-- append-only audit log. It is the SQLite store's own file, or for a Neo4j store
-- a SQLite file beside it (graph_loader/accounts). One statement per named block
-- unless the name ends in _script; values are always named parameters (:name).
-- Times are UTC text, YYYY-MM-DDTHH:MM:SSZ, so they sort as they compare.

-- name: accounts_configure_script
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
PRAGMA foreign_keys=ON;
-- A load writing the same file holds its lock briefly: wait rather than fail a sign-in.
PRAGMA busy_timeout=5000;

-- name: accounts_schema_script
CREATE TABLE IF NOT EXISTS users (
    user_id        INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    changed_at     TEXT NOT NULL,
    failed_signins INTEGER NOT NULL DEFAULT 0,
    locked_until   TEXT
);
-- A session is known by the SHA-256 of its cookie's token: the file never holds a live token.
CREATE TABLE IF NOT EXISTS sessions (
    session_hash TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (user_id),
    started_at   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    ended_at     TEXT,
    end_reason   TEXT
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id, ended_at);
CREATE TABLE IF NOT EXISTS caseloads (
    user_id   INTEGER NOT NULL REFERENCES users (user_id),
    family_id TEXT NOT NULL,
    PRIMARY KEY (user_id, family_id)
);
CREATE TABLE IF NOT EXISTS audit (
    event_id INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    actor    TEXT,
    role     TEXT,
    action   TEXT NOT NULL,
    subject  TEXT,
    outcome  TEXT NOT NULL,
    address  TEXT
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
-- Append-only: no statement of the service (or of anyone with the file) can rewrite history.
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- name: accounts_begin
BEGIN IMMEDIATE;

-- name: accounts_commit
COMMIT;

-- name: accounts_rollback
ROLLBACK;

-- name: insert_user
INSERT INTO users (name, role, password_hash, created_at, changed_at)
VALUES (:name, :role, :password_hash, :now, :now);

-- name: select_users
SELECT user_id, name, role, disabled, created_at, changed_at, failed_signins, locked_until
FROM users
ORDER BY name;

-- name: select_user_by_name
SELECT user_id, name, role, disabled, created_at, changed_at, failed_signins, locked_until,
       password_hash
FROM users
WHERE name = :name;

-- name: count_active_admins
SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0;

-- name: update_user_role
UPDATE users SET role = :role, changed_at = :now WHERE user_id = :user_id;

-- name: update_user_disabled
UPDATE users SET disabled = :disabled, changed_at = :now WHERE user_id = :user_id;

-- name: update_user_password
UPDATE users
SET password_hash = :password_hash, changed_at = :now, failed_signins = 0, locked_until = NULL
WHERE user_id = :user_id;

-- name: record_failed_signin
UPDATE users
SET failed_signins = failed_signins + 1, locked_until = :locked_until
WHERE user_id = :user_id;

-- name: record_good_signin
UPDATE users SET failed_signins = 0, locked_until = NULL WHERE user_id = :user_id;

-- name: insert_session
INSERT INTO sessions (session_hash, user_id, started_at, last_seen)
VALUES (:session_hash, :user_id, :now, :now);

-- name: select_session
SELECT s.session_hash, s.user_id, s.started_at, s.last_seen, s.ended_at,
       u.name, u.role, u.disabled
FROM sessions AS s JOIN users AS u ON u.user_id = s.user_id
WHERE s.session_hash = :session_hash;

-- name: touch_session
UPDATE sessions SET last_seen = :now WHERE session_hash = :session_hash AND ended_at IS NULL;

-- name: end_session
UPDATE sessions SET ended_at = :now, end_reason = :reason
WHERE session_hash = :session_hash AND ended_at IS NULL;

-- name: end_sessions_of_user
UPDATE sessions SET ended_at = :now, end_reason = :reason
WHERE user_id = :user_id AND ended_at IS NULL;

-- name: count_open_sessions_of_user
SELECT count(*) FROM sessions WHERE user_id = :user_id AND ended_at IS NULL;

-- name: delete_caseload
DELETE FROM caseloads WHERE user_id = :user_id;

-- name: insert_caseload_family
INSERT OR IGNORE INTO caseloads (user_id, family_id) VALUES (:user_id, :family_id);

-- name: select_caseload
SELECT family_id FROM caseloads WHERE user_id = :user_id ORDER BY family_id;

-- name: insert_audit_event
INSERT INTO audit (at, actor, role, action, subject, outcome, address)
VALUES (:at, :actor, :role, :action, :subject, :outcome, :address);

-- name: select_audit_events
-- Every filter is optional: NULL matches every row.
SELECT event_id, at, actor, role, action, subject, outcome, address
FROM audit
WHERE (:actor IS NULL OR actor = :actor)
  AND (:action IS NULL OR action = :action)
  AND (:subject IS NULL OR subject = :subject)
  AND (:since IS NULL OR at >= :since)
  AND (:until IS NULL OR at < :until)
ORDER BY event_id DESC
LIMIT :limit;

-- name: select_audit_actions
SELECT DISTINCT action FROM audit ORDER BY action;

-- name: count_audit_events
SELECT count(*) FROM audit;
