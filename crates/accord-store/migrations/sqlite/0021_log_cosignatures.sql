-- Witnesses' cosignatures of the transparency log's checkpoints (C2SP tlog-witness,
-- tlog-cosignature v1), collected by the server after the checkpoint changes: the latest of each
-- witness, checked against the witness's key before it is kept. A witness's row is only ever
-- replaced by a cosignature of a tree at least as large. The checkpoint served is the log's
-- head with the cosignatures whose size and root are the head's.

CREATE TABLE log_cosignatures (
    witness     TEXT PRIMARY KEY,       -- the witness's verifier key (vkey, signature type 0x04)
    size        INTEGER NOT NULL CHECK (size >= 0),
    root        BLOB NOT NULL CHECK (length(root) = 32),
    signature   TEXT NOT NULL,          -- the cosignature line, ending with a newline
    cosigned_at INTEGER NOT NULL CHECK (cosigned_at >= 0),  -- its timestamp, POSIX seconds
    received_at TEXT NOT NULL
) STRICT;
