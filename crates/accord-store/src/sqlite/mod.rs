//! The embedded back end: one SQLite database file in WAL mode.
//!
//! One writer connection (SQLite allows one writer at a time anyway) owned by a thread of its own
//! that commits the writes queued together as one transaction (group commit, `writer.rs`), and
//! a small pool of read-only connections so that reads run in parallel with each other and with
//! the writer, each on a blocking thread. Commits use `synchronous=FULL`: a transaction that
//! returned is on disk, and a write is answered only after its commit returned, so a write the
//! server acknowledged survives `kill -9` and power loss.

mod advisories;
mod checkpointer;
mod cvd;
mod log;
mod migrate;
mod objects;
mod outbox;
mod read;
mod rows;
mod witness;
mod write;
mod writer;

pub use witness::{WITNESS_DATABASE_FILE, WitnessStore};

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use accord_tlog::NoteSigner;

use rusqlite::{Connection, OpenFlags};

use crate::StoreError;

/// File name of the database inside the data folder.
pub const DATABASE_FILE: &str = "accord.sqlite3";

/// How many idle read connections are kept.
const MAX_IDLE_READERS: usize = 16;

/// The SQLite back end. Cheap to clone.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    /// Dropped first: its thread finishes the queued writes and closes the connection.
    writer: writer::Writer,
    readers: Mutex<Vec<Connection>>,
    /// Reads the stored (compressed) OSV documents; keeps their dictionaries.
    documents: Arc<advisories::Documents>,
    /// The transparency log's upper hashes, read once.
    log_upper: Arc<log::UpperHashes>,
    _checkpointer: checkpointer::Checkpointer,
}

impl SqliteStore {
    /// Opens (creating if needed) the store in `data_dir`, and brings its schema up to date.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Backend(format!("cannot create data folder {}: {e}", data_dir.display()))
        })?;
        let path = data_dir.join(DATABASE_FILE);
        let mut writer = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::Backend(format!("cannot open {}: {e}", path.display())))?;
        configure(&writer, false).map_err(backend)?;
        migrate::run(&mut writer)?;
        let checkpointer = checkpointer::Checkpointer::start(&path, &mut writer)?;
        Ok(Self {
            inner: Arc::new(Inner {
                path,
                writer: writer::Writer::start(writer)?,
                readers: Mutex::new(Vec::new()),
                documents: Arc::new(advisories::Documents::default()),
                log_upper: Arc::new(log::UpperHashes::default()),
                _checkpointer: checkpointer,
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` with the writer connection to itself, on the writer's thread, in the order of
    /// the writer's queue.
    async fn with_writer<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.inner.writer.alone(f).await
    }

    /// Queues registry writes for the writer's next batch and waits until it committed them.
    async fn write_batched(
        &self,
        actor: &str,
        writes: Vec<crate::RegistryWrite>,
        signer: Option<Arc<NoteSigner>>,
    ) -> Result<Vec<crate::log::Appended>, StoreError> {
        self.inner.writer.write(writer::LoggedWrite { actor: actor.to_owned(), writes, signer }).await
    }

    /// Runs `f` with a pooled read-only connection on a blocking thread.
    async fn with_reader<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let conn = inner.take_reader()?;
            let result = f(&conn);
            inner.give_back(conn);
            result
        })
        .await
        .map_err(|e| StoreError::Backend(format!("store task failed: {e}")))?
    }
}

impl Inner {
    fn take_reader(&self) -> Result<Connection, StoreError> {
        if let Some(conn) = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return Ok(conn);
        }
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(backend)?;
        configure(&conn, true).map_err(backend)?;
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
    }
}

fn configure(conn: &Connection, read_only: bool) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(64);
    // Keep one plan per cached statement. Without the planner stability guarantee, SQLite
    // re-prepares statements whose plan depends on a bound value (our token and session joins)
    // each time rusqlite clears their bindings on the way back into the cache: measured at 38%
    // of the CPU of an authenticated request.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    // Closing never checkpoints: the checkpointer thread does, now or in the next process.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    // The WAL is checkpointed by a thread of its own (checkpointer.rs), not in the commits.
    // Page caches: 64 MiB for the writer, whose inserts into the object indexes land at random
    // places (ids are random), and 4 MiB per reader (SQLite default: 2 MiB; up to 16 idle readers).
    if read_only {
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA foreign_keys = ON; PRAGMA cache_size = -4096;")
    } else {
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA cache_size = -65536;",
        )
    }
}

/// Runs `f` in one read transaction of `conn` (one snapshot for all its statements, which also
/// costs less than a snapshot per statement), begun and ended by cached statements.
fn read_transaction<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    conn.prepare_cached("BEGIN").and_then(|mut s| s.execute([])).map_err(backend)?;
    let result = f(conn);
    // A read transaction has nothing to keep: ending it cannot lose anything, and a failure
    // to end it leaves the connection in a transaction that the next BEGIN reports.
    let ended = conn.prepare_cached("COMMIT").and_then(|mut s| s.execute([])).map_err(backend);
    let value = result?;
    ended?;
    Ok(value)
}

pub(crate) fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}
