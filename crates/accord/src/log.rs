//! `accord log verify` and `accord log audit`: check a transparency log from its public files.
//!
//! Exit codes: 0 when the log checks out, 1 with an explanation when it does not (bad
//! signature, fork, rollback, entries that do not make the signed root, a commitment its reveal
//! does not open, a document that is not logged, too few of the pinned witnesses' cosignatures),
//! 2 on usage or network errors.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use accord_client::log_fetch::LogFetcher;
use accord_tlog::{
    Checkpoint, Hash, MemoryHashes, Policy, PolicyWitness, ReadError, SignatureType, Tile, TileHashReader,
    TileReader, VerifiedSignature, VerifierKey, consistency_proof, entry_bundles_for_size, inclusion_proof,
    leaf_hash, parse_entry_bundle, verify_consistency, verify_inclusion,
};
use anyhow::Context;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::cli::{LogArgs, LogCommand};

/// Why the log does not check out (exit 1).
struct Failure(String);

type Checked<T> = Result<Result<T, Failure>, anyhow::Error>;

pub fn run(args: LogArgs) -> anyhow::Result<ExitCode> {
    let outcome = match args.command {
        LogCommand::Verify { url, key, state, document, witnesses, quorum, policy, wait } => {
            let key = parse_key(&key)?;
            let required = Cosigners::from_args(&key, &witnesses, quorum, policy.as_deref())?;
            let wait = Duration::from_secs(wait);
            verify(&url, &key, &required, wait, state.as_deref(), document.as_deref())?
        }
        LogCommand::Audit { url, key } => audit(&url, &key)?,
    };
    match outcome {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(Failure(why)) => {
            eprintln!("FAILED: {why}");
            Ok(ExitCode::from(1))
        }
    }
}

fn fetcher(url: &str) -> anyhow::Result<LogFetcher> {
    LogFetcher::new(url, Duration::from_secs(30)).map_err(|e| anyhow::anyhow!(e))
}

fn parse_key(key: &str) -> anyhow::Result<VerifierKey> {
    key.trim().parse().map_err(|e| anyhow::anyhow!("--key {key:?}: {e}"))
}

/// Fetches the checkpoint and checks it is the pinned log's, signed by its key.
fn checkpoint(log: &LogFetcher, key: &VerifierKey) -> Checked<(Checkpoint, String)> {
    Ok(cosigned_checkpoint(log, key, &Cosigners::none())?.map(|(cp, note, _)| (cp, note)))
}

/// Fetches the checkpoint and checks it is the pinned log's, signed by its key; the
/// cosignatures of the pinned witnesses are verified too (one that does not verify fails the
/// checkpoint), and returned.
fn cosigned_checkpoint(
    log: &LogFetcher,
    key: &VerifierKey,
    witnesses: &Cosigners,
) -> Checked<(Checkpoint, String, Vec<VerifiedSignature>)> {
    let bytes = log.get("checkpoint").map_err(|e| anyhow::anyhow!(e))?;
    let mut keys = vec![key.clone()];
    keys.extend(witnesses.policy.witnesses().iter().map(|w| w.key.clone()));
    let (cp, verified) = match Checkpoint::open(&bytes, key.name().as_str(), &keys) {
        Ok((cp, _, verified)) => (cp, verified),
        Err(e) => {
            return Ok(Err(Failure(format!("the checkpoint does not verify under the pinned keys: {e}"))));
        }
    };
    if !verified.iter().any(|v| v.name == *key.name() && v.key_id == key.key_id()) {
        return Ok(Err(Failure(format!("the checkpoint is not signed by the pinned log key {key}"))));
    }
    Ok(Ok((cp, String::from_utf8_lossy(&bytes).into_owned(), verified)))
}

/// The witnesses whose cosignatures `accord log verify` asks for, and their quorum.
struct Cosigners {
    policy: Policy,
    /// The quorum in words: `2 of 3`, or the policy's `quorum` line.
    quorum: String,
    /// Whether the witnesses have names of their own (from a policy file).
    named: bool,
}

impl Cosigners {
    fn none() -> Self {
        let policy = Policy::threshold(Vec::new(), Vec::new(), 0).expect("no witness, quorum 0");
        Self { policy, quorum: "none".into(), named: false }
    }

    fn from_args(
        log_key: &VerifierKey,
        witnesses: &[String],
        quorum: Option<usize>,
        policy: Option<&Path>,
    ) -> anyhow::Result<Self> {
        if let Some(path) = policy {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let policy = Policy::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            if !policy.logs().is_empty()
                && !policy.logs().iter().any(|l| l.key.to_string() == log_key.to_string())
            {
                anyhow::bail!(
                    "{}: the policy lists logs, but not the pinned log key {log_key}",
                    path.display()
                );
            }
            let quorum = format!("the policy's quorum {}", policy.quorum_name());
            return Ok(Self { policy, quorum, named: true });
        }
        let mut keys = Vec::with_capacity(witnesses.len());
        for w in witnesses {
            let key: VerifierKey = w.trim().parse().map_err(|e| anyhow::anyhow!("--witness {w:?}: {e}"))?;
            if key.signature_type() != SignatureType::Cosignature {
                anyhow::bail!("--witness {key}: a witness key is a cosignature key (type 0x04)");
            }
            keys.push((key, None));
        }
        let n = keys.len();
        let k = quorum.unwrap_or(n);
        let policy = Policy::threshold(Vec::new(), keys, k)
            .map_err(|_| anyhow::anyhow!("--quorum {k}: there are only {n} --witness keys"))?;
        Ok(Self { policy, quorum: format!("{k} of {n}"), named: false })
    }

    /// Whether the verified signatures meet the quorum; else why not, naming the witnesses
    /// missing.
    fn check(&self, size: u64, verified: &[VerifiedSignature]) -> Result<(), String> {
        let signed = |w: &PolicyWitness| {
            verified.iter().any(|v| v.name == *w.key.name() && v.key_id == w.key.key_id())
        };
        if self.policy.quorum_met(signed) {
            return Ok(());
        }
        let all = self.policy.witnesses();
        let missing: Vec<String> = all
            .iter()
            .filter(|w| !signed(w))
            .map(|w| if self.named { format!("{} ({})", w.name, w.key) } else { w.key.to_string() })
            .collect();
        let count = all.len() - missing.len();
        Err(format!(
            "the checkpoint of size {size} carries valid cosignatures of {count} of the {} pinned \
             witnesses, short of the quorum ({}); no cosignature from: {}",
            all.len(),
            self.quorum,
            missing.join(", ")
        ))
    }
}

/// Tiles fetched from the log's server, for proofs.
struct RemoteTiles<'a>(&'a LogFetcher);

impl TileReader for RemoteTiles<'_> {
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, ReadError> {
        tiles.iter().map(|t| self.0.get(&t.path()).map_err(|e| ReadError::Storage(Box::new(e)))).collect()
    }
}

/// Every entry of a tree of `size`, from the entry bundles.
fn all_entries(log: &LogFetcher, size: u64) -> Checked<Vec<Vec<u8>>> {
    let mut entries = Vec::new();
    for bundle in entry_bundles_for_size(size) {
        let bytes = log.get(&bundle.path()).map_err(|e| anyhow::anyhow!(e))?;
        match parse_entry_bundle(&bytes) {
            Ok(list) if list.len() == usize::from(bundle.width()) => {
                entries.extend(list.into_iter().map(<[u8]>::to_vec));
            }
            Ok(list) => {
                return Ok(Err(Failure(format!(
                    "{} holds {} entries, not {}",
                    bundle.path(),
                    list.len(),
                    bundle.width()
                ))));
            }
            Err(e) => return Ok(Err(Failure(format!("{}: {e}", bundle.path())))),
        }
    }
    Ok(Ok(entries))
}

fn verify(
    url: &str,
    key: &VerifierKey,
    witnesses: &Cosigners,
    wait: Duration,
    state: Option<&Path>,
    document: Option<&Path>,
) -> anyhow::Result<Result<(), Failure>> {
    let key = key.clone();
    let log = fetcher(url)?;
    let deadline = Instant::now() + wait;
    let (cp, note, verified) = loop {
        let (cp, note, verified) = match cosigned_checkpoint(&log, &key, witnesses)? {
            Ok(v) => v,
            Err(f) => return Ok(Err(f)),
        };
        match witnesses.check(cp.size(), &verified) {
            Ok(()) => break (cp, note, verified),
            Err(_) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_secs(1).min(deadline - Instant::now()));
            }
            Err(why) => return Ok(Err(Failure(why))),
        }
    };
    println!("checkpoint: {} size {} root {}", cp.origin(), cp.size(), cp.root());
    for w in witnesses.policy.witnesses() {
        if let Some(v) = verified.iter().find(|v| v.name == *w.key.name() && v.key_id == w.key.key_id()) {
            let at = v
                .timestamp
                .and_then(|t| i64::try_from(t).ok())
                .and_then(|t| jiff::Timestamp::from_second(t).ok());
            println!(
                "cosigned by {} at {}",
                w.key.name(),
                at.map_or_else(|| "?".to_owned(), |t| t.to_string())
            );
        }
    }
    let reader = TileHashReader::new(cp.size(), RemoteTiles(&log));
    if let Some(state) = state {
        match std::fs::read(state) {
            Ok(old) => {
                let old = match Checkpoint::open(&old, key.name().as_str(), std::slice::from_ref(&key)) {
                    Ok((old, _, _)) => old,
                    Err(e) => {
                        return Ok(Err(Failure(format!(
                            "the checkpoint in {} is not one of this log: {e}",
                            state.display()
                        ))));
                    }
                };
                if old.size() > cp.size() {
                    return Ok(Err(Failure(format!(
                        "the log went back from size {} to {}: rollback",
                        old.size(),
                        cp.size()
                    ))));
                }
                if old.size() == cp.size() && old.root() != cp.root() {
                    return Ok(Err(Failure(format!(
                        "fork: two checkpoints of size {} with different roots ({} and {})",
                        cp.size(),
                        old.root(),
                        cp.root()
                    ))));
                }
                if old.size() > 0 && old.size() < cp.size() {
                    let checked = consistency_proof(&reader, old.size(), cp.size())
                        .map_err(|e| e.to_string())
                        .and_then(|p| {
                            verify_consistency(old.size(), cp.size(), &p, old.root(), cp.root())
                                .map_err(|e| e.to_string())
                        });
                    if let Err(e) = checked {
                        return Ok(Err(Failure(format!(
                            "fork: the log at size {} is not consistent with the checkpoint of size {} seen before: {e}",
                            cp.size(),
                            old.size()
                        ))));
                    }
                }
                println!("consistent with the checkpoint of size {} seen before", old.size());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                println!("no checkpoint seen before ({} is new)", state.display());
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", state.display())),
        }
        write_state(state, &note)?;
    }
    if let Some(document) = document {
        let bytes = std::fs::read(document).with_context(|| format!("cannot read {}", document.display()))?;
        let digest = hex::encode(Sha256::digest(&bytes));
        let entries = match all_entries(&log, cp.size())? {
            Ok(e) => e,
            Err(f) => return Ok(Err(f)),
        };
        let found = entries.iter().enumerate().find(|(_, e)| {
            serde_json::from_slice::<Value>(e).is_ok_and(|v| {
                v["type"] == "accord/advisory-published/v1"
                    && document_hashes(&v["documents"]).contains(&digest)
            })
        });
        let Some((index, entry)) = found else {
            return Ok(Err(Failure(format!(
                "no advisory publication in the log has the SHA-256 of {} ({digest})",
                document.display()
            ))));
        };
        let index = index as u64;
        let checked = inclusion_proof(&reader, index, cp.size()).map_err(|e| e.to_string()).and_then(|p| {
            verify_inclusion(index, cp.size(), &leaf_hash(entry), &p, cp.root()).map_err(|e| e.to_string())
        });
        if let Err(e) = checked {
            return Ok(Err(Failure(format!("entry {index} is not in the signed tree: {e}"))));
        }
        println!(
            "{} (sha256 {digest}) is logged at index {index}: {}",
            document.display(),
            String::from_utf8_lossy(entry)
        );
    }
    println!("OK");
    Ok(Ok(()))
}

/// Every SHA-256 of an advisory-published entry's `documents` (strings at any depth).
fn document_hashes(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Object(m) => m.values().flat_map(document_hashes).collect(),
        Value::Array(a) => a.iter().flat_map(document_hashes).collect(),
        _ => Vec::new(),
    }
}

fn write_state(path: &Path, note: &str) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, note).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// An embargo the log opened: where, its commitment, and the entry that closed it without
/// publication (none while it is open, or after it was reopened).
struct Embargo {
    opened_at: u64,
    commitment: String,
    closed_at: Option<u64>,
}

fn audit(url: &str, key: &str) -> anyhow::Result<Result<(), Failure>> {
    let key = parse_key(key)?;
    let log = fetcher(url)?;
    let (cp, _) = match checkpoint(&log, &key)? {
        Ok(v) => v,
        Err(f) => return Ok(Err(f)),
    };
    let entries = match all_entries(&log, cp.size())? {
        Ok(e) => e,
        Err(f) => return Ok(Err(f)),
    };
    let tree = MemoryHashes::from_leaf_hashes(entries.iter().map(|e| leaf_hash(e)));
    let root: Hash = tree.root();
    if root != *cp.root() {
        return Ok(Err(Failure(format!(
            "the {} entries make the root {root}, but the checkpoint signs {}",
            entries.len(),
            cp.root()
        ))));
    }
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    let mut opened: BTreeMap<String, Embargo> = BTreeMap::new();
    let mut lifted = 0;
    for (index, entry) in entries.iter().enumerate() {
        let index = index as u64;
        let Ok(v) = serde_json::from_slice::<Value>(entry) else {
            return Ok(Err(Failure(format!("entry {index} is not JSON"))));
        };
        let kind = v["type"].as_str().unwrap_or("(no type)").to_owned();
        *kinds.entry(kind.clone()).or_default() += 1;
        let case = v["case_id"].as_str().unwrap_or_default().to_owned();
        match kind.as_str() {
            "accord/embargo-opened/v1" => {
                let commitment = v["commitment"].as_str().unwrap_or_default().to_owned();
                opened.insert(case, Embargo { opened_at: index, commitment, closed_at: None });
            }
            "accord/embargo-closed/v1" | "accord/embargo-reopened/v1" => {
                let closing = kind == "accord/embargo-closed/v1";
                let Some(embargo) = opened.get_mut(&case) else {
                    let what = if closing { "closed" } else { "reopened" };
                    println!("entry {index}: embargo of case {case} {what}, opened before the log began");
                    continue;
                };
                if closing && embargo.closed_at.is_some() {
                    return Ok(Err(Failure(format!(
                        "entry {index}: the embargo of case {case} is closed again without a reopening"
                    ))));
                }
                if !closing && embargo.closed_at.is_none() {
                    // Closing was logged from a later version of Accord on.
                    println!("entry {index}: embargo of case {case} reopened, its closing not logged");
                }
                embargo.closed_at = closing.then_some(index);
            }
            "accord/embargo-lifted/v1" => {
                let Some(Embargo { opened_at: at, commitment, closed_at }) = opened.remove(&case) else {
                    println!("entry {index}: embargo of case {case} lifted, opened before the log began");
                    continue;
                };
                if let Some(closed) = closed_at {
                    return Ok(Err(Failure(format!(
                        "entry {index}: the embargo of case {case} is lifted, but it was closed at entry {closed} and not reopened"
                    ))));
                }
                let (Some(salt), Some(summary)) = (v["salt"].as_str(), v["summary"].as_str()) else {
                    return Ok(Err(Failure(format!(
                        "entry {index}: the embargo of case {case} (opened at entry {at}) is lifted without its reveal"
                    ))));
                };
                let Ok(salt) = hex::decode(salt) else {
                    return Ok(Err(Failure(format!("entry {index}: the salt is not hexadecimal"))));
                };
                let mut h = Sha256::new();
                h.update(&salt);
                h.update(summary.as_bytes());
                if hex::encode(h.finalize()) != commitment {
                    return Ok(Err(Failure(format!(
                        "entry {index}: the reveal of case {case} does not open the commitment of entry {at}"
                    ))));
                }
                lifted += 1;
            }
            _ => {}
        }
    }
    println!("checkpoint: {} size {} root {}", cp.origin(), cp.size(), cp.root());
    println!("the {} entries make the signed root", entries.len());
    for (kind, n) in &kinds {
        println!("  {n:>6}  {kind}");
    }
    println!("{lifted} embargo commitments opened by their reveal");
    let closed = opened.values().filter(|e| e.closed_at.is_some()).count();
    println!("{closed} embargoes closed without publication (their commitments are never revealed)");
    for (case, e) in &opened {
        match e.closed_at {
            Some(closed) => println!(
                "embargo of case {case} opened at entry {}, closed without publication at entry {closed}",
                e.opened_at
            ),
            None => println!("embargo of case {case} opened at entry {}, not lifted yet", e.opened_at),
        }
    }
    println!("OK");
    Ok(Ok(()))
}
