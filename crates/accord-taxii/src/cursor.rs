//! The `next` cursor of TAXII paging: stateless (nothing stored, so it works behind a load
//! balancer and never expires), tamper-proof (HMAC-SHA-256 with a server key), and bound to
//! the query and the caller (a cursor made for one cannot be replayed for another).
//!
//! It carries one number: the storage sequence number of the last row returned, the stable
//! tiebreaker that makes sure no version is skipped or repeated when many share a date added.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

const DOMAIN: &[u8] = b"accord-taxii-cursor-v1\0";
const MAC_LEN: usize = 16;

/// The server's cursor key (32 random bytes, the same on every server of a deployment).
#[derive(Clone)]
pub struct CursorKey([u8; 32]);

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(…)")
    }
}

/// Where the next page starts: after the row with this sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub after_seq: i64,
}

/// A `next` value that this server did not make for this query and caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("next: not a cursor of this query (use the next value of the previous page, unchanged)")]
pub struct CursorError;

impl CursorKey {
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    fn mac(&self, binding: &[u8], seq: i64) -> [u8; MAC_LEN] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(DOMAIN);
        mac.update(&u64::try_from(binding.len()).unwrap_or(u64::MAX).to_be_bytes());
        mac.update(binding);
        mac.update(&seq.to_be_bytes());
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; MAC_LEN];
        out.copy_from_slice(&full[..MAC_LEN]);
        out
    }

    /// Makes the `next` value for `cursor`. `binding` identifies the query and the caller
    /// (see [`crate::ObjectQuery::fingerprint`]).
    pub fn seal(&self, cursor: Cursor, binding: &[u8]) -> String {
        let mut bytes = Vec::with_capacity(8 + MAC_LEN);
        bytes.extend_from_slice(&cursor.after_seq.to_be_bytes());
        bytes.extend_from_slice(&self.mac(binding, cursor.after_seq));
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Opens a `next` value, checking that it was sealed by this key for this binding.
    pub fn open(&self, token: &str, binding: &[u8]) -> Result<Cursor, CursorError> {
        if token.len() > 64 {
            return Err(CursorError);
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| CursorError)?;
        if bytes.len() != 8 + MAC_LEN {
            return Err(CursorError);
        }
        let (seq, mac) = bytes.split_at(8);
        let seq = i64::from_be_bytes(seq.try_into().map_err(|_| CursorError)?);
        if bool::from(self.mac(binding, seq).ct_eq(mac)) && seq >= 0 {
            Ok(Cursor { after_seq: seq })
        } else {
            Err(CursorError)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let key = CursorKey::new([7; 32]);
        let token = key.seal(Cursor { after_seq: 12_345 }, b"query-a|caller-1");
        assert_eq!(key.open(&token, b"query-a|caller-1"), Ok(Cursor { after_seq: 12_345 }));
        assert_eq!(key.open(&token, b"query-b|caller-1"), Err(CursorError), "another query");
        assert_eq!(key.open(&token, b"query-a|caller-2"), Err(CursorError), "another caller");
        assert_eq!(
            CursorKey::new([8; 32]).open(&token, b"query-a|caller-1"),
            Err(CursorError),
            "another key"
        );
    }

    #[test]
    fn tampering_is_detected() {
        let key = CursorKey::new([7; 32]);
        let token = key.seal(Cursor { after_seq: 99 }, b"b");
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        bytes[7] ^= 1; // move the position
        assert_eq!(key.open(&URL_SAFE_NO_PAD.encode(&bytes), b"b"), Err(CursorError));
        for junk in ["", "x", "!!!!", &"A".repeat(100)] {
            assert_eq!(key.open(junk, b"b"), Err(CursorError), "{junk}");
        }
        assert!(format!("{key:?}").find('7').is_none(), "Debug must not show the key");
    }
}
