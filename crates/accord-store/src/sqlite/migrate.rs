//! A small migration runner: numbered SQL scripts embedded in the binary, each applied once in
//! its own transaction and recorded in `schema_migrations`.
//!
//! Every script not yet recorded is applied, in order, even one numbered below the newest
//! recorded: numbers are reserved by changes made in parallel, so a store may meet a lower number
//! after a higher one. A script must therefore not rely on the scripts of another change under
//! way. A store that recorded a script this binary does not know is refused.

use rusqlite::Connection;

use super::backend;
use crate::StoreError;

/// (version, name, SQL), in order. Never edit a released script: add a new one.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "registry", include_str!("../../migrations/sqlite/0001_registry.sql")),
    (2, "taxii_collections", include_str!("../../migrations/sqlite/0002_taxii_collections.sql")),
    (3, "stix_objects", include_str!("../../migrations/sqlite/0003_stix_objects.sql")),
    (4, "taxii_status", include_str!("../../migrations/sqlite/0004_taxii_status.sql")),
    (5, "object_sharing", include_str!("../../migrations/sqlite/0005_object_sharing.sql")),
    (6, "taxii_pull_points", include_str!("../../migrations/sqlite/0006_taxii_pull_points.sql")),
    (7, "cvd", include_str!("../../migrations/sqlite/0007_cvd.sql")),
    (8, "outbox", include_str!("../../migrations/sqlite/0008_outbox.sql")),
    (9, "stix_objects_by_date", include_str!("../../migrations/sqlite/0009_stix_objects_by_date.sql")),
    (10, "cvd_messages", include_str!("../../migrations/sqlite/0010_cvd_messages.sql")),
    (11, "cvd_attachments", include_str!("../../migrations/sqlite/0011_cvd_attachments.sql")),
    (12, "cvd_advisory_details", include_str!("../../migrations/sqlite/0012_cvd_advisory_details.sql")),
    (
        14,
        "outbox_sealed_destination",
        include_str!("../../migrations/sqlite/0014_outbox_sealed_destination.sql"),
    ),
];

pub(super) fn run(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at TEXT NOT NULL
         ) STRICT;",
    )
    .map_err(backend)?;
    let applied: Vec<i64> = conn
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(backend)?;
    let newest = MIGRATIONS.last().map_or(0, |m| m.0);
    if let Some(unknown) = applied.iter().find(|v| !MIGRATIONS.iter().any(|m| m.0 == **v)) {
        return Err(StoreError::Backend(format!(
            "the store's schema has migration {unknown}, which this accord binary does not know \
             (it knows up to {newest}); upgrade accord"
        )));
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| !applied.contains(&m.0)) {
        let tx = conn.transaction().map_err(backend)?;
        tx.execute_batch(sql)
            .map_err(|e| StoreError::Backend(format!("migration {version} ({name}) failed: {e}")))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at)
             VALUES ($1, $2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            (version, name),
        )
        .map_err(backend)?;
        tx.commit().map_err(backend)?;
        tracing::info!(version, name, "applied store migration");
    }
    Ok(())
}
