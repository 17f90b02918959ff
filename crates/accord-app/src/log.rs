//! The public transparency log (SPEC §7): the statements Accord logs, the log's key, and what
//! the server serves (checkpoint, tiles, recent entries).
//!
//! An entry is a small canonical JSON statement (keys sorted, no whitespace) whose `type`
//! names it (`accord/signature/v1`, …). Registry events are logged by [`App::commit`] from the
//! writes themselves, so no path that signs, withdraws or changes an organisation's keys can
//! leave them out; coordinated-disclosure entries are built by the use cases that make them.
//! The entries go to the store with the event's writes: entry, hashes and new checkpoint commit
//! in the event's transaction.

use std::sync::Arc;

use accord_store::RegistryWrite;
use accord_store::log::{Appended, LogWrite};
use accord_tlog::tiles::encode_hash_tile;
use accord_tlog::{
    Checkpoint, KeyName, NoteSigner, Tile, TileKind, VerifierKey, empty_root, encode_entry_bundle,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::csaf::Category;
use crate::{App, AppError};

/// Makes a new log key named `origin` (`<host>/log`) from the operating system's randomness.
pub fn new_log_signer(origin: &str) -> Result<NoteSigner, AppError> {
    let name = KeyName::new(origin).map_err(|e| AppError::Internal(format!("log origin {origin:?}: {e}")))?;
    Ok(NoteSigner::from_seed(name, &crate::random::bytes::<32>()?))
}

/// The log's origin for a server reached at `public_url`: its host (and port) followed by
/// `/log`, the prefix the tiles are served under. `localhost/log` without a public URL.
pub fn log_origin(public_url: Option<&str>) -> String {
    let host = public_url
        .map(str::trim)
        .map(|u| u.split_once("://").map_or(u, |(_, rest)| rest))
        .map(|u| u.split(['/', '?', '#']).next().unwrap_or_default())
        .map(|h| h.rsplit_once('@').map_or(h, |(_, host)| host))
        .filter(|h| !h.is_empty() && !h.contains(['+', ' ']))
        .unwrap_or("localhost");
    format!("{}/log", host.to_ascii_lowercase())
}

/// The JSON text of a statement: keys sorted at every level, no whitespace.
pub fn canonical_json(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sorted(&map[k]))).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    // serde_json keeps an object's keys in insertion order when its `preserve_order` feature
    // is on somewhere in the build, and sorted otherwise: inserting them sorted gives the same
    // text either way.
    sorted(value).to_string()
}

/// SHA-256 in lowercase hexadecimal.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The commitment to an embargoed summary: SHA-256(salt ‖ summary), in hexadecimal.
pub fn embargo_commitment(salt: &[u8], summary: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(summary.as_bytes());
    hex::encode(h.finalize())
}

pub(crate) fn append(statement: &Value) -> RegistryWrite {
    RegistryWrite::Log(LogWrite::Append { entry: canonical_json(statement).into_bytes() })
}

/// The entry a registry write is recorded by in the log, if any.
fn registry_entry(write: &RegistryWrite) -> Option<Value> {
    match write {
        RegistryWrite::Sign(s) => Some(json!({
            "type": "accord/signature/v1",
            "organization_id": s.organization_id,
            "accord_version": s.version.get(),
            "accord_sha256": s.accord_sha256,
            "public_key": s.public_key.to_base64(),
            "key_fingerprint": s.public_key.fingerprint(),
            "signature": s.signature.to_base64(),
            "statement_sha256": sha256_hex(s.statement.as_bytes()),
            "signed_at": s.signed_at,
        })),
        RegistryWrite::Withdraw { organization_id, reason, at } => Some(json!({
            "type": "accord/withdrawal/v1",
            "organization_id": organization_id,
            "reason": reason,
            "at": at,
        })),
        RegistryWrite::AddOrganizationKey { organization_id, key, at } => Some(json!({
            "type": "accord/organization-key-added/v1",
            "organization_id": organization_id,
            "public_key": key.to_base64(),
            "key_fingerprint": key.fingerprint(),
            "at": at,
        })),
        RegistryWrite::RevokeOrganizationKey { organization_id, fingerprint, at } => Some(json!({
            "type": "accord/organization-key-revoked/v1",
            "organization_id": organization_id,
            "key_fingerprint": fingerprint,
            "at": at,
        })),
        _ => None,
    }
}

/// A served tile or entry bundle.
#[derive(Debug, Clone)]
pub struct LogTile {
    pub bytes: Vec<u8>,
    /// A full tile never changes; a partial one is replaced as the log grows.
    pub full: bool,
}

/// A logged entry, for the public page.
#[derive(Debug, Clone)]
pub struct LogEntryView {
    pub index: u64,
    pub entry: String,
    pub kind: String,
}

impl App {
    /// The key that signs the log's checkpoints (its name is the log's origin).
    pub fn with_log_signer(mut self, signer: NoteSigner) -> Self {
        self.log_signer = Some(Arc::new(signer));
        self
    }

    /// The log's verifier key (`<origin>+<key id>+<key>`), if the log has a key.
    pub fn log_verifier_key(&self) -> Option<VerifierKey> {
        self.log_signer.as_ref().map(|s| s.verifier_key())
    }

    /// Commits writes in one transaction with their log entries: each registry event among
    /// them (signature, withdrawal, key added or revoked) is logged, as are the entries the
    /// writes already append. Returns the receipts (C2SP tlog-proof text), in entry order.
    pub(crate) async fn commit(
        &self,
        actor: &str,
        writes: Vec<RegistryWrite>,
    ) -> Result<Vec<String>, AppError> {
        let mut all = Vec::with_capacity(writes.len());
        for w in writes {
            let entry = registry_entry(&w);
            all.push(w);
            if let Some(entry) = entry {
                all.push(append(&entry));
            }
        }
        let appended: Vec<Appended> = self.store.write_logged(actor, all, self.log_signer.clone()).await?;
        if !appended.is_empty() {
            self.log_signal.notify_one();
        }
        Ok(appended.into_iter().map(|a| a.receipt.to_string()).collect())
    }

    /// The SHA-256 of each document a case advisory is exported as, as the server serves them:
    /// `accord` (the stored advisory document), `osv` (its OSV record), `cve` (its CVE JSON 5
    /// record per CVE id), and `csaf` and `csaf_vex` (its CSAF security advisory and VEX
    /// documents, when it names a product). CSAF documents carry the URL the server is reached
    /// at: they are hashed as served under the public URL ([`App::with_public_url`]), or, with
    /// none, to a request for `http://localhost`.
    pub(crate) fn published_document_hashes(
        &self,
        advisory_id: &str,
        document: &str,
    ) -> Result<Value, AppError> {
        let parsed: Value = serde_json::from_str(document).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut hashes = serde_json::Map::new();
        hashes.insert("accord".into(), json!(sha256_hex(document.as_bytes())));
        if let Ok(record) = crate::advisories::case_advisory_osv(advisory_id, &parsed) {
            let osv = serde_json::to_string(&record).map_err(|e| AppError::Internal(e.to_string()))?;
            hashes.insert("osv".into(), json!(sha256_hex(osv.as_bytes())));
            let mut cve = serde_json::Map::new();
            for id in accord_formats::cve::cve_ids(&record) {
                let products = Some(crate::advisory_cve::case_products(&parsed));
                let text = crate::advisory_cve::render_cve(&record, &id, &self.cve_assigner, products)?;
                cve.insert(id.to_string(), json!(sha256_hex(text.as_bytes())));
            }
            if !cve.is_empty() {
                hashes.insert("cve".into(), Value::Object(cve));
            }
        }
        if let Ok(advisory) = crate::csaf::case_advisory_csaf(advisory_id, &parsed) {
            let base = self.public_url.as_deref().unwrap_or("http://localhost");
            for (name, category) in [("csaf", Category::SecurityAdvisory), ("csaf_vex", Category::Vex)] {
                if let Some(text) = crate::csaf::render_json(&self.csaf_settings, &advisory, category, base)?
                {
                    hashes.insert(name.into(), json!(sha256_hex(text.as_bytes())));
                }
            }
        }
        Ok(Value::Object(hashes))
    }

    /// The latest signed checkpoint, with the log's signature first and then every witness's
    /// cosignature kept for it (a checkpoint of the empty tree, signed now, before the first
    /// entry). Not found when the log has no key.
    pub async fn log_checkpoint(&self) -> Result<String, AppError> {
        let signer = self.log_signer.as_ref().ok_or(AppError::NotFound("log"))?;
        let head = self.store.log_head().await?;
        if !head.checkpoint.is_empty() {
            let cosignatures = self.head_cosignatures(head.size, &head.root).await?;
            return Ok(crate::log_witnesses::with_cosignatures(head.checkpoint, &cosignatures));
        }
        let checkpoint = Checkpoint::new(signer.name().as_str(), 0, empty_root())
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(checkpoint.sign(signer).to_text())
    }

    /// A tile (`tile/<L>/<N>[.p/<W>]`) or entry bundle (`tile/entries/<N>[.p/<W>]`) of the log
    /// as it is now. Not found for a path that is not canonical or a tile beyond the tree.
    pub async fn log_tile(&self, path: &str) -> Result<LogTile, AppError> {
        if self.log_signer.is_none() {
            return Err(AppError::NotFound("log"));
        }
        let tile = Tile::parse_path(path).map_err(|_| AppError::NotFound("tile"))?;
        let size = self.store.log_head().await?.size;
        let width = u64::from(tile.width());
        let full = !tile.is_partial();
        match tile.kind() {
            TileKind::Entries => {
                let start = tile.index().checked_mul(256).ok_or(AppError::NotFound("tile"))?;
                let end =
                    start.checked_add(width).filter(|e| *e <= size).ok_or(AppError::NotFound("tile"))?;
                let entries = self.store.log_entries(start, end).await?;
                if entries.len() as u64 != width {
                    return Err(AppError::Internal(format!("log entries {start}..{end} are missing")));
                }
                let bytes = encode_entry_bundle(&entries).map_err(|e| AppError::Internal(e.to_string()))?;
                Ok(LogTile { bytes, full })
            }
            TileKind::Hashes { .. } => {
                let nodes = tile.stored_hashes();
                // The last hash of the tile is stored once the tree has its subtree's leaves.
                let last = nodes.last().ok_or(AppError::NotFound("tile"))?;
                let leaves = 1u64
                    .checked_shl(u32::from(last.level))
                    .and_then(|per_hash| (last.index + 1).checked_mul(per_hash));
                if leaves.is_none_or(|n| n > size) {
                    return Err(AppError::NotFound("tile"));
                }
                let hashes = self.store.log_hashes(nodes).await?;
                Ok(LogTile { bytes: encode_hash_tile(&hashes), full })
            }
        }
    }

    /// The log's size and its newest entries (at most `limit`), newest first.
    pub async fn log_recent(&self, limit: u64) -> Result<(u64, Vec<LogEntryView>), AppError> {
        let size = self.store.log_head().await?.size;
        let start = size.saturating_sub(limit);
        let entries = self.store.log_entries(start, size).await?;
        let mut views: Vec<LogEntryView> = entries
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                let entry = String::from_utf8_lossy(&e).into_owned();
                let kind = serde_json::from_str::<Value>(&entry)
                    .ok()
                    .and_then(|v| v["type"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                LogEntryView { index: start + i as u64, entry, kind }
            })
            .collect();
        views.reverse();
        Ok((size, views))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_come_from_the_public_url() {
        assert_eq!(log_origin(Some("https://Accord.Example/")), "accord.example/log");
        assert_eq!(log_origin(Some("http://127.0.0.1:8080/x?y")), "127.0.0.1:8080/log");
        assert_eq!(log_origin(Some("https://user@host.example")), "host.example/log");
        assert_eq!(log_origin(None), "localhost/log");
        assert_eq!(log_origin(Some("")), "localhost/log");
    }

    #[test]
    fn statements_are_canonical() {
        let v = json!({ "b": 1, "a": { "d": [ { "z": 1, "y": 2 } ], "c": "x y" } });
        assert_eq!(canonical_json(&v), r#"{"a":{"c":"x y","d":[{"y":2,"z":1}]},"b":1}"#);
    }

    #[test]
    fn commitments_bind_salt_and_summary() {
        let c = embargo_commitment(b"salt", "summary");
        assert_eq!(c, sha256_hex(b"saltsummary"));
        assert_ne!(c, embargo_commitment(b"salt", "summary."));
        assert_ne!(c, embargo_commitment(b"salt2", "summary"));
    }
}

#[cfg(test)]
mod demo_log {
    use super::*;
    use crate::StoreLocation;

    /// The demo's events are logged, and each embargo's reveal opens its commitment.
    #[tokio::test]
    async fn the_demo_is_logged_and_commitments_open() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(&StoreLocation::Sqlite(dir.path().to_path_buf()))
            .unwrap()
            .with_sealing_key(accord_model::seal::SealingKey::from_bytes([3; 32]))
            .with_log_signer(new_log_signer("test.example/log").unwrap());
        assert!(app.load_demo("2026-01-06T08:00:00Z".parse().unwrap()).await.unwrap());
        let (size, entries) = app.log_recent(10_000).await.unwrap();
        assert_eq!(entries.len() as u64, size);
        let kinds = |k: &str| entries.iter().filter(|e| e.kind == k).count();
        assert_eq!(kinds("accord/signature/v1"), 34);
        assert_eq!(kinds("accord/organization-key-added/v1"), 34);
        assert!(kinds("accord/advisory-published/v1") >= 1);
        let mut opened = std::collections::BTreeMap::new();
        for e in &entries {
            let v: Value = serde_json::from_str(&e.entry).unwrap();
            assert_eq!(canonical_json(&v), e.entry, "entry {} is canonical", e.index);
            if e.kind == "accord/embargo-opened/v1" {
                opened.insert(
                    v["case_id"].as_str().unwrap().to_owned(),
                    v["commitment"].as_str().unwrap().to_owned(),
                );
            }
        }
        let mut lifted = 0;
        for e in &entries {
            let v: Value = serde_json::from_str(&e.entry).unwrap();
            if e.kind == "accord/embargo-lifted/v1" {
                let salt = hex::decode(v["salt"].as_str().unwrap()).unwrap();
                let commitment = embargo_commitment(&salt, v["summary"].as_str().unwrap());
                assert_eq!(opened[v["case_id"].as_str().unwrap()], commitment);
                lifted += 1;
            }
        }
        assert!(lifted >= 1);
        // Each publication logs the SHA-256 of its CSAF documents as served (without a public
        // URL, to a request for http://localhost).
        let mut csaf = 0;
        for e in entries.iter().filter(|e| e.kind == "accord/advisory-published/v1") {
            let v: Value = serde_json::from_str(&e.entry).unwrap();
            let id = v["advisory_id"].as_str().unwrap();
            for (name, category) in [("csaf", Category::SecurityAdvisory), ("csaf_vex", Category::Vex)] {
                let served = app.advisory_csaf(id, category, "http://localhost").await.unwrap();
                assert_eq!(v["documents"][name], sha256_hex(served.json.as_bytes()), "{name} of {id}");
                csaf += 1;
            }
        }
        assert!(csaf >= 2);
        let checkpoint = app.log_checkpoint().await.unwrap();
        Checkpoint::open(checkpoint.as_bytes(), "test.example/log", &[app.log_verifier_key().unwrap()])
            .unwrap();
    }
}
