//! What a transparency-log witness (C2SP tlog-witness) keeps: per log it follows, the latest
//! checkpoint it cosigned, and the signed checkpoints it refused because they contradict it
//! (evidence of a misbehaving log). Kept by [`crate::sqlite::WitnessStore`] in a database of
//! its own (`witness.sqlite3`), apart from any Accord store.

use accord_tlog::Hash;
use jiff::Timestamp;

/// The latest checkpoint a witness cosigned for one log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessedLog {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// The checkpoint note: the log's signatures that verified, then the witness's
    /// cosignature (what the monitoring API serves).
    pub checkpoint: String,
    pub updated_at: Timestamp,
}

/// A checkpoint signed by a log's trusted key that the witness refused because it contradicts
/// what the witness cosigned before (another root at the same size, a proof that does not
/// verify).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub origin: String,
    pub received_at: Timestamp,
    /// Why it was refused.
    pub reason: String,
    /// The request body, as received.
    pub request: String,
}
