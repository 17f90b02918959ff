-- Case threads: `thread` is 'case' (every participant, the finder included) or a vendor
-- organisation's id (that vendor and the coordinators). Message bodies are sealed.
CREATE TABLE cvd_messages (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     TEXT NOT NULL REFERENCES cvd_cases (id),
    thread      TEXT NOT NULL,
    at          TEXT NOT NULL,
    author      TEXT NOT NULL,
    author_name TEXT NOT NULL,
    body_sealed TEXT NOT NULL
) STRICT;
CREATE INDEX cvd_messages_by_thread ON cvd_messages (case_id, thread, seq);
CREATE TRIGGER cvd_messages_append_only_update BEFORE UPDATE ON cvd_messages
BEGIN SELECT RAISE(ABORT, 'messages are never edited'); END;
