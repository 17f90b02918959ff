-- A counter that every import adding or replacing an OSV record increments in its own
-- transaction, so that what is built from the records (the OSV query API's index) knows in one
-- read whether to build again. (Counting the records took a scan of every document.)

CREATE TABLE osv_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
) STRICT;
INSERT INTO osv_generation (id, generation) VALUES (1, (SELECT COUNT(*) FROM osv_advisories));
