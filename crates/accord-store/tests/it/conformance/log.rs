//! The transparency log: entries appended with the event they record, the checkpoint signed in
//! the same transaction, receipts, proofs and stored hashes.

use std::sync::Arc;

use accord_store::log::LogWrite;
use accord_store::{RegistryWrite, Store, StoreError};
use accord_tlog::{
    Checkpoint, KeyName, MemoryHashes, NodeIndex, NoteSigner, TlogProof, leaf_hash, verify_consistency,
};

use super::Harness;
use super::fixtures::*;

const ORIGIN: &str = "accord.example/log";

fn signer() -> Arc<NoteSigner> {
    Arc::new(NoteSigner::from_seed(KeyName::new(ORIGIN).unwrap(), &[7; 32]))
}

fn append(entry: &[u8]) -> RegistryWrite {
    RegistryWrite::Log(LogWrite::Append { entry: entry.to_vec() })
}

fn entry(n: usize) -> Vec<u8> {
    format!("{{\"n\":{n},\"type\":\"test/v1\"}}").into_bytes()
}

async fn append_many(store: &dyn Store, entries: &[Vec<u8>]) -> Vec<accord_store::log::Appended> {
    store
        .write_logged("test", entries.iter().map(|e| append(e)).collect(), Some(signer()))
        .await
        .expect("append")
}

pub async fn appends_return_receipts_that_verify(store: &dyn Store) {
    let head = store.log_head().await.unwrap();
    assert_eq!((head.size, head.checkpoint.as_str()), (0, ""));
    assert_eq!(head.root, accord_tlog::empty_root());
    let mut all = Vec::new();
    // Batches of 1, 2, 3 … entries: receipts are made against each batch's checkpoint.
    for batch in 1..=6 {
        let entries: Vec<Vec<u8>> = (all.len()..all.len() + batch).map(entry).collect();
        let appended = append_many(store, &entries).await;
        assert_eq!(appended.len(), batch);
        for (a, e) in appended.iter().zip(&entries) {
            assert_eq!(a.index, all.len() as u64);
            assert_eq!(&a.entry, e);
            all.push(e.clone());
            let text = a.receipt.to_string();
            let parsed = TlogProof::parse(text.as_bytes()).unwrap();
            let checkpoint = parsed
                .verify(&leaf_hash(e), ORIGIN, &signer().verifier_key(), &[], 0)
                .expect("receipt verifies");
            assert_eq!(checkpoint.size(), (1..=batch).sum::<usize>() as u64);
        }
    }
    let head = store.log_head().await.unwrap();
    assert_eq!(head.size, 21);
    let memory = MemoryHashes::from_leaf_hashes(all.iter().map(|e| leaf_hash(e)));
    assert_eq!(head.root, memory.root());
    let (checkpoint, _, _) =
        Checkpoint::open(head.checkpoint.as_bytes(), ORIGIN, &[signer().verifier_key()]).unwrap();
    assert_eq!((checkpoint.size(), *checkpoint.root()), (21, memory.root()));
    // A receipt that claims another entry does not verify.
    let first = TlogProof::parse(head_receipt(store, 3).await.as_bytes()).unwrap();
    assert!(first.verify(&leaf_hash(&entry(4)), ORIGIN, &signer().verifier_key(), &[], 0).is_err());
}

async fn head_receipt(store: &dyn Store, index: u64) -> String {
    let head = store.log_head().await.unwrap();
    let proof = store.log_inclusion_proof(index, head.size).await.unwrap();
    TlogProof {
        extra: None,
        index,
        proof,
        checkpoint: accord_tlog::Note::parse(head.checkpoint.as_bytes()).unwrap(),
    }
    .to_string()
}

pub async fn entries_hashes_and_proofs_match_a_tree_in_memory(store: &dyn Store) {
    let entries: Vec<Vec<u8>> = (0..300).map(entry).collect();
    for chunk in entries.chunks(37) {
        append_many(store, chunk).await;
    }
    let memory = MemoryHashes::from_leaf_hashes(entries.iter().map(|e| leaf_hash(e)));
    assert_eq!(store.log_entries(0, 300).await.unwrap(), entries);
    assert_eq!(store.log_entries(298, 1000).await.unwrap(), entries[298..]);
    assert!(store.log_entries(300, 400).await.unwrap().is_empty());
    let nodes =
        vec![NodeIndex::new(0, 0), NodeIndex::new(8, 0), NodeIndex::new(3, 36), NodeIndex::new(2, 74)];
    let stored = store.log_hashes(nodes.clone()).await.unwrap();
    let expected: Vec<_> = nodes.iter().map(|n| memory.get(*n).unwrap()).collect();
    assert_eq!(stored, expected);
    // Many at once (more than a statement reads), in the order asked.
    let many: Vec<NodeIndex> =
        (0..40u64).map(|i| NodeIndex::new((i % 3) as u8, (i * 37) % (300 >> (i % 3)))).collect();
    let expected: Vec<_> = many.iter().map(|n| memory.get(*n).unwrap()).collect();
    assert_eq!(store.log_hashes(many.clone()).await.unwrap(), expected);
    // Beyond the tree: not stored.
    assert!(matches!(store.log_hashes(vec![NodeIndex::new(0, 300)]).await, Err(StoreError::NotFound { .. })));
    let one_missing = vec![NodeIndex::new(0, 1), NodeIndex::new(0, 300), NodeIndex::new(1, 2)];
    assert!(matches!(store.log_hashes(one_missing).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(store.log_hashes(vec![NodeIndex::new(9, 0)]).await, Err(StoreError::NotFound { .. })));
    for (index, size) in [(0, 1), (5, 300), (299, 300), (255, 256), (100, 257)] {
        assert_eq!(
            store.log_inclusion_proof(index, size).await.unwrap(),
            accord_tlog::inclusion_proof(&memory, index, size).unwrap(),
            "inclusion of {index} in {size}"
        );
    }
    for (old, new) in [(1, 300), (37, 74), (256, 300), (299, 300), (300, 300)] {
        let proof = store.log_consistency_proof(old, new).await.unwrap();
        let old_root = accord_tlog::root_hash(&memory, old).unwrap();
        let new_root = accord_tlog::root_hash(&memory, new).unwrap();
        verify_consistency(old, new, &proof, &old_root, &new_root).expect("consistent");
    }
    assert!(store.log_inclusion_proof(300, 300).await.is_err());
    assert!(store.log_inclusion_proof(0, 301).await.is_err());
    assert!(store.log_consistency_proof(1, 301).await.is_err());
}

/// Proofs in a tree tall enough for the hashes a back end may keep in memory (the upper
/// levels): the same proofs as from the tree in memory, made twice (the second time from what
/// the first read), and again once the log has grown.
pub async fn proofs_in_a_tall_tree_stay_right_as_it_grows(store: &dyn Store) {
    let entries: Vec<Vec<u8>> = (0..5000).map(entry).collect();
    for chunk in entries[..4100].chunks(1000) {
        append_many(store, chunk).await;
    }
    let cases = [(0, 4100), (1023, 1024), (2047, 4096), (4099, 4100), (3001, 4097), (17, 2049)];
    let memory = MemoryHashes::from_leaf_hashes(entries.iter().map(|e| leaf_hash(e)));
    for _ in 0..2 {
        for (index, size) in cases {
            assert_eq!(
                store.log_inclusion_proof(index, size).await.unwrap(),
                accord_tlog::inclusion_proof(&memory, index, size).unwrap(),
                "inclusion of {index} in {size}"
            );
        }
        for (old, new) in [(1, 4100), (1024, 4096), (2049, 4100)] {
            assert_eq!(
                store.log_consistency_proof(old, new).await.unwrap(),
                accord_tlog::consistency_proof(&memory, old, new).unwrap(),
                "consistency of {old} with {new}"
            );
        }
    }
    append_many(store, &entries[4100..]).await;
    for (index, size) in cases.into_iter().chain([(4999, 5000), (100, 5000), (4500, 4608)]) {
        assert_eq!(
            store.log_inclusion_proof(index, size).await.unwrap(),
            accord_tlog::inclusion_proof(&memory, index, size).unwrap(),
            "inclusion of {index} in {size} after growth"
        );
    }
    assert_eq!(
        store.log_consistency_proof(4100, 5000).await.unwrap(),
        accord_tlog::consistency_proof(&memory, 4100, 5000).unwrap()
    );
}

pub async fn an_entry_commits_with_its_event_or_not_at_all(store: &dyn Store) {
    let v1 = accord(1);
    publish(store, &v1).await;
    let o = org("Example", "example.org");
    // Without the log's key: neither the organisation nor the entry.
    let refused = store
        .write_logged("test", vec![RegistryWrite::CreateOrganization(o.clone()), append(b"x")], None)
        .await;
    assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{refused:?}");
    assert!(store.organization(o.id).await.unwrap().is_none());
    assert_eq!(store.log_head().await.unwrap().size, 0);
    // A failing event after the entry: the entry is not appended either.
    let refused = store
        .write_logged(
            "test",
            vec![
                append(b"x"),
                RegistryWrite::Withdraw { organization_id: o.id, reason: "r".into(), at: day(1) },
            ],
            Some(signer()),
        )
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound { .. })), "{refused:?}");
    assert_eq!(store.log_head().await.unwrap().size, 0);
    assert!(store.log_entries(0, 10).await.unwrap().is_empty());
    // Entries of 0 and 65,536 bytes are refused, 65,535 accepted.
    for bad in [Vec::new(), vec![b'a'; 65_536]] {
        let refused = store.write_logged("test", vec![append(&bad)], Some(signer())).await;
        assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{} bytes", bad.len());
    }
    let big = vec![b'a'; 65_535];
    let appended = store
        .write_logged(
            "test",
            vec![RegistryWrite::CreateOrganization(o.clone()), append(&big)],
            Some(signer()),
        )
        .await
        .unwrap();
    assert_eq!(appended[0].index, 0);
    assert!(store.organization(o.id).await.unwrap().is_some());
    // A key of another origin cannot extend this log.
    let other = Arc::new(NoteSigner::from_seed(KeyName::new("other.example/log").unwrap(), &[7; 32]));
    let refused = store.write_logged("test", vec![append(b"y")], Some(other)).await;
    assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{refused:?}");
    // Writes without entries need no key and leave the head alone.
    store.write("test", vec![RegistryWrite::Invite { organization_id: o.id, at: day(2) }]).await.unwrap();
    assert_eq!(store.log_head().await.unwrap().size, 1);
}

pub async fn concurrent_appends_never_fork(store: &dyn Store) {
    // Writers race; each gets its own index, and every receipt is consistent with the last head.
    let store: &dyn Store = store;
    let mut tasks = Vec::new();
    for n in 0..16 {
        tasks.push(async move {
            store.write_logged("test", vec![append(&entry(n))], Some(signer())).await.unwrap()
        });
    }
    let results = futures_join(tasks).await;
    let mut indexes: Vec<u64> = results.iter().map(|a| a[0].index).collect();
    indexes.sort_unstable();
    assert_eq!(indexes, (0..16).collect::<Vec<_>>());
    let head = store.log_head().await.unwrap();
    assert_eq!(head.size, 16);
    for a in results.iter().flatten() {
        let cp = Checkpoint::parse(a.receipt.checkpoint.text()).unwrap();
        if cp.size() < head.size {
            let proof = store.log_consistency_proof(cp.size(), head.size).await.unwrap();
            verify_consistency(cp.size(), head.size, &proof, cp.root(), &head.root).expect("no fork");
        }
    }
}

/// Many callers write at once (the SQLite back end commits them together): each gets its own
/// answer, a caller whose writes fail leaves no row, audit line or entry behind, and the log
/// holds exactly the entries of the callers that succeeded, each where its receipt says.
pub async fn concurrent_writes_get_their_own_answers(store: &dyn Store) {
    let o = org("Example", "example.org");
    store.write("test", vec![RegistryWrite::CreateOrganization(o.clone())]).await.unwrap();
    let events_before = store.events(1000).await.unwrap().len();
    const CALLERS: usize = 40;
    const FAILS_AFTER_ITS_ENTRY: usize = 7;
    const CONFLICTS: usize = 13;
    const UNLOGGED: usize = 21;
    let key_of = |n: usize| public_key(u8::try_from(n + 1).unwrap());
    let writes = |n: usize| -> Vec<RegistryWrite> {
        let key = RegistryWrite::AddOrganizationKey { organization_id: o.id, key: key_of(n), at: day(1) };
        match n {
            // Its key and entry come first, then a write that fails: all of it goes.
            FAILS_AFTER_ITS_ENTRY => {
                vec![key, append(&entry(n)), RegistryWrite::Invite { organization_id: org_id(), at: day(1) }]
            }
            CONFLICTS => vec![RegistryWrite::CreateOrganization(org("Clash", "example.org"))],
            UNLOGGED => vec![RegistryWrite::Invite { organization_id: o.id, at: day(1) }],
            _ => vec![key, append(&entry(n))],
        }
    };
    let tasks = (0..CALLERS).map(|n| {
        let w = writes(n);
        async move { store.write_logged("test", w, Some(signer())).await }
    });
    let results = futures_join(tasks.collect()).await;

    let head = store.log_head().await.unwrap();
    let mut logged = Vec::new();
    for (n, result) in results.iter().enumerate() {
        match n {
            FAILS_AFTER_ITS_ENTRY => {
                assert!(matches!(result, Err(StoreError::NotFound { .. })), "{result:?}")
            }
            CONFLICTS => assert!(matches!(result, Err(StoreError::Conflict { .. })), "{result:?}"),
            UNLOGGED => assert!(result.as_ref().unwrap().is_empty()),
            _ => {
                let appended = result.as_ref().unwrap();
                assert_eq!(appended.len(), 1, "caller {n}");
                let a = &appended[0];
                assert_eq!(a.entry, entry(n));
                let cp = a
                    .receipt
                    .verify(&leaf_hash(&entry(n)), ORIGIN, &signer().verifier_key(), &[], 0)
                    .expect("the receipt verifies");
                assert_eq!(a.receipt.index, a.index);
                if cp.size() < head.size {
                    let proof = store.log_consistency_proof(cp.size(), head.size).await.unwrap();
                    verify_consistency(cp.size(), head.size, &proof, cp.root(), &head.root).expect("no fork");
                } else {
                    assert_eq!(*cp.root(), head.root);
                }
                logged.push((a.index, entry(n)));
            }
        }
    }
    // Exactly the entries of the callers that succeeded, each at the index of its receipt.
    logged.sort();
    assert_eq!(head.size, (CALLERS - 3) as u64);
    assert_eq!(logged.iter().map(|(i, _)| *i).collect::<Vec<_>>(), (0..head.size).collect::<Vec<_>>());
    let stored = store.log_entries(0, head.size).await.unwrap();
    assert_eq!(stored, logged.into_iter().map(|(_, e)| e).collect::<Vec<_>>());
    let memory = MemoryHashes::from_leaf_hashes(stored.iter().map(|e| leaf_hash(e)));
    assert_eq!(memory.root(), head.root);
    // The failed callers left nothing: not the key, not an audit line.
    let keys = store.organization_keys(o.id).await.unwrap();
    assert_eq!(keys.len(), CALLERS - 3);
    assert!(keys.iter().all(|k| k.public_key != key_of(FAILS_AFTER_ITS_ENTRY)));
    let events = store.events(1000).await.unwrap();
    assert_eq!(events.len() - events_before, CALLERS - 2, "one audit line per successful caller");
    let failed_fingerprint = key_of(FAILS_AFTER_ITS_ENTRY).fingerprint();
    assert!(events.iter().all(|e| !e.detail.contains(&failed_fingerprint)));
    assert_eq!(store.organizations(None).await.unwrap().len(), 1);
    assert_eq!(
        store.organization(o.id).await.unwrap().unwrap().status,
        accord_model::OrganizationStatus::Invited
    );
}

/// Runs the futures side by side (each awaits the store's blocking writer) and returns their
/// outputs in order.
async fn futures_join<F: std::future::Future>(tasks: Vec<F>) -> Vec<F::Output> {
    let mut tasks: Vec<_> = tasks.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = tasks.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        for (task, out) in tasks.iter_mut().zip(outputs.iter_mut()) {
            if out.is_none()
                && let std::task::Poll::Ready(o) = task.as_mut().poll(cx)
            {
                *out = Some(o);
            }
        }
        if outputs.iter().all(Option::is_some) {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs.into_iter().map(|o| o.expect("every task is done")).collect()
}

pub async fn the_log_survives_reopen(harness: &Harness) {
    let receipt = {
        let store = harness.open().await;
        append_many(&*store, &[entry(0), entry(1), entry(2)]).await.pop().unwrap().receipt
    };
    let store = harness.open().await;
    let head = store.log_head().await.unwrap();
    assert_eq!(head.size, 3);
    assert_eq!(head.checkpoint, receipt.checkpoint.to_text());
    let more = append_many(&*store, &[entry(3)]).await;
    assert_eq!(more[0].index, 3);
    receipt.verify(&leaf_hash(&entry(2)), ORIGIN, &signer().verifier_key(), &[], 0).unwrap();
}

fn cosignature(witness: &str, size: u64, line: &str) -> accord_store::log::Cosignature {
    accord_store::log::Cosignature {
        witness: witness.to_owned(),
        size,
        root: accord_tlog::Hash([size as u8; 32]),
        signature: format!("\u{2014} {line}\n"),
        cosigned_at: 1_700_000_000 + size,
        received_at: "2026-01-02T03:04:05Z".parse().unwrap(),
    }
}

pub async fn cosignatures_only_move_forward(store: &dyn Store) {
    assert!(store.log_cosignatures().await.unwrap().is_empty());
    assert!(store.keep_log_cosignature(cosignature("w2", 5, "w2 five")).await.unwrap());
    assert!(store.keep_log_cosignature(cosignature("w1", 3, "w1 three")).await.unwrap());
    // A larger tree replaces; the same size again replaces (a fresh timestamp); a smaller
    // tree does not.
    assert!(store.keep_log_cosignature(cosignature("w1", 7, "w1 seven")).await.unwrap());
    assert!(store.keep_log_cosignature(cosignature("w2", 5, "w2 five again")).await.unwrap());
    assert!(!store.keep_log_cosignature(cosignature("w2", 4, "w2 four")).await.unwrap());
    let kept = store.log_cosignatures().await.unwrap();
    assert_eq!(kept, vec![cosignature("w1", 7, "w1 seven"), cosignature("w2", 5, "w2 five again")]);
}
