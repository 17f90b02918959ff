//! A transparency-log witness (C2SP tlog-witness v1), as `accord witness serve` runs it: it
//! follows the logs whose keys it trusts, and cosigns a checkpoint only when it is consistent
//! with the latest one it cosigned for that log. The rules are `accord_tlog::SignedRequest`'s;
//! here they meet the clock, the key and the witness's own store, whose check-and-update of a
//! log's record is one transaction committed before the answer.

use std::path::Path;
use std::sync::Arc;

use accord_store::sqlite::WitnessStore;
use accord_store::witness::{Evidence, WitnessedLog};
use accord_tlog::{
    Cosigner, KeyName, SignedRequest, TrustedLogs, VerifierKey, WitnessRefusal, WitnessedTree,
};
use jiff::Timestamp;

use crate::AppError;

/// Why a witness refuses a checkpoint, with the HTTP status of each reason.
pub use accord_tlog::WitnessRefusal as Refusal;

/// Makes a new cosigner key named `name` from the operating system's randomness.
pub fn new_cosigner(name: &str) -> Result<Cosigner, AppError> {
    let name = KeyName::new(name).map_err(|e| AppError::Internal(format!("witness name {name:?}: {e}")))?;
    Ok(Cosigner::from_seed(name, &crate::random::bytes::<32>()?))
}

/// The witness: its key, the logs it follows and its store. Cheap to clone.
#[derive(Clone)]
pub struct Witness {
    inner: Arc<Inner>,
}

struct Inner {
    store: WitnessStore,
    cosigner: Cosigner,
    logs: TrustedLogs,
}

/// Why the transaction of an add-checkpoint did not write.
enum Stop {
    Refused(WitnessRefusal),
    Failed(String),
}

impl Witness {
    /// Opens the witness's store in `data_dir` (making it when missing).
    pub fn open(data_dir: &Path, cosigner: Cosigner, logs: TrustedLogs) -> Result<Self, AppError> {
        let store = WitnessStore::open(data_dir)?;
        Ok(Self { inner: Arc::new(Inner { store, cosigner, logs }) })
    }

    /// The witness's verifier key (type 0x04), for the logs' configurations.
    pub fn verifier_key(&self) -> VerifierKey {
        self.inner.cosigner.verifier_key()
    }

    pub fn logs(&self) -> &TrustedLogs {
        &self.inner.logs
    }

    /// `add-checkpoint`: the cosignature line to answer with (200), or why the request is
    /// refused (with its status). A refused checkpoint validly signed by its log that
    /// contradicts what was cosigned before is kept as evidence.
    pub async fn add_checkpoint(
        &self,
        body: &[u8],
        now: Timestamp,
    ) -> Result<Result<String, WitnessRefusal>, AppError> {
        let signed = match SignedRequest::check(body, &self.inner.logs) {
            Ok(s) => s,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let timestamp = u64::try_from(now.as_second())
            .ok()
            .filter(|t| *t > 0)
            .ok_or_else(|| AppError::Internal(format!("the clock says {now}: no cosignature before 1970")))?;
        let origin = signed.origin().to_owned();
        let cosigner = self.inner.cosigner.clone();
        let request = signed.clone();
        let outcome = self
            .inner
            .store
            .update(origin.clone(), move |latest: Option<WitnessedLog>| {
                let seen = latest.as_ref().map(|l| WitnessedTree { size: l.size, root: l.root });
                request.check_against(seen.as_ref()).map_err(Stop::Refused)?;
                let (line, note) =
                    request.cosign(&cosigner, timestamp).map_err(|e| Stop::Failed(e.to_string()))?;
                let tree = request.tree();
                let record = WitnessedLog {
                    origin: request.origin().to_owned(),
                    size: tree.size,
                    root: tree.root,
                    checkpoint: note.to_text(),
                    updated_at: now,
                };
                Ok((record, line.to_string()))
            })
            .await?;
        match outcome {
            Ok(line) => {
                tracing::info!(%origin, size = signed.checkpoint.size(), "cosigned a checkpoint");
                Ok(Ok(line))
            }
            Err(Stop::Failed(message)) => Err(AppError::Internal(message)),
            Err(Stop::Refused(refusal)) => {
                if refusal.is_evidence() {
                    tracing::warn!(%origin, %refusal, "a checkpoint signed by the log contradicts the one cosigned before; kept as evidence");
                    let evidence = Evidence {
                        origin,
                        received_at: now,
                        reason: refusal.to_string(),
                        request: String::from_utf8_lossy(body).into_owned(),
                    };
                    self.inner.store.keep_evidence(evidence).await?;
                }
                Ok(Err(refusal))
            }
        }
    }

    /// The latest checkpoint cosigned for the log whose origin's SHA-256 is `origin_sha256`
    /// (lowercase hex), with the log's signatures and the cosignature (the monitoring API).
    pub async fn checkpoint(&self, origin_sha256: &str) -> Result<Option<String>, AppError> {
        if origin_sha256.len() != 64 || !origin_sha256.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Ok(None);
        }
        Ok(self.inner.store.by_origin_sha256(origin_sha256.to_owned()).await?.map(|l| l.checkpoint))
    }

    /// The latest checkpoint cosigned for each log, by origin.
    pub async fn witnessed(&self) -> Result<Vec<WitnessedLog>, AppError> {
        Ok(self.inner.store.logs().await?)
    }

    /// The refused checkpoints kept as evidence against the log `origin`, oldest first.
    pub async fn evidence(&self, origin: &str) -> Result<Vec<Evidence>, AppError> {
        Ok(self.inner.store.evidence(origin.to_owned()).await?)
    }
}

#[cfg(test)]
mod tests {
    use accord_tlog::{AddCheckpointRequest, Checkpoint, MemoryHashes, NoteSigner, consistency_proof};

    use super::*;

    const ORIGIN: &str = "log.example/log";

    fn tree(n: u32) -> MemoryHashes {
        let mut t = MemoryHashes::new();
        for i in 0..n {
            t.append(&i.to_be_bytes());
        }
        t
    }

    fn signer() -> NoteSigner {
        NoteSigner::from_seed(KeyName::new(ORIGIN).unwrap(), &[1; 32])
    }

    fn request(t: &MemoryHashes, old: u64, size: u64) -> Vec<u8> {
        let root = accord_tlog::root_hash(t, size).unwrap();
        let checkpoint = Checkpoint::new(ORIGIN, size, root).unwrap().sign(&signer());
        let proof = if old == 0 || old == size { vec![] } else { consistency_proof(t, old, size).unwrap() };
        AddCheckpointRequest { old, proof, checkpoint }.to_string().into_bytes()
    }

    fn witness(dir: &Path) -> Witness {
        let cosigner = Cosigner::from_seed(KeyName::new("witness.example/w").unwrap(), &[2; 32]);
        Witness::open(dir, cosigner, TrustedLogs::new([signer().verifier_key()])).unwrap()
    }

    fn now() -> Timestamp {
        "2026-03-01T12:00:00Z".parse().unwrap()
    }

    fn origin_sha256() -> String {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(ORIGIN))
    }

    /// The record survives a restart: the witness refuses to go back after it, and the fork
    /// it refuses is kept as evidence.
    #[tokio::test]
    async fn state_survives_reopen_and_forks_are_evidence() {
        let dir = tempfile::tempdir().unwrap();
        let t = tree(10);
        let w = witness(dir.path());
        let line = w.add_checkpoint(&request(&t, 0, 6), now()).await.unwrap().unwrap();
        assert!(line.starts_with("\u{2014} witness.example/w "));
        drop(w);
        let w = witness(dir.path());
        let served = w.checkpoint(&origin_sha256()).await.unwrap().unwrap();
        let keys = [signer().verifier_key(), w.verifier_key()];
        let (cp, note, verified) = Checkpoint::open(served.as_bytes(), ORIGIN, &keys).unwrap();
        assert_eq!((cp.size(), verified.len()), (6, 2));
        assert_eq!(note.signatures()[1].to_string(), line);
        // Back to 4: 409 (the witness is at 6).
        let back = w.add_checkpoint(&request(&t, 4, 4), now()).await.unwrap().unwrap_err();
        assert_eq!(back.status(), 409);
        // Another tree of size 6: 422, and kept.
        let mut forked = tree(5);
        forked.append(b"not the sixth entry");
        let root = accord_tlog::root_hash(&forked, 6).unwrap();
        let fork = Checkpoint::new(ORIGIN, 6, root).unwrap().sign(&signer());
        let body = AddCheckpointRequest { old: 6, proof: vec![], checkpoint: fork }.to_string();
        let refused = w.add_checkpoint(body.as_bytes(), now()).await.unwrap().unwrap_err();
        assert_eq!(refused.status(), 422);
        let evidence = w.evidence(ORIGIN).await.unwrap();
        assert_eq!(evidence.len(), 1);
        assert_eq!(evidence[0].request, body);
        // Nothing moved: the next consistent checkpoint is still accepted from 6.
        w.add_checkpoint(&request(&t, 6, 10), now()).await.unwrap().unwrap();
        assert_eq!(w.witnessed().await.unwrap()[0].size, 10);
        assert_eq!(w.checkpoint("ABC").await.unwrap(), None);
        assert_eq!(w.checkpoint(&"0".repeat(64)).await.unwrap(), None);
    }

    /// The rollback race of the spec: many requests at once, from the same old size to
    /// different sizes. Exactly one wins; the others learn the new size (409), so the witness
    /// never cosigns a smaller tree after a larger one.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn racing_requests_never_roll_back() {
        let dir = tempfile::tempdir().unwrap();
        let t = tree(40);
        let w = witness(dir.path());
        w.add_checkpoint(&request(&t, 0, 4), now()).await.unwrap().unwrap();
        let mut tasks = Vec::new();
        for size in 5..40u64 {
            let (w, body) = (w.clone(), request(&t, 4, size));
            tasks.push(tokio::spawn(async move { (size, w.add_checkpoint(&body, now()).await.unwrap()) }));
        }
        let mut won = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                (size, Ok(_)) => won.push(size),
                (_, Err(refusal)) => assert_eq!(refusal.status(), 409, "{refusal}"),
            }
        }
        assert_eq!(won.len(), 1, "{won:?}");
        assert_eq!(w.witnessed().await.unwrap()[0].size, won[0]);
    }
}
