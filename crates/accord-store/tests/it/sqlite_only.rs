//! Checks of the SQLite back end that the conformance suite cannot express.

use accord_store::StoreError;
use accord_store::sqlite::{DATABASE_FILE, SqliteStore};

fn migration_versions(dir: &std::path::Path) -> Vec<i64> {
    let conn = rusqlite::Connection::open(dir.join(DATABASE_FILE)).expect("open the database file");
    let mut stmt = conn.prepare("SELECT version FROM schema_migrations ORDER BY version").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn migrations_are_recorded_once() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..3 {
        let store = SqliteStore::open(dir.path()).expect("open");
        assert_eq!(store.path(), dir.path().join(DATABASE_FILE));
    }
    assert_eq!(
        migration_versions(dir.path()),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]
    );
}

#[test]
fn refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStore::open(dir.path()).expect("open"));
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    conn.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'now')",
        [],
    )
    .unwrap();
    drop(conn);
    match SqliteStore::open(dir.path()) {
        Err(StoreError::Backend(message)) => assert!(message.contains("999"), "{message}"),
        Err(other) => panic!("expected a back-end error, got {other:?}"),
        Ok(_) => panic!("a store with a newer schema must not open"),
    }
}

/// Migration numbers are reserved by changes made in parallel, so a store can meet a script
/// numbered below the newest one it recorded: it is applied all the same.
#[test]
fn a_migration_numbered_below_the_newest_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStore::open(dir.path()).expect("open"));
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    conn.execute_batch(
        "DROP TABLE taxii_statuses; DROP TABLE server_secrets;
         DELETE FROM schema_migrations WHERE version = 4;",
    )
    .unwrap();
    drop(conn);
    assert_eq!(
        migration_versions(dir.path()),
        [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]
    );
    drop(SqliteStore::open(dir.path()).expect("reopen"));
    assert_eq!(
        migration_versions(dir.path()),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]
    );
}

/// Commits do not checkpoint the WAL themselves: a thread of the store does, so what was
/// written reaches the database file while the writer goes on.
#[tokio::test]
async fn the_wal_is_copied_into_the_database_file_in_the_background() {
    use accord_store::Store;

    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).expect("open");
    let db_file = dir.path().join(DATABASE_FILE);
    let before = std::fs::metadata(&db_file).unwrap().len();
    // 8 imports of 100 records of 10 KiB: 8 MiB, twice the WAL size that wakes the checkpointer.
    let at = jiff::Timestamp::from_second(1_700_000_000).unwrap();
    for batch in 0..8 {
        store
            .import_osv("test", records_of_10_kib(&format!("TEST-{batch}"), 100, at), at)
            .await
            .expect("import");
    }
    let start = std::time::Instant::now();
    loop {
        let now = std::fs::metadata(&db_file).unwrap().len();
        if now >= before + 4 * 1024 * 1024 {
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "the database file stayed at {now} bytes (from {before}): nothing was checkpointed"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Closing the store does not copy the WAL into the database file (a command that wrote much
/// exits once its commit is durable); what was committed is there for the next reader, and the
/// next store to open copies it in the background.
#[tokio::test]
async fn a_wal_left_at_close_is_read_and_then_copied_by_the_next_store() {
    use accord_store::Store;

    let dir = tempfile::tempdir().unwrap();
    let db_file = dir.path().join(DATABASE_FILE);
    let store = SqliteStore::open(dir.path()).expect("open");
    // 3 MiB: less than what wakes the checkpointer, so nothing is copied while the store is open
    // (but the schema may be).
    let at = jiff::Timestamp::from_second(1_700_000_000).unwrap();
    store.import_osv("test", records_of_10_kib("TEST", 300, at), at).await.expect("import");
    drop(store);
    let closed = std::fs::metadata(&db_file).unwrap().len();
    assert!(closed < 1024 * 1024, "closing copied the WAL: the database file has {closed} bytes");
    let wal = dir.path().join(format!("{DATABASE_FILE}-wal"));
    assert!(std::fs::metadata(&wal).unwrap().len() > 3 * 1024 * 1024, "the commit is not in the WAL");

    let reader =
        rusqlite::Connection::open_with_flags(&db_file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let stored: i64 = reader.query_row("SELECT COUNT(*) FROM osv_advisories", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, 300);
    drop(reader);

    let store = SqliteStore::open(dir.path()).expect("reopen");
    let start = std::time::Instant::now();
    while std::fs::metadata(&db_file).unwrap().len() < closed + 3 * 1024 * 1024 {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "the reopened store did not copy the WAL left behind"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    drop(store);
}

/// `count` OSV records whose documents take about 10 KiB each as stored (compressed), ids
/// `{prefix}-0`, `{prefix}-1`, …
/// An import of many records trains a compression dictionary and keeps it with them; every
/// read gives back each document's text exactly; later imports use the same dictionary.
#[tokio::test]
async fn a_large_import_is_compressed_with_a_dictionary_and_reads_back_exactly() {
    use accord_store::Store;
    use accord_store::advisories::DICTIONARY_MIN_RECORDS;

    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).expect("open");
    let at = jiff::Timestamp::from_second(1_700_000_000).unwrap();
    assert!(store.osv_dictionary().await.unwrap().is_none());
    let count = DICTIONARY_MIN_RECORDS + 100;
    let records: Vec<_> = (0..count).map(|i| osv_like(i, at, "")).collect();
    let raw: usize = records.iter().map(|r| r.document.len()).sum();
    let counts = store.import_osv("test", records.clone(), at).await.expect("import");
    assert_eq!(counts.added, count as u64);
    let dictionary = store.osv_dictionary().await.unwrap().expect("a dictionary was trained");

    for r in records.iter().step_by(97) {
        let stored = store.osv_advisory(&r.id).await.unwrap().expect("stored");
        assert_eq!(stored.document, r.document);
    }
    let by_package = store.osv_by_package("PyPI", "pkg-3").await.unwrap();
    assert!(!by_package.is_empty());
    for (id, document) in &by_package {
        assert_eq!(Some(document), records.iter().find(|r| &r.id == id).map(|r| &r.document));
    }
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.osv_documents(after.as_deref(), 500).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.0.clone());
        all.extend(page);
    }
    let mut expected: Vec<(String, String)> =
        records.iter().map(|r| (r.id.clone(), r.document.clone())).collect();
    expected.sort();
    assert_eq!(all, expected);

    let reader = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    let stored: i64 =
        reader.query_row("SELECT SUM(length(document)) FROM osv_advisories", [], |r| r.get(0)).unwrap();
    assert!((stored as usize) * 3 < raw, "{stored} bytes stored for {raw} of text");

    // a later import (changed texts) keeps to the same dictionary
    let changed: Vec<_> = (0..count).map(|i| osv_like(i, at, " (revised)")).collect();
    let counts = store.import_osv("test", changed.clone(), at).await.expect("import");
    assert_eq!(counts.updated, count as u64);
    assert_eq!(store.osv_dictionary().await.unwrap().map(|d| d.id()), Some(dictionary.id()));
    let dictionaries: i64 =
        reader.query_row("SELECT COUNT(*) FROM osv_dictionaries", [], |r| r.get(0)).unwrap();
    assert_eq!(dictionaries, 1);
    let again = store.osv_advisory(&changed[5].id).await.unwrap().expect("stored");
    assert_eq!(again.document, changed[5].document);
}

/// A record whose document varies from one record to the next as real OSV records do.
fn osv_like(i: usize, at: jiff::Timestamp, suffix: &str) -> accord_store::advisories::OsvImport {
    let words = ["buffer", "overflow", "in", "parser", "allows", "remote", "attackers", "to", "crash"];
    let summary: Vec<&str> = (0..6).map(|k| words[(i * 7 + k * 3) % words.len()]).collect();
    let id = format!("TEST-{i:05}");
    let package = format!("pkg-{}", i % 97);
    let document = format!(
        r#"{{"schema_version":"1.6.0","id":"{id}","modified":"{at}","summary":"{}{suffix}","affected":[{{"package":{{"ecosystem":"PyPI","name":"{package}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"1.{}.{}"}}]}}]}}],"references":[{{"type":"WEB","url":"https://example.com/advisories/{i}"}}]}}"#,
        summary.join(" "),
        i % 13,
        i % 7
    );
    accord_store::advisories::OsvImport {
        id,
        modified: at.to_string(),
        modified_at: at,
        published: None,
        published_at: None,
        withdrawn: None,
        summary: Some(summary.join(" ")),
        aliases: Vec::new(),
        packages: vec![("PyPI".into(), package)],
        severity: None,
        document,
    }
}

/// `len` characters of a 64-letter alphabet drawn at random (xorshift from `seed`): 6 bits of
/// entropy each, so that compressed they still take about three quarters of their length.
fn noise(seed: u64, len: usize) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(ALPHABET[(x >> 58) as usize])
        })
        .collect()
}

fn records_of_10_kib(
    prefix: &str,
    count: usize,
    at: jiff::Timestamp,
) -> Vec<accord_store::advisories::OsvImport> {
    (0..count)
        .map(|i| {
            let id = format!("{prefix}-{i}");
            accord_store::advisories::OsvImport {
                id: id.clone(),
                modified: at.to_string(),
                modified_at: at,
                published: None,
                published_at: None,
                withdrawn: None,
                summary: None,
                aliases: Vec::new(),
                packages: Vec::new(),
                severity: None,
                document: format!(r#"{{"id":"{id}","details":"{}"}}"#, noise(i as u64, 13_700)),
            }
        })
        .collect()
}

/// On a multi-threaded runtime the log's proofs are read on the calling thread, with a
/// memory-mapped connection of their own: the same proofs as from the tree in memory, while
/// other tasks go on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proofs_on_a_multi_threaded_runtime_match_the_tree_in_memory() {
    use accord_store::log::LogWrite;
    use accord_store::{RegistryWrite, Store};
    use accord_tlog::{KeyName, MemoryHashes, NoteSigner, leaf_hash};

    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).expect("open");
    let signer =
        std::sync::Arc::new(NoteSigner::from_seed(KeyName::new("test.example/log").unwrap(), &[3; 32]));
    let entries: Vec<Vec<u8>> = (0..3000u32).map(|i| format!("entry {i}").into_bytes()).collect();
    for chunk in entries.chunks(500) {
        let writes =
            chunk.iter().map(|e| RegistryWrite::Log(LogWrite::Append { entry: e.clone() })).collect();
        store.write_logged("test", writes, Some(signer.clone())).await.expect("append");
    }
    let memory = MemoryHashes::from_leaf_hashes(entries.iter().map(|e| leaf_hash(e)));
    let tasks: Vec<_> = (0..8u64)
        .map(|t| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut proofs = Vec::new();
                for k in 0..50u64 {
                    let index = (t * 397 + k * 61) % 3000;
                    proofs.push((index, store.log_inclusion_proof(index, 3000).await.unwrap()));
                }
                proofs.push((u64::MAX, store.log_consistency_proof(1024, 3000).await.unwrap()));
                proofs
            })
        })
        .collect();
    for task in tasks {
        for (index, proof) in task.await.unwrap() {
            let expected = if index == u64::MAX {
                accord_tlog::consistency_proof(&memory, 1024, 3000).unwrap()
            } else {
                accord_tlog::inclusion_proof(&memory, index, 3000).unwrap()
            };
            assert_eq!(proof, expected, "proof for {index}");
        }
    }
}
