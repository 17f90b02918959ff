//! The writer thread and its group commit.
//!
//! One thread owns the writer connection. Callers queue jobs and await their answer. A job is
//! either a list of [`RegistryWrite`]s (every [`crate::Store::write_logged`] call, so every
//! registry, case, TAXII and log write) or a closure that needs the connection to itself (a
//! pulled TAXII page, an OSV import, the outbox's claims, a witness's cosignature).
//!
//! The thread takes every write queued at that moment (up to [`MAX_BATCH_WRITES`] callers and
//! about [`MAX_BATCH_BYTES`]), applies each caller's writes inside a savepoint of **one**
//! transaction — a caller whose writes fail is rolled back to its savepoint and gets its own
//! error, the others go on —, appends their log entries, signs one checkpoint for the batch,
//! commits once (one `fsync` for the batch) and only then answers each caller with its own
//! result and receipts. A closure job runs alone, in queue order, in its own transaction.
//! So the log has one writer, one checkpoint per commit, and an answer always follows a
//! durable commit.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use accord_tlog::NoteSigner;
use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::log::{Appended, LogWrite};
use crate::{RegistryWrite, StoreError};

/// At most this many callers' writes share one transaction.
pub(super) const MAX_BATCH_WRITES: usize = 512;
/// A batch stops growing before its writes carry more than about this many bytes (log
/// entries, objects, documents, attachments); a larger single write still runs, alone.
pub(super) const MAX_BATCH_BYTES: usize = 4 << 20;

/// One caller's writes, with the key their log entries are signed with.
pub(super) struct LoggedWrite {
    pub(super) actor: String,
    pub(super) writes: Vec<RegistryWrite>,
    pub(super) signer: Option<Arc<NoteSigner>>,
}

impl LoggedWrite {
    /// Whether the writes append to the log (and so need a signer).
    pub(super) fn appends(&self) -> bool {
        self.writes.iter().any(|w| matches!(w, RegistryWrite::Log(LogWrite::Append { .. })))
    }
}

type Answer = oneshot::Sender<Result<Vec<Appended>, StoreError>>;

enum Job {
    Writes(LoggedWrite, Answer),
    Alone(Box<dyn FnOnce(&mut Connection) + Send>),
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    stop: bool,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The writer thread; it finishes the queued jobs and closes the connection when dropped.
pub(super) struct Writer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub(super) fn start(conn: Connection) -> Result<Self, StoreError> {
        let shared = Arc::new(Shared::default());
        let thread_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("accord-writer".into())
            .spawn(move || run(conn, &thread_shared))
            .map_err(|e| StoreError::Backend(format!("cannot start the store's writer: {e}")))?;
        Ok(Self { shared, thread: Some(thread) })
    }

    fn push(&self, job: Job) {
        self.shared.lock().jobs.push_back(job);
        self.shared.wake.notify_one();
    }

    /// Queues writes for the next batch and waits for their commit.
    pub(super) async fn write(&self, write: LoggedWrite) -> Result<Vec<Appended>, StoreError> {
        let (answer, answered) = oneshot::channel();
        self.push(Job::Writes(write, answer));
        answered.await.map_err(|_| StoreError::Backend("the store's writer stopped".into()))?
    }

    /// Runs `f` with the connection to itself, in queue order.
    pub(super) async fn alone<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        self.push(Job::Alone(Box::new(move |conn: &mut Connection| {
            let result = catch_unwind(AssertUnwindSafe(|| f(conn)))
                .unwrap_or_else(|_| Err(StoreError::Backend("store task failed: it panicked".into())));
            let _ = answer.send(result);
        })));
        answered.await.map_err(|_| StoreError::Backend("the store's writer stopped".into()))?
    }

    /// How many jobs wait (for tests).
    #[cfg(test)]
    pub(super) fn queued(&self) -> usize {
        self.shared.lock().jobs.len()
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What the thread does next.
enum Next {
    Alone(Box<dyn FnOnce(&mut Connection) + Send>),
    Batch(Vec<(LoggedWrite, Answer)>),
}

fn run(mut conn: Connection, shared: &Shared) {
    loop {
        let next = {
            let mut queue = shared.lock();
            while queue.jobs.is_empty() && !queue.stop {
                queue = shared.wake.wait(queue).unwrap_or_else(|p| p.into_inner());
            }
            // Jobs queued before the stop are still done: their callers may be gone, but what
            // they asked for was accepted.
            match take(&mut queue.jobs) {
                Some(next) => next,
                None => return,
            }
        };
        match next {
            Next::Alone(f) => f(&mut conn),
            Next::Batch(jobs) => commit_batch(&mut conn, jobs),
        }
    }
}

/// The next job, or every write queued from the front on that can share its transaction.
fn take(jobs: &mut VecDeque<Job>) -> Option<Next> {
    let first = jobs.pop_front()?;
    let (write, answer) = match first {
        Job::Alone(f) => return Some(Next::Alone(f)),
        Job::Writes(write, answer) => (write, answer),
    };
    let mut signer = write.appends().then(|| write.signer.clone()).flatten();
    let mut bytes = approx_bytes(&write.writes);
    let mut batch = vec![(write, answer)];
    while batch.len() < MAX_BATCH_WRITES {
        let Some(Job::Writes(next, _)) = jobs.front() else { break };
        let next_bytes = approx_bytes(&next.writes);
        if bytes + next_bytes > MAX_BATCH_BYTES {
            break;
        }
        // One checkpoint per batch, so one log key: writes appending with another key wait for
        // the next batch.
        if next.appends()
            && let Some(theirs) = &next.signer
        {
            match &signer {
                Some(ours) if !same_key(ours, theirs) => break,
                Some(_) => {}
                None => signer = Some(theirs.clone()),
            }
        }
        bytes += next_bytes;
        let Some(Job::Writes(next, answer)) = jobs.pop_front() else { unreachable!("checked above") };
        batch.push((next, answer));
    }
    Some(Next::Batch(batch))
}

fn same_key(a: &Arc<NoteSigner>, b: &Arc<NoteSigner>) -> bool {
    Arc::ptr_eq(a, b) || a.verifier_key().to_string() == b.verifier_key().to_string()
}

/// About how many bytes the writes carry: what makes a batch long to apply.
fn approx_bytes(writes: &[RegistryWrite]) -> usize {
    use crate::cvd::CvdWrite;
    writes
        .iter()
        .map(|w| match w {
            RegistryWrite::Log(LogWrite::Append { entry }) => entry.len(),
            RegistryWrite::AddObjects { versions, .. } => versions.iter().map(|v| v.raw.len()).sum(),
            RegistryWrite::Cvd(CvdWrite::AddAttachment { content_sealed, .. }) => content_sealed.len(),
            RegistryWrite::Cvd(CvdWrite::Publish { document, .. }) => document.len(),
            RegistryWrite::Cvd(CvdWrite::SubmitReport { sealed, .. }) => sealed.len(),
            RegistryWrite::Cvd(CvdWrite::PostMessage { body_sealed, .. }) => body_sealed.len(),
            _ => 256,
        })
        .sum()
}

/// Applies a batch in one transaction, commits, then answers every caller.
fn commit_batch(conn: &mut Connection, jobs: Vec<(LoggedWrite, Answer)>) {
    let (writes, answers): (Vec<LoggedWrite>, Vec<Answer>) = jobs.into_iter().unzip();
    let outcome = catch_unwind(AssertUnwindSafe(|| super::write::apply_batch(conn, &writes)));
    match outcome {
        Ok(Ok(results)) => {
            for (answer, result) in answers.into_iter().zip(results) {
                let _ = answer.send(result);
            }
        }
        Ok(Err(e)) => {
            // Nothing of the batch was committed.
            tracing::error!(error = %e, writes = writes.len(), "a write batch failed as a whole");
            for answer in answers {
                let _ = answer.send(Err(match &e {
                    StoreError::NotFound { what } => StoreError::NotFound { what },
                    StoreError::Conflict { message } => StoreError::conflict(message.clone()),
                    StoreError::Backend(m) => StoreError::Backend(m.clone()),
                }));
            }
        }
        Err(_) => {
            for answer in answers {
                let _ = answer.send(Err(StoreError::Backend("store task failed: it panicked".into())));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use accord_tlog::{Checkpoint, KeyName, leaf_hash};

    use super::super::SqliteStore;
    use super::*;
    use crate::Store;

    fn signer() -> Arc<NoteSigner> {
        Arc::new(NoteSigner::from_seed(KeyName::new("test.example/log").unwrap(), &[1; 32]))
    }

    fn entry(n: usize) -> Vec<u8> {
        format!("{{\"n\":{n}}}").into_bytes()
    }

    fn append(n: usize) -> RegistryWrite {
        RegistryWrite::Log(LogWrite::Append { entry: entry(n) })
    }

    async fn until_queued(store: &SqliteStore, n: usize) {
        while store.inner.writer.queued() != n {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    /// Holds the writer thread until the returned sender is dropped or sent to.
    async fn hold_writer(store: &SqliteStore) -> std::sync::mpsc::Sender<()> {
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (entered, inside) = std::sync::mpsc::channel::<()>();
        let s = store.clone();
        tokio::spawn(async move {
            s.with_writer(move |_| {
                entered.send(()).unwrap();
                let _ = held.recv();
                Ok(())
            })
            .await
        });
        tokio::task::spawn_blocking(move || inside.recv().unwrap()).await.unwrap();
        release
    }

    type Pending = tokio::task::JoinHandle<Result<Vec<Appended>, StoreError>>;

    /// Queues `writes` one after another (so in this order) while the writer is held.
    async fn queue(store: &SqliteStore, writes: Vec<Vec<RegistryWrite>>) -> Vec<Pending> {
        let mut tasks = Vec::new();
        for w in writes {
            let queued = store.inner.writer.queued();
            let s = store.clone();
            tasks.push(tokio::spawn(async move { s.write_logged("test", w, Some(signer())).await }));
            until_queued(store, queued + 1).await;
        }
        tasks
    }

    fn checkpoint_size(a: &Appended) -> u64 {
        Checkpoint::parse(a.receipt.checkpoint.text()).unwrap().size()
    }

    /// Writes queued together commit in one transaction with one checkpoint; the one that
    /// fails is answered with its error and the others keep their order.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_queued_together_share_one_commit_and_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let release = hold_writer(&store).await;
        let writes = (0..10)
            .map(|n| match n {
                4 => vec![
                    append(n),
                    RegistryWrite::Invite {
                        organization_id: "00000000-0000-4000-8000-000000000001".parse().unwrap(),
                        at: jiff::Timestamp::UNIX_EPOCH,
                    },
                ],
                _ => vec![append(n)],
            })
            .collect();
        let tasks = queue(&store, writes).await;
        drop(release);
        let mut index = 0;
        let mut checkpoints = std::collections::BTreeSet::new();
        for (n, task) in tasks.into_iter().enumerate() {
            let result = task.await.unwrap();
            if n == 4 {
                assert!(matches!(result, Err(StoreError::NotFound { what: "organization" })), "{result:?}");
                continue;
            }
            let a = &result.unwrap()[0];
            assert_eq!((a.index, &a.entry), (index, &entry(n)), "writes keep their queue order");
            a.receipt
                .verify(&leaf_hash(&a.entry), "test.example/log", &signer().verifier_key(), &[], 0)
                .unwrap();
            checkpoints.insert(a.receipt.checkpoint.to_text());
            index += 1;
        }
        assert_eq!(checkpoints.len(), 1, "one checkpoint for the batch");
        let head = store.log_head().await.unwrap();
        assert_eq!((head.size, &head.checkpoint), (9, checkpoints.first().unwrap()));
    }

    /// A batch stops at its size limit, and at a job that needs the connection alone.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn batches_are_capped_and_split_by_lone_jobs() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let release = hold_writer(&store).await;
        let first = queue(&store, (0..MAX_BATCH_WRITES + 3).map(|n| vec![append(n)]).collect()).await;
        let s = store.clone();
        let alone =
            tokio::spawn(async move { s.with_writer(|c| Ok(super::super::log::head(c)?.size)).await });
        until_queued(&store, MAX_BATCH_WRITES + 4).await;
        let second = queue(&store, (0..2).map(|n| vec![append(n)]).collect()).await;
        drop(release);
        let mut sizes = Vec::new();
        for task in first.into_iter().chain(second) {
            sizes.push(checkpoint_size(&task.await.unwrap().unwrap()[0]));
        }
        let full = MAX_BATCH_WRITES as u64;
        let mut expected = vec![full; MAX_BATCH_WRITES];
        expected.extend([full + 3; 3]);
        expected.extend([full + 5; 2]);
        assert_eq!(sizes, expected);
        assert_eq!(alone.await.unwrap().unwrap(), full + 3, "the lone job ran between the batches");
    }

    /// A batch stops before it would carry more than its byte limit.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn batches_are_capped_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let release = hold_writer(&store).await;
        // Each write carries 40 entries of 60,000 bytes: two of them exceed the limit.
        let big = |w: usize| -> Vec<RegistryWrite> {
            (0..40)
                .map(|i| {
                    let mut entry = vec![b' '; 60_000];
                    entry[..8].copy_from_slice(&((w * 40 + i) as u64).to_be_bytes());
                    RegistryWrite::Log(LogWrite::Append { entry })
                })
                .collect()
        };
        assert!(2 * approx_bytes(&big(0)) > MAX_BATCH_BYTES && approx_bytes(&big(0)) < MAX_BATCH_BYTES);
        let tasks = queue(&store, (0..3).map(big).collect()).await;
        drop(release);
        let mut sizes = Vec::new();
        for task in tasks {
            sizes.push(checkpoint_size(&task.await.unwrap().unwrap()[0]));
        }
        assert_eq!(sizes, [40, 80, 120], "one write per batch");
    }

    /// A write appending without the log's key is refused on its own.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_without_the_key_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let release = hold_writer(&store).await;
        let tasks = queue(&store, (0..3).map(|n| vec![append(n)]).collect()).await;
        let s = store.clone();
        let keyless = tokio::spawn(async move { s.write_logged("test", vec![append(9)], None).await });
        until_queued(&store, 4).await;
        drop(release);
        assert!(matches!(keyless.await.unwrap(), Err(StoreError::Conflict { .. })));
        for task in tasks {
            assert_eq!(checkpoint_size(&task.await.unwrap().unwrap()[0]), 3);
        }
    }
}
