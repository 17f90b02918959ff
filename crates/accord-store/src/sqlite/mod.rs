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
    /// Read-only connections for the log's proofs, memory-mapped ([`SqliteStore::with_log_reader`]).
    log_readers: Mutex<Vec<Connection>>,
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
                log_readers: Mutex::new(Vec::new()),
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

    /// Runs the transparency log's proof reads (a few indexed lookups each) with a connection
    /// of their own pool, whose reads are memory-mapped: a proof's hashes lie on as many pages
    /// of a table far larger than a connection's page cache, and mapped pages are read without
    /// a copy (a proof took a third less). Only these connections map the database, so the
    /// other reads' resident memory stays what their page caches hold. On a multi-threaded
    /// runtime the calling thread runs `f` itself, the runtime handing its other tasks to
    /// another worker meanwhile (`block_in_place`), which spares the two thread hand-overs of
    /// a blocking task (18 µs of a proof's 53 here); elsewhere on a blocking thread.
    async fn with_log_reader<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let run = move |inner: &Inner| {
            let conn = inner.take_from(&inner.log_readers, true)?;
            let result = f(&conn);
            inner.give_back_to(&inner.log_readers, conn);
            result
        };
        let multi_thread = tokio::runtime::Handle::try_current()
            .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        if multi_thread {
            return tokio::task::block_in_place(|| run(&self.inner));
        }
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || run(&inner))
            .await
            .map_err(|e| StoreError::Backend(format!("store task failed: {e}")))?
    }
}

impl Inner {
    fn take_reader(&self) -> Result<Connection, StoreError> {
        self.take_from(&self.readers, false)
    }

    fn give_back(&self, conn: Connection) {
        self.give_back_to(&self.readers, conn);
    }

    /// An idle connection of `pool`, or a new one (memory-mapped if `mapped`).
    fn take_from(&self, pool: &Mutex<Vec<Connection>>, mapped: bool) -> Result<Connection, StoreError> {
        if let Some(conn) = pool.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return Ok(conn);
        }
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(backend)?;
        configure(&conn, true).map_err(backend)?;
        if mapped {
            conn.execute_batch(&format!("PRAGMA mmap_size = {MAPPED_BYTES};")).map_err(backend)?;
        }
        Ok(conn)
    }

    fn give_back_to(&self, pool: &Mutex<Vec<Connection>>, conn: Connection) {
        let mut idle = pool.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
    }
}

/// How much of the database file a log reader maps (address space; only the pages read take
/// memory, and those are the operating system's page cache).
const MAPPED_BYTES: u64 = 1 << 30;

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
