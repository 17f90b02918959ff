-- What the TLP rule and object pages need beyond one row per version.
--
-- stix_object_recipients: the organisations a version marked TLP:AMBER or TLP:RED is shared
-- with, beyond its producer (the object's `x_accord_recipient_refs`).
-- stix_object_links: the objects a relationship (source_ref, target_ref) or a sighting
-- (sighting_of_ref) version points at, so an object's page finds them by index.

CREATE TABLE stix_object_recipients (
    seq             INTEGER NOT NULL REFERENCES stix_objects (seq) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (seq, organization_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE stix_object_links (
    target_id TEXT NOT NULL,
    seq       INTEGER NOT NULL REFERENCES stix_objects (seq) ON DELETE CASCADE,
    PRIMARY KEY (target_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX stix_object_links_by_seq ON stix_object_links (seq);
