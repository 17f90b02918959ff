-- The accord registry: organisations, keys, users, tokens, sessions, accord text, signatures.
-- Timestamps are UTC text in the fixed form 2018-04-17T00:00:00.000000Z, so text order is time order.

CREATE TABLE organizations (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    domain           TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    status           TEXT NOT NULL,
    security_contact TEXT,
    signed_at        TEXT,
    signed_version   INTEGER,
    invited_at       TEXT,
    withdrawn_at     TEXT,
    created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX organizations_by_status ON organizations (status, name);
CREATE INDEX organizations_by_name ON organizations (name);

CREATE TABLE organization_keys (
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    public_key      TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    added_at        TEXT NOT NULL,
    revoked_at      TEXT,
    PRIMARY KEY (organization_id, public_key)
) STRICT;

CREATE TABLE accord_versions (
    version      INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    text         TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    published_at TEXT NOT NULL
) STRICT;

CREATE TABLE accord_signatures (
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    version         INTEGER NOT NULL REFERENCES accord_versions (version),
    accord_sha256   TEXT NOT NULL,
    public_key      TEXT NOT NULL,
    signature       TEXT NOT NULL,
    statement       TEXT NOT NULL,
    signed_at       TEXT NOT NULL,
    PRIMARY KEY (organization_id, version)
) STRICT;

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    organization_id TEXT REFERENCES organizations (id),
    password_hash   TEXT,
    created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX users_by_role ON users (role);

CREATE TABLE api_tokens (
    selector   TEXT PRIMARY KEY,
    verifier   BLOB NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;

CREATE TABLE web_sessions (
    selector   TEXT PRIMARY KEY,
    verifier   BLOB NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;

-- Append-only audit trail of every registry change.
CREATE TABLE registry_events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL
) STRICT;
