//! The transparency log on SQLite: entries, stored subtree hashes and the head, appended in
//! the transaction of the event an entry records.

use accord_tlog::{
    Checkpoint, Hash, HashReader, MAX_ENTRY_LEN, NodeIndex, NoteSigner, ReadError, TlogProof, leaf_hash,
    node_hash,
};
use std::cell::RefCell;
use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{backend, rows};
use crate::StoreError;
use crate::log::{Appended, Cosignature, LogHead};

/// The entries one transaction appends, from the head it started on.
pub(super) struct Pending {
    old_size: u64,
    /// The log's origin, from its checkpoint (none while the log is empty).
    origin: Option<String>,
    entries: Vec<(u64, Vec<u8>)>,
}

impl Pending {
    /// Reads the head the transaction starts from.
    pub(super) fn start(conn: &Connection) -> Result<Self, StoreError> {
        let head = head(conn)?;
        let origin = head.checkpoint.lines().next().filter(|o| !o.is_empty()).map(str::to_owned);
        Ok(Self { old_size: head.size, origin, entries: Vec::new() })
    }

    /// Checks that entries may be appended with `signer`: there is one, and its name is the
    /// log's origin.
    pub(super) fn check_signer<'s>(
        &self,
        signer: Option<&'s NoteSigner>,
    ) -> Result<&'s NoteSigner, StoreError> {
        let signer = signer.ok_or_else(|| {
            StoreError::conflict("the transparency log has no signing key: an entry cannot be appended")
        })?;
        let name = signer.name().as_str();
        match &self.origin {
            Some(origin) if origin != name => Err(StoreError::conflict(format!(
                "the log's origin is {origin:?}, but its signing key is named {name:?}"
            ))),
            _ => Ok(signer),
        }
    }

    /// How many entries are pending: a mark to [`Pending::truncate`] back to.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets the entries after `len` (their rows were rolled back to a savepoint).
    pub(super) fn truncate(&mut self, len: usize) {
        self.entries.truncate(len);
    }

    fn size(&self) -> u64 {
        self.old_size + self.entries.len() as u64
    }
}

/// The stored hashes, read through a connection (inside a transaction or not).
pub(super) struct SqlHashes<'c>(pub &'c Connection);

impl HashReader for SqlHashes<'_> {
    fn read_hashes(&self, indexes: &[NodeIndex]) -> Result<Vec<Hash>, ReadError> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT hash FROM log_hashes WHERE level = $1 AND idx = $2")
            .map_err(|e| ReadError::Storage(Box::new(e)))?;
        indexes
            .iter()
            .map(|n| {
                let bytes: Option<Vec<u8>> = stmt
                    .query_row((n.level, index_sql(n.index)), |r| r.get(0))
                    .optional()
                    .map_err(|e| ReadError::Storage(Box::new(e)))?;
                let bytes = bytes.ok_or(ReadError::Missing { level: n.level, index: n.index })?;
                Hash::from_slice(&bytes).map_err(|e| ReadError::Storage(Box::new(e)))
            })
            .collect()
    }
}

/// The level from which [`UpperHashes`] keeps hashes: a proof's hashes at and above it are read
/// from memory, the 6 below from the store. There are about `2 · size / 2^UPPER_LEVEL` of them
/// (31,000 for a million entries, about 2 MiB).
const UPPER_LEVEL: u8 = 6;

/// At most this many hashes are kept (about 18 MiB, every upper hash of a log of 8 million
/// entries); past it, the others are read from the store each time.
const UPPER_MAX: usize = 1 << 18;

/// The hashes of the tree's upper levels, kept in memory once read. The hash of a complete
/// subtree never changes (rows of `log_hashes` are only ever added, a reader sees only
/// committed rows, and only complete subtrees have one), so what was read once is right for
/// the store's whole life; most of a proof's hashes then cost no read.
#[derive(Default)]
pub(super) struct UpperHashes {
    nodes: std::sync::RwLock<HashMap<NodeIndex, Hash>>,
}

/// Reads hashes from the store, the upper levels' through [`UpperHashes`].
pub(super) struct UpperCached<'c> {
    pub sql: SqlHashes<'c>,
    pub upper: &'c UpperHashes,
}

impl HashReader for UpperCached<'_> {
    fn read_hashes(&self, indexes: &[NodeIndex]) -> Result<Vec<Hash>, ReadError> {
        let mut out: Vec<Option<Hash>> = {
            let nodes = self.upper.nodes.read().unwrap_or_else(|p| p.into_inner());
            indexes
                .iter()
                .map(|n| if n.level >= UPPER_LEVEL { nodes.get(n).copied() } else { None })
                .collect()
        };
        let missing: Vec<NodeIndex> =
            indexes.iter().zip(&out).filter(|(_, h)| h.is_none()).map(|(n, _)| *n).collect();
        if !missing.is_empty() {
            let read = self.sql.read_hashes(&missing)?;
            let mut read_iter = read.iter();
            for slot in out.iter_mut().filter(|h| h.is_none()) {
                *slot = read_iter.next().copied();
            }
            let upper: Vec<(NodeIndex, Hash)> =
                missing.into_iter().zip(read).filter(|(n, _)| n.level >= UPPER_LEVEL).collect();
            if !upper.is_empty() {
                let mut nodes = self.upper.nodes.write().unwrap_or_else(|p| p.into_inner());
                let room = UPPER_MAX.saturating_sub(nodes.len());
                nodes.extend(upper.into_iter().take(room));
            }
        }
        out.into_iter()
            .zip(indexes)
            .map(|(h, n)| h.ok_or(ReadError::Missing { level: n.level, index: n.index }))
            .collect()
    }
}

/// A [`HashReader`] that reads each hash once.
struct CachedHashes<'c> {
    sql: SqlHashes<'c>,
    seen: RefCell<HashMap<NodeIndex, Hash>>,
}

impl<'c> CachedHashes<'c> {
    fn new(sql: SqlHashes<'c>) -> Self {
        Self { sql, seen: RefCell::default() }
    }
}

impl HashReader for CachedHashes<'_> {
    fn read_hashes(&self, indexes: &[NodeIndex]) -> Result<Vec<Hash>, ReadError> {
        let missing: Vec<NodeIndex> = {
            let seen = self.seen.borrow();
            indexes.iter().filter(|n| !seen.contains_key(n)).copied().collect()
        };
        if !missing.is_empty() {
            let read = self.sql.read_hashes(&missing)?;
            self.seen.borrow_mut().extend(missing.into_iter().zip(read));
        }
        let seen = self.seen.borrow();
        Ok(indexes.iter().map(|n| seen[n]).collect())
    }
}

fn index_sql(i: u64) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}

fn from_sql(i: i64) -> u64 {
    u64::try_from(i).unwrap_or(0)
}

pub(super) fn head(conn: &Connection) -> Result<LogHead, StoreError> {
    let (size, root, checkpoint): (i64, Vec<u8>, String) = conn
        .prepare_cached("SELECT size, root, checkpoint FROM log_head WHERE id = 1")
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))))
        .map_err(backend)?;
    let root = Hash::from_slice(&root).map_err(|e| StoreError::Backend(format!("log root: {e}")))?;
    Ok(LogHead { size: from_sql(size), root, checkpoint })
}

/// Appends one entry: its row, its leaf hash and the hashes of the subtrees it completes.
pub(super) fn append(tx: &Transaction<'_>, pending: &mut Pending, entry: &[u8]) -> Result<(), StoreError> {
    if entry.is_empty() || entry.len() > MAX_ENTRY_LEN {
        return Err(StoreError::conflict(format!(
            "a log entry holds 1 to {MAX_ENTRY_LEN} bytes, not {}",
            entry.len()
        )));
    }
    let index = pending.size();
    tx.prepare_cached("INSERT INTO log_entries (idx, entry) VALUES ($1, $2)")
        .and_then(|mut s| s.execute((index_sql(index), entry)))
        .map_err(backend)?;
    let mut insert = tx
        .prepare_cached("INSERT INTO log_hashes (level, idx, hash) VALUES ($1, $2, $3)")
        .map_err(backend)?;
    let mut hash = leaf_hash(entry);
    let (mut level, mut i) = (0u8, index);
    insert.execute((level, index_sql(i), &hash.as_bytes()[..])).map_err(backend)?;
    while i & 1 == 1 {
        let left = SqlHashes(tx)
            .read_hashes(&[NodeIndex::new(level, i - 1)])
            .map_err(|e| StoreError::Backend(format!("log hashes: {e}")))?;
        hash = node_hash(&left[0], &hash);
        level += 1;
        i >>= 1;
        insert.execute((level, index_sql(i), &hash.as_bytes()[..])).map_err(backend)?;
    }
    pending.entries.push((index, entry.to_vec()));
    Ok(())
}

/// Signs the checkpoint of the new size and swaps it in for the old head (compare-and-swap on
/// the size), then proves each appended entry's inclusion in it.
pub(super) fn finish(
    tx: &Transaction<'_>,
    pending: Pending,
    signer: Option<&NoteSigner>,
) -> Result<Vec<Appended>, StoreError> {
    let signer = pending.check_signer(signer)?;
    let size = pending.size();
    let old = head(tx)?;
    let origin = signer.name().as_str();
    if !old.checkpoint.is_empty() {
        let old_origin = old.checkpoint.lines().next().unwrap_or_default();
        if old_origin != origin {
            return Err(StoreError::conflict(format!(
                "the log's origin is {old_origin:?}, but its signing key is named {origin:?}"
            )));
        }
    }
    // The proofs of a batch's entries share most of their hashes: each is read once.
    let reader = CachedHashes::new(SqlHashes(tx));
    let root =
        accord_tlog::root_hash(&reader, size).map_err(|e| StoreError::Backend(format!("log root: {e}")))?;
    let checkpoint = Checkpoint::new(origin, size, root)
        .map_err(|e| StoreError::conflict(format!("log checkpoint: {e}")))?
        .sign(signer);
    let swapped = tx
        .prepare_cached(
            "UPDATE log_head SET size = $1, root = $2, checkpoint = $3 WHERE id = 1 AND size = $4",
        )
        .and_then(|mut s| {
            s.execute((
                index_sql(size),
                &root.as_bytes()[..],
                checkpoint.to_text(),
                index_sql(pending.old_size),
            ))
        })
        .map_err(backend)?;
    if swapped != 1 {
        return Err(StoreError::Backend("the log's head moved during the transaction".into()));
    }
    pending
        .entries
        .into_iter()
        .map(|(index, entry)| {
            let proof = accord_tlog::inclusion_proof(&reader, index, size)
                .map_err(|e| StoreError::Backend(format!("log proof: {e}")))?;
            Ok(Appended {
                index,
                entry,
                receipt: TlogProof { extra: None, index, proof, checkpoint: checkpoint.clone() },
            })
        })
        .collect()
}

pub(super) fn keep_commitment(
    tx: &Transaction<'_>,
    case_id: accord_model::CaseId,
    sealed: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO log_commitments (case_id, sealed) VALUES ($1, $2)")
        .and_then(|mut s| s.execute((case_id.to_string(), sealed)))
        .map_err(|e| super::write::unique_or(e, "this case's embargo commitment is already kept"))?;
    Ok(())
}

pub(super) fn entries(conn: &Connection, start: u64, end: u64) -> Result<Vec<Vec<u8>>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT entry FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx")
        .map_err(backend)?;
    let rows = stmt.query_map((index_sql(start), index_sql(end)), |r| r.get(0)).map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

pub(super) fn hashes(conn: &Connection, nodes: &[NodeIndex]) -> Result<Vec<Hash>, StoreError> {
    SqlHashes(conn).read_hashes(nodes).map_err(|e| match e {
        ReadError::Missing { .. } => StoreError::NotFound { what: "log hash" },
        other => StoreError::Backend(other.to_string()),
    })
}

fn proof_error(e: accord_tlog::ProofError) -> StoreError {
    match e {
        accord_tlog::ProofError::Read(ReadError::Storage(e)) => StoreError::Backend(e.to_string()),
        other => StoreError::conflict(other.to_string()),
    }
}

/// Reads the head and the proof in one read transaction, so that both describe one tree.
/// The log's size (the head's alone).
fn size(conn: &Connection) -> Result<u64, StoreError> {
    conn.prepare_cached("SELECT size FROM log_head WHERE id = 1")
        .and_then(|mut s| s.query_row([], |r| r.get::<_, i64>(0)))
        .map(from_sql)
        .map_err(backend)
}

pub(super) fn inclusion_proof(
    conn: &Connection,
    upper: &UpperHashes,
    index: u64,
    size_of_tree: u64,
) -> Result<Vec<Hash>, StoreError> {
    if size_of_tree > size(conn)? {
        return Err(StoreError::conflict(format!("the log has fewer than {size_of_tree} entries")));
    }
    accord_tlog::inclusion_proof(&UpperCached { sql: SqlHashes(conn), upper }, index, size_of_tree)
        .map_err(proof_error)
}

pub(super) fn consistency_proof(
    conn: &Connection,
    upper: &UpperHashes,
    old: u64,
    new: u64,
) -> Result<Vec<Hash>, StoreError> {
    if new > size(conn)? {
        return Err(StoreError::conflict(format!("the log has fewer than {new} entries")));
    }
    accord_tlog::consistency_proof(&UpperCached { sql: SqlHashes(conn), upper }, old, new)
        .map_err(proof_error)
}

pub(super) fn commitment(
    conn: &Connection,
    case: accord_model::CaseId,
) -> Result<Option<String>, StoreError> {
    conn.prepare_cached("SELECT sealed FROM log_commitments WHERE case_id = $1")
        .and_then(|mut s| s.query_row([case.to_string()], |r| r.get(0)).optional())
        .map_err(backend)
}

pub(super) fn cosignatures(conn: &Connection) -> Result<Vec<Cosignature>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT witness, size, root, signature, cosigned_at, received_at FROM log_cosignatures
             ORDER BY witness",
        )
        .map_err(backend)?;
    let rows = stmt
        .query_map([], |r| {
            let root: Vec<u8> = r.get(2)?;
            Ok(Cosignature {
                witness: r.get(0)?,
                size: from_sql(r.get(1)?),
                root: Hash::from_slice(&root).map_err(|e| rows::corrupt(2, e))?,
                signature: r.get(3)?,
                cosigned_at: from_sql(r.get(4)?),
                received_at: rows::ts(r, 5)?,
            })
        })
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

pub(super) fn keep_cosignature(conn: &mut Connection, c: &Cosignature) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached(
            "INSERT INTO log_cosignatures (witness, size, root, signature, cosigned_at, received_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (witness) DO UPDATE SET size = excluded.size, root = excluded.root,
                 signature = excluded.signature, cosigned_at = excluded.cosigned_at,
                 received_at = excluded.received_at
             WHERE excluded.size >= log_cosignatures.size",
        )
        .and_then(|mut s| {
            s.execute((
                &c.witness,
                index_sql(c.size),
                &c.root.as_bytes()[..],
                &c.signature,
                index_sql(c.cosigned_at),
                rows::text(c.received_at),
            ))
        })
        .map_err(backend)?;
    Ok(changed == 1)
}
