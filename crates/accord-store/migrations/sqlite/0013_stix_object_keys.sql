-- An object's versions are found through a compact key, not a wide unique index.
--
-- The unique index on (collection_id, object_id, spec_version, version) cost one random leaf
-- page per stored version, since object ids are random UUIDs: past a few hundred thousand
-- objects the writer spent most of its time reading and rewriting those pages, and ingest fell
-- from 21,000 to 8,500 objects/s (bench/RESULTS.md). Now:
--   okey: the first 8 bytes of SHA-256(collection_id, 0x00, object_id), as a signed integer
--         (`object_key` in src/sqlite/write.rs);
--   stix_object_keys_recent: the keys of the versions added since the last merge; it stays
--         small, so its random inserts stay in the writer's page cache;
--   stix_object_keys: every older key, merged from the recent table in one sorted pass, which
--         rewrites each page of this large table once per merge instead of once per version.
-- A lookup reads both tables and then checks collection_id and object_id on the row (two objects
-- may share a key). The single writer keeps (collection_id, object_id, spec_version, version)
-- unique: it reads an object's versions by key before adding one.
--
-- stix_objects is rebuilt without its UNIQUE constraint (SQLite cannot drop one). The migration
-- runs with foreign keys off, so dropping the old table cascades nowhere, and keeps the
-- AUTOINCREMENT high-water mark so that no `seq` (a paging position) is ever reused.

CREATE TABLE stix_objects_rebuilt (
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
    raw            TEXT NOT NULL
) STRICT;
INSERT INTO stix_objects_rebuilt (seq, collection_id, object_id, object_type, spec_version, version,
        version_text, date_added, tlp, producer_org, producer_user, is_last, is_first, is_latest_spec,
        raw)
    SELECT seq, collection_id, object_id, object_type, spec_version, version, version_text,
           date_added, tlp, producer_org, producer_user, is_last, is_first, is_latest_spec, raw
    FROM stix_objects ORDER BY seq;
DELETE FROM sqlite_sequence WHERE name = 'stix_objects_rebuilt';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'stix_objects_rebuilt', seq FROM sqlite_sequence WHERE name = 'stix_objects';
DROP TABLE stix_objects;
ALTER TABLE stix_objects_rebuilt RENAME TO stix_objects;
CREATE INDEX stix_objects_by_collection ON stix_objects (collection_id, seq);
CREATE INDEX stix_objects_by_type ON stix_objects (collection_id, object_type, seq);
CREATE INDEX stix_objects_by_date ON stix_objects (collection_id, date_added, seq);

CREATE TABLE stix_object_keys (
    okey INTEGER NOT NULL,
    seq  INTEGER NOT NULL,
    PRIMARY KEY (okey, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE stix_object_keys_recent (
    -- 1, 2, 3… since the last merge, so MAX(id) bounds the table's size without counting it
    id   INTEGER PRIMARY KEY,
    okey INTEGER NOT NULL,
    seq  INTEGER NOT NULL
) STRICT;
CREATE INDEX stix_object_keys_recent_by_key ON stix_object_keys_recent (okey);

-- The keys of the stored versions are filled in by the migration runner (it computes SHA-256).
