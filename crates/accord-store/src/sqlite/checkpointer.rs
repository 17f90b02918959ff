//! WAL checkpoints on a thread of their own.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold, so the writer
//! that happened to cross it copies the whole WAL back into the database file (and syncs it)
//! before it can answer. Here the writer's WAL hook only signals, and a checkpointer thread with
//! its own connection copies the frames (`PASSIVE`: it never blocks the writer or readers) while
//! the writer goes on appending to the WAL. Once every frame has been copied and no reader still
//! uses them, the writer's next transaction starts the WAL again from its beginning.
//!
//! Closing the store does not wait for a checkpoint: the one under way is interrupted, and no
//! connection checkpoints as it closes (`SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE`). What was committed
//! is durable in the WAL, and the next process to open the store copies it in the background:
//! its checkpointer starts with a checkpoint. So a command that imported 80 MB exits once its
//! transaction is durable, not after copying those 80 MB a second time.
//!
//! Should the checkpointer fall far behind (readers keeping old frames alive, a slow disk), the
//! writer checkpoints itself past [`WRITER_CHECKPOINT_PAGES`], as SQLite's automatic checkpoint
//! would, so the WAL cannot grow without bound.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, wal::CheckpointMode};

use super::backend;
use crate::StoreError;

/// WAL size (pages of 4 KiB) at which a commit wakes the checkpointer: 4 MiB.
const SIGNAL_PAGES: i32 = 1024;
/// WAL size at which the writer checkpoints itself: 256 MiB.
const WRITER_CHECKPOINT_PAGES: i32 = 65_536;

#[derive(Default)]
struct State {
    wanted: bool,
    stop: bool,
}

#[derive(Default)]
struct Signal {
    state: Mutex<State>,
    wake: Condvar,
}

impl Signal {
    fn set(&self, f: impl FnOnce(&mut State)) {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()));
        self.wake.notify_one();
    }
}

/// The checkpointer thread; stopped when dropped (a checkpoint under way is interrupted).
pub(super) struct Checkpointer {
    signal: Arc<Signal>,
    interrupt: rusqlite::InterruptHandle,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread for the database at `path` and hooks `writer`'s commits to it.
    pub(super) fn start(path: &Path, writer: &mut Connection) -> Result<Self, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(backend)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(backend)?;
        // A connection learns that the database is in WAL mode when it first reads it; until
        // then a checkpoint does nothing.
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).map_err(backend)?;
        if mode != "wal" {
            return Err(StoreError::Backend(format!(
                "{} is in journal mode {mode}, not wal",
                path.display()
            )));
        }
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(backend)?;
        let interrupt = conn.get_interrupt_handle();
        // A WAL left by an earlier process is copied first.
        let signal =
            Arc::new(Signal { state: Mutex::new(State { wanted: true, stop: false }), ..Default::default() });
        let hook_signal = signal.clone();
        // Replaces SQLite's automatic checkpoint, which is a WAL hook too.
        writer
            .wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages: i32| {
                if pages >= WRITER_CHECKPOINT_PAGES {
                    // The commit is durable whatever this does: a failure (the checkpointer
                    // thread is copying the same frames: busy) must not fail it.
                    if let Err(e) = wal.checkpoint_v2(CheckpointMode::PASSIVE) {
                        tracing::debug!(error = %e, "the writer's WAL checkpoint did not run");
                        hook_signal.set(|s| s.wanted = true);
                    }
                } else if pages >= SIGNAL_PAGES {
                    hook_signal.set(|s| s.wanted = true);
                }
                Ok(())
            }))
            .map_err(backend)?;
        let thread_signal = signal.clone();
        let thread = std::thread::Builder::new()
            .name("accord-wal-checkpoint".into())
            .spawn(move || run(&conn, &thread_signal))
            .map_err(|e| StoreError::Backend(format!("cannot start the WAL checkpointer: {e}")))?;
        Ok(Self { signal, interrupt, thread: Some(thread) })
    }
}

fn run(conn: &Connection, signal: &Signal) {
    loop {
        {
            let mut state = signal.state.lock().unwrap_or_else(|p| p.into_inner());
            while !state.wanted && !state.stop {
                state = signal.wake.wait(state).unwrap_or_else(|p| p.into_inner());
            }
            if state.stop {
                return;
            }
            state.wanted = false;
        }
        match conn.wal_checkpoint_v2(None::<&str>, CheckpointMode::PASSIVE) {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::OperationInterrupted =>
            {
                return; // the store is closing
            }
            Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; the next commit retries it"),
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.signal.set(|s| s.stop = true);
        self.interrupt.interrupt();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
