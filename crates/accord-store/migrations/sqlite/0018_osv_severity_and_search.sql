-- What the public advisory pages filter imported OSV records on: the record's severity (the
-- rating of its highest CVSS base score, else its database's severity text; computed by
-- accord_formats::osv::record_severity), `published` as microseconds (the text as written does
-- not order instants: `00.5Z` sorts before `00Z`), and the text a search looks in: id,
-- aliases, summary and package names, lower-cased by Unicode rules and separated by newlines.
-- The migration's Rust step fills them for the records already stored. No index: a filtered
-- list walks osv_advisories_by_modified in its order and stops at the page's end.

ALTER TABLE osv_advisories ADD COLUMN severity TEXT
    CHECK (severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE'));
ALTER TABLE osv_advisories ADD COLUMN published_us INTEGER;
ALTER TABLE osv_advisories ADD COLUMN search TEXT NOT NULL DEFAULT '';
