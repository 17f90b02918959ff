-- Where each pull of a remote TAXII collection into a local collection stopped: the
-- `added_after` the next pull sends. It is written in the same transaction as the objects of
-- each page, so a crash can make a pull repeat a page (duplicates are harmless) but never skip one.

CREATE TABLE taxii_pull_points (
    collection_id     TEXT NOT NULL REFERENCES collections (id),
    api_root_url      TEXT NOT NULL,
    remote_collection TEXT NOT NULL,
    resume_after      TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    PRIMARY KEY (collection_id, api_root_url, remote_collection)
) STRICT;
