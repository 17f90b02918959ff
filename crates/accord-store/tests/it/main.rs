//! Integration tests of accord-store.
//!
//! [`conformance`] is the back-end-independent suite of the `Store` contract. Every back end
//! runs all of it through one `conformance_suite!` line below, which makes one `#[tokio::test]`
//! per conformance test (named `<backend>::<area>::<test>`). Checks that only make sense for one
//! back end live in their own module (`sqlite_only`).

mod conformance;
mod sqlite_only;

use accord_store::sqlite::SqliteStore;
use conformance::{Harness, conformance_suite};

conformance_suite!(sqlite, || async {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    // A folder that does not exist yet: `open` must create it.
    let data = dir.path().join("data");
    Harness::new(dir, move || {
        let data = data.clone();
        async move { SqliteStore::open(&data) }
    })
});

// The PostgreSQL back end will add one line here, e.g.
// conformance_suite!(postgres, || async { /* create a scratch database */ });
