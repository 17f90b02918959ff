-- Imported OSV documents are stored compressed: one zstd frame each (the text is what the
-- frame decompresses to; `sha256` stays the digest of that text). Most of an OSV record repeats
-- from one record to the next, so an import of many records trains a zstd dictionary on a
-- sample of them and compresses every document with it (about 4.6 times smaller, against 2.6
-- without). The dictionaries are kept here, never changed; a frame names its dictionary by the
-- id zstd wrote in both.
--
-- The table is rebuilt (a STRICT TEXT column cannot hold a BLOB): the Rust step compresses
-- every stored document into `osv_advisories_compressed`, then replaces the old table with it.

CREATE TABLE osv_dictionaries (
    seq        INTEGER PRIMARY KEY,            -- order of creation: imports use the newest
    dict_id    INTEGER NOT NULL UNIQUE,        -- zstd's id of the dictionary (in its frames)
    dictionary BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE TRIGGER osv_dictionaries_append_only_update BEFORE UPDATE ON osv_dictionaries
BEGIN SELECT RAISE(ABORT, 'a compression dictionary never changes'); END;
CREATE TRIGGER osv_dictionaries_append_only_delete BEFORE DELETE ON osv_dictionaries
BEGIN SELECT RAISE(ABORT, 'a compression dictionary never changes'); END;

CREATE TABLE osv_advisories_compressed (
    id           TEXT PRIMARY KEY,             -- the record's OSV id
    modified     TEXT NOT NULL,                -- as the record writes it
    modified_us  INTEGER NOT NULL,             -- the same instant, microseconds since 1970
    published    TEXT,
    withdrawn    TEXT,
    summary      TEXT,
    document     BLOB NOT NULL,                -- the record's JSON text, one zstd frame
    sha256       BLOB NOT NULL,                -- SHA-256 of the text
    imported_at  TEXT NOT NULL,                -- when this content was stored
    severity     TEXT CHECK (severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE')),
    published_us INTEGER,
    search       TEXT NOT NULL DEFAULT ''
) STRICT;
