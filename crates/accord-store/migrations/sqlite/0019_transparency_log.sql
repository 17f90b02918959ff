-- The public transparency log (SPEC §7): its entries, the stored subtree hashes that proofs and
-- tiles are read from (the hash of the complete subtree of 2^level leaves starting at leaf
-- idx · 2^level; see accord_tlog::NodeIndex), and its head: the size, root and signed
-- checkpoint, changed by compare-and-swap on the size in the transaction of the event an entry
-- records. Rows are only ever added: nothing here is updated or deleted except the head.

CREATE TABLE log_entries (
    idx   INTEGER PRIMARY KEY CHECK (idx >= 0),
    entry BLOB NOT NULL CHECK (length(entry) BETWEEN 1 AND 65535)
) STRICT;

CREATE TABLE log_hashes (
    level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),
    idx   INTEGER NOT NULL CHECK (idx >= 0),
    hash  BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;

CREATE TABLE log_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    size       INTEGER NOT NULL CHECK (size >= 0),
    root       BLOB NOT NULL CHECK (length(root) = 32),
    checkpoint TEXT NOT NULL            -- the signed note; empty before the first entry
) STRICT;

INSERT INTO log_head (id, size, root, checkpoint)
VALUES (1, 0, X'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', '');

-- What an embargo's commitment in the log was made of (salt and summary, sealed with the
-- server's sealing key), kept until the embargo is lifted and the log reveals it.
CREATE TABLE log_commitments (
    case_id TEXT PRIMARY KEY REFERENCES cvd_cases (id),
    sealed  TEXT NOT NULL
) STRICT;
