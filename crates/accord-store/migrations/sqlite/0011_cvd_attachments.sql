-- Files attached to a report (and so to its case). Name and content are sealed; the media type
-- was checked against the content on upload.
CREATE TABLE cvd_attachments (
    id             TEXT PRIMARY KEY,
    report_id      TEXT NOT NULL REFERENCES cvd_reports (id),
    at             TEXT NOT NULL,
    author         TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    size           INTEGER NOT NULL,
    name_sealed    TEXT NOT NULL,
    content_sealed BLOB NOT NULL
) STRICT;
CREATE INDEX cvd_attachments_by_report ON cvd_attachments (report_id, at);
