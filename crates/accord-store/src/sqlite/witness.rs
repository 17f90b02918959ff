//! The witness's database: one SQLite file (`witness.sqlite3`) in WAL mode with
//! `synchronous=FULL`, one connection behind a mutex. [`WitnessStore::update`] reads a log's
//! record and writes its successor in one immediate transaction, so the check of the old size
//! and the update are atomic, across requests and across processes sharing the file, and the
//! new record is on disk before the witness answers.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use accord_tlog::Hash;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};

use super::{backend, rows};
use crate::StoreError;
use crate::witness::{Evidence, WitnessedLog};

/// File name of the witness's database inside its data folder.
pub const WITNESS_DATABASE_FILE: &str = "witness.sqlite3";

/// Signed checkpoints kept as evidence per log; older ones are dropped.
const EVIDENCE_PER_LOG: i64 = 1000;

/// The schema, versioned with `PRAGMA user_version` (the database is the witness's alone).
const SCHEMAS: &[&str] = &["
    -- Per log followed, the latest checkpoint cosigned; replaced in the transaction that
    -- checks the next one against it.
    CREATE TABLE witnessed_logs (
        origin        TEXT PRIMARY KEY,
        origin_sha256 TEXT NOT NULL UNIQUE,   -- lowercase hex, the monitoring API's path
        size          INTEGER NOT NULL CHECK (size >= 0),
        root          BLOB NOT NULL CHECK (length(root) = 32),
        checkpoint    TEXT NOT NULL,          -- the log's signatures and our cosignature
        updated_at    TEXT NOT NULL
    ) STRICT;

    -- Checkpoints signed by a log's trusted key that contradict what was cosigned before.
    CREATE TABLE witness_evidence (
        id          INTEGER PRIMARY KEY,
        origin      TEXT NOT NULL,
        received_at TEXT NOT NULL,
        reason      TEXT NOT NULL,
        request     TEXT NOT NULL
    ) STRICT;
    CREATE INDEX witness_evidence_by_origin ON witness_evidence (origin, id);
"];

/// The witness's store. Cheap to clone.
#[derive(Clone)]
pub struct WitnessStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    conn: Mutex<Connection>,
}

fn origin_sha256(origin: &str) -> String {
    let digest = Sha256::digest(origin.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn index_sql(i: u64) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}

fn read_log(r: &rusqlite::Row<'_>) -> rusqlite::Result<WitnessedLog> {
    let size: i64 = r.get(1)?;
    let root: Vec<u8> = r.get(2)?;
    Ok(WitnessedLog {
        origin: r.get(0)?,
        size: u64::try_from(size).map_err(|e| rows::corrupt(1, e))?,
        root: Hash::from_slice(&root).map_err(|e| rows::corrupt(2, e))?,
        checkpoint: r.get(3)?,
        updated_at: rows::ts(r, 4)?,
    })
}

const LOG_COLUMNS: &str = "origin, size, root, checkpoint, updated_at";

impl WitnessStore {
    /// Opens (creating if needed) the witness's database in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Backend(format!("cannot create data folder {}: {e}", data_dir.display()))
        })?;
        let path = data_dir.join(WITNESS_DATABASE_FILE);
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::Backend(format!("cannot open {}: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(backend)?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;").map_err(backend)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(backend)?;
        let known = i64::try_from(SCHEMAS.len()).unwrap_or(i64::MAX);
        if version > known {
            return Err(StoreError::Backend(format!(
                "{} has schema version {version}, which this accord binary does not know (it knows up \
                 to {known}); upgrade accord",
                path.display()
            )));
        }
        for (i, script) in SCHEMAS.iter().enumerate().skip(usize::try_from(version).unwrap_or(0)) {
            tx.execute_batch(script).map_err(backend)?;
            tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1)).map_err(backend)?;
        }
        tx.commit().map_err(backend)?;
        Ok(Self { inner: Arc::new(Inner { path, conn: Mutex::new(conn) }) })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    async fn with_conn<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = inner.conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Backend(format!("store task failed: {e}")))?
    }

    /// Reads the record of `origin` (`None` before its first cosignature) and hands it to
    /// `decide`, in one immediate transaction: when `decide` accepts, the record it returns
    /// (which must be of `origin`) replaces the old one and is committed before this returns;
    /// when it refuses, nothing is written. The outer error is the store's, the inner one is
    /// `decide`'s.
    pub async fn update<T, E, F>(&self, origin: String, decide: F) -> Result<Result<T, E>, StoreError>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnOnce(Option<WitnessedLog>) -> Result<(WitnessedLog, T), E> + Send + 'static,
    {
        self.with_conn(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
            let latest = tx
                .prepare_cached(&format!("SELECT {LOG_COLUMNS} FROM witnessed_logs WHERE origin = $1"))
                .and_then(|mut s| s.query_row([&origin], read_log).optional())
                .map_err(backend)?;
            let (record, answer) = match decide(latest) {
                Ok(accepted) => accepted,
                Err(refused) => return Ok(Err(refused)),
            };
            if record.origin != origin {
                return Err(StoreError::Backend(format!(
                    "a witness record of {:?} cannot replace one of {origin:?}",
                    record.origin
                )));
            }
            tx.prepare_cached(
                "INSERT INTO witnessed_logs (origin, origin_sha256, size, root, checkpoint, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root,
                     checkpoint = excluded.checkpoint, updated_at = excluded.updated_at",
            )
            .and_then(|mut s| {
                s.execute((
                    &record.origin,
                    origin_sha256(&record.origin),
                    index_sql(record.size),
                    &record.root.as_bytes()[..],
                    &record.checkpoint,
                    rows::text(record.updated_at),
                ))
            })
            .map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(Ok(answer))
        })
        .await
    }

    /// The record of the log whose origin's SHA-256 is `sha256_hex` (lowercase hex).
    pub async fn by_origin_sha256(&self, sha256_hex: String) -> Result<Option<WitnessedLog>, StoreError> {
        self.with_conn(move |conn| {
            conn.prepare_cached(&format!("SELECT {LOG_COLUMNS} FROM witnessed_logs WHERE origin_sha256 = $1"))
                .and_then(|mut s| s.query_row([&sha256_hex], read_log).optional())
                .map_err(backend)
        })
        .await
    }

    /// Every log's record, by origin.
    pub async fn logs(&self) -> Result<Vec<WitnessedLog>, StoreError> {
        self.with_conn(|conn| {
            let mut stmt = conn
                .prepare_cached(&format!("SELECT {LOG_COLUMNS} FROM witnessed_logs ORDER BY origin"))
                .map_err(backend)?;
            let rows = stmt.query_map([], read_log).map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
        .await
    }

    /// Keeps a refused checkpoint as evidence (the latest 1,000 per log).
    pub async fn keep_evidence(&self, evidence: Evidence) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction().map_err(backend)?;
            tx.prepare_cached(
                "INSERT INTO witness_evidence (origin, received_at, reason, request) VALUES ($1, $2, $3, $4)",
            )
            .and_then(|mut s| {
                s.execute((
                    &evidence.origin,
                    rows::text(evidence.received_at),
                    &evidence.reason,
                    &evidence.request,
                ))
            })
            .map_err(backend)?;
            tx.prepare_cached(
                "DELETE FROM witness_evidence WHERE origin = $1 AND id <= (
                     SELECT id FROM witness_evidence WHERE origin = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)",
            )
            .and_then(|mut s| s.execute((&evidence.origin, EVIDENCE_PER_LOG)))
            .map_err(backend)?;
            tx.commit().map_err(backend)
        })
        .await
    }

    /// The evidence kept for `origin`, oldest first.
    pub async fn evidence(&self, origin: String) -> Result<Vec<Evidence>, StoreError> {
        self.with_conn(move |conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT origin, received_at, reason, request FROM witness_evidence
                     WHERE origin = $1 ORDER BY id",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map([&origin], |r| {
                    Ok(Evidence {
                        origin: r.get(0)?,
                        received_at: rows::ts(r, 1)?,
                        reason: r.get(2)?,
                        request: r.get(3)?,
                    })
                })
                .map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(origin: &str, size: u64) -> WitnessedLog {
        WitnessedLog {
            origin: origin.into(),
            size,
            root: Hash([size as u8; 32]),
            checkpoint: format!("{origin}\n{size}\n...\n"),
            updated_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        }
    }

    #[tokio::test]
    async fn updates_are_kept_across_reopen_and_refusals_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = WitnessStore::open(dir.path()).unwrap();
        let seen = store
            .update("a.example/log".into(), |latest| Ok::<_, ()>((record("a.example/log", 3), latest)))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(seen, None);
        let refused: Result<(), &str> = store
            .update("a.example/log".into(), |latest| {
                assert_eq!(latest.unwrap().size, 3);
                Err("no")
            })
            .await
            .unwrap();
        assert_eq!(refused, Err("no"));
        // Another origin's record cannot be written under this one.
        assert!(store.update("a.example/log".into(), |_| Ok::<_, ()>((record("b", 9), ()))).await.is_err());
        drop(store);
        let store = WitnessStore::open(dir.path()).unwrap();
        let hash = origin_sha256("a.example/log");
        assert_eq!(hash.len(), 64);
        let kept = store.by_origin_sha256(hash).await.unwrap().unwrap();
        assert_eq!(kept, record("a.example/log", 3));
        assert_eq!(store.logs().await.unwrap().len(), 1);
        assert_eq!(store.by_origin_sha256("00".repeat(32)).await.unwrap(), None);
    }

    /// Concurrent updates are serialised: each sees its predecessor's record, so none is lost.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_updates_see_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let store = WitnessStore::open(dir.path()).unwrap();
        let mut tasks = Vec::new();
        for _ in 0..32 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .update("o".into(), |latest| {
                        let next = latest.map_or(1, |l| l.size + 1);
                        Ok::<_, ()>((record("o", next), next))
                    })
                    .await
                    .unwrap()
                    .unwrap()
            }));
        }
        let mut sizes = Vec::new();
        for t in tasks {
            sizes.push(t.await.unwrap());
        }
        sizes.sort_unstable();
        assert_eq!(sizes, (1..=32).collect::<Vec<u64>>());
    }

    #[tokio::test]
    async fn evidence_is_kept_and_capped() {
        let dir = tempfile::tempdir().unwrap();
        let store = WitnessStore::open(dir.path()).unwrap();
        for i in 0..(EVIDENCE_PER_LOG + 5) {
            store
                .keep_evidence(Evidence {
                    origin: "o".into(),
                    received_at: "2026-01-01T00:00:00Z".parse().unwrap(),
                    reason: format!("fork {i}"),
                    request: "old 1\n\n...".into(),
                })
                .await
                .unwrap();
        }
        let kept = store.evidence("o".into()).await.unwrap();
        assert_eq!(kept.len() as i64, EVIDENCE_PER_LOG);
        assert_eq!(kept[0].reason, "fork 5");
        assert!(store.evidence("other".into()).await.unwrap().is_empty());
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        drop(WitnessStore::open(dir.path()).unwrap());
        let conn = Connection::open(dir.path().join(WITNESS_DATABASE_FILE)).unwrap();
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
        drop(conn);
        let err = WitnessStore::open(dir.path()).err().unwrap();
        assert!(err.to_string().contains("upgrade accord"), "{err}");
    }
}
