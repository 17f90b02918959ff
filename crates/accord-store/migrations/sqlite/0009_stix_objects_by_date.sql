-- `added_after` finds its starting row by index (see `Store::objects`).
CREATE INDEX stix_objects_by_date ON stix_objects (collection_id, date_added, seq);
