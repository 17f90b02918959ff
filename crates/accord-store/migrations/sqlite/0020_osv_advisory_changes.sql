-- The revisions of an imported OSV record after its first publication, kept when an import
-- replaces the record (its document keeps only the latest `modified`), so that documents made
-- from it (CSAF) can number every revision. Rows appear at the first replacement: then the
-- replaced record's `modified` (when it differs from its `published`) and the new one's.

CREATE TABLE osv_advisory_changes (
    id          TEXT NOT NULL REFERENCES osv_advisories (id),
    seq         INTEGER NOT NULL,              -- 1, 2, … in the order of the revisions
    modified_us INTEGER NOT NULL,              -- that revision's `modified`, microseconds since 1970
    PRIMARY KEY (id, seq)
) STRICT, WITHOUT ROWID;
