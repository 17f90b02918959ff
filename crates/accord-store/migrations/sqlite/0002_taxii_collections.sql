-- TAXII 2.1: API roots, collections and the read/write grants of organisations.

CREATE TABLE api_roots (
    name               TEXT PRIMARY KEY,
    title              TEXT NOT NULL,
    description        TEXT,
    max_content_length INTEGER NOT NULL,
    created_at         TEXT NOT NULL
) STRICT;

CREATE TABLE collections (
    id          TEXT PRIMARY KEY,
    api_root    TEXT NOT NULL REFERENCES api_roots (name),
    title       TEXT NOT NULL,
    description TEXT,
    default_tlp TEXT NOT NULL,
    public      INTEGER NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX collections_by_root ON collections (api_root, title);

CREATE TABLE collection_grants (
    collection_id   TEXT NOT NULL REFERENCES collections (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    can_read        INTEGER NOT NULL,
    can_write       INTEGER NOT NULL,
    PRIMARY KEY (collection_id, organization_id)
) STRICT;
