-- TAXII status resources (kept at least 24 hours; never deleted today) and server secrets
-- shared by every server of a deployment (such as the key of TAXII paging cursors).

CREATE TABLE taxii_statuses (
    id                TEXT PRIMARY KEY,
    api_root          TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    request_timestamp TEXT NOT NULL,
    resource          TEXT NOT NULL
) STRICT;

CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;
