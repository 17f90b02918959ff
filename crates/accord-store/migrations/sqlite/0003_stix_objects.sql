-- STIX object versions in TAXII collections. One row per object version; `seq` is the stable
-- order (date_added never decreases with seq within a collection) and the paging position.
-- The flags say which versions a default query returns, so no query has to rank versions:
--   is_last / is_first: newest / oldest `version` of (collection, object, spec_version);
--   is_latest_spec:     the row's spec_version is the newest of (collection, object).

CREATE TABLE stix_objects (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    collection_id  TEXT NOT NULL REFERENCES collections (id),
    object_id      TEXT NOT NULL,
    object_type    TEXT NOT NULL,
    spec_version   TEXT NOT NULL,
    version        TEXT NOT NULL,
    version_text   TEXT NOT NULL,
    date_added     TEXT NOT NULL,
    tlp            TEXT NOT NULL,
    producer_org   TEXT REFERENCES organizations (id),
    producer_user  TEXT NOT NULL REFERENCES users (id),
    is_last        INTEGER NOT NULL,
    is_first       INTEGER NOT NULL,
    is_latest_spec INTEGER NOT NULL,
    raw            TEXT NOT NULL,
    UNIQUE (collection_id, object_id, spec_version, version)
) STRICT;
CREATE INDEX stix_objects_by_collection ON stix_objects (collection_id, seq);
CREATE INDEX stix_objects_by_type ON stix_objects (collection_id, object_type, seq);
