-- Advisories imported from OSV data sets (accord admin import-osv, the administrators' import
-- API). One row per record id, its original JSON text and the SHA-256 of that text (an
-- import of the same text changes nothing), and two lookup tables so that queries by alias or
-- by package are index lookups.

CREATE TABLE osv_advisories (
    id          TEXT PRIMARY KEY,              -- the record's OSV id
    modified    TEXT NOT NULL,                 -- as the record writes it
    modified_us INTEGER NOT NULL,              -- the same instant, microseconds since 1970 (order, since)
    published   TEXT,
    withdrawn   TEXT,
    summary     TEXT,
    document    TEXT NOT NULL,                 -- the record's original JSON text
    sha256      BLOB NOT NULL,                 -- SHA-256 of document
    imported_at TEXT NOT NULL                  -- when this content was stored
) STRICT;

CREATE INDEX osv_advisories_by_modified ON osv_advisories (modified_us, id);

CREATE TABLE osv_advisory_aliases (
    id    TEXT NOT NULL REFERENCES osv_advisories (id),
    alias TEXT NOT NULL,
    PRIMARY KEY (id, alias)
) STRICT, WITHOUT ROWID;

CREATE INDEX osv_advisory_aliases_by_alias ON osv_advisory_aliases (alias, id);

CREATE TABLE osv_advisory_packages (
    ecosystem TEXT NOT NULL,                   -- as the record writes it (Debian:12)
    name      TEXT NOT NULL,
    id        TEXT NOT NULL REFERENCES osv_advisories (id),
    PRIMARY KEY (ecosystem, name, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX osv_advisory_packages_by_id ON osv_advisory_packages (id);
CREATE INDEX osv_advisory_packages_by_name ON osv_advisory_packages (name, id);
