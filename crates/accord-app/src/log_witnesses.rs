//! Witnesses of the server's own log: which ones it asks for cosignatures (C2SP tlog-witness),
//! the `add-checkpoint` request each needs, and the cosignatures they answer with, checked
//! against the witness's key before they are kept and served with the checkpoint.
//!
//! The conversation itself is `accord-client`'s (`log_witness`); it runs in the background
//! after the checkpoint changes, never in the request that wrote an entry.

use std::sync::Arc;

use accord_store::log::Cosignature;
use accord_tlog::{AddCheckpointRequest, Hash, Note, Policy, PolicyWitness, SignatureType, VerifierKey};
use jiff::Timestamp;

use crate::{App, AppError};

/// A witness the log asks for cosignatures.
#[derive(Debug, Clone)]
pub struct LogWitness {
    /// Its name in the policy (`w1`, … for witnesses given one by one).
    pub name: String,
    /// Its cosignature key (type 0x04).
    pub key: VerifierKey,
    /// Its submission prefix: requests go to `<url>/add-checkpoint`.
    pub url: String,
}

/// The log's witnesses and the quorum of them its checkpoints should carry.
#[derive(Debug, Clone)]
pub struct LogWitnesses {
    witnesses: Vec<LogWitness>,
    policy: Policy,
}

impl Default for LogWitnesses {
    fn default() -> Self {
        Self::from_list(Vec::new()).expect("no witness is a valid list")
    }
}

fn check_url(name: &str, url: &str) -> Result<String, String> {
    let url = url.trim_end_matches('/');
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.contains(char::is_whitespace) {
        return Err(format!("witness {name}: {url:?} is not an http:// or https:// URL"));
    }
    Ok(url.to_owned())
}

impl LogWitnesses {
    /// Witnesses given one by one (`--witness VKEY=URL`): each must cosign for the quorum.
    pub fn from_list(list: Vec<(VerifierKey, String)>) -> Result<Self, String> {
        let mut keys = Vec::with_capacity(list.len());
        for (i, (key, url)) in list.iter().enumerate() {
            if key.signature_type() != SignatureType::Cosignature {
                return Err(format!(
                    "witness {key}: a witness key is a cosignature key (type 0x04, tlog-cosignature v1)"
                ));
            }
            if keys.iter().any(|(k, _): &(VerifierKey, _)| k.key_bytes() == key.key_bytes()) {
                return Err(format!("witness {key} is given twice"));
            }
            keys.push((key.clone(), Some(check_url(&format!("w{}", i + 1), url)?)));
        }
        let n = keys.len();
        let policy = Policy::threshold(Vec::new(), keys, n).map_err(|e| e.to_string())?;
        Self::from_policy(policy, None)
    }

    /// The witnesses of a tlog-policy file, each with its URL, and its quorum. When the policy
    /// lists logs, `log_key` must be one of them.
    pub fn from_policy(policy: Policy, log_key: Option<&VerifierKey>) -> Result<Self, String> {
        if let Some(key) = log_key
            && !policy.logs().is_empty()
            && !policy.logs().iter().any(|l| l.key.to_string() == key.to_string())
        {
            return Err(format!("the policy lists logs, but not this server's log key {key}"));
        }
        let witnesses = policy
            .witnesses()
            .iter()
            .map(|w: &PolicyWitness| {
                let url = w.url.as_deref().ok_or_else(|| {
                    format!("witness {} has no URL in the policy: the server cannot ask it", w.name)
                })?;
                Ok(LogWitness { name: w.name.clone(), key: w.key.clone(), url: check_url(&w.name, url)? })
            })
            .collect::<Result<_, String>>()?;
        Ok(Self { witnesses, policy })
    }

    pub fn witnesses(&self) -> &[LogWitness] {
        &self.witnesses
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}

/// An `add-checkpoint` request for one witness: the log's head with a consistency proof from
/// the size the witness is believed to have cosigned.
#[derive(Debug, Clone)]
pub struct WitnessRequest {
    pub old: u64,
    pub size: u64,
    root: Hash,
    checkpoint: Note,
    /// The request body.
    pub body: String,
}

/// Whether the log's head is cosigned by a quorum of its witnesses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuorumStatus {
    pub size: u64,
    /// The names of the witnesses whose cosignature of the head is kept.
    pub cosigned: Vec<String>,
    pub met: bool,
}

impl App {
    /// The witnesses the log asks for cosignatures.
    pub fn with_log_witnesses(mut self, witnesses: LogWitnesses) -> Self {
        self.log_witnesses = Arc::new(witnesses);
        self
    }

    pub fn log_witnesses(&self) -> &[LogWitness] {
        self.log_witnesses.witnesses()
    }

    /// Woken whenever a write appended to the log, so the witnesses are asked at once.
    pub fn log_signal(&self) -> Arc<tokio::sync::Notify> {
        self.log_signal.clone()
    }

    /// The request that asks `witness` to cosign the log's head, with a consistency proof from
    /// `old` (by default the size of the witness's latest cosignature kept here, else 0);
    /// `None` when there is nothing to ask: the log is empty, or the witness's latest
    /// cosignature is of the head already.
    pub async fn witness_request(
        &self,
        witness: &LogWitness,
        old: Option<u64>,
    ) -> Result<Option<WitnessRequest>, AppError> {
        let head = self.store.log_head().await?;
        if head.size == 0 {
            return Ok(None);
        }
        let wanted = witness.key.to_string();
        let kept = self.store.log_cosignatures().await?.into_iter().find(|c| c.witness == wanted);
        let old = match (old, &kept) {
            (Some(old), _) => old,
            (None, Some(c)) if c.size == head.size && c.root == head.root => return Ok(None),
            (None, Some(c)) => c.size,
            (None, None) => 0,
        };
        if old > head.size {
            return Err(AppError::Conflict(accord_model::Refusal::Text(format!(
                "witness {} has cosigned a tree of size {old}, larger than this log's {}: another log \
                 under this origin and key, or a store restored from an old backup",
                witness.name, head.size
            ))));
        }
        let proof = if old == 0 || old == head.size {
            Vec::new()
        } else {
            self.store.log_consistency_proof(old, head.size).await?
        };
        let checkpoint = Note::parse(head.checkpoint.as_bytes())
            .map_err(|e| AppError::Internal(format!("the log's stored checkpoint: {e}")))?;
        let body = AddCheckpointRequest { old, proof, checkpoint: checkpoint.clone() }.to_string();
        Ok(Some(WitnessRequest { old, size: head.size, root: head.root, checkpoint, body }))
    }

    /// Checks a witness's answer to `request` (its cosignature lines) against the witness's key
    /// and keeps the cosignature; the lines of other keys are ignored.
    pub async fn keep_cosignature(
        &self,
        witness: &LogWitness,
        request: &WitnessRequest,
        answer: &[u8],
        now: Timestamp,
    ) -> Result<(), AppError> {
        let refused = |why: String| {
            AppError::SignatureRejected(format!("witness {} ({}): {why}", witness.name, witness.url))
        };
        let answer = std::str::from_utf8(answer).map_err(|_| refused("the answer is not UTF-8".into()))?;
        if answer.is_empty() || !answer.ends_with('\n') || !answer.lines().all(|l| l.starts_with('\u{2014}'))
        {
            return Err(refused("the answer is not signature lines".into()));
        }
        let mut text = request.checkpoint.text().to_owned();
        text.push('\n');
        text.push_str(answer);
        let note = Note::parse(text.as_bytes()).map_err(|e| refused(format!("the answer: {e}")))?;
        let verified = note.verify(std::slice::from_ref(&witness.key)).map_err(|e| {
            refused(format!("no valid cosignature of the checkpoint of size {}: {e}", request.size))
        })?;
        let Some(timestamp) = verified[0].timestamp else {
            return Err(refused("the signature carries no timestamp".into()));
        };
        let line = note
            .signatures()
            .iter()
            .find(|s| *s.name() == verified[0].name && s.key_id() == verified[0].key_id)
            .expect("a verified signature is one of the note's");
        let kept = self
            .store
            .keep_log_cosignature(Cosignature {
                witness: witness.key.to_string(),
                size: request.size,
                root: request.root,
                signature: line.to_string(),
                cosigned_at: timestamp,
                received_at: now,
            })
            .await?;
        if kept {
            tracing::debug!(witness = %witness.name, size = request.size, "kept a cosignature of the log");
        }
        Ok(())
    }

    /// The cosignature lines kept for the head `size`/`root`: the configured witnesses' in
    /// their order, then any other kept ones.
    pub(crate) async fn head_cosignatures(
        &self,
        size: u64,
        root: &Hash,
    ) -> Result<Vec<Cosignature>, AppError> {
        let mut all: Vec<Cosignature> = self
            .store
            .log_cosignatures()
            .await?
            .into_iter()
            .filter(|c| c.size == size && c.root == *root)
            .collect();
        let position = |c: &Cosignature| {
            self.log_witnesses().iter().position(|w| w.key.to_string() == c.witness).unwrap_or(usize::MAX)
        };
        all.sort_by_key(|c| position(c));
        all.truncate(accord_tlog::MAX_SIGNATURES - 1);
        Ok(all)
    }

    /// Whether the log's head carries cosignatures of a quorum of its witnesses; `None`
    /// without witnesses or before the first entry.
    pub async fn log_quorum(&self) -> Result<Option<QuorumStatus>, AppError> {
        if self.log_witnesses().is_empty() {
            return Ok(None);
        }
        let head = self.store.log_head().await?;
        if head.size == 0 {
            return Ok(None);
        }
        let kept = self.head_cosignatures(head.size, &head.root).await?;
        let cosigned = |key: &VerifierKey| kept.iter().any(|c| c.witness == key.to_string());
        let policy = self.log_witnesses.policy();
        let met = policy.quorum_met(|w| cosigned(&w.key));
        let names =
            self.log_witnesses().iter().filter(|w| cosigned(&w.key)).map(|w| w.name.clone()).collect();
        Ok(Some(QuorumStatus { size: head.size, cosigned: names, met }))
    }
}

/// The checkpoint `note` of the head with `cosignatures` appended after the log's signature.
pub(crate) fn with_cosignatures(note: String, cosignatures: &[Cosignature]) -> String {
    let mut note = note;
    for c in cosignatures {
        note.push_str(&c.signature);
    }
    note
}

#[cfg(test)]
mod tests {
    use accord_tlog::{Checkpoint, Cosigner, KeyName, TrustedLogs};
    use serde_json::json;

    use super::*;
    use crate::StoreLocation;
    use crate::witness::Witness;

    fn now() -> Timestamp {
        "2026-03-01T12:00:00Z".parse().unwrap()
    }

    async fn append(app: &App, n: usize) {
        for i in 0..n {
            app.commit("test", vec![crate::log::append(&json!({ "type": "test/v1", "n": i }))])
                .await
                .unwrap();
        }
    }

    fn cosigner(name: &str, seed: u8) -> Cosigner {
        Cosigner::from_seed(KeyName::new(name).unwrap(), &[seed; 32])
    }

    /// The log asks a witness (here the real witness use case, in process) and serves the
    /// cosignature with its checkpoint; the proof goes from the witness's last size; an answer
    /// that is not the witness's is refused and not kept.
    #[tokio::test]
    async fn cosignatures_are_asked_checked_kept_and_served() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(&StoreLocation::Sqlite(dir.path().join("log")))
            .unwrap()
            .with_log_signer(crate::log::new_log_signer("test.example/log").unwrap());
        let log_key = app.log_verifier_key().unwrap();
        let c1 = cosigner("w1.example/w", 1);
        let c2 = cosigner("w2.example/w", 2);
        let witnesses = LogWitnesses::from_list(vec![
            (c1.verifier_key(), "http://w1.example/".into()),
            (c2.verifier_key(), "http://w2.example".into()),
        ])
        .unwrap();
        assert_eq!(witnesses.witnesses()[0].url, "http://w1.example");
        let app = app.with_log_witnesses(witnesses);
        let w1 = app.log_witnesses()[0].clone();
        let witness = Witness::open(&dir.path().join("w1"), c1, TrustedLogs::new([log_key.clone()])).unwrap();

        // Nothing to ask before the first entry.
        assert!(app.witness_request(&w1, None).await.unwrap().is_none());
        assert_eq!(app.log_quorum().await.unwrap(), None);
        append(&app, 3).await;
        let request = app.witness_request(&w1, None).await.unwrap().unwrap();
        assert_eq!((request.old, request.size), (0, 3));
        let line = witness.add_checkpoint(request.body.as_bytes(), now()).await.unwrap().unwrap();
        app.keep_cosignature(&w1, &request, line.as_bytes(), now()).await.unwrap();
        let served = app.log_checkpoint().await.unwrap();
        let keys = [log_key.clone(), w1.key.clone()];
        let (_, note, verified) = Checkpoint::open(served.as_bytes(), "test.example/log", &keys).unwrap();
        assert_eq!(verified.len(), 2);
        assert_eq!(note.signatures()[0].name().as_str(), "test.example/log", "the log's signature first");
        assert_eq!(app.witness_request(&w1, None).await.unwrap().map(|r| r.old), None, "up to date");
        let status = app.log_quorum().await.unwrap().unwrap();
        assert_eq!((status.cosigned, status.met), (vec!["w1".to_owned()], false));

        // The log grows: the next request proves consistency from 3.
        append(&app, 4).await;
        assert!(app.log_checkpoint().await.unwrap().matches('\u{2014}').count() == 1, "no stale cosignature");
        let request = app.witness_request(&w1, None).await.unwrap().unwrap();
        assert_eq!((request.old, request.size), (3, 7));
        assert!(!request.body.starts_with("old 3\n\n"), "a proof from 3 to 7");
        // Someone else's cosignature (w2's key) is not w1's answer.
        let w2_line = cosigner("w2.example/w", 2).sign(request.checkpoint.text(), 1).unwrap().to_string();
        let refused = app.keep_cosignature(&w1, &request, w2_line.as_bytes(), now()).await.unwrap_err();
        assert!(matches!(refused, AppError::SignatureRejected(_)), "{refused}");
        // Neither is garbage, nor w1's line for another checkpoint.
        for bad in [&b"hello\n"[..], b"", line.as_bytes()] {
            assert!(app.keep_cosignature(&w1, &request, bad, now()).await.is_err());
        }
        let line = witness.add_checkpoint(request.body.as_bytes(), now()).await.unwrap().unwrap();
        app.keep_cosignature(&w1, &request, line.as_bytes(), now()).await.unwrap();
        assert_eq!(app.log_quorum().await.unwrap().unwrap().size, 7);

        // A witness that lost its state answers 409 with 0: the log asks again from 0.
        let fresh = Witness::open(
            &dir.path().join("w1-fresh"),
            cosigner("w1.example/w", 1),
            TrustedLogs::new([log_key.clone()]),
        )
        .unwrap();
        append(&app, 1).await;
        let request = app.witness_request(&w1, None).await.unwrap().unwrap();
        assert_eq!(request.old, 7);
        let refusal = fresh.add_checkpoint(request.body.as_bytes(), now()).await.unwrap().unwrap_err();
        assert_eq!(
            (refusal.status(), refusal),
            (409, accord_tlog::WitnessRefusal::Conflict { old: 7, latest: 0 })
        );
        let again = app.witness_request(&w1, Some(0)).await.unwrap().unwrap();
        let line = fresh.add_checkpoint(again.body.as_bytes(), now()).await.unwrap().unwrap();
        app.keep_cosignature(&w1, &again, line.as_bytes(), now()).await.unwrap();
        // A witness ahead of the log: refused before anything is sent.
        assert!(matches!(app.witness_request(&w1, Some(100)).await, Err(AppError::Conflict(_))));
    }

    #[test]
    fn witness_lists_and_policies() {
        let c = cosigner("w.example/w", 1).verifier_key();
        let log = crate::log::new_log_signer("test.example/log").unwrap().verifier_key();
        assert!(LogWitnesses::from_list(vec![(c.clone(), "ftp://x".into())]).is_err());
        assert!(
            LogWitnesses::from_list(vec![(c.clone(), "http://a".into()), (c.clone(), "http://b".into())])
                .is_err()
        );
        assert!(LogWitnesses::from_list(vec![(log.clone(), "http://a".into())]).is_err(), "a log key");
        let policy = Policy::parse(format!("witness A {c}\nquorum A\n").as_bytes()).unwrap();
        let err = LogWitnesses::from_policy(policy, Some(&log)).unwrap_err();
        assert!(err.contains("no URL"), "{err}");
        let other_log = crate::log::new_log_signer("other.example/log").unwrap().verifier_key();
        let text = format!("log {other_log}\nwitness A {c} http://a.example\nquorum A\n");
        let err = LogWitnesses::from_policy(Policy::parse(text.as_bytes()).unwrap(), Some(&log)).unwrap_err();
        assert!(err.contains("not this server's log key"), "{err}");
        let text = format!("log {log}\nwitness A {c} http://a.example/\nquorum A\n");
        let ok = LogWitnesses::from_policy(Policy::parse(text.as_bytes()).unwrap(), Some(&log)).unwrap();
        assert_eq!(ok.witnesses()[0].url, "http://a.example");
    }
}
