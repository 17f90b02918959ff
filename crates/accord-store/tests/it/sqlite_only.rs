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
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]
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
    assert_eq!(migration_versions(dir.path()), [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    drop(SqliteStore::open(dir.path()).expect("reopen"));
    assert_eq!(
        migration_versions(dir.path()),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]
    );
}
